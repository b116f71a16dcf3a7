// SPDX-License-Identifier: GPL-2.0-only
/* Rules to bitmaps: the classifier's tables, computed once per change. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fw_compile.h"

static const uint32_t net_match[2] = { FW_M_SRC_NET, FW_M_DST_NET };
static const uint32_t set_match[2] = { FW_M_SRC_SET, FW_M_DST_SET };
static const uint32_t port_match[2] = { FW_M_SPORT, FW_M_DPORT };

static const uint8_t *rule_addr(const struct fw_rule *r, int side)
{
	return side == FW_SRC ? r->src : r->dst;
}

static int rule_len(const struct fw_rule *r, int side)
{
	return side == FW_SRC ? r->src_len : r->dst_len;
}

static const uint16_t *rule_ports(const struct fw_rule *r, int side)
{
	return side == FW_SRC ? r->sport : r->dport;
}

/* whether prefix a/alen contains b/blen */
static int prefix_contains(const uint8_t *a, int alen, const uint8_t *b, int blen)
{
	int full = alen / 8, rest = alen % 8;

	if (alen > blen || memcmp(a, b, full))
		return 0;
	return !rest || !((a[full] ^ b[full]) & (0xff << (8 - rest)));
}

static int bits_equal(const struct fw_bits *a, const struct fw_bits *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static int rule_family_ok(const struct fw_rule *r, int fam)
{
	return !(r->match & FW_M_FAMILY) || r->family == (fam ? 6 : 4);
}

static int cmp_len_desc(const void *a, const void *b)
{
	return ((const struct fw_prefix_bits *)b)->len - ((const struct fw_prefix_bits *)a)->len;
}

/* the prefixes, longest first (so the /0 comes last), into the table itself */
static void inline_nets(const struct fw_prefix_bits *list, int count, struct fw_inline_nets *in)
{
	struct fw_prefix_bits sorted[FW_INLINE_NETS];

	memcpy(sorted, list, count * sizeof(*list));
	qsort(sorted, count, sizeof(*sorted), cmp_len_desc);
	in->n = count;
	for (int i = 0; i < count; i++) {
		uint8_t mask[16] = {};

		for (int bit = 0; bit < sorted[i].len; bit++)
			mask[bit / 8] |= 0x80 >> (bit % 8);
		memcpy(in->addr[i], sorted[i].addr, 16);
		memcpy(in->mask[i], mask, 16);
		in->bits[i] = sorted[i].bits;
	}
}

/* the distinct prefixes of one family and side, each with the rules containing it, and a /0 */
static int compile_nets(const struct fw_rule *rules, int n, int fam, int side,
			const struct fw_bits *any, struct fw_compiled *c)
{
	struct fw_prefix_bits *list = calloc(n + 1, sizeof(*list));
	int count = 0, bytes = fam ? 16 : 4;

	if (!list)
		return -ENOMEM;
	list[count++].len = 0; /* the /0: address all zero */
	for (int i = 0; i < n; i++) {
		const struct fw_rule *r = &rules[i];
		int dup = 0;

		if (!(r->match & net_match[side]) || !rule_family_ok(r, fam))
			continue;
		for (int j = 0; j < count && !dup; j++)
			dup = list[j].len == rule_len(r, side) &&
			      prefix_contains(list[j].addr, list[j].len, rule_addr(r, side),
					      rule_len(r, side));
		if (dup)
			continue;
		memcpy(list[count].addr, rule_addr(r, side), bytes);
		list[count++].len = rule_len(r, side);
	}
	for (int j = 0; j < count; j++) {
		list[j].bits = *any;
		for (int i = 0; i < n; i++) {
			const struct fw_rule *r = &rules[i];

			if ((r->match & net_match[side]) && rule_family_ok(r, fam) &&
			    prefix_contains(rule_addr(r, side), rule_len(r, side), list[j].addr,
					    list[j].len))
				fw_bits_set(&list[j].bits, i);
		}
	}
	c->net[fam][side] = list;
	c->n_net[fam][side] = count;
	if (count <= FW_INLINE_NETS)
		inline_nets(list, count, &c->table.inline_nets[fam][side]);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* [lo, hi] as the fewest aligned prefixes of the 16-bit space */
static int add_range_prefixes(struct fw_prefix_bits **list, int *count, int *cap, uint32_t lo,
			      uint32_t hi, const struct fw_bits *bits)
{
	while (lo <= hi) {
		int len = 16;

		/* the largest block that starts at lo and stays within hi */
		while (len > 0) {
			uint32_t size = 1U << (16 - (len - 1));

			if (lo % size || lo + size - 1 > hi)
				break;
			len--;
		}
		if (*count == *cap) {
			struct fw_prefix_bits *grown;

			*cap = *cap ? *cap * 2 : 64;
			grown = realloc(*list, *cap * sizeof(**list));
			if (!grown)
				return -ENOMEM;
			*list = grown;
		}
		memset(&(*list)[*count], 0, sizeof(**list));
		(*list)[*count].addr[0] = lo >> 8;
		(*list)[*count].addr[1] = lo & 0xff;
		(*list)[*count].len = len;
		(*list)[*count].bits = *bits;
		(*count)++;
		lo += 1U << (16 - len);
	}
	return 0;
}

/*
 * The ranges cut the port space into elementary intervals; each interval
 * inside some range becomes prefixes with the rules whose range holds it.
 * The rest falls to the /0, the rules that name no port.
 */
static int compile_ports(const struct fw_rule *rules, int n, int side, const struct fw_bits *any,
			 struct fw_compiled *c)
{
	uint32_t *cuts = malloc((2 * n + 2) * sizeof(*cuts));
	struct fw_inline_ports *in = &c->table.inline_ports[side];
	struct fw_prefix_bits *list = NULL;
	int ncuts = 0, count = 0, cap = 0, ret = 0;
	bool inline_full = false;

	if (!cuts)
		return -ENOMEM;
	cuts[ncuts++] = 0;
	cuts[ncuts++] = 65536;
	for (int i = 0; i < n; i++) {
		if (!(rules[i].match & port_match[side]))
			continue;
		cuts[ncuts++] = rule_ports(&rules[i], side)[0];
		cuts[ncuts++] = rule_ports(&rules[i], side)[1] + 1U;
	}
	qsort(cuts, ncuts, sizeof(*cuts), cmp_u32);
	in->n = 0;
	for (int k = 0; k + 1 < ncuts && !ret; k++) {
		uint32_t lo = cuts[k], hi = cuts[k + 1] - 1;
		struct fw_bits bits = *any;

		if (cuts[k] == cuts[k + 1])
			continue;
		for (int i = 0; i < n; i++) {
			const uint16_t *p = rule_ports(&rules[i], side);

			if ((rules[i].match & port_match[side]) && p[0] <= lo && lo <= p[1])
				fw_bits_set(&bits, i);
		}
		if (!bits_equal(&bits, any))
			ret = add_range_prefixes(&list, &count, &cap, lo, hi, &bits);
		/* the interval inline too, while they fit; n is 0 when they do not */
		if (in->n < FW_INLINE_PORTS) {
			in->start[in->n] = lo;
			in->bits[in->n++] = bits;
		} else {
			inline_full = true;
		}
	}
	if (inline_full)
		in->n = 0;
	in->bits[FW_INLINE_PORTS] = *any; /* no ports: the rules that name none */
	if (!ret) /* 0-65535 is one /0: the rules that name no port */
		ret = add_range_prefixes(&list, &count, &cap, 0, 65535, any);
	free(cuts);
	if (ret) {
		free(list);
		return ret;
	}
	c->port[side] = list;
	c->n_port[side] = count;
	return 0;
}

static int add_set_ref(struct fw_table *t, int side, uint32_t slot, int rule,
		       const uint32_t *counted, int n_counted)
{
	uint32_t i;

	for (i = 0; i < t->nsets[side]; i++)
		if (t->sets[side][i] == slot)
			break;
	if (i == t->nsets[side]) {
		if (i == FW_MAX_SET_REFS)
			return -E2BIG;
		t->sets[side][i] = slot;
		t->nsets[side]++;
		for (int k = 0; k < n_counted; k++)
			if (counted[k] == slot)
				t->sets_counted[side] |= 1U << i;
	}
	fw_bits_set(&t->set_rules[side][i], rule);
	return 0;
}

int fw_compile(const struct fw_rule *rules, int n, uint32_t policy,
	       const uint32_t *counted_slots, int n_counted, struct fw_compiled *c)
{
	struct fw_bits any_net[2] = {}, any_port[2] = {}, any_proto = {}, any_icmp = {};
	struct fw_table *t = &c->table;
	int ret;

	memset(c, 0, sizeof(*c));
	if (n > FW_MAX_RULES)
		return -E2BIG;
	t->nrules = n;
	t->nwords = (n + 63) / 64;
	t->policy = policy;
	for (int i = 0; i < n; i++) {
		const struct fw_rule *r = &rules[i];

		for (int side = 0; side < 2; side++) {
			if (!(r->match & (net_match[side] | set_match[side])))
				fw_bits_set(&any_net[side], i);
			if (!(r->match & port_match[side]))
				fw_bits_set(&any_port[side], i);
			if (r->match & net_match[side])
				t->uses |= side == FW_SRC ? FW_USES_SRC_NET : FW_USES_DST_NET;
			if (r->match & port_match[side])
				t->uses |= side == FW_SRC ? FW_USES_SPORT : FW_USES_DPORT;
			if (r->match & set_match[side]) {
				ret = add_set_ref(t, side, side == FW_SRC ? r->src_set : r->dst_set,
						  i, counted_slots, n_counted);
				if (ret)
					return ret;
			}
		}
		if (!(r->match & FW_M_PROTO))
			fw_bits_set(&any_proto, i);
		else
			t->uses |= FW_USES_PROTO;
		if (!(r->match & FW_M_ICMP_TYPE))
			fw_bits_set(&any_icmp, i);
		else
			t->uses |= FW_USES_ICMP;
		for (int fam = 0; fam < 2; fam++)
			if (rule_family_ok(r, fam))
				fw_bits_set(&t->family[fam], i);
		for (int dir = 0; dir < 2; dir++)
			if (!(r->match & FW_M_DIR) || r->dir == dir)
				fw_bits_set(&t->dir[dir], i);
	}
	for (int p = 0; p < 256; p++) {
		c->proto[p] = any_proto;
		for (int i = 0; i < n; i++)
			if ((rules[i].match & FW_M_PROTO) && rules[i].proto == p)
				fw_bits_set(&c->proto[p], i);
	}
	for (int type = 0; type <= FW_ICMP_NONE; type++) {
		c->icmp[type] = any_icmp;
		for (int i = 0; i < n && type < FW_ICMP_NONE; i++)
			if ((rules[i].match & FW_M_ICMP_TYPE) && rules[i].icmp_type == type)
				fw_bits_set(&c->icmp[type], i);
	}
	for (int side = 0; side < 2; side++) {
		t->any_net[side] = any_net[side];
		c->no_port[side] = any_port[side];
		ret = compile_ports(rules, n, side, &any_port[side], c);
		for (int fam = 0; fam < 2 && !ret; fam++)
			ret = compile_nets(rules, n, fam, side, &any_net[side], c);
		if (ret) {
			fw_compiled_free(c);
			return ret;
		}
	}
	return 0;
}

void fw_compiled_free(struct fw_compiled *c)
{
	for (int side = 0; side < 2; side++) {
		free(c->port[side]);
		c->port[side] = NULL;
		for (int fam = 0; fam < 2; fam++) {
			free(c->net[fam][side]);
			c->net[fam][side] = NULL;
		}
	}
}
