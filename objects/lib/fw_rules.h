/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's ordered rules: one bitmap of candidate rules per packet field, ANDed,
 * then the matching rules visited in order until a terminal one. How tcctl
 * builds the bitmaps, and why they are banked, is in ../abi/fw_rules.h.
 */
#ifndef TCCTL_LIB_FW_RULES_H
#define TCCTL_LIB_FW_RULES_H

#include "ctx.h"
#include "parse.h"
#include "fw_maps.h"
#include "fw_rule_maps.h"

#define NSEC_PER_SEC 1000000000ULL

enum fw_rules_result {
	FW_RULES_PASS = FW_PASS,
	FW_RULES_DROP = FW_DROP,
	FW_RULES_NONE, /* no terminal rule matched: the policy decides */
};

/* the rule that decided, for the drop event: its id, and whether its rate did */
struct fw_hit {
	__u32 rule_id;
	__u32 by_rate;
};

/* what the visits need, on the caller's stack */
struct fw_visit_ctx {
	struct fw_hit hit;
	struct fw_scratch *s; /* acc: the matching rules not visited yet; src */
	__u32 word;	      /* the word the visits are at */
	__u32 nwords;
	__u32 first_rule; /* fw_rule_index(bank, table, 0) */
	__u32 len;
	__u32 result; /* enum fw_rules_result */
	__u32 v6;
};

/*
 * The index of the lowest set bit, without a branch: branches would give the
 * verifier a path, and a state, per bit position.
 */
