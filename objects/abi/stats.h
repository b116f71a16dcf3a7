/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stats object's maps, as an ABI shared by the BPF programs, tcctl and
 * the tests. stats counts and never judges: it runs beside fw (or alone) and
 * counts packets and bytes per interface, hook, IP family and protocol slot,
 * with fw's slots (abi/fw.h enum fw_slot: the IP protocol number after IPv6
 * extension headers, non-IP, malformed) so both objects tell the same story.
 *
 * Layouts are fixed-width, host byte order (per-host state) and asserted,
 * like fw's. The ABI grows by adding maps, never by reshaping one: a later
 * dimension (ports, flows, events) gets a map of its own named stats_*, its
 * counters are struct stats_counter, and its "table full" count takes the
 * next index of stats_overflow, which has room for them already. A pinned map
 * keeps its layout for as long as its name.
 */
#ifndef TCCTL_ABI_STATS_H
#define TCCTL_ABI_STATS_H

#include <linux/types.h>

#include "types.h"

/* Map names: the pin file names under /sys/fs/bpf/tc/globals/ (15 characters at most). */
#define STATS_MAP_PROTO	   "stats_proto"
#define STATS_MAP_OVERFLOW "stats_overflow"
#define STATS_MAP_PORTS	   "stats_ports"
#define STATS_MAP_FLOWS	   "stats_flows"

/* stats_proto: BPF_MAP_TYPE_PERCPU_HASH, key struct stats_key, value struct stats_counter */
#define STATS_PROTO_ENTRIES 16384

enum stats_hook {
	STATS_HOOK_XDP = 0, /* the values of enum fw_hook: lib/ctx.h sets them */
	STATS_HOOK_TC_INGRESS = 1,
	STATS_HOOK_TC_EGRESS = 2,
	STATS_HOOKS = 3,
};

enum stats_family {
	STATS_FAMILY_NONE = 0, /* no IP: non-IP frames, frames malformed before the ethertype */
	STATS_FAMILY_IPV4 = 4, /* ethertype IPv4, whether the header parsed or not */
	STATS_FAMILY_IPV6 = 6,
};

enum stats_slot {
	/* 0..255: the IP protocol number (after IPv6 extension headers) */
	STATS_SLOT_NON_IP = 256,    /* = FW_SLOT_NON_IP */
	STATS_SLOT_MALFORMED = 257, /* = FW_SLOT_MALFORMED */
	STATS_SLOTS = 258,
};

struct stats_key {
	__u32 ifindex; /* in the network namespace the hook runs in */
	__u8 hook;     /* enum stats_hook */
	__u8 family;   /* enum stats_family */
	__u16 slot;    /* enum stats_slot */
};
_Static_assert(sizeof(struct stats_key) == 8, "stats_key is ABI");

struct stats_counter {
	__u64 packets;
	__u64 bytes; /* frame length at the hook: L2 header on, FCS off */
};
_Static_assert(sizeof(struct stats_counter) == 16, "stats_counter is ABI");

/*
 * stats_ports: BPF_MAP_TYPE_PERCPU_HASH, key struct stats_port_key, value
 * struct stats_counter. Packets of protocols with ports (TCP, UDP, UDP-Lite,
 * SCTP) by their service port: the lower of source and destination port, so
 * a request to a server's port 80 and its reply from port 80 count under 80
 * alike, and clients' ephemeral ports do not fill the table. Later
 * fragments and headers cut short have no ports and are not counted here.
 */
#define STATS_PORTS_ENTRIES 16384

struct stats_port_key {
	__u32 ifindex;
	__u8 hook;  /* enum stats_hook */
	__u8 proto; /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP */
	__u16 port; /* host order: min(source port, destination port) */
};
_Static_assert(sizeof(struct stats_port_key) == 8, "stats_port_key is ABI");

/*
 * stats_flows: BPF_MAP_TYPE_LRU_HASH, key struct stats_flow_key, value
 * struct stats_flow: the flows seen lately, one entry per direction, as
 * (device, hook, addresses, protocol, ports). Bounded: a new flow takes the
 * place of the one least recently seen, so the table keeps the active flows
 * and tcctl ranks them by bytes or packets. One value for all CPUs (atomic
 * adds): a flow stays on one CPU with RSS, and a per-CPU LRU would cost
 * entries times CPUs.
 */
#define STATS_FLOWS_ENTRIES 32768

struct stats_flow_key {
	__u32 ifindex;
	__u8 hook;   /* enum stats_hook */
	__u8 family; /* 4 or 6 */
	__u8 proto;  /* IP protocol after IPv6 extension headers */
	__u8 pad;    /* zero */
	__u16 sport; /* host order; 0 without ports (ICMP, later fragments) */
	__u16 dport;
	ip6_addr_t saddr; /* network order; IPv4-mapped for IPv4 */
	ip6_addr_t daddr;
};
_Static_assert(sizeof(struct stats_flow_key) == 44, "stats_flow_key is ABI");

struct stats_flow {
	__u64 packets;
	__u64 bytes;
	__u64 first_ns; /* bpf_ktime_get_ns() of the first packet: CLOCK_MONOTONIC */
	__u64 last_ns;	/* and of the latest */
};
_Static_assert(sizeof(struct stats_flow) == 32, "stats_flow is ABI");

/*
 * stats_overflow: BPF_MAP_TYPE_PERCPU_ARRAY of struct stats_counter, one
 * entry per counting map: the packets that map had no room for. They are
 * still counted, here, and the verdict is still pass: a full table costs
 * detail, never a packet.
 */
enum stats_overflow_index {
	STATS_OVERFLOW_PROTO = 0, /* stats_proto was full */
	STATS_OVERFLOW_PORTS = 1, /* stats_ports was full */
	STATS_OVERFLOW_FLOWS = 2, /* stats_flows refused a new flow (the LRU found nothing to evict) */
	/* 3..7: the maps later versions add */
};
#define STATS_OVERFLOW_ENTRIES 8

#endif /* TCCTL_ABI_STATS_H */
