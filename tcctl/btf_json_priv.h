/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What btf_json.c (bytes to JSON) and btf_json_put.c (JSON to bytes) share:
 * how a type id resolves through typedefs and qualifiers, which typedefs
 * carry a meaning, the LPM key layout, and bit access for bitfields.
 */
#ifndef TCCTL_BTF_JSON_PRIV_H
#define TCCTL_BTF_JSON_PRIV_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/btf.h>
#include <jansson.h>

#include "btf_json.h"

/* deep enough for any map type; a cycle could only come through a pointer, which we refuse */
#define BJ_MAX_DEPTH 32

enum bj_special {
	BJ_PLAIN,
	BJ_ADDR4, /* ip4_addr_t */
	BJ_ADDR6, /* ip6_addr_t */
};

struct bj_type {
	const struct btf_type *t; /* past typedefs and qualifiers */
	__u32 id;
	__s64 size;
	bool be;		 /* a __be16/__be32/__be64 on the way */
	enum bj_special special; /* the first meaningful typedef on the way */
};

void bj_resolve(const struct btf *btf, __u32 id, struct bj_type *r);
/* a plain "char": char arrays are strings, unsigned char ones bytes */
bool bj_is_char(const struct btf *btf, __u32 id);
/* the number of bytes an address type holds, 0 if id is none */
unsigned int bj_addr_size(const struct bj_type *r);

/* an LPM trie key: prefixlen first, an address last */
struct bj_lpm {
	__u32 addr_idx;	 /* the member index of the address */
	__u32 pre_bits;	 /* bits between prefixlen and the address */
	__u32 addr_bits; /* 32 or 128 */
	bool only_addr;	 /* nothing else: the key is shown as "A/N" */
};

bool bj_lpm_layout(const struct btf *btf, __u32 id, struct bj_lpm *l);

/* the value of n bits at bit off of p, least significant first (little-endian hosts) */
__u64 bj_bits_load(const __u8 *p, __u32 off, __u32 n);
void bj_bits_store(__u8 *p, __u32 off, __u32 n, __u64 v);
/* a whole integer of size bytes, byte-swapped when big-endian */
__u64 bj_int_load(const __u8 *p, __u32 size, bool be);
void bj_int_store(__u8 *p, __u32 size, bool be, __u64 v);

/* an integer of bits bits from JSON: a number, true/false, "0x..." or a decimal string */
int bj_put_number(const json_t *j, __u32 bits, bool is_signed, __u64 *v, struct btf_json_err *e);

#endif /* TCCTL_BTF_JSON_PRIV_H */
