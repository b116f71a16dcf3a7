/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The chained side of XDP chaining (abi/chain.h): the maps every chainable
 * object shares, and the pass that goes on to the next program.
 *
 * An object is loaded standalone (by ip, or tcctl on a device of its own)
 * or as a chain member: tcctl sets chain_member in .rodata before it loads
 * it for a chain. Standalone, the verifier sees a constant false and drops
 * the tail call, so the program behaves exactly as before.
 *
 * The per-CPU cursor says which slot runs: an XDP program runs to completion
 * on its CPU (NAPI or the generic hook, bottom halves off), so nothing else
 * can move the cursor between the root's write and the last program's read.
 */
#ifndef TCCTL_LIB_CHAIN_H
#define TCCTL_LIB_CHAIN_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../abi/chain.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, CHAIN_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} chain_progs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CHAIN_MAX);
	__type(key, __u32);
	__type(value, struct chain_head);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} chain_heads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} chain_cursor SEC(".maps");

/* set by tcctl when it loads this object as a member of a chain */
const volatile __u8 chain_member;

/* tail-calls slot; returns only when the slot is empty (the chain's end) */
static __always_inline int chain_run(struct xdp_md *ctx, __u32 slot)
{
	__u32 zero = 0, *cursor;

	cursor = bpf_map_lookup_elem(&chain_cursor, &zero);
	if (!cursor)
		return XDP_PASS; /* cannot happen: a one-entry array */
	*cursor = slot;
	bpf_tail_call(ctx, &chain_progs, slot);
	return XDP_PASS; /* nobody after us: the packet passes */
}

/* what an object's XDP program returns: its verdict, or on pass the next program's */
static __always_inline int chain_xdp_verdict(struct xdp_md *ctx, int verdict)
{
	__u32 zero = 0, *cursor, next;

	if (!chain_member || verdict != XDP_PASS)
		return verdict;
	cursor = bpf_map_lookup_elem(&chain_cursor, &zero);
	if (!cursor)
		return XDP_PASS;
	next = *cursor + 1;
	if (next % CHAIN_LEN == 0 || next >= CHAIN_SLOTS)
		return XDP_PASS; /* the bank's last position ran */
	return chain_run(ctx, next);
}

#endif /* TCCTL_LIB_CHAIN_H */
