// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of btf_json (tcctl map's conversion of keys and values): types
 * built in memory with libbpf's BTF writer, JSON put into bytes, the bytes
 * checked where the layout matters (byte order, bitfields, LPM prefix
 * lengths) and rendered back to the same JSON; and the one-line errors for
 * bad input. Needs no kernel.
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <linux/btf.h>

#include "btf_json.h"
#include "test.h"

struct types {
	struct btf *btf;
	int u8, u16, s16, u32, u64, be16, be32, chr, ip4, ip6;
	int rec;  /* struct rec, below */
	int lpm4; /* { prefixlen; __be32 slot; ip4_addr_t addr } */
	int lpm6; /* { prefixlen; ip6_addr_t addr } */
};

/*
 * struct rec {
 *	__u8 a;                     off 0
 *	__s16 b;                    off 2
 *	__u32 c:3, d:5;             off 4, bits 32..39
 *	inet_port_t port;           off 8 (__be16)
 *	enum hook { XDP, INGRESS = 5 } hook : 32;  off 12
 *	char name[8];               off 16
 *	__u64 big;                  off 24
 *	ip4_addr_t addr;            off 32
 *	union { __u32 x; __u16 y; };  off 36
 * };                           size 40
 */
static bool build(struct types *t)
{
	struct btf *b = btf__new_empty();
	int hook, anon, name;

	if (!b)
		return false;
	t->btf = b;
	t->u8 = btf__add_int(b, "unsigned char", 1, 0);
	t->u16 = btf__add_int(b, "unsigned short", 2, 0);
	t->s16 = btf__add_int(b, "short", 2, BTF_INT_SIGNED);
	t->u32 = btf__add_int(b, "unsigned int", 4, 0);
	t->u64 = btf__add_int(b, "unsigned long long", 8, 0);
	t->chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	t->be16 = btf__add_typedef(b, "inet_port_t", btf__add_typedef(b, "__be16", t->u16));
	t->be32 = btf__add_typedef(b, "__be32", t->u32);
	t->ip4 = btf__add_typedef(b, "ip4_addr_t", btf__add_array(b, t->u32, t->u8, 4));
	t->ip6 = btf__add_typedef(b, "ip6_addr_t", btf__add_array(b, t->u32, t->u8, 16));
	hook = btf__add_enum(b, "hook", 4);
	btf__add_enum_value(b, "XDP", 0);
	btf__add_enum_value(b, "INGRESS", 5);
	name = btf__add_array(b, t->u32, t->chr, 8);
	/* a struct's fields follow it: every type they use comes first */
	anon = btf__add_union(b, NULL, 4);
	btf__add_field(b, "x", t->u32, 0, 0);
	btf__add_field(b, "y", t->u16, 0, 0);
	t->rec = btf__add_struct(b, "rec", 40);
	btf__add_field(b, "a", t->u8, 0, 0);
	btf__add_field(b, "b", t->s16, 16, 0);
	btf__add_field(b, "c", t->u32, 32, 3);
	btf__add_field(b, "d", t->u32, 35, 5);
	btf__add_field(b, "port", t->be16, 64, 0);
	btf__add_field(b, "hook", hook, 96, 0);
	btf__add_field(b, "name", name, 128, 0);
	btf__add_field(b, "big", t->u64, 192, 0);
	btf__add_field(b, "addr", t->ip4, 256, 0);
	btf__add_field(b, NULL, anon, 288, 0);
	t->lpm4 = btf__add_struct(b, "lpm4", 12);
	btf__add_field(b, "prefixlen", t->u32, 0, 0);
	btf__add_field(b, "slot", t->be32, 32, 0);
	btf__add_field(b, "addr", t->ip4, 64, 0);
	t->lpm6 = btf__add_struct(b, "lpm6", 20);
	btf__add_field(b, "prefixlen", t->u32, 0, 0);
	btf__add_field(b, "addr", t->ip6, 32, 0);
	return t->lpm6 > 0;
}

