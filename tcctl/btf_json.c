// SPDX-License-Identifier: GPL-2.0-only
/* BTF-typed bytes to JSON: what tcctl map dump and lookup show. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "btf_json.h"
#include "btf_json_priv.h"

/* --- whether we can render a type ---------------------------------------------------- */

static bool ok(const struct btf *btf, __u32 id, int depth)
{
	struct bj_type r;
	__u32 n;

	bj_resolve(btf, id, &r);
	if (!r.t || depth > BJ_MAX_DEPTH)
		return false;
	switch (btf_kind(r.t)) {
	case BTF_KIND_INT:
		return r.t->size <= 8 && btf_int_bits(r.t) <= 64;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return r.t->size == 1 || r.t->size == 2 || r.t->size == 4 || r.t->size == 8;
	case BTF_KIND_FLOAT:
		return r.t->size == 4 || r.t->size == 8;
	case BTF_KIND_ARRAY:
		return ok(btf, btf_array(r.t)->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		n = btf_vlen(r.t);
		for (__u32 i = 0; i < n; i++)
			if (!ok(btf, btf_members(r.t)[i].type, depth + 1))
				return false;
		return true;
	default: /* pointers, forward declarations, functions */
		return false;
	}
}

bool btf_json_ok(const struct btf *btf, __u32 id, size_t size)
{
	return btf && id && btf__resolve_size(btf, id) == (__s64)size && ok(btf, id, 0);
}

/* --- bytes to JSON -------------------------------------------------------------------- */

static json_t *get(const struct btf *btf, __u32 id, const __u8 *base, __u32 bitoff, __u32 bitsz);

static json_t *json_u64(__u64 v, bool is_signed)
{
	char buf[24];

	if (is_signed || v <= LLONG_MAX)
		return json_integer((json_int_t)v);
	/* beyond what a JSON integer holds in jansson: hex, which parses back */
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *get_int(const struct bj_type *r, const __u8 *base, __u32 bitoff, __u32 bitsz)
{
	__u8 enc = btf_int_encoding(r->t);
	__u32 bits = btf_int_bits(r->t), ioff = btf_int_offset(r->t);
	__u64 v;

	if (bitsz || ioff || bits != r->t->size * 8) {
		bits = bitsz ?: bits;
		v = bj_bits_load(base, bitoff + ioff, bits);
	} else {
		v = bj_int_load(base + bitoff / 8, r->t->size, r->be);
	}
	if (enc & BTF_INT_BOOL)
		return json_boolean(v);
	if ((enc & BTF_INT_SIGNED) && bits < 64 && (v >> (bits - 1) & 1))
		v |= ~0ULL << bits;
	return json_u64(v, enc & BTF_INT_SIGNED);
}

static json_t *get_enum(const struct btf *btf, const struct bj_type *r, const __u8 *p)
{
	__u32 n = btf_vlen(r->t), size = r->t->size;
	__u64 mask = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
	__u64 v = bj_int_load(p, size, r->be);

	for (__u32 i = 0; i < n; i++) {
		const char *name;
		__u64 ev;

		if (btf_is_enum64(r->t)) {
			ev = btf_enum64_value(&btf_enum64(r->t)[i]);
			name = btf__name_by_offset(btf, btf_enum64(r->t)[i].name_off);
		} else {
			ev = (__u64)(__s64)btf_enum(r->t)[i].val;
			name = btf__name_by_offset(btf, btf_enum(r->t)[i].name_off);
		}
		if ((ev & mask) == v)
			return json_string(name);
	}
	if (btf_kflag(r->t) && size < 8 && (v >> (size * 8 - 1) & 1))
		v |= ~mask;
	return json_u64(v, btf_kflag(r->t));
}

static json_t *get_addr(unsigned int size, const __u8 *p)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(size == 4 ? AF_INET : AF_INET6, p, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *get_array(const struct btf *btf, const struct bj_type *r, const __u8 *base,
			 __u32 bitoff)
{
	const struct btf_array *arr = btf_array(r->t);
	__s64 esize = btf__resolve_size(btf, arr->type);
	const __u8 *p = base + bitoff / 8;
	json_t *list, *e;

	if (bj_is_char(btf, arr->type)) {
		/* json_stringn refuses what is not UTF-8: those bytes show as a list */
		e = json_stringn((const char *)p, strnlen((const char *)p, arr->nelems));
		if (e)
			return e;
	}
	list = json_array();
	for (__u32 i = 0; list && i < arr->nelems; i++) {
		e = get(btf, arr->type, base, bitoff + i * esize * 8, 0);
		if (json_array_append_new(list, e)) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static json_t *get_struct(const struct btf *btf, const struct bj_type *r, const __u8 *base,
			  __u32 bitoff)
{
	const struct btf_member *m = btf_members(r->t);
	json_t *obj = json_object(), *v;
	__u32 n = btf_vlen(r->t);

	for (__u32 i = 0; obj && i < n; i++) {
		const char *name = btf__name_by_offset(btf, m[i].name_off);
		__u32 off = bitoff + btf_member_bit_offset(r->t, i);

		v = get(btf, m[i].type, base, off, btf_member_bitfield_size(r->t, i));
		if (!v) {
			json_decref(obj);
			return NULL;
		}
		/* an anonymous struct or union: its members are the parent's, as in C */
		if ((!name || !*name) && json_is_object(v)) {
			json_object_update(obj, v);
			json_decref(v);
		} else if (json_object_set_new(obj, name ? name : "", v)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static json_t *get(const struct btf *btf, __u32 id, const __u8 *base, __u32 bitoff, __u32 bitsz)
{
	struct bj_type r;

	bj_resolve(btf, id, &r);
	if (bj_addr_size(&r))
		return get_addr(bj_addr_size(&r), base + bitoff / 8);
	switch (btf_kind(r.t)) {
	case BTF_KIND_INT:
		return get_int(&r, base, bitoff, bitsz);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return get_enum(btf, &r, base + bitoff / 8);
	case BTF_KIND_FLOAT: {
		double d;
		float f;

		if (r.t->size == 8) {
			memcpy(&d, base + bitoff / 8, 8);
			return json_real(d);
		}
		memcpy(&f, base + bitoff / 8, 4);
		return json_real(f);
	}
	case BTF_KIND_ARRAY:
		return get_array(btf, &r, base, bitoff);
	default: /* struct, union: btf_json_ok() let nothing else through */
		return get_struct(btf, &r, base, bitoff);
	}
}

/* an LPM key: the members but prefixlen, the address as "A/N" */
static json_t *get_lpm(const struct btf *btf, __u32 id, const struct bj_lpm *l, const __u8 *p)
{
	const struct btf_member *m;
	struct bj_type r;
	char buf[INET6_ADDRSTRLEN + 8];
	__u32 prefixlen, plen;
	json_t *obj, *addr;

	memcpy(&prefixlen, p, 4);
	if (prefixlen < l->pre_bits || prefixlen - l->pre_bits > l->addr_bits)
		return NULL; /* not a prefix of the address: shown as it is */
	plen = prefixlen - l->pre_bits;
	bj_resolve(btf, id, &r);
	m = btf_members(r.t);
	addr = get_addr(l->addr_bits / 8, p + btf_member_bit_offset(r.t, l->addr_idx) / 8);
	if (!addr)
		return NULL;
	snprintf(buf, sizeof(buf), "%s/%u", json_string_value(addr), plen);
	json_decref(addr);
	if (l->only_addr)
		return json_string(buf);
	obj = get(btf, id, p, 0, 0);
	if (!obj)
		return NULL;
	json_object_del(obj, "prefixlen");
	json_object_set_new(obj, btf__name_by_offset(btf, m[l->addr_idx].name_off),
			    json_string(buf));
	return obj;
}

json_t *btf_json_get(const struct btf *btf, __u32 id, const void *data, unsigned int flags)
{
	struct bj_lpm l;
	json_t *j;

	if ((flags & BTF_JSON_LPM) && bj_lpm_layout(btf, id, &l)) {
		j = get_lpm(btf, id, &l, data);
		if (j)
			return j;
	}
	return get(btf, id, data, 0, 0);
}
