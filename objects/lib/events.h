/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing events (../abi/events.h) into the shared ring buffer: the budget
 * every event must fit in, the counters that say what became of each event,
 * and the summary of a packet an event carries. stats calls events_sample()
 * for each packet it counts, fw events_drop() for each packet it drops; both
 * cost one array lookup while their kind is off.
 */
#ifndef TCCTL_LIB_EVENTS_H
#define TCCTL_LIB_EVENTS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../abi/events.h"
#include "ctx.h"
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EVENTS_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct events_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct events_budget);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events_budget SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EVENT_KINDS);
	__type(key, __u32);
	__type(value, struct events_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events_count SEC(".maps");

#define EVENTS_NSEC_PER_SEC 1000000000ULL

static __always_inline const struct events_config *events_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&events_config, &zero);
}

static __always_inline bool events_drops_on(void)
{
	const struct events_config *cfg = events_config_get();

	return cfg && cfg->drops;
}

static __always_inline struct events_counter *events_counter(__u32 kind)
{
	return bpf_map_lookup_elem(&events_count, &kind);
}

/*
 * One event out of this second's budget. The count is read, then added to
 * without reading back (a fetching atomic needs -mcpu=v3, which 6.1's
 * verifier has but our build does not assume): CPUs racing at the limit may
 * pass it by one event each.
 */
static __always_inline bool events_budget_take(const struct events_config *cfg, __u64 now)
{
	__u64 second = now / EVENTS_NSEC_PER_SEC;
	__u64 budget = cfg->budget ? cfg->budget : EVENTS_BUDGET_DEFAULT;
	struct events_budget *b;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&events_budget, &zero);
	if (!b)
		return false;
	if (b->second != second) {
		b->second = second;
		b->used = 0;
	}
	if (b->used >= budget)
		return false;
	__sync_fetch_and_add(&b->used, 1);
	return true;
}

static __always_inline void event_fill_vlan(struct event *e, const struct pkt *p)
{
	struct ethhdr *eth = p->data;
	__be16 *tci = (__be16 *)(eth + 1);

	if ((void *)(tci + 1) > p->data_end)
		return;
	if (eth->h_proto == bpf_htons(ETH_P_8021Q) || eth->h_proto == bpf_htons(ETH_P_8021AD))
		e->vlan = bpf_ntohs(*tci) & 0x0fff;
}

static __always_inline void event_fill_addrs(struct event *e, const struct pkt *p,
					     const struct l3 *l3)
{
	if (l3->proto == ETH_P_IP) {
		struct iphdr *iph = l3->hdr;

		if ((void *)(iph + 1) > p->data_end)
			return;
		addr_ipv4_mapped(e->saddr, iph->saddr);
		addr_ipv4_mapped(e->daddr, iph->daddr);
	} else {
		struct ipv6hdr *ip6h = l3->hdr;

		if ((void *)(ip6h + 1) > p->data_end)
			return;
		__builtin_memcpy(e->saddr, &ip6h->saddr, 16);
		__builtin_memcpy(e->daddr, &ip6h->daddr, 16);
	}
}

/* ports and TCP flags, or ICMP type and code; nothing from a later fragment or a short header */
static __always_inline void event_fill_l4(struct event *e, const struct pkt *p, const struct l3 *l3)
{
	__u32 off = l3->l4off;
	__u8 *h;

	if (l3->frag == L3_FRAG_LATER || off > 1023)
		return;
	asm volatile("" : "+r"(off)); /* keep the bound on the register used: see parse_l4 */
	h = p->data + (off & 1023);
	if (l4_has_ports(l3->l4proto)) {
		if ((void *)(h + 4) > p->data_end)
			return;
		e->sport = (__u16)h[0] << 8 | h[1];
		e->dport = (__u16)h[2] << 8 | h[3];
		if (l3->l4proto == IPPROTO_TCP && (void *)(h + 14) <= p->data_end)
			e->tcp_flags = h[13];
	} else if (l3->l4proto == IPPROTO_ICMP || l3->l4proto == IPPROTO_ICMPV6) {
		if ((void *)(h + 2) > p->data_end)
			return;
		e->icmp_type = h[0];
		e->icmp_code = h[1];
	}
}

static __always_inline void event_fill(struct event *e, const struct pkt *p, const struct l3 *l3,
				       int parsed, __u64 now)
{
	__builtin_memset(e, 0, sizeof(*e)); /* ring memory is not zeroed */
	e->ts_ns = now;
	e->ifindex = p->ifindex;
	e->len = p->len;
	e->hook = p->hook;
	e->family = parse_family(l3);
	e->ethertype = l3->proto;
	e->cpu = bpf_get_smp_processor_id();
	event_fill_vlan(e, p);
	if (parsed == PARSE_MALFORMED)
		e->malformed = 1;
	if (parsed != PARSE_IP)
		return;
	e->proto = l3->l4proto;
	e->frag = l3->frag;
	event_fill_addrs(e, p, l3);
	event_fill_l4(e, p, l3);
}

/*
 * The one way an event is written: within budget, into the ring if it has
 * room, and counted in exactly one of emitted, lost and over_budget.
 */
static __always_inline struct event *events_reserve(const struct events_config *cfg, __u32 kind,
						    __u64 now)
{
	struct events_counter *c = events_counter(kind);
	struct event *e;

	if (!c)
		return NULL;
	if (!events_budget_take(cfg, now)) {
		c->over_budget++; /* per-CPU: no other writer */
		return NULL;
	}
	e = bpf_ringbuf_reserve(&events_ring, sizeof(*e), 0);
	if (!e) {
		c->lost++;
		return NULL;
	}
	c->emitted++;
	return e;
}

/* the record goes in; the reader is woken only once enough has piled up (abi/events.h) */
static __always_inline void events_submit(struct event *e)
{
	__u64 queued = bpf_ringbuf_query(&events_ring, BPF_RB_AVAIL_DATA);

	bpf_ringbuf_submit(e, queued >= EVENTS_WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* stats: 1 packet in sample_every, chosen at random */
static __always_inline void events_sample(const struct pkt *p, const struct l3 *l3, int parsed)
{
	const struct events_config *cfg = events_config_get();
	__u64 now;
	struct event *e;
	__u32 every;

	if (!cfg)
		return;
	every = cfg->sample_every;
	if (!every || (every > 1 && bpf_get_prandom_u32() % every))
		return;
	now = bpf_ktime_get_ns();
	e = events_reserve(cfg, EVENT_SAMPLE, now);
	if (!e)
		return;
	event_fill(e, p, l3, parsed, now);
	e->kind = EVENT_SAMPLE;
	e->object = EVENT_OBJ_STATS;
	events_submit(e);
}

/* fw: a packet it drops, and why */
static __always_inline void events_drop(const struct pkt *p, const struct l3 *l3, int parsed,
					__u32 table, __u32 reason, __u32 rule)
{
	const struct events_config *cfg = events_config_get();
	struct event *e;
	__u64 now;

	if (!cfg || !cfg->drops)
		return;
	now = bpf_ktime_get_ns();
	e = events_reserve(cfg, EVENT_DROP, now);
	if (!e)
		return;
	event_fill(e, p, l3, parsed, now);
	e->kind = EVENT_DROP;
	e->object = EVENT_OBJ_FW;
	e->reason = reason;
	e->table = table;
	e->rule = rule;
	events_submit(e);
}

#endif /* TCCTL_LIB_EVENTS_H */