/* puts text, checks it renders back as want (text itself when want is NULL) */
static bool round_trip(struct types *t, int id, unsigned int flags, const char *text,
		       const char *want, void *data, size_t size)
{
	json_t *in = json_loads(text, JSON_DECODE_ANY, NULL), *back, *w;
	struct btf_json_err e = {};
	char *s = NULL;
	bool ok;

	if (!ASSERT_TRUE(in != NULL, text))
		return false;
	ok = ASSERT_TRUE(btf_json_ok(t->btf, id, size), "type renders");
	ok = ok && ASSERT_OK(btf_json_put(t->btf, id, in, data, size, flags, &e), e.msg);
	back = ok ? btf_json_get(t->btf, id, data, flags) : NULL;
	w = json_loads(want ?: text, JSON_DECODE_ANY, NULL);
	if (back)
		s = json_line(back);
	if (ok && !ASSERT_TRUE(json_equal(back, w), "rendered back the same")) {
		test_msg("got  %s", s);
		test_msg("want %s", want ?: text);
		ok = false;
	}
	free(s);
	json_decref(in);
	json_decref(back);
	json_decref(w);
	return ok;
}

static void test_struct(struct types *t)
{
	__u8 d[40];

	if (round_trip(
		t, t->rec, 0,
		"{\"a\": 255, \"b\": -300, \"c\": 5, \"d\": 17, \"port\": 8080, \"hook\": "
		"\"INGRESS\", \"name\": \"eth0\", \"big\": \"0xfffffffffffffffe\", \"addr\": "
		"\"10.1.2.3\", \"x\": 65539}",
		"{\"a\": 255, \"b\": -300, \"c\": 5, \"d\": 17, \"port\": 8080, \"hook\": "
		"\"INGRESS\", \"name\": \"eth0\", \"big\": \"0xfffffffffffffffe\", \"addr\": "
		"\"10.1.2.3\", \"x\": 65539, \"y\": 3}",
		d, sizeof(d))) {
		ASSERT_EQ(d[4], 5 | 17 << 3, "bitfields c:3 and d:5 share a byte");
		ASSERT_EQ(d[8] << 8 | d[9], 8080, "a __be16 is stored in network order");
		ASSERT_EQ(d[12], 5, "an enumerator by name");
		ASSERT_MEMEQ(d + 32, "\x0a\x01\x02\x03", 4, "an address in network order");
	}
	test_report("btf_json: struct with bitfields, __be16, enum, char[], u64, address, union");

	round_trip(t, t->rec, 0, "{\"hook\": 7, \"b\": \"-0x10\"}",
		   "{\"a\": 0, \"b\": -16, \"c\": 0, \"d\": 0, \"port\": 0, \"hook\": 7, "
		   "\"name\": \"\", \"big\": 0, \"addr\": \"0.0.0.0\", \"x\": 0, \"y\": 0}",
		   d, sizeof(d));
	test_report("btf_json: members not given are zero; enum by number; hex strings");
}

static void test_lpm(struct types *t)
{
	__u8 k4[12], k6[20];
	__u32 plen;

	if (round_trip(t, t->lpm4, BTF_JSON_LPM, "{\"slot\": 3, \"addr\": \"10.0.0.0/8\"}", NULL,
		       k4, sizeof(k4))) {
		memcpy(&plen, k4, 4);
		ASSERT_EQ(plen, 40, "prefixlen counts the slot's 32 bits and the prefix");
		ASSERT_EQ(k4[7], 3, "the __be32 slot in network order");
	}
	round_trip(t, t->lpm4, BTF_JSON_LPM, "{\"slot\": 1, \"addr\": \"192.0.2.1\"}",
		   "{\"slot\": 1, \"addr\": \"192.0.2.1/32\"}", k4, sizeof(k4));
	round_trip(t, t->lpm4, BTF_JSON_LPM, "{\"prefixlen\": 48, \"addr\": \"10.1.0.0\"}",
		   "{\"slot\": 0, \"addr\": \"10.1.0.0/16\"}", k4, sizeof(k4));
	round_trip(t, t->lpm4, 0, "{\"prefixlen\": 40, \"slot\": 0, \"addr\": \"10.0.0.0\"}", NULL,
		   k4, sizeof(k4));
	test_report("btf_json: LPM key with a field before the address");

	if (round_trip(t, t->lpm6, BTF_JSON_LPM, "\"2001:db8::/32\"", NULL, k6, sizeof(k6))) {
		memcpy(&plen, k6, 4);
		ASSERT_EQ(plen, 32, "prefixlen");
	}
	test_report("btf_json: LPM key of an address alone is \"A/N\"");
}

