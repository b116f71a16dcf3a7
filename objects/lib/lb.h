/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lb's per-packet logic, at tc (it rewrites packets with skb helpers):
 *
 * - A TCP or UDP packet for a service (lb_services: destination address,
 *   port, protocol, family) goes to the backend its flow is remembered with
 *   in lb_conns, if that one is still the same backend (the id's gen) of
 *   the same service and not down; otherwise to the backend of its slot in
 *   the service's live Maglev ring, remembered from then on. Its
 *   destination becomes the backend's, and lb_reverse learns the way back.
 * - A TCP or UDP packet whose flow is in lb_reverse is a backend's reply:
 *   its source becomes the service's VIP and port again.
 * - Verdicts without a rewrite: a service without a backend up drops (the
 *   VIP is no address to deliver to); a first fragment for a service or of
 *   a reply drops (lb does not reassemble, and the later fragments, which
 *   carry no ports, could not follow it). Everything else passes untouched:
 *   non-IP, malformed or cut-short headers, other protocols, later
 *   fragments and flows lb does not know (lb fails open, like fw and stats).
 *
 * Layouts: ../abi/lb.h. Decisions: docs/design-decisions.md.
 */
#ifndef TCCTL_LIB_LB_H
#define TCCTL_LIB_LB_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../abi/lb.h"
#include "ctx.h"
#include "lb_maps.h"
#include "nat.h"
#include "parse.h"

/* a TCP or UDP packet as lb sees it */
struct lb_pkt {
	struct lb_flow flow; /* as the packet goes: source, destination */
	struct nat_pos pos;
	__u8 frag; /* enum l3_frag */
};

static __always_inline void lb_count(__u32 counter)
{
	__u64 *c = bpf_map_lookup_elem(&lb_counters, &counter);

	if (c)
		*c += 1; /* per-CPU: no other writer */
}

/*
 * Fills lp from a TCP or UDP packet with its ports; false for any other
 * packet, which lb passes untouched.
 */
static __always_inline bool lb_parse(struct pkt *p, struct lb_pkt *lp)
{
	struct l3 l3 = {};
	__be16 *ports;
	__u32 off;

	if (parse_l3(p, &l3) != PARSE_IP)
		return false; /* lb fails open on non-IP and malformed frames */
	if (l3.l4proto != IPPROTO_TCP && l3.l4proto != IPPROTO_UDP)
		return false;
	if (l3.frag == L3_FRAG_LATER)
		return false; /* no ports to find a flow by: they went with the first fragment */
	off = l3.l4off;
	if (off > 1023)
		return false;
	/* the mask bounds the register the access uses (see parse_l4) */
	asm volatile("" : "+r"(off));
	ports = p->data + (off & 1023);
	/* the whole header, so that its checksum is there to update */
	if (l3.l4proto == IPPROTO_TCP) {
		if ((void *)ports + sizeof(struct tcphdr) > p->data_end)
			return false; /* lb fails open on a cut-short header */
		lp->pos.csum_off = off + offsetof(struct tcphdr, check);
	} else {
		if ((void *)ports + sizeof(struct udphdr) > p->data_end)
			return false;
		lp->pos.csum_off = off + offsetof(struct udphdr, check);
	}
	lp->flow.sport = ports[0];
	lp->flow.dport = ports[1];
	lp->flow.proto = l3.l4proto;
	lp->pos.proto = l3.l4proto;
	lp->pos.l4off = off;
	lp->pos.l3off = l3.hdr - p->data;
	lp->frag = l3.frag;
	if (l3.proto == ETH_P_IP) {
		struct iphdr *iph = l3.hdr;

		__builtin_memcpy(lp->flow.saddr, &iph->saddr, sizeof(iph->saddr));
		__builtin_memcpy(lp->flow.daddr, &iph->daddr, sizeof(iph->daddr));
		lp->flow.family = 4;
	} else {
		struct ipv6hdr *ip6h = l3.hdr;

		__builtin_memcpy(lp->flow.saddr, &ip6h->saddr, sizeof(ip6h->saddr));
		__builtin_memcpy(lp->flow.daddr, &ip6h->daddr, sizeof(ip6h->daddr));
		lp->flow.family = 6;
	}
	lp->pos.family = lp->flow.family;
	return true;
}

/* a backend new flows of service id may go to */
static __always_inline bool lb_backend_ok(const struct lb_backend *b, __u16 id, __u8 family)
{
	return (b->flags & (LB_BACKEND_USED | LB_BACKEND_DOWN)) == LB_BACKEND_USED &&
	       b->service == id && b->family == family;
}

/* a remembered flow still goes to the backend it was given (weight 0 keeps it) */
static __always_inline bool lb_conn_ok(const struct lb_conn *c, const struct lb_backend *b,
				       __u16 id, __u8 family)
{
	return c->service == id && c->gen == b->gen && lb_backend_ok(b, id, family);
}

/* The backend id in the flow's slot of the service's live ring; false if none. */
static __always_inline bool lb_choose(const struct lb_flow *flow, const struct lb_service *s,
				      __u32 *id)
{
	__u32 key = s->id * 2 + (s->bank & 1);
	struct lb_ring *ring;
	__u32 slot;

	if (!s->n_up)
		return false;
	ring = bpf_map_lookup_elem(&lb_rings, &key);
	if (!ring)
		return false;
	slot = lb_flow_hash(flow) % LB_RING_SIZE;
	/*
	 * The verifier does not bound a modulo; clang knows the bound and
	 * would drop the check, unless the empty asm hides the value from it.
	 */
	asm volatile("" : "+r"(slot));
	if (slot >= LB_RING_SIZE)
		return false;
	*id = ring->backend[slot];
	return *id != LB_NO_BACKEND;
}

/*
 * The way back for a forwarded flow: the backend's reply (backend ->
 * client) gets the VIP and port as its source. Written when the flow gets
 * its backend, and again when lb_reverse, an LRU of its own, has lost it
 * or holds another backend's.
 */
static __always_inline void lb_learn_reverse(const struct lb_flow *flow,
					     const struct lb_backend *b, __u32 id, bool fresh)
{
	struct lb_flow rev = {};
	struct lb_nat nat = {};
	struct lb_nat *old;

	__builtin_memcpy(rev.saddr, b->addr, sizeof(rev.saddr));
	__builtin_memcpy(rev.daddr, flow->saddr, sizeof(rev.daddr));
	rev.sport = b->port;
	rev.dport = flow->sport;
	rev.proto = flow->proto;
	rev.family = flow->family;
	__builtin_memcpy(nat.vip, flow->daddr, sizeof(nat.vip));
	nat.port = flow->dport;
	nat.backend = id;
	if (!fresh) {
		old = bpf_map_lookup_elem(&lb_reverse, &rev);
		if (old && old->backend == nat.backend && old->port == nat.port)
			return;
	}
	/* a failure costs the replies their translation; nothing to do about it here */
	bpf_map_update_elem(&lb_reverse, &rev, &nat, BPF_ANY);
}

static __always_inline enum ctx_verdict lb_forward(struct __sk_buff *skb, struct pkt *p,
						   struct lb_pkt *lp,
						   const struct lb_service *svc)
{
	struct lb_service s = *svc; /* tcctl may update the entry meanwhile: one view */
	struct lb_backend_stats *st;
	struct lb_backend *b = NULL;
	struct lb_backend be;
	struct lb_conn *c;
	bool fresh = false;
	__u32 id;

	c = bpf_map_lookup_elem(&lb_conns, &lp->flow);
	if (c) {
		struct lb_conn conn = *c;

		id = conn.backend;
		b = bpf_map_lookup_elem(&lb_backends, &id);
		if (b && !lb_conn_ok(&conn, b, s.id, lp->flow.family)) {
			b = NULL;
			lb_count(LB_CNT_CONN_MOVED);
		}
	}
	if (!b) {
		struct lb_conn conn = { .service = s.id };

		/*
		 * A ring slot naming a backend that is not (or no longer) one
		 * of this service's up backends: tcctl is between two writes.
		 * No new flow goes to a down backend; the client retries.
		 */
		if (lb_choose(&lp->flow, &s, &id))
			b = bpf_map_lookup_elem(&lb_backends, &id);
		if (!b || !lb_backend_ok(b, s.id, lp->flow.family)) {
			lb_count(LB_CNT_NO_BACKEND);
			return CTX_DROP;
		}
		conn.backend = id;
		conn.gen = b->gen;
		/* full is not possible (LRU); on failure the next packet chooses again */
		bpf_map_update_elem(&lb_conns, &lp->flow, &conn, BPF_ANY);
		fresh = true;
	}
	be = *b;
	lb_learn_reverse(&lp->flow, &be, id, fresh);

	if (nat_rewrite(skb, &lp->pos, NAT_DST, lp->flow.daddr, be.addr, lp->flow.dport,
			be.port)) {
		lb_count(LB_CNT_REWRITE_ERR);
		return CTX_DROP; /* half rewritten: not a packet to let go */
	}
	st = bpf_map_lookup_elem(&lb_stats, &id);
	if (st) {
		st->packets++;
		st->bytes += p->len;
		st->flows += fresh;
	}
	lb_count(LB_CNT_FORWARD);
	return CTX_PASS; /* the stack routes it on to the backend */
}

static __always_inline enum ctx_verdict lb_reply(struct __sk_buff *skb, struct lb_pkt *lp,
						 const struct lb_nat *found)
{
	struct lb_nat nat = *found;
	struct lb_backend_stats *st;
	__u32 id = nat.backend;

	if (nat_rewrite(skb, &lp->pos, NAT_SRC, lp->flow.saddr, nat.vip, lp->flow.sport,
			nat.port)) {
		lb_count(LB_CNT_REWRITE_ERR);
		return CTX_DROP;
	}
	st = bpf_map_lookup_elem(&lb_stats, &id);
	if (st)
		st->replies++;
	lb_count(LB_CNT_REPLY);
	return CTX_PASS;
}

static __always_inline enum ctx_verdict lb_process(struct __sk_buff *skb, struct pkt *p)
{
	struct lb_service_key key = {};
	struct lb_pkt lp = {};
	struct lb_service *svc;
	struct lb_nat *nat;

	if (!lb_parse(p, &lp))
		return CTX_PASS;
	__builtin_memcpy(key.vip, lp.flow.daddr, sizeof(key.vip));
	key.port = lp.flow.dport;
	key.proto = lp.flow.proto;
	key.family = lp.flow.family;
	svc = bpf_map_lookup_elem(&lb_services, &key);
	if (svc) {
		if (lp.frag != L3_FRAG_NONE) {
			lb_count(LB_CNT_FRAGMENT);
			return CTX_DROP; /* its later fragments could not follow it */
		}
		return lb_forward(skb, p, &lp, svc);
	}
	nat = bpf_map_lookup_elem(&lb_reverse, &lp.flow);
	if (nat) {
		if (lp.frag != L3_FRAG_NONE) {
			lb_count(LB_CNT_FRAGMENT);
			return CTX_DROP;
		}
		return lb_reply(skb, &lp, nat);
	}
	return CTX_PASS; /* not lb's: untouched */
}

#endif /* TCCTL_LIB_LB_H */
