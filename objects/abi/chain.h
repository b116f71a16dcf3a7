/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XDP chaining: several objects on one device's XDP hook, in a chosen order.
 * A device has one XDP program; libxdp's dispatcher needs freplace, which
 * this kernel refuses. So tcctl attaches a small root program (chain.o) that
 * tail-calls the first program of the device's chain; each chained program
 * tail-calls the next when its verdict is pass. Drop, or any other verdict,
 * ends the chain; passing the last one passes the packet.
 *
 * Shared by the BPF side, tcctl and the tests. All maps are pinned by name
 * in /sys/fs/bpf/tc/globals and shared by every object that can be chained.
 *
 * chain_progs is an array of program slots. A chain owns two banks of
 * CHAIN_LEN slots; the live bank is the one chain_heads names. tcctl builds
 * a new order in the spare bank and switches with a single head update, so
 * a packet meets either the old order or the new one, never a mix.
 */
#ifndef TCCTL_ABI_CHAIN_H
#define TCCTL_ABI_CHAIN_H

#include <linux/types.h>

#define CHAIN_MAP_PROGS	 "chain_progs"
#define CHAIN_MAP_HEADS	 "chain_heads"
#define CHAIN_MAP_CURSOR "chain_cursor"

#define CHAIN_LEN   8	/* programs in one chain */
#define CHAIN_MAX   256 /* devices with a chain, over all namespaces */
#define CHAIN_SLOTS (CHAIN_MAX * 2 * CHAIN_LEN)

/* the first slot of a chain's bank */
#define CHAIN_BANK_SLOT(chain, bank) (((chain) * 2 + (bank)) * CHAIN_LEN)

/* chain_heads: array, key __u32 chain id (the root program's chain_id) */
struct chain_head {
	__u64 netns;   /* the device's network namespace (inode of /proc/self/ns/net); 0: free */
	__u32 ifindex; /* the device, in that namespace */
	__u32 first;   /* the slot the root tail-calls: CHAIN_BANK_SLOT(id, live bank) */
};

_Static_assert(sizeof(struct chain_head) == 16, "chain_head is an ABI");

/* chain_cursor: per-CPU array, one __u32: the slot now running on this CPU */

#endif /* TCCTL_ABI_CHAIN_H */
