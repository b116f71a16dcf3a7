// SPDX-License-Identifier: GPL-2.0-only
/* What both directions of btf_json share: types resolved, LPM layouts, bits, names. */
#include <stdio.h>
#include <string.h>

#include "btf_json.h"
#include "btf_json_priv.h"

void bj_resolve(const struct btf *btf, __u32 id, struct bj_type *r)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	r->be = false;
	r->special = BJ_PLAIN;
	for (int depth = 0; t && (btf_is_typedef(t) || btf_is_mod(t)) && depth < BJ_MAX_DEPTH;
	     depth++) {
		if (btf_is_typedef(t)) {
			const char *name = btf__name_by_offset(btf, t->name_off);

			if (!strcmp(name, "__be16") || !strcmp(name, "__be32") ||
			    !strcmp(name, "__be64"))
				r->be = true;
			else if (!r->special && !strcmp(name, "ip4_addr_t"))
				r->special = BJ_ADDR4;
			else if (!r->special && !strcmp(name, "ip6_addr_t"))
				r->special = BJ_ADDR6;
		}
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	r->t = t;
	r->id = id;
	r->size = t ? btf__resolve_size(btf, id) : -1;
}

bool bj_is_char(const struct btf *btf, __u32 id)
{
	struct bj_type r;

	bj_resolve(btf, id, &r);
	return r.t && btf_is_int(r.t) && r.t->size == 1 &&
	       !strcmp(btf__name_by_offset(btf, r.t->name_off), "char");
}

unsigned int bj_addr_size(const struct bj_type *r)
{
	unsigned int want = r->special == BJ_ADDR4 ? 4 : r->special == BJ_ADDR6 ? 16 : 0;

	/* a typedef of the right name on something else is not ours: bytes then */
	if (!want || !r->t || !(btf_is_array(r->t) || btf_is_int(r->t)) || r->size != want)
		return 0;
	return want;
}

bool bj_lpm_layout(const struct btf *btf, __u32 id, struct bj_lpm *l)
{
	const struct btf_member *m;
	struct bj_type r, first, last;
	__u32 n, off;
	__s64 size;

	bj_resolve(btf, id, &r);
	if (!r.t || !btf_is_struct(r.t) || btf_vlen(r.t) < 2)
		return false;
	m = btf_members(r.t);
	n = btf_vlen(r.t);
	bj_resolve(btf, m[0].type, &first);
	if (strcmp(btf__name_by_offset(btf, m[0].name_off), "prefixlen") ||
	    btf_member_bit_offset(r.t, 0) || btf_member_bitfield_size(r.t, 0) || !first.t ||
	    !btf_is_int(first.t) || first.t->size != 4)
		return false;
	bj_resolve(btf, m[n - 1].type, &last);
	off = btf_member_bit_offset(r.t, n - 1);
	size = bj_addr_size(&last);
	if (!size || btf_member_bitfield_size(r.t, n - 1) || off % 8 || off / 8 + size != r.t->size)
		return false;
	l->addr_idx = n - 1;
	l->pre_bits = off - 32;
	l->addr_bits = size * 8;
	l->only_addr = n == 2;
	return true;
}

__u64 bj_bits_load(const __u8 *p, __u32 off, __u32 n)
{
	__u64 v = 0;

	for (__u32 i = 0; i < n; i++)
		if (p[(off + i) / 8] >> ((off + i) % 8) & 1)
			v |= 1ULL << i;
	return v;
}

void bj_bits_store(__u8 *p, __u32 off, __u32 n, __u64 v)
{
	for (__u32 i = 0; i < n; i++) {
		__u8 bit = 1 << ((off + i) % 8);

		if (v >> i & 1)
			p[(off + i) / 8] |= bit;
		else
			p[(off + i) / 8] &= ~bit;
	}
}

__u64 bj_int_load(const __u8 *p, __u32 size, bool be)
{
	__u64 v = 0;

	/* little-endian hosts: byte i is worth 8 * i bits, or the mirror when big-endian */
	for (__u32 i = 0; i < size; i++)
		v |= (__u64)p[be ? size - 1 - i : i] << (8 * i);
	return v;
}

void bj_int_store(__u8 *p, __u32 size, bool be, __u64 v)
{
	for (__u32 i = 0; i < size; i++)
		p[be ? size - 1 - i : i] = v >> (8 * i);
}

const char *btf_json_type_name(const struct btf *btf, __u32 id, char *buf, size_t len)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *kw = "", *name;
	char elem[128];

	if (!id || !t) {
		snprintf(buf, len, "%s", id ? "?" : "void");
		return buf;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_ARRAY:
		btf_json_type_name(btf, btf_array(t)->type, elem, sizeof(elem));
		snprintf(buf, len, "%s[%u]", elem, btf_array(t)->nelems);
		return buf;
	case BTF_KIND_PTR:
		btf_json_type_name(btf, t->type, elem, sizeof(elem));
		snprintf(buf, len, "%s *", elem);
		return buf;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return btf_json_type_name(btf, t->type, buf, len);
	case BTF_KIND_STRUCT:
		kw = "struct ";
		break;
	case BTF_KIND_UNION:
		kw = "union ";
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		kw = "enum ";
		break;
	}
	snprintf(buf, len, "%s%s", kw, name && *name ? name : "(anon)");
	return buf;
}

char *json_line(const json_t *j)
{
	return json_dumps(j, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
}
