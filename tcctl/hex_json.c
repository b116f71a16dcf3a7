// SPDX-License-Identifier: GPL-2.0-only
/* Bytes without a type, in hex: the fallback for maps without BTF (as bpftool shows them). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "btf_json.h"
#include "btf_json_priv.h"

static int fail(struct btf_json_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct btf_json_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

json_t *hex_json_get(const void *data, size_t size)
{
	json_t *list = json_array();
	char buf[8];

	for (size_t i = 0; list && i < size; i++) {
		snprintf(buf, sizeof(buf), "0x%02x", ((const __u8 *)data)[i]);
		if (json_array_append_new(list, json_string(buf))) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static int hex_byte(const char *s, __u8 *b)
{
	char *end;
	unsigned long v;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	if (!*s || strlen(s) > 2 || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	v = strtoul(s, &end, 16);
	if (*end)
		return -EINVAL;
	*b = v;
	return 0;
}

int hex_json_put(const json_t *in, void *data, size_t size, struct btf_json_err *e)
{
	__u8 *p = data;
	size_t i;
	json_t *b;
	__u64 v;

	memset(data, 0, size);
	if (!json_is_array(in)) {
		/* one integer for a plain-sized field: the index of an array map, say */
		if (size != 1 && size != 2 && size != 4 && size != 8)
			return fail(e, "this map has no BTF: give its %zu bytes in hex", size);
		if (bj_put_number(in, size * 8, false, &v, e))
			return -EINVAL;
		memcpy(data, (__u8 *)&v, size); /* host order, little-endian */
		return 0;
	}
	if (json_array_size(in) != size)
		return fail(e, "%zu bytes given, %zu wanted", json_array_size(in), size);
	json_array_foreach(in, i, b)
	{
		json_int_t n = json_integer_value(b);

		if (json_is_string(b) ? hex_byte(json_string_value(b), &p[i])
				      : !json_is_integer(b) || n < 0 || n > 255)
			return fail(e, "byte %zu is not a byte in hex or a number to 255", i);
		if (json_is_integer(b))
			p[i] = n;
	}
	return 0;
}

int hex_args_put(char *const *tok, int n, void *data, size_t size, struct btf_json_err *e)
{
	size_t got = 0;

	memset(data, 0, size);
	for (int i = 0; i < n; i++) {
		const char *s = tok[i];
		size_t len;
		char byte[3];

		if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
			s += 2;
		len = strlen(s);
		if (!len || (len > 2 && len % 2))
			return fail(e, "\"%s\" is not bytes in hex", tok[i]);
		for (size_t k = 0; k < len; k += len == 1 ? 1 : 2) {
			snprintf(byte, sizeof(byte), "%.*s", len == 1 ? 1 : 2, s + k);
			if (got < size && hex_byte(byte, (__u8 *)data + got))
				return fail(e, "\"%s\" is not bytes in hex", tok[i]);
			got++;
		}
	}
	if (got != size)
		return fail(e, "%zu bytes given, %zu wanted", got, size);
	return 0;
}
