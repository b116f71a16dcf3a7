// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON to BTF-typed bytes: what tcctl map update writes. Everything is
 * checked before a byte is used (ranges, names, lengths), and the first
 * problem comes back as one message naming the member it is about.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "btf_json.h"
#include "btf_json_priv.h"

struct put {
	const struct btf *btf;
	struct btf_json_err *e;
	char path[128]; /* where we are: "sport[1]", "addr" */
};

static int fail(struct put *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct put *c, const char *fmt, ...)
{
	size_t len = 0;
	va_list ap;

	c->e->msg[0] = '\0';
	if (c->path[0])
		len = snprintf(c->e->msg, sizeof(c->e->msg), "%s: ", c->path);
	va_start(ap, fmt);
	vsnprintf(c->e->msg + len, sizeof(c->e->msg) - len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a fraction";
	case JSON_NULL:
		return "null";
	default:
		return "true or false";
	}
}

/* an integer of bits bits: a JSON integer, true/false, or a string in decimal or 0x hex */
static int put_number(struct put *c, const json_t *j, __u32 bits, bool is_signed, __u64 *v)
{
	unsigned long long mag;
	const char *s;
	char *end;
	bool neg;

	if (json_is_integer(j)) {
		json_int_t i = json_integer_value(j);

		neg = i < 0;
		mag = neg ? -(unsigned long long)i : (unsigned long long)i;
	} else if (json_is_boolean(j)) {
		neg = false;
		mag = json_is_true(j);
	} else if (json_is_string(j)) {
		s = json_string_value(j);
		neg = *s == '-';
		s += neg;
		errno = 0;
		mag = strtoull(s, &end, !strncmp(s, "0x", 2) || !strncmp(s, "0X", 2) ? 16 : 10);
		if (errno || end == s || *end || *s == '-' || *s == '+' || *s == ' ')
			return fail(c, "\"%s\" is not a number", json_string_value(j));
	} else {
		return fail(c, "want a number, not %s", json_kind(j));
	}
	if (is_signed ? (neg ? mag > 1ULL << (bits - 1) : mag > (~0ULL >> (65 - bits)))
		      : (neg ? mag != 0 : bits < 64 && mag >> bits))
		return fail(c, "%s%llu does not fit in %u %s bits", neg ? "-" : "", mag, bits,
			    is_signed ? "signed" : "unsigned");
	*v = neg ? -mag : mag;
	return 0;
}

static int put_int(struct put *c, const struct bj_type *r, const json_t *j, __u8 *base,
		   __u32 bitoff, __u32 bitsz)
{
	__u8 enc = btf_int_encoding(r->t);
	__u32 bits = btf_int_bits(r->t), ioff = btf_int_offset(r->t);
	bool bitfield = bitsz || ioff || bits != r->t->size * 8;
	__u64 v;
	int ret;

	bits = bitsz ?: bits;
	ret = put_number(c, j, (enc & BTF_INT_BOOL) ? 1 : bits, enc & BTF_INT_SIGNED, &v);
	if (ret)
		return ret;
	if (bitfield)
		bj_bits_store(base, bitoff + ioff, bits, v);
	else
		bj_int_store(base + bitoff / 8, r->t->size, r->be, v);
	return 0;
}

static int put_enum(struct put *c, const struct bj_type *r, const json_t *j, __u8 *p)
{
	__u32 n = btf_vlen(r->t);
	__u64 v;
	int ret;

	if (json_is_string(j)) {
		const char *s = json_string_value(j);

		for (__u32 i = 0; i < n; i++) {
			bool e64 = btf_is_enum64(r->t);
			const char *name =
			    btf__name_by_offset(c->btf, e64 ? btf_enum64(r->t)[i].name_off
							    : btf_enum(r->t)[i].name_off);

			if (strcmp(name, s))
				continue;
			v = e64 ? btf_enum64_value(&btf_enum64(r->t)[i])
				: (__u64)(__s64)btf_enum(r->t)[i].val;
			bj_int_store(p, r->t->size, r->be, v);
			return 0;
		}
	}
	ret = put_number(c, j, r->t->size * 8, btf_kflag(r->t), &v);
	if (ret && json_is_string(j))
		return fail(c, "\"%s\" is neither a name of enum %s nor a number",
			    json_string_value(j), btf__name_by_offset(c->btf, r->t->name_off));
	if (!ret)
		bj_int_store(p, r->t->size, r->be, v);
	return ret;
}

