/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The redir object's maps, as an ABI shared by the BPF program, tcctl and
 * the tests. redir is a same-host port redirect: a TCP or UDP packet for
 * local port A (optionally only for one local address, only on one device)
 * is delivered to the socket on port B with bpf_sk_assign at tc ingress, its
 * headers untouched. A TCP connection accepted that way has local port A, so
 * its replies need nothing; a UDP socket on B answers from B, and the same
 * program at tc egress puts A back in the source port of those replies,
 * for the flows it assigned (redir_flows). docs/design-decisions.md says why.
 *
 * Addresses are 16 bytes in network order, IPv4 as IPv4-mapped IPv6
 * (::ffff:a.b.c.d) as in fw; all zero means any address. Ports are network
 * order (inet_port_t); everything else host order. Layouts are fixed-width
 * and asserted; the ABI grows by new maps, never by reshaping one.
 */
#ifndef TCCTL_ABI_REDIR_H
#define TCCTL_ABI_REDIR_H

#include <linux/types.h>

#include "types.h"

/* Map names: the pin file names under /sys/fs/bpf/tc/globals/ (15 characters at most). */
#define REDIR_MAP_RULES "redir_rules"
#define REDIR_MAP_STATS "redir_stats"
#define REDIR_MAP_FLOWS "redir_flows"

#define REDIR_MAX_RULES 1024  /* redirects, and ids for their counters */
#define REDIR_FLOWS	65536 /* UDP flows whose replies get port A back, LRU */

enum redir_family {
	REDIR_FAMILY_IPV4 = 4,
	REDIR_FAMILY_IPV6 = 6,
};

/*
 * redir_rules: BPF_MAP_TYPE_HASH, key struct redir_key, value struct redir_val.
 * A packet looks for its redirect from the most specific to the least:
 * (device, address), (device, any address), (any device, address), (any, any).
 */
struct redir_key {
	__u32 ifindex;	  /* the device the packet arrives on; 0: any device */
	__u8 family;	  /* enum redir_family */
	__u8 proto;	  /* IPPROTO_TCP or IPPROTO_UDP */
	inet_port_t port; /* A, the port clients use */
	ip6_addr_t addr;  /* the local (destination) address; all zero: any */
};
_Static_assert(sizeof(struct redir_key) == 24, "redir_key is ABI");

struct redir_val {
	inet_port_t port; /* B, where the socket that gets the packets is */
	__u16 pad;	  /* zero */
	__u32 id;	  /* 0..REDIR_MAX_RULES-1: its counters in redir_stats */
};
_Static_assert(sizeof(struct redir_val) == 8, "redir_val is ABI");

/* redir_stats: BPF_MAP_TYPE_PERCPU_ARRAY, key __u32 id; tcctl zeroes an id it gives out */
struct redir_counter {
	__u64 packets; /* for A, delivered to a socket (assigned on B, or the flow's own) */
	__u64 bytes;   /* their frame length at tc ingress */
	__u64 misses;  /* for A, no socket on B would take them: passed unchanged */
	__u64 replies; /* UDP replies from B given source port A at egress */
};
_Static_assert(sizeof(struct redir_counter) == 32, "redir_counter is ABI");

/*
 * redir_flows: BPF_MAP_TYPE_LRU_HASH, key struct redir_flow, value struct
 * redir_nat. Written at ingress for each UDP packet assigned to a socket on
 * B, keyed by the reply it expects (B's side -> the client); read at egress.
 */
struct redir_flow {
	ip6_addr_t local;	 /* the reply's source: the address the client sent to */
	ip6_addr_t remote;	 /* the client */
	inet_port_t local_port;	 /* B */
	inet_port_t remote_port; /* the client's */
	__u8 family;		 /* enum redir_family */
	__u8 pad[3];		 /* zero */
} __attribute__((aligned(4)));
_Static_assert(sizeof(struct redir_flow) == 40, "redir_flow is ABI");

struct redir_nat {
	inet_port_t port; /* A: the reply's source port becomes it */
	__u16 pad;
	__u32 id; /* the redirect's counters */
};
_Static_assert(sizeof(struct redir_nat) == 8, "redir_nat is ABI");

#endif /* TCCTL_ABI_REDIR_H */
