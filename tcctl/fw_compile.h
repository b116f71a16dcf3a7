/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compiles one fw table's ordered rules into the bitmaps the program ANDs
 * (objects/abi/fw_rules.h): per field value, the rules that accept it. Pure
 * computation, no kernel: the writer puts the result into a bank's maps.
 */
#ifndef TCCTL_FW_COMPILE_H
#define TCCTL_FW_COMPILE_H

#include <stdint.h>

#include "../objects/abi/fw_rules.h"

/* an LPM entry: prefix of a 4-, 16- or 2-byte value, and its rules */
struct fw_prefix_bits {
	uint8_t addr[16]; /* network order; a port is addr[0..1] */
	uint8_t len;	  /* prefix length in bits */
	struct fw_bits bits;
};

struct fw_compiled {
	struct fw_table table;
	/* by family (0 IPv4, 1 IPv6) and side; each list ends with its /0 */
	struct fw_prefix_bits *net[2][2];
	int n_net[2][2];
	/* by side, then FW_NO_PORTS + side as a /0 alone */
	struct fw_prefix_bits *port[2];
	int n_port[2];
	struct fw_bits no_port[2];
	struct fw_bits proto[256];
	struct fw_bits icmp[FW_ICMP_NONE + 1];
};

/*
 * rules[0..n) in order; their set slots must already be resolved. Returns 0,
 * -E2BIG for more than FW_MAX_RULES rules or FW_MAX_SET_REFS sets a side,
 * -ENOMEM.
 */
int fw_compile(const struct fw_rule *rules, int n, uint32_t policy,
	       const uint32_t *counted_slots, int n_counted, struct fw_compiled *out);
void fw_compiled_free(struct fw_compiled *c);

static inline void fw_bits_set(struct fw_bits *b, int rule)
{
	b->w[rule / 64] |= 1ULL << (rule % 64);
}

static inline int fw_bits_test(const struct fw_bits *b, int rule)
{
	return (b->w[rule / 64] >> (rule % 64)) & 1;
}

#endif /* TCCTL_FW_COMPILE_H */