static int put_addr(struct put *c, unsigned int size, const json_t *j, __u8 *p)
{
	const char *s = json_string_value(j);

	if (!s)
		return fail(c, "want an IPv%d address, not %s", size == 4 ? 4 : 6, json_kind(j));
	if (inet_pton(size == 4 ? AF_INET : AF_INET6, s, p) != 1)
		return fail(c, "\"%s\" is not an IPv%d address", s, size == 4 ? 4 : 6);
	return 0;
}

static int put(struct put *c, __u32 id, const json_t *j, __u8 *base, __u32 bitoff, __u32 bitsz);

/* the path grows while we are inside a member or element, and shrinks back after */
static int put_at(struct put *c, const char *fmt, const void *what, __u32 id, const json_t *j,
		  __u8 *base, __u32 bitoff, __u32 bitsz)
{
	size_t len = strlen(c->path);
	int ret;

	if (fmt[0] == 's')
		snprintf(c->path + len, sizeof(c->path) - len, "%s%s", len ? "." : "",
			 (const char *)what);
	else
		snprintf(c->path + len, sizeof(c->path) - len, "[%zu]", *(const size_t *)what);
	ret = put(c, id, j, base, bitoff, bitsz);
	if (!ret)
		c->path[len] = '\0';
	return ret;
}

static int put_array(struct put *c, const struct bj_type *r, const json_t *j, __u8 *base,
		     __u32 bitoff)
{
	const struct btf_array *arr = btf_array(r->t);
	__s64 esize = btf__resolve_size(c->btf, arr->type);
	size_t i;
	json_t *e;
	int ret;

	if (json_is_string(j) && bj_is_char(c->btf, arr->type)) {
		size_t len = json_string_length(j);

		if (len > arr->nelems)
			return fail(c, "\"%s\" is longer than %u bytes", json_string_value(j),
				    arr->nelems);
		memcpy(base + bitoff / 8, json_string_value(j), len);
		return 0;
	}
	if (!json_is_array(j))
		return fail(c, "want a list of %u, not %s", arr->nelems, json_kind(j));
	if (json_array_size(j) > arr->nelems)
		return fail(c, "%zu elements, more than the %u there are", json_array_size(j),
			    arr->nelems);
	json_array_foreach(j, i, e)
	{
		ret = put_at(c, "i", &i, arr->type, e, base, bitoff + i * esize * 8, 0);
		if (ret)
			return ret;
	}
	return 0;
}

/* a member by name, looking into anonymous structs and unions as C does */
static bool find_member(const struct btf *btf, __u32 id, const char *name, __u32 *mid,
			__u32 *bitoff, __u32 *bitsz)
{
	struct bj_type r;

	bj_resolve(btf, id, &r);
	for (__u32 i = 0; i < btf_vlen(r.t); i++) {
		const struct btf_member *m = &btf_members(r.t)[i];
		const char *mname = btf__name_by_offset(btf, m->name_off);
		__u32 off = btf_member_bit_offset(r.t, i);
		struct bj_type mr;

		if (mname && *mname) {
			if (strcmp(mname, name))
				continue;
			*mid = m->type;
			*bitoff += off;
			*bitsz = btf_member_bitfield_size(r.t, i);
			return true;
		}
		bj_resolve(btf, m->type, &mr);
		if (btf_is_composite(mr.t) && find_member(btf, m->type, name, mid, &off, bitsz)) {
			*bitoff += off;
			return true;
		}
	}
	return false;
}

static int put_struct(struct put *c, const struct bj_type *r, const json_t *j, __u8 *base,
		      __u32 bitoff)
{
	const char *name;
	char tname[128];
	json_t *v;
	int ret;

	if (!json_is_object(j))
		return fail(c, "want an object with the members of %s, not %s",
			    btf_json_type_name(c->btf, r->id, tname, sizeof(tname)), json_kind(j));
	json_object_foreach((json_t *)j, name, v)
	{
		__u32 mid, off = bitoff, bitsz;

		if (!find_member(c->btf, r->id, name, &mid, &off, &bitsz))
			return fail(c, "unknown member \"%s\" in %s", name,
				    btf_json_type_name(c->btf, r->id, tname, sizeof(tname)));
		ret = put_at(c, "s", name, mid, v, base, off, bitsz);
		if (ret)
			return ret;
	}
	return 0;
}

