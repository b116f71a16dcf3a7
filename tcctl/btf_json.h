/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Map keys and values between their bytes and JSON, by their BTF type, for
 * tcctl map: integers as numbers (big-endian __be16/32/64 typedefs in host
 * order), enums by enumerator name, structs and unions as objects by member
 * name, arrays as lists and char arrays as strings, and fields whose typedef
 * is ip4_addr_t, ip6_addr_t (objects/abi/types.h) as address strings.
 *
 * An LPM trie key (a struct whose first member is a 32-bit "prefixlen" and
 * whose last member is an address) shows its prefix on the address, counted
 * from the address: {"slot": 0, "addr": "10.0.0.0/8"}, or "10.0.0.0/8" when
 * the address is all the key has besides prefixlen.
 *
 * Types it cannot render (pointers, forward declarations, odd sizes) make
 * btf_json_ok() false: the caller shows those bytes in hex instead. No I/O:
 * errors come back as -EINVAL with a message in the caller's buffer.
 */
#ifndef TCCTL_BTF_JSON_H
#define TCCTL_BTF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>

struct btf;

enum btf_json_flags {
	BTF_JSON_LPM = 1 << 0, /* the key of an LPM trie */
};

struct btf_json_err {
	char msg[256];
};

/* whether type id, size bytes, is one we render */
bool btf_json_ok(const struct btf *btf, __u32 id, size_t size);
/* the JSON for the bytes at data; NULL only when out of memory */
json_t *btf_json_get(const struct btf *btf, __u32 id, const void *data, unsigned int flags);
/* fills data (size bytes, zeroed here first) from in; 0 or -EINVAL with e->msg */
int btf_json_put(const struct btf *btf, __u32 id, const json_t *in, void *data, size_t size,
		 unsigned int flags, struct btf_json_err *e);
/* a type's name as C spells it ("struct fw_iface_key", "__u32", "ip6_addr_t") */
const char *btf_json_type_name(const struct btf *btf, __u32 id, char *buf, size_t len);

/* bytes without a type: bpftool's JSON, ["0x0a", "0x00", ...] */
json_t *hex_json_get(const void *data, size_t size);
/*
 * and back: that list (strings or numbers), or for 1, 2, 4 or 8 bytes one
 * integer in host order, as an array index is
 */
int hex_json_put(const json_t *in, void *data, size_t size, struct btf_json_err *e);
/* hex tokens from the command line ("0a 00 00 01", "0x0a", "0a000001") */
int hex_args_put(char *const *tok, int n, void *data, size_t size, struct btf_json_err *e);

/* text for JSON in a line: one line, ", " and ": " as separators */
char *json_line(const json_t *j);

#endif /* TCCTL_BTF_JSON_H */
