/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Events: what the objects tell user space packet by packet, through one BPF
 * ring buffer that every object writing events shares (pinned by name, like
 * every map here). Two kinds:
 *
 *   sample  stats summarises 1 packet in N it sees (N set at run time; the
 *           choice is random, so any N packets yield N/N samples on average
 *           and no traffic pattern can dodge it);
 *   drop    fw summarises every packet it drops, with why: the protocol's
 *           verdict, the rule (by the id tcctl shows) or its rate limit, or
 *           the table's policy.
 *
 * A flood must not swamp user space: all events together are held to a
 * budget per second of the monotonic clock, and an event over budget is
 * counted, not written. An event the ring has no room for (nobody reads, or
 * the reader is slower than the budget) is counted as lost. Both counts are
 * exact per CPU: emitted + lost + over_budget is every event an object
 * wanted to write.
 *
 * Events cost nothing until asked for: a fresh events_config (all zero)
 * samples nothing and reports no drops.
 *
 * Layouts are fixed-width, host byte order unless a field says otherwise,
 * and asserted. Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6 as in every
 * other map of this project.
 */
#ifndef TCCTL_ABI_EVENTS_H
#define TCCTL_ABI_EVENTS_H

#include <linux/types.h>

#include "types.h"

/* Map names: the pin file names under /sys/fs/bpf/tc/globals/ (15 characters at most). */
#define EVENTS_MAP_RING	  "events_ring"
#define EVENTS_MAP_CONFIG "events_config"
#define EVENTS_MAP_BUDGET "events_budget"
#define EVENTS_MAP_COUNT  "events_count"

/* events_ring: BPF_MAP_TYPE_RINGBUF of struct event records */
#define EVENTS_RING_BYTES (4 << 20) /* about 47,000 events (80 bytes + an 8-byte header each) */

/*
 * Wake-ups: a record is submitted without waking the reader until the ring
 * holds EVENTS_WAKEUP_BYTES (about 745 events); below that a reader finds
 * the records when it polls, which it must do at least every
 * EVENTS_READER_POLL_MS. A wake-up per event (the kernel's default once the
 * reader has caught up) costs an irq_work in the packet path: at high event
 * rates it halved a sender's speed.
 */
#define EVENTS_WAKEUP_BYTES   (64 << 10)
#define EVENTS_READER_POLL_MS 100

enum event_kind {
	EVENT_SAMPLE = 0,
	EVENT_DROP = 1,
	EVENT_KINDS = 2,
};

enum event_reason {
	EVENT_REASON_NONE = 0,	 /* samples */
	EVENT_REASON_PROTO = 1,	 /* fw: the protocol's verdict (tcctl fw proto P drop) */
	EVENT_REASON_RULE = 2,	 /* fw: a drop rule; rule says which */
	EVENT_REASON_RATE = 3,	 /* fw: a rate rule over its rate; rule says which */
	EVENT_REASON_POLICY = 4, /* fw: no rule decided, the table's policy drops */
};

enum event_object {
	EVENT_OBJ_STATS = 1,
	EVENT_OBJ_FW = 2,
};

struct event {
	__u64 ts_ns;	/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 ifindex;	/* the device the hook runs on, in its network namespace */
	__u32 len;	/* frame length at the hook: L2 header on, FCS off */
	__u8 kind;	/* enum event_kind */
	__u8 hook;	/* enum fw_hook: xdp, tc ingress, tc egress */
	__u8 family;	/* 0 (no IP or malformed before the ethertype), 4 or 6 */
	__u8 proto;	/* IP protocol after IPv6 extension headers; 0 when unknown */
	__u8 reason;	/* enum event_reason */
	__u8 tcp_flags; /* TCP header byte 13 (CWR ECE URG ACK PSH RST SYN FIN) */
	__u8 icmp_type; /* ICMP or ICMPv6, with proto */
	__u8 icmp_code;
	__u16 sport; /* host order; 0 for protocols without ports and later fragments */
	__u16 dport;
	__u16 vlan;	 /* the outer VLAN id, 0 without a tag */
	__u16 ethertype; /* host order, after the VLAN tags */
	__u32 table;	 /* fw table (drops) */
	__u32 rule;	 /* fw rule id (reasons RULE and RATE), else 0 */
	ip6_addr_t saddr; /* network order; IPv4-mapped for IPv4; zero without IP */
	ip6_addr_t daddr;
	__u8 frag;   /* 0 not a fragment, 1 first fragment, 2 a later one */
	__u8 object; /* enum event_object: who wrote it */
	__u8 malformed; /* 1: the headers did not parse (fields past what did are zero) */
	__u8 pad;
	__u32 cpu; /* bpf_get_smp_processor_id() */
};
_Static_assert(sizeof(struct event) == 80, "event is ABI");

/* events_config: BPF_MAP_TYPE_ARRAY, one entry, written by tcctl events set */
struct events_config {
	__u32 sample_every; /* 0: no samples; N: each packet stats sees is sampled with chance 1/N */
	__u32 drops;	    /* nonzero: fw writes a drop event for each packet it drops */
	__u32 budget;	    /* events per second, all kinds and CPUs; 0: EVENTS_BUDGET_DEFAULT */
	__u32 pad;
};
_Static_assert(sizeof(struct events_config) == 16, "events_config is ABI");

#define EVENTS_BUDGET_DEFAULT 10000
#define EVENTS_BUDGET_MAX     100000000

/*
 * events_budget: BPF_MAP_TYPE_ARRAY, one entry, the programs' own: the
 * second (of the monotonic clock) being spent, and the events written in it.
 * CPUs share it with atomic adds; the reset when a second turns is not
 * atomic, so a new second may let through up to one event per CPU more.
 */
struct events_budget {
	__u64 second;
	__u64 used;
};
_Static_assert(sizeof(struct events_budget) == 16, "events_budget is ABI");

/* events_count: BPF_MAP_TYPE_PERCPU_ARRAY, index enum event_kind */
struct events_counter {
	__u64 emitted;	   /* written to the ring */
	__u64 lost;	   /* the ring was full */
	__u64 over_budget; /* the second's budget was spent: not written */
};
_Static_assert(sizeof(struct events_counter) == 24, "events_counter is ABI");

#endif /* TCCTL_ABI_EVENTS_H */
