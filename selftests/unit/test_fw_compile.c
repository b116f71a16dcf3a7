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
#include "fw_rand.h"
#include "../../tcctl/fw_compile.h"

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
