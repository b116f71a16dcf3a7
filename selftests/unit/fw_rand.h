/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Random fw rules and packets for the rule tests, and the reference: what a
 * rule means, written the plain way, one field after the other.
 */
#ifndef TCCTL_SELFTESTS_FW_RAND_H
#define TCCTL_SELFTESTS_FW_RAND_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../objects/abi/fw_rules.h"

struct pkt_fields {
	int v6, dir, has_ports, has_icmp;
	uint8_t src[16], dst[16];
	uint8_t proto, icmp_type;
	uint16_t sport, dport;
	uint32_t src_sets, dst_sets; /* bit = slot the address is in */
};

static inline int prefix_has(const uint8_t *p, int len, const uint8_t *a)
{
	int full = len / 8, rest = len % 8;

	return !memcmp(p, a, full) && (!rest || !((p[full] ^ a[full]) & (0xff << (8 - rest))));
}

/* the rules as written: the reference */
static inline int rule_matches(const struct fw_rule *r, const struct pkt_fields *p)
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

/* few distinct values, so that rules overlap and packets hit them */
static inline void rand_addr(uint8_t *a, int v6)
{
	memset(a, 0, 16);
	a[0] = 10;
	a[1] = rand() % 3;
	a[2] = rand() % 4 * 64;
	a[v6 ? 15 : 3] = rand() % 4;
	if (v6)
		a[0] = 0xfd;
}

static inline void rand_rule(struct fw_rule *r)
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

static inline void rand_pkt(struct pkt_fields *p)
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

#endif /* TCCTL_SELFTESTS_FW_RAND_H */