static int put(struct put *c, __u32 id, const json_t *j, __u8 *base, __u32 bitoff, __u32 bitsz)
{
	struct bj_type r;

	bj_resolve(c->btf, id, &r);
	if (bj_addr_size(&r))
		return put_addr(c, bj_addr_size(&r), j, base + bitoff / 8);
	switch (btf_kind(r.t)) {
	case BTF_KIND_INT:
		return put_int(c, &r, j, base, bitoff, bitsz);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return put_enum(c, &r, j, base + bitoff / 8);
	case BTF_KIND_FLOAT: {
		double d = json_number_value(j);

		if (!json_is_number(j))
			return fail(c, "want a number, not %s", json_kind(j));
		if (r.t->size == 4) {
			float f = d;

			memcpy(base + bitoff / 8, &f, 4);
		} else {
			memcpy(base + bitoff / 8, &d, 8);
		}
		return 0;
	}
	case BTF_KIND_ARRAY:
		return put_array(c, &r, j, base, bitoff);
	default: /* struct, union: btf_json_ok() let nothing else through */
		return put_struct(c, &r, j, base, bitoff);
	}
}

/*
 * An LPM key as btf_json_get shows it: the prefix on the address ("A/N"),
 * or prefixlen given as a member and a bare address; an address without
 * /N and without prefixlen is a host, all its bits.
 */
static int put_lpm(struct put *c, __u32 id, const struct bj_lpm *l, const json_t *in, __u8 *p)
{
	const struct btf_type *t = btf__type_by_id(c->btf, id);
	char text[INET6_ADDRSTRLEN + 16], *slash, *end;
	__u32 plen = l->addr_bits, prefixlen;
	bool bad_plen = false;
	json_t *obj, *addr;
	const char *aname;
	int ret;

	while (btf_is_typedef(t) || btf_is_mod(t))
		t = btf__type_by_id(c->btf, t->type);
	aname = btf__name_by_offset(c->btf, btf_members(t)[l->addr_idx].name_off);
	if (l->only_addr && json_is_string(in))
		obj = json_pack("{sO}", aname, in);
	else if (json_is_object(in))
		obj = json_copy((json_t *)in);
	else
		return put(c, id, in, p, 0, 0); /* its own error */
	if (!obj)
		return fail(c, "out of memory");
	addr = json_object_get(obj, aname);
	snprintf(text, sizeof(text), "%s", json_string_value(addr) ?: "");
	slash = strchr(text, '/');
	if (slash) {
		if (json_object_get(obj, "prefixlen")) {
			ret = fail(c, "a prefix on %s and a prefixlen: give one of them", aname);
			goto out;
		}
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		bad_plen = errno || end == slash + 1 || *end || plen > l->addr_bits;
		json_object_set_new(obj, aname, json_stringn(text, slash - text));
	}
	/* the address first: "2001:db8::/48" on an IPv4 key is about the address */
	ret = put(c, id, obj, p, 0, 0);
	if (!ret && bad_plen)
		ret = fail(c, "\"%s\": the prefix length must be 0 to %u", text, l->addr_bits);
	if (!ret && !json_object_get(obj, "prefixlen")) {
		prefixlen = l->pre_bits + plen;
		memcpy(p, &prefixlen, 4);
	}
out:
	json_decref(obj);
	return ret;
}

int btf_json_put(const struct btf *btf, __u32 id, const json_t *in, void *data, size_t size,
		 unsigned int flags, struct btf_json_err *e)
{
	struct put c = {.btf = btf, .e = e};
	struct bj_lpm l;

	memset(data, 0, size);
	if ((flags & BTF_JSON_LPM) && bj_lpm_layout(btf, id, &l))
		return put_lpm(&c, id, &l, in, data);
	return put(&c, id, in, data, 0, 0);
}

int bj_put_number(const json_t *j, __u32 bits, bool is_signed, __u64 *v, struct btf_json_err *e)
{
	struct put c = {.e = e};

	return put_number(&c, j, bits, is_signed, v);
}