static __always_inline __u64 ctz64(__u64 x)
{
	__u64 y = (x & -x) - 1; /* ones below the lowest set bit */

	y = y - ((y >> 1) & 0x5555555555555555ULL);
	y = (y & 0x3333333333333333ULL) + ((y >> 2) & 0x3333333333333333ULL);
	y = (y + (y >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (y * 0x0101010101010101ULL) >> 56;
}

/*
 * GCRA: the bucket holds a "theoretical arrival time"; a packet conforms
 * when, with its own cost added, that time stays within the burst from
 * now, and then it moves the time on by its cost. burst packets (or
 * burst_bytes bytes) back to back conform, then one per cost. Updates race
 * between CPUs and may let a few more packets through under contention,
 * never fewer.
 */
static __always_inline bool gcra_conforms(__u64 *tat, __u64 now, __u64 cost, __u64 burst_ns)
{
	__u64 next = (*tat > now ? *tat : now) + cost;

	if (next - now > burst_ns)
		return false;
	*tat = next;
	return true;
}

static __always_inline bool fw_rate_exceeded(struct fw_visit_ctx *v, const struct fw_rule *r,
					     __u32 idx)
{
	__u64 now = bpf_ktime_get_ns(), pkt_cost = 0, byte_cost = 0, tat_pkts, tat_bytes;
	struct fw_rate_state *st, fresh = {};
	struct fw_rlsrc_key key = { .rule = idx };

	if (r->rate_per_source) {
		/* IPv4 as IPv4-mapped IPv6: 10.0.0.1 and 10.0.0.1:: are two sources */
		if (v->v6) {
			__builtin_memcpy(key.addr, v->s->src, sizeof(key.addr));
		} else {
			__be32 src;

			__builtin_memcpy(&src, v->s->src, 4);
			addr_ipv4_mapped(key.addr, src);
		}
		st = bpf_map_lookup_elem(&fw_rlsrc, &key);
		if (!st) {
			bpf_map_update_elem(&fw_rlsrc, &key, &fresh, BPF_NOEXIST);
			st = bpf_map_lookup_elem(&fw_rlsrc, &key);
		}
	} else {
		st = bpf_map_lookup_elem(&fw_rlrule, &idx);
	}
	if (!st)
		return false; /* no state, no limit: fail open like the rest of fw */

	/* both limits checked before either bucket moves: a drop costs no tokens */
	tat_pkts = st->tat_pkts;
	tat_bytes = st->tat_bytes;
	if (r->rate_pps) {
		pkt_cost = NSEC_PER_SEC / r->rate_pps;
		if (!gcra_conforms(&tat_pkts, now, pkt_cost, (__u64)r->burst_pkts * pkt_cost))
			return true;
	}
	if (r->rate_bps) {
		byte_cost = (__u64)v->len * NSEC_PER_SEC / r->rate_bps;
		if (!gcra_conforms(&tat_bytes, now, byte_cost,
				   (__u64)r->burst_bytes * NSEC_PER_SEC / r->rate_bps))
			return true;
	}
	st->tat_pkts = tat_pkts;
	st->tat_bytes = tat_bytes;
	return false;
}

/*
 * One bpf_loop step: the lowest matching rule not visited yet, or the next
 * word when this one is done. The word index is a variable, not a loop
 * constant, so the verifier checks this step once, not once per word.
 */
static long fw_visit(__u32 i, void *data)
{
	struct fw_visit_ctx *v = data;
	struct fw_counter *c;
	struct fw_rule *r;
	__u32 w = v->word, n, idx;
	__u64 x;

	(void)i;
	if (w >= v->nwords || w >= FW_RULE_WORDS)
		return 1;
	x = v->s->acc[w];
	if (!x) {
		v->word = w + 1;
		return 0;
	}
	v->s->acc[w] = x & (x - 1);
	n = w * 64 + ctz64(x);
	idx = v->first_rule + n;
	r = bpf_map_lookup_elem(&fw_rules, &idx);
	if (!r)
		return 1;
	c = bpf_map_lookup_elem(&fw_rcount, &idx);
	if (c) {
		c->packets++;
		c->bytes += v->len;
	}
	switch (r->action) {
	case FW_ACT_DROP:
		v->result = FW_RULES_DROP;
		v->hit.rule_id = r->id;
		return 1;
	case FW_ACT_PASS:
		v->result = FW_RULES_PASS;
		v->hit.rule_id = r->id;
		return 1;
	case FW_ACT_RATE:
		if (fw_rate_exceeded(v, r, idx)) {
			v->result = FW_RULES_DROP;
			v->hit.rule_id = r->id;
			v->hit.by_rate = 1;
			return 1;
		}
		return 0;
	default: /* FW_ACT_COUNT, and what this object does not know: go on */
		return 0;
	}
}

static __always_inline void fw_count_set_hit(struct fw_set_elem *e, __u32 counted, __u32 i)
{
	if (counted & (1U << i))
		__sync_fetch_and_add(&e->hits, 1);
}

/* bit i: the address is in sets[side][i] */
static __always_inline __u32 fw_set_hits(const struct fw_table *t, __u32 side, const __u8 *addr,
					 bool v6)
{
	struct fw_set_elem *e;
	__u32 hits = 0, i;

	if (v6) {
		struct fw_set6_key sk = { .prefixlen = 32 + 128 };

		__builtin_memcpy(sk.addr, addr, 16);
		for (i = 0; i < FW_MAX_SET_REFS && i < t->nsets[side]; i++) {
			sk.slot = bpf_htonl(t->sets[side][i]);
			e = bpf_map_lookup_elem(&fw_set6, &sk);
			if (e) {
				hits |= 1U << i;
				fw_count_set_hit(e, t->sets_counted[side], i);
			}
		}
	} else {
		struct fw_set4_key sk = { .prefixlen = 32 + 32 };

		__builtin_memcpy(sk.addr, addr, 4);
		for (i = 0; i < FW_MAX_SET_REFS && i < t->nsets[side]; i++) {
			sk.slot = bpf_htonl(t->sets[side][i]);
			e = bpf_map_lookup_elem(&fw_set4, &sk);
			if (e) {
				hits |= 1U << i;
				fw_count_set_hit(e, t->sets_counted[side], i);
			}
		}
	}
	return hits;
}

static __always_inline const struct fw_bits *fw_lookup_net(__u32 bank, __u32 table, __u32 side,
							    const __u8 *addr, bool v6)
{
	if (v6) {
		struct fw_net6_key k = { .prefixlen = 32 + 128, .bank = bank, .table = table,
					 .side = side };

		__builtin_memcpy(k.addr, addr, 16);
		return bpf_map_lookup_elem(&fw_net6, &k);
	} else {
		struct fw_net4_key k = { .prefixlen = 32 + 32, .bank = bank, .table = table,
					 .side = side };

		__builtin_memcpy(k.addr, addr, 4);
		return bpf_map_lookup_elem(&fw_net4, &k);
	}
}

static __always_inline const struct fw_bits *fw_lookup_port(__u32 bank, __u32 table, __u32 side,
							     const struct l4 *l4)
{
	struct fw_port_key k = { .prefixlen = 32 + 16, .bank = bank, .table = table,
				 .side = side };

	if (!l4->has_ports)
		k.side += FW_NO_PORTS;
	else
		k.port = bpf_htons(side == FW_SRC ? l4->sport : l4->dport);
	return bpf_map_lookup_elem(&fw_ports, &k);
}

/*
 * acc &= a side's address bitmap, with the rules naming the sets the
 * address is in. One loop per kind of pointer (trie value or table), so
 * the verifier never carries two kinds through a loop.
 */
static __always_inline void fw_and_net(struct fw_scratch *sc, const struct fw_table *t,
				       const struct fw_bits *bits, __u32 side, __u32 hits)
{
	__u32 w, i;

#pragma clang loop unroll(disable)
	for (w = 0; w < FW_RULE_WORDS; w++) {
		__u64 x;

		if (w >= t->nwords)
			break;
		x = bits->w[w];
#pragma unroll
		for (i = 0; i < FW_MAX_SET_REFS; i++) {
			/* all ones when set i was hit: no branch to multiply states */
			__u64 hit = -(__u64)((hits >> i) & 1);

			x |= t->set_rules[side][i].w[w] & hit;
		}
		sc->acc[w] &= x;
	}
}

static __always_inline void fw_and_bits(struct fw_scratch *sc, const struct fw_table *t,
					const struct fw_bits *bits)
{
	__u32 w;

#pragma clang loop unroll(disable)
	for (w = 0; w < FW_RULE_WORDS; w++) {
		if (w >= t->nwords)
			break;
		sc->acc[w] &= bits->w[w];
	}
}

/*
 * The first (longest) of a side's inline prefixes that holds the address;
 * the /0, the last in use, always does. found is computed without a branch
 * so the verifier carries one state out of the loop, not one per index.
 */
static __always_inline __u32 fw_inline_find(const struct fw_inline_nets *in, const __u8 *addr)
{
	const __u32 *a = (const __u32 *)addr; /* in fw_scratch, 4-byte aligned */
	__u32 found = 0, i;

#pragma clang loop unroll(disable)
	for (i = 0; i < FW_INLINE_NETS; i++) {
		/* IPv4's words 1-3 are zero in the address and in the masks */
		__u64 diff = ((a[0] ^ in->addr[i][0]) & in->mask[i][0]) |
			     ((a[1] ^ in->addr[i][1]) & in->mask[i][1]) |
			     ((a[2] ^ in->addr[i][2]) & in->mask[i][2]) |
			     ((a[3] ^ in->addr[i][3]) & in->mask[i][3]);
		__u64 hit = (diff - 1) >> 63; /* 1 when diff is 0: bit 63 of a borrow */

		found = (i & -hit) | (found & ~-hit);
		if (hit || i + 1 >= in->n)
			break;
	}
	return found & (FW_INLINE_NETS - 1);
}

/* false: a trie entry missing, a table tcctl has not finished writing */
static __always_inline bool fw_match_net(struct fw_scratch *sc, const struct fw_table *t,
					 __u32 bank, __u32 table, __u32 side, bool v6)
{
	bool uses = t->uses & (side == FW_SRC ? FW_USES_SRC_NET : FW_USES_DST_NET);
	const __u8 *addr = side == FW_SRC ? sc->src : sc->dst;
	const struct fw_inline_nets *in = &t->inline_nets[v6][side];
	const struct fw_bits *bits;
	__u32 hits;

	if (!t->nsets[side]) {
		if (!uses)
			return true; /* no rule names this side: every rule takes it */
		if (in->n) {
			fw_and_bits(sc, t, &in->bits[fw_inline_find(in, addr)]);
			return true;
		}
		bits = fw_lookup_net(bank, table, side, addr, v6);
		if (!bits)
			return false;
		fw_and_bits(sc, t, bits); /* the usual case: no set to OR in */
		return true;
	}
	hits = fw_set_hits(t, side, addr, v6);
	if (!uses) {
		fw_and_net(sc, t, &t->any_net[side], side, hits);
		return true;
	}
	if (in->n) {
		fw_and_net(sc, t, &in->bits[fw_inline_find(in, addr)], side, hits);
		return true;
	}
	bits = fw_lookup_net(bank, table, side, addr, v6);
	if (!bits)
		return false;
	fw_and_net(sc, t, bits, side, hits);
	return true;
}

/* the interval of a side's inline ports the packet's port falls in */
static __always_inline __u32 fw_inline_port(const struct fw_inline_ports *in, __u32 side,
					    const struct l4 *l4)
{
	__u64 port = side == FW_SRC ? l4->sport : l4->dport;
	__u32 idx = 0, i;

	if (!l4->has_ports)
		return FW_INLINE_PORTS;
#pragma clang loop unroll(disable)
	for (i = 1; i < FW_INLINE_PORTS; i++) {
		if (i >= in->n)
			break;
		idx += 1 - ((port - in->start[i]) >> 63); /* start[i] <= port, without a branch */
	}
	return idx & (FW_INLINE_PORTS - 1);
}

static __always_inline bool fw_match_port(struct fw_scratch *sc, const struct fw_table *t,
					  __u32 bank, __u32 table, __u32 side, const struct l4 *l4)
{
	const struct fw_inline_ports *in = &t->inline_ports[side];
	const struct fw_bits *bits;

	if (!(t->uses & (side == FW_SRC ? FW_USES_SPORT : FW_USES_DPORT)))
		return true; /* no rule names the port: every rule takes it */
	if (in->n) {
		fw_and_bits(sc, t, &in->bits[fw_inline_port(in, side, l4)]);
		return true;
	}
	bits = fw_lookup_port(bank, table, side, l4);
	if (!bits)
		return false;
	fw_and_bits(sc, t, bits);
	return true;
}

/*
 * The rules of the packet's table; l4 is parsed here, and only when the
 * rules or the policy (for its ND exemption) need it: a table without
 * rules costs no L4 parse.
 */
static __always_inline enum fw_rules_result fw_rules_run(struct pkt *p, const struct l3 *l3,
							  struct l4 *l4, __u32 table,
							  __u32 *policy, struct fw_hit *hit)
{
	bool v6 = l3->proto == ETH_P_IPV6;
	struct fw_visit_ctx v = { .len = p->len, .result = FW_RULES_NONE, .v6 = v6 };
	__u32 zero = 0, bank, idx, w, fam, dir;
	const struct fw_bits *bits;
	const struct fw_table *t;
	struct fw_scratch *sc;
	struct fw_state *st;

	st = bpf_map_lookup_elem(&fw_state, &zero);
	if (!st)
		return FW_RULES_NONE;
	bank = st->bank & 1;
	idx = fw_table_index(bank, table);
	t = bpf_map_lookup_elem(&fw_tables, &idx);
	if (!t)
		return FW_RULES_NONE;
	*policy = t->policy;
	if (!t->nrules && t->policy != FW_DROP)
		return FW_RULES_NONE;
	parse_l4(p, l3, l4);
	if (!t->nrules)
		return FW_RULES_NONE;
	idx = p->hook;
	sc = bpf_map_lookup_elem(&fw_scratch, &idx);
	if (!sc)
		return FW_RULES_NONE;
	v.s = sc;

	if (v6) {
		struct ipv6hdr *ip6h = l3->hdr;

		if ((void *)(ip6h + 1) > p->data_end)
			return FW_RULES_NONE;
		__builtin_memcpy(sc->src, &ip6h->saddr, 16);
		__builtin_memcpy(sc->dst, &ip6h->daddr, 16);
	} else {
		struct iphdr *iph = l3->hdr;

		if ((void *)(iph + 1) > p->data_end)
			return FW_RULES_NONE;
		__builtin_memcpy(sc->src, &iph->saddr, 4);
		__builtin_memset(sc->src + 4, 0, 12);
		__builtin_memcpy(sc->dst, &iph->daddr, 4);
	}

	fam = v6;
	dir = p->hook == FW_HOOK_TC_EGRESS ? FW_DIR_OUT : FW_DIR_IN;
#pragma clang loop unroll(disable)
	for (w = 0; w < FW_RULE_WORDS; w++) {
		if (w >= t->nwords)
			break;
		sc->acc[w] = t->family[fam].w[w] & t->dir[dir].w[w];
	}
	if (t->uses & FW_USES_PROTO) {
		idx = fw_proto_index(bank, table, l3->l4proto);
		bits = bpf_map_lookup_elem(&fw_protos, &idx);
		if (!bits)
			return FW_RULES_NONE;
		fw_and_bits(sc, t, bits);
	}
	if (t->uses & FW_USES_ICMP) {
		idx = fw_icmp_index(bank, table, l4->has_icmp ? l4->icmp_type : FW_ICMP_NONE);
		bits = bpf_map_lookup_elem(&fw_icmp, &idx);
		if (!bits)
			return FW_RULES_NONE;
		fw_and_bits(sc, t, bits);
	}
	if (!fw_match_net(sc, t, bank, table, FW_SRC, v6) ||
	    !fw_match_net(sc, t, bank, table, FW_DST, v6) ||
	    !fw_match_port(sc, t, bank, table, FW_SRC, l4) ||
	    !fw_match_port(sc, t, bank, table, FW_DST, l4))
		return FW_RULES_NONE;
	v.first_rule = fw_rule_index(bank, table, 0);
	v.nwords = t->nwords;

	/*
	 * Most packets end at their first matching rule: take it here, and
	 * leave bpf_loop (some 20 ns) to packets that meet count and rate
	 * rules first.
	 */
	for (w = 0; w < FW_RULE_WORDS; w++) {
		if (w >= t->nwords || sc->acc[w])
			break;
	}
	if (w >= t->nwords)
		return FW_RULES_NONE;
	/*
	 * A bound of its own, on the register the access uses: clang may fold
	 * both tests into one against min(nwords, FW_RULE_WORDS), which 6.1's
	 * verifier cannot see through (it can with -mcpu=v3). The empty asm
	 * keeps them apart.
	 */
	asm volatile("" : "+r"(w));
	if (w >= FW_RULE_WORDS)
		return FW_RULES_NONE;
	idx = v.first_rule + w * 64 + ctz64(sc->acc[w]);
	{
		struct fw_rule *r = bpf_map_lookup_elem(&fw_rules, &idx);
		struct fw_counter *c;

		if (r && (r->action == FW_ACT_DROP || r->action == FW_ACT_PASS)) {
			c = bpf_map_lookup_elem(&fw_rcount, &idx);
			if (c) {
				c->packets++;
				c->bytes += v.len;
			}
			hit->rule_id = r->id;
			return r->action == FW_ACT_DROP ? FW_RULES_DROP : FW_RULES_PASS;
		}
	}
	v.word = w;
	/* each matching rule and each word take a step: at most both */
	bpf_loop(FW_MAX_RULES + FW_RULE_WORDS, fw_visit, &v, 0);
	*hit = v.hit;
	return v.result;
}

/* neighbour discovery (router and neighbour solicitation and advertisement, redirect) */
static __always_inline bool fw_is_nd(const struct l3 *l3, const struct l4 *l4)
{
	return l3->l4proto == IPPROTO_ICMPV6 && l4->has_icmp && l4->icmp_type >= 133 &&
	       l4->icmp_type <= 137;
}

#endif /* TCCTL_LIB_FW_RULES_H */
