// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw_compile against the rules' plain meaning: for random rule sets and
 * random packets, the lowest bit of the ANDed bitmaps (looked up the way the
 * program looks them up: longest prefix, elementary port interval, array)
 * must be the first rule a straight walk of the rules matches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "../../tcctl/fw_compile.h"

struct pkt_fields {
	int v6, dir, has_ports, has_icmp;
	uint8_t src[16], dst[16];
	uint8_t proto, icmp_type;
	uint16_t sport, dport;
	uint32_t src_sets, dst_sets; /* bit = slot the address is in */
};

static int prefix_has(const uint8_t *p, int len, const uint8_t *a)
{
	int full = len / 8, rest = len % 8;

	return !memcmp(p, a, full) && (!rest || !((p[full] ^ a[full]) & (0xff << (8 - rest))));
}

/* the rules as written: the reference */
static int rule_matches(const struct fw_rule *r, const struct pkt_fields *p)
{
	if ((r->match & FW_M_FAMILY) && r->family != (p->v6 ? 6 : 4))
		return 0;
	if ((r->match & FW_M_DIR) && r->dir != p->dir)
		return 0;
	if ((r->match & FW_M_SRC_NET) && !prefix_has(r->src, r->src_len, p->src))
		return 0;
	if ((r->match & FW_M_DST_NET) && !prefix_has(r->dst, r->dst_len, p->dst))
		return 0;
	if ((r->match & FW_M_SRC_SET) && !(p->src_sets >> r->src_set & 1))
		return 0;
	if ((r->match & FW_M_DST_SET) && !(p->dst_sets >> r->dst_set & 1))
		return 0;
	if ((r->match & FW_M_PROTO) && r->proto != p->proto)
		return 0;
	if ((r->match & FW_M_SPORT) &&
	    (!p->has_ports || p->sport < r->sport[0] || p->sport > r->sport[1]))
		return 0;
	if ((r->match & FW_M_DPORT) &&
	    (!p->has_ports || p->dport < r->dport[0] || p->dport > r->dport[1]))
		return 0;
	if ((r->match & FW_M_ICMP_TYPE) && (!p->has_icmp || r->icmp_type != p->icmp_type))
		return 0;
	return 1;
}

static const struct fw_bits *longest(const struct fw_prefix_bits *list, int n, const uint8_t *a)
{
	const struct fw_prefix_bits *best = NULL;

	for (int i = 0; i < n; i++)
		if (prefix_has(list[i].addr, list[i].len, a) && (!best || list[i].len > best->len))
			best = &list[i];
	return best ? &best->bits : NULL;
}

/* the program's way, on the compiled tables; -1 for no rule, -2 for a missed lookup */
static int classify(const struct fw_compiled *c, const struct pkt_fields *p)
{
	const struct fw_table *t = &c->table;
	const struct fw_bits *net[2], *port[2];
	uint8_t pb[2][16] = {};

	net[0] = longest(c->net[p->v6][0], c->n_net[p->v6][0], p->src);
	net[1] = longest(c->net[p->v6][1], c->n_net[p->v6][1], p->dst);
	pb[0][0] = p->sport >> 8, pb[0][1] = p->sport;
	pb[1][0] = p->dport >> 8, pb[1][1] = p->dport;
	for (int s = 0; s < 2; s++)
		port[s] = p->has_ports ? longest(c->port[s], c->n_port[s], pb[s]) : &c->no_port[s];
	if (!net[0] || !net[1] || !port[0] || !port[1])
		return -2;
	for (uint32_t w = 0; w < t->nwords; w++) {
		uint64_t side[2];

		for (int s = 0; s < 2; s++) {
			uint32_t hits = s ? p->dst_sets : p->src_sets;

			side[s] = net[s]->w[w];
			for (uint32_t i = 0; i < t->nsets[s]; i++)
				if (hits >> t->sets[s][i] & 1)
					side[s] |= t->set_rules[s][i].w[w];
		}
		uint64_t acc = t->family[p->v6].w[w] & t->dir[p->dir].w[w] & side[0] & side[1] &
			       port[0]->w[w] & port[1]->w[w] & c->proto[p->proto].w[w] &
			       c->icmp[p->has_icmp ? p->icmp_type : FW_ICMP_NONE].w[w];
		if (acc)
			return w * 64 + __builtin_ctzll(acc);
	}
	return -1;
}

/* few distinct values, so that rules overlap and packets hit them */
static void rand_addr(uint8_t *a, int v6)
{
	memset(a, 0, 16);
	a[0] = 10;
	a[1] = rand() % 3;
	a[2] = rand() % 4 * 64;
	a[v6 ? 15 : 3] = rand() % 4;
	if (v6)
		a[0] = 0xfd;
}

