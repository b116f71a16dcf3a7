/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats' per-packet logic, the same at XDP and tc: classify the packet as fw
 * does (parse_l3, parse_slot) and add it to its (interface, hook, family,
 * slot) counter. It never judges: whatever it finds, even a frame it cannot
 * parse, the caller passes the packet on (stats fails open).
 *
 * The maps are pinned by name, so every load of stats.o (tc, ip, tcctl, at
 * any hook and device) adds to one set of counters. Layouts: ../abi/stats.h.
 */
#ifndef TCCTL_LIB_STATS_H
#define TCCTL_LIB_STATS_H

#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

#include "../abi/stats.h"
#include "ctx.h"
#include "parse.h"

/* p->hook and parse_slot() speak fw's enums; the key stores them as they are */
_Static_assert(STATS_HOOK_XDP == FW_HOOK_XDP && STATS_HOOK_TC_INGRESS == FW_HOOK_TC_INGRESS &&
		       STATS_HOOK_TC_EGRESS == FW_HOOK_TC_EGRESS,
	       "stats hooks are fw's");
_Static_assert(STATS_SLOT_NON_IP == FW_SLOT_NON_IP && STATS_SLOT_MALFORMED == FW_SLOT_MALFORMED,
	       "stats slots are fw's");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, STATS_PROTO_ENTRIES);
	__type(key, struct stats_key);
	__type(value, struct stats_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats_proto SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STATS_OVERFLOW_ENTRIES);
	__type(key, __u32);
	__type(value, struct stats_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats_overflow SEC(".maps");

static __always_inline void stats_add(struct stats_counter *c, __u32 len)
{
	c->packets++; /* per-CPU: no other writer */
	c->bytes += len;
}

static __always_inline __u8 stats_family(const struct l3 *l3)
{
	/* parse_eth sets proto before any IP header is read: a malformed IP frame keeps it */
	switch (l3->proto) {
	case ETH_P_IP:
		return STATS_FAMILY_IPV4;
	case ETH_P_IPV6:
		return STATS_FAMILY_IPV6;
	default:
		return STATS_FAMILY_NONE;
	}
}

static __always_inline void stats_overflowed(__u32 index, __u32 len)
{
	struct stats_counter *c;

	c = bpf_map_lookup_elem(&stats_overflow, &index);
	if (c)
		stats_add(c, len);
}

static __always_inline void stats_count(struct pkt *p)
{
	struct l3 l3 = {};
	int parsed = parse_l3(p, &l3);
	struct stats_key key = {
		.ifindex = p->ifindex,
		.hook = p->hook,
		.family = stats_family(&l3),
		.slot = parse_slot(parsed, &l3),
	};
	struct stats_counter *c, first = { .packets = 1, .bytes = p->len };
	long ret;

	c = bpf_map_lookup_elem(&stats_proto, &key);
	if (c) {
		stats_add(c, p->len);
		return;
	}
	/*
	 * A new key. An update from a program writes this CPU's value and
	 * zeroes the others'. NOEXIST: another CPU may have added the key since
	 * our lookup, and a plain update would wipe what it counted.
	 */
	ret = bpf_map_update_elem(&stats_proto, &key, &first, BPF_NOEXIST);
	if (!ret)
		return;
	if (ret == -EEXIST) {
		c = bpf_map_lookup_elem(&stats_proto, &key);
		if (c) {
			stats_add(c, p->len);
			return;
		}
	}
	/* full (-E2BIG), or deleted by a reset just now: count it where it fits */
	stats_overflowed(STATS_OVERFLOW_PROTO, p->len);
}

#endif /* TCCTL_LIB_STATS_H */
