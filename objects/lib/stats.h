/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats' per-packet logic, the same at XDP and tc: classify the packet as fw
 * does (parse_l3, parse_slot) and add it to its (interface, hook, family,
 * slot) counter, to its service port's counter and to its flow's, and
 * sample it into the events ring when sampling is on. It never judges:
 * whatever it finds, even a frame it cannot parse, the caller passes the
 * packet on (stats fails open).
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
#include "events.h"
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, STATS_PORTS_ENTRIES);
	__type(key, struct stats_port_key);
	__type(value, struct stats_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STATS_FLOWS_ENTRIES);
	__type(key, struct stats_flow_key);
	__type(value, struct stats_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats_flows SEC(".maps");

_Static_assert(STATS_FAMILY_IPV4 == 4 && STATS_FAMILY_IPV6 == 6, "stats families are parse_family's");

static __always_inline void stats_add(struct stats_counter *c, __u32 len)
{
	c->packets++; /* per-CPU: no other writer */
	c->bytes += len;
}

static __always_inline void stats_overflowed(__u32 index, __u32 len)
{
	struct stats_counter *c;

	c = bpf_map_lookup_elem(&stats_overflow, &index);
	if (c)
		stats_add(c, len);
}

/* one packet into a per-CPU hash of struct stats_counter, or its overflow entry */
static __always_inline void stats_percpu_add(void *map, const void *key, __u32 len,
					     __u32 overflow_index)
{
	struct stats_counter *c, first = { .packets = 1, .bytes = len };
	long ret;

	c = bpf_map_lookup_elem(map, key);
	if (c) {
		stats_add(c, len);
		return;
	}
	/*
	 * A new key. An update from a program writes this CPU's value and
	 * zeroes the others'. NOEXIST: another CPU may have added the key since
	 * our lookup, and a plain update would wipe what it counted.
	 */
	ret = bpf_map_update_elem(map, key, &first, BPF_NOEXIST);
	if (!ret)
		return;
	if (ret == -EEXIST) {
		c = bpf_map_lookup_elem(map, key);
		if (c) {
			stats_add(c, len);
			return;
		}
	}
	/* full (-E2BIG), or deleted by a reset just now: count it where it fits */
	stats_overflowed(overflow_index, len);
}

static __always_inline void stats_count_port(const struct pkt *p, const struct l3 *l3,
					     const struct l4 *l4)
{
	struct stats_port_key key = {
		.ifindex = p->ifindex,
		.hook = p->hook,
		.proto = l3->l4proto,
		.port = l4->sport < l4->dport ? l4->sport : l4->dport,
	};

	stats_percpu_add(&stats_ports, &key, p->len, STATS_OVERFLOW_PORTS);
}

static __always_inline bool stats_flow_addrs(struct stats_flow_key *key, const struct pkt *p,
					     const struct l3 *l3)
{
	if (l3->proto == ETH_P_IP) {
		struct iphdr *iph = l3->hdr;

		if ((void *)(iph + 1) > p->data_end)
			return false;
		addr_ipv4_mapped(key->saddr, iph->saddr);
		addr_ipv4_mapped(key->daddr, iph->daddr);
	} else {
		struct ipv6hdr *ip6h = l3->hdr;

		if ((void *)(ip6h + 1) > p->data_end)
			return false;
		__builtin_memcpy(key->saddr, &ip6h->saddr, 16);
		__builtin_memcpy(key->daddr, &ip6h->daddr, 16);
	}
	return true;
}

/*
 * The flow's entry, added to with atomics (one entry for all CPUs). The
 * coarse clock is enough to tell active flows from idle ones, and costs a
 * fraction of the precise one.
 */
static __always_inline void stats_count_flow(const struct pkt *p, const struct l3 *l3,
					     const struct l4 *l4)
{
	struct stats_flow_key key = {
		.ifindex = p->ifindex,
		.hook = p->hook,
		.family = parse_family(l3),
		.proto = l3->l4proto,
	};
	__u64 now = bpf_ktime_get_coarse_ns();
	struct stats_flow *f, first = { .packets = 1, .bytes = p->len, .first_ns = now, .last_ns = now };
	long ret;

	if (l4->has_ports) {
		key.sport = l4->sport;
		key.dport = l4->dport;
	}
	if (!stats_flow_addrs(&key, p, l3))
		return;
	f = bpf_map_lookup_elem(&stats_flows, &key);
	if (!f) {
		ret = bpf_map_update_elem(&stats_flows, &key, &first, BPF_NOEXIST);
		if (!ret)
			return;
		f = ret == -EEXIST ? bpf_map_lookup_elem(&stats_flows, &key) : NULL;
		if (!f) {
			stats_overflowed(STATS_OVERFLOW_FLOWS, p->len);
			return;
		}
	}
	__sync_fetch_and_add(&f->packets, 1);
	__sync_fetch_and_add(&f->bytes, p->len);
	f->last_ns = now;
}

static __always_inline void stats_count(struct pkt *p)
{
	struct l3 l3 = {};
	int parsed = parse_l3(p, &l3);
	struct stats_key key = {
		.ifindex = p->ifindex,
		.hook = p->hook,
		.family = parse_family(&l3),
		.slot = parse_slot(parsed, &l3),
	};
	struct l4 l4 = {};

	stats_percpu_add(&stats_proto, &key, p->len, STATS_OVERFLOW_PROTO);
	if (parsed == PARSE_IP) {
		parse_l4(p, &l3, &l4);
		if (l4.has_ports)
			stats_count_port(p, &l3, &l4);
		stats_count_flow(p, &l3, &l4);
	}
	events_sample(p, &l3, parsed);
}

#endif /* TCCTL_LIB_STATS_H */