static void rand_rule(struct fw_rule *r)
{
	int v6 = rand() % 2;

	memset(r, 0, sizeof(*r));
	r->action = FW_ACT_DROP;
	if (rand() % 3 == 0) {
		r->match |= FW_M_FAMILY;
		r->family = v6 ? 6 : 4;
	}
	if (rand() % 3 == 0) {
		r->match |= FW_M_SRC_NET | FW_M_FAMILY;
		r->family = v6 ? 6 : 4;
		rand_addr(r->src, v6);
		r->src_len = (int[]){ 0, 8, 16, 18, 24, 32 }[rand() % 6] * (v6 ? 4 : 1);
	} else if (rand() % 5 == 0) {
		r->match |= FW_M_SRC_SET;
		r->src_set = rand() % 4;
	}
	if (rand() % 3 == 0) {
		r->match |= FW_M_DST_NET | FW_M_FAMILY;
		r->family = v6 ? 6 : 4;
		rand_addr(r->dst, v6);
		r->dst_len = (int[]){ 0, 8, 16, 26, 32 }[rand() % 5] * (v6 ? 4 : 1);
	} else if (rand() % 5 == 0) {
		r->match |= FW_M_DST_SET;
		r->dst_set = rand() % 4;
	}
	if (r->match & FW_M_FAMILY) {
		/* a rule's two addresses share its family */
		if (!(r->match & FW_M_SRC_NET))
			memset(r->src, 0, 16);
	}
	if (rand() % 2) {
		r->match |= FW_M_PROTO;
		r->proto = (int[]){ 1, 6, 17, 58 }[rand() % 4];
	}
	for (int s = 0; s < 2; s++) {
		if (rand() % 3 == 0) {
			uint16_t *p = s ? r->dport : r->sport;

			r->match |= s ? FW_M_DPORT : FW_M_SPORT;
			p[0] = rand() % 100;
			p[1] = p[0] + rand() % (rand() % 2 ? 3 : 60);
			if (rand() % 10 == 0)
				p[0] = 0, p[1] = 65535;
		}
	}
	if (rand() % 6 == 0) {
		r->match |= FW_M_ICMP_TYPE;
		r->icmp_type = rand() % 4;
	}
	if (rand() % 4 == 0) {
		r->match |= FW_M_DIR;
		r->dir = rand() % 2;
	}
}

static void rand_pkt(struct pkt_fields *p)
{
	memset(p, 0, sizeof(*p));
	p->v6 = rand() % 2;
	p->dir = rand() % 2;
	rand_addr(p->src, p->v6);
	rand_addr(p->dst, p->v6);
	p->proto = (int[]){ 1, 6, 17, 58, 47 }[rand() % 5];
	if (p->proto == 6 || p->proto == 17) {
		p->has_ports = rand() % 8 != 0; /* sometimes a later fragment */
		p->sport = rand() % 110;
		p->dport = rand() % 2 ? rand() % 110 : rand() % 65536;
	} else if (p->proto == 1 || p->proto == 58) {
		p->has_icmp = rand() % 8 != 0;
		p->icmp_type = rand() % 5;
	}
	p->src_sets = rand() % 16;
	p->dst_sets = rand() % 16;
}

static void test_random(int nrules, int npkts, unsigned int seed)
{
	struct fw_rule *rules = calloc(nrules, sizeof(*rules));
	struct fw_compiled *c = calloc(1, sizeof(*c));
	int bad = 0;

	srand(seed);
	for (int i = 0; i < nrules; i++)
		rand_rule(&rules[i]);
	if (!ASSERT_OK(fw_compile(rules, nrules, FW_PASS, NULL, 0, c), "compile"))
		goto out;
	for (int k = 0; k < npkts && bad < 5; k++) {
		struct pkt_fields p;
		int want = -1, got;

		rand_pkt(&p);
		for (int i = 0; i < nrules && want < 0; i++)
			if (rule_matches(&rules[i], &p))
				want = i;
		got = classify(c, &p);
		if (got != want) {
			test_msg("packet %d: first matching rule %d, the bitmaps say %d", k, want, got);
			bad++;
		}
	}
	ASSERT_EQ(bad, 0, "packets classified differently");
	fw_compiled_free(c);
out:
	free(c);
	free(rules);
}

int main(void)
{
	char name[128];
	int sizes[] = { 1, 7, 64, 65, 300, 1024 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		test_random(sizes[i], 20000, 1000 + i);
		snprintf(name, sizeof(name),
			 "compile: %d random rules, 20000 packets: bitmaps agree with the rules",
			 sizes[i]);
		test_report(name);
	}
	{
		struct fw_rule r[FW_MAX_RULES + 1] = {};
		struct fw_compiled c;

		ASSERT_EQ(fw_compile(r, FW_MAX_RULES + 1, FW_PASS, NULL, 0, &c), -E2BIG, "compile");
		test_report("compile: more than 1024 rules is refused");
	}
	return test_exit_status();
}