/* text fails to put as type id with exactly the message want */
static void bad(struct types *t, int id, unsigned int flags, const char *text, const char *want)
{
	json_t *in = json_loads(text, JSON_DECODE_ANY, NULL) ?: json_string(text);
	struct btf_json_err e = {};
	__u8 d[64];

	if (ASSERT_TRUE(btf_json_put(t->btf, id, in, d, btf__resolve_size(t->btf, id), flags, &e),
			text) &&
	    !ASSERT_TRUE(!strcmp(e.msg, want), "the message")) {
		test_msg("got  %s", e.msg);
		test_msg("want %s", want);
	}
	json_decref(in);
}

static void test_errors(struct types *t)
{
	bad(t, t->rec, 0, "{\"nope\": 1}", "unknown member \"nope\" in struct rec");
	bad(t, t->rec, 0, "{\"a\": 256}", "a: 256 does not fit in 8 unsigned bits");
	bad(t, t->rec, 0, "{\"c\": 8}", "c: 8 does not fit in 3 unsigned bits");
	bad(t, t->rec, 0, "{\"b\": -32769}", "b: -32769 does not fit in 16 signed bits");
	bad(t, t->rec, 0, "{\"hook\": \"TC\"}",
	    "hook: \"TC\" is neither a name of enum hook nor a number");
	bad(t, t->rec, 0, "{\"name\": \"012345678\"}",
	    "name: \"012345678\" is longer than 8 bytes");
	bad(t, t->rec, 0, "{\"addr\": \"::1\"}", "addr: \"::1\" is not an IPv4 address");
	bad(t, t->rec, 0, "3", "want an object with the members of struct rec, not an integer");
	bad(t, t->lpm4, BTF_JSON_LPM, "{\"addr\": \"10.0.0.0/33\"}",
	    "\"10.0.0.0/33\": the prefix length must be 0 to 32");
	bad(t, t->lpm4, BTF_JSON_LPM, "{\"prefixlen\": 40, \"addr\": \"10.0.0.0/8\"}",
	    "a prefix on addr and a prefixlen: give one of them");
	test_report("btf_json: bad input gets one message naming the member");
}

static void test_hex(void)
{
	char *tok[] = {"0a", "0x00", "0001"};
	struct btf_json_err e = {};
	json_t *j;
	__u8 d[4];
	__u32 v;

	if (ASSERT_OK(hex_args_put(tok, 3, d, 4, &e), e.msg))
		ASSERT_MEMEQ(d, "\x0a\x00\x00\x01", 4, "hex tokens of one or more bytes");
	ASSERT_TRUE(hex_args_put(tok, 2, d, 4, &e) && !strcmp(e.msg, "2 bytes given, 4 wanted"),
		    "too few bytes");
	j = hex_json_get("\x0a\x00\x00\x01", 4);
	if (ASSERT_OK(hex_json_put(j, d, 4, &e), e.msg))
		ASSERT_MEMEQ(d, "\x0a\x00\x00\x01", 4, "bpftool's JSON back");
	json_decref(j);
	j = json_integer(7);
	if (ASSERT_OK(hex_json_put(j, d, 4, &e), e.msg)) {
		memcpy(&v, d, 4);
		ASSERT_EQ(v, 7, "one number: host order");
	}
	json_decref(j);
	test_report("btf_json: bytes in hex");
}

int main(void)
{
	struct types t = {};

	if (!build(&t)) {
		fprintf(stderr, "cannot build the test BTF\n");
		return 1;
	}
	test_struct(&t);
	test_lpm(&t);
	test_errors(&t);
	test_hex();
	btf__free(t.btf);
	return test_exit_status();
}
