// SPDX-License-Identifier: GPL-2.0-only
/*
 * redir: the redirects of the redir object, through its pinned maps,
 * whoever loaded redir.o (tcctl attach, tc or ip).
 *
 *	redir add { tcp | udp } PORT to PORT [ addr ADDR ] [ dev DEV ]
 *	redir delete { tcp | udp } PORT [ addr ADDR ] [ dev DEV ]
 *	redir show [ -j ]
 *	redir flush
 *
 * A redirect is named by protocol, port, address and device: delete takes
 * the same words add did (no address: the one for any address). Writers hold
 * pins_lock. Show prints one row per redirect, sorted by id (the order they
 * were added in, ids being reused), with its counters summed over the CPUs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "tcctl.h"
#include "lock.h"
#include "netdev.h"
#include "redir_rules.h"

static int arg_proto(struct args *a, uint8_t *proto)
{
	const char *p = arg_peek(a);

	if (arg_is(a, "tcp"))
		*proto = IPPROTO_TCP;
	else if (arg_is(a, "udp"))
		*proto = IPPROTO_UDP;
	else
		return usage_err("redir: expected tcp or udp%s%s", p ? ", not " : "", p ? p : "");
	return 0;
}

static int arg_port(struct args *a, const char *what, uint16_t *port)
{
	const char *s = arg_next(a);
	unsigned long v;
	char *end;

	if (!s)
		return usage_err("redir: expected %s", what);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || *s == '-' || *s == '+' || v < 1 || v > 65535)
		return usage_err("redir: %s must be a port from 1 to 65535, not \"%s\"", what, s);
	*port = v;
	return 0;
}

static int parse_addr(const char *s, struct redir_spec *sp)
{
	struct in_addr a4;

	memset(sp->addr, 0, sizeof(sp->addr));
	if (inet_pton(AF_INET, s, &a4) == 1) {
		/* IPv4-mapped, as the ABI stores IPv4 */
		sp->addr[10] = sp->addr[11] = 0xff;
		memcpy(sp->addr + 12, &a4, 4);
		sp->family = REDIR_FAMILY_IPV4;
	} else if (inet_pton(AF_INET6, s, sp->addr) == 1) {
		sp->family = REDIR_FAMILY_IPV6;
	} else {
		return usage_err("redir: \"%s\" is not an IPv4 or IPv6 address", s);
	}
	/* the key's all-zero address means any: a redirect for 0.0.0.0 or :: would be that */
	for (int i = 0; i < 16; i++)
		if (sp->addr[i] && !(sp->family == REDIR_FAMILY_IPV4 && (i == 10 || i == 11)))
			return 0;
	return usage_err("redir: addr %s is no local address; leave addr out for any", s);
}

/* { tcp | udp } PORT [ to PORT ] [ addr ADDR ] [ dev DEV ], addr and dev in either order */
static int arg_spec(struct args *a, struct redir_spec *s, bool with_to)
{
	const char *v;
	bool addr = false;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = arg_proto(a, &s->proto) ?: arg_port(a, "PORT", &s->port);
	if (!ret && with_to) {
		if (!arg_is(a, "to"))
			return usage_err("redir add: expected \"to PORT\"%s%s",
					 arg_peek(a) ? ", not " : "", arg_peek(a) ? arg_peek(a) : "");
		ret = arg_port(a, "to PORT", &s->to);
		if (!ret && s->to == s->port)
			return usage_err("redir add: port %u to itself", s->port);
	}
	while (!ret && arg_peek(a)) {
		if (!addr && arg_is(a, "addr")) {
			ret = arg_value(a, "addr", &v) ?: parse_addr(v, s);
			addr = true;
		} else if (!s->ifindex && !strcmp(arg_peek(a), "dev")) {
			ret = arg_dev(a, &s->ifindex, &v);
		} else {
			ret = arg_end(a);
		}
	}
	return ret;
}

static json_t *row_json(const struct redir_entry *e, int nkeys, const struct redir_counter *c)
{
	char addr[INET6_ADDRSTRLEN] = "", dev[IF_NAMESIZE];
	static const __u8 zero[16];
	json_t *jaddr, *jdev, *family;

	if (e->key.family == REDIR_FAMILY_IPV4)
		inet_ntop(AF_INET, e->key.addr + 12, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, e->key.addr, addr, sizeof(addr));
	jaddr = memcmp(e->key.addr, zero, 16) ? json_string(addr) : json_null();
	jdev = e->key.ifindex ? json_string(dev_name(e->key.ifindex, dev)) : json_null();
	/* no address and both families: the redirect is for either */
	if (nkeys > 1)
		family = json_null();
	else
		family = json_string(e->key.family == REDIR_FAMILY_IPV4 ? "ip" : "ip6");
	return json_pack("{s:s, s:i, s:i, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "proto",
			 e->key.proto == IPPROTO_TCP ? "tcp" : "udp", "port", ntohs(e->key.port),
			 "to", ntohs(e->val.port), "family", family, "addr", jaddr, "dev", jdev,
			 "ifindex", (json_int_t)e->key.ifindex, "id", (json_int_t)e->val.id,
			 "packets", (json_int_t)c->packets, "bytes", (json_int_t)c->bytes,
			 "misses", (json_int_t)c->misses, "replies", (json_int_t)c->replies);
}

static const char *str_or(json_t *r, const char *field, const char *none)
{
	const char *s = json_string_value(json_object_get(r, field));

	return s ? s : none;
}

static void print_rows(json_t *rows)
{
	json_t *r;
	size_t i;

	printf("%-5s %5s %5s %-6s %-39s %-15s %10s %14s %8s %10s\n", "proto", "port", "to",
	       "family", "addr", "dev", "packets", "bytes", "misses", "replies");
	json_array_foreach(rows, i, r) {
		printf("%-5s %5lld %5lld %-6s %-39s %-15s %10lld %14lld %8lld %10lld\n",
		       str_or(r, "proto", "?"), json_integer_value(json_object_get(r, "port")),
		       json_integer_value(json_object_get(r, "to")), str_or(r, "family", "any"),
		       str_or(r, "addr", "any"), str_or(r, "dev", "any"),
		       json_integer_value(json_object_get(r, "packets")),
		       json_integer_value(json_object_get(r, "bytes")),
		       json_integer_value(json_object_get(r, "misses")),
		       json_integer_value(json_object_get(r, "replies")));
	}
}

static int redir_show(struct tcctl *t, const struct redir_maps *m)
{
	struct redir_entry *e = NULL;
	struct redir_counter c;
	json_t *rows;
	size_t n, i, j;
	int ret;

	ret = redir_collect(m, &e, &n);
	if (ret)
		return ret;
	rows = json_array();
	/* entries come sorted by id: one row per id */
	for (i = 0; rows && i < n; i = j) {
		for (j = i + 1; j < n && e[j].val.id == e[i].val.id; j++)
			;
		ret = redir_counter_read(m, e[i].val.id, &c);
		if (ret)
			break;
		json_array_append_new(rows, row_json(&e[i], j - i, &c));
	}
	free(e);
	if (ret) {
		json_decref(rows);
		return ret;
	}
	return out_emit(t, rows, print_rows);
}

/* a writer: the lock around the change, the maps opened under it */
static int redir_write(int (*op)(const struct redir_maps *, const struct redir_spec *),
		       const struct redir_spec *s)
{
	struct redir_maps m;
	int ret;

	ret = redir_maps_open(&m);
	if (ret)
		return ret;
	ret = pins_lock();
	if (!ret) {
		ret = op(&m, s);
		pins_unlock();
	}
	redir_maps_close(&m);
	return ret;
}

static int flush_op(const struct redir_maps *m, const struct redir_spec *s)
{
	(void)s;
	return redir_flush(m);
}

int cmd_redir(struct tcctl *t, struct args *a)
{
	struct redir_spec s;
	struct redir_maps m;
	int ret;

	if (arg_is(a, "add")) {
		ret = arg_spec(a, &s, true);
		return ret ?: redir_write(redir_add, &s);
	}
	if (arg_is(a, "delete")) {
		ret = arg_spec(a, &s, false);
		return ret ?: redir_write(redir_delete, &s);
	}
	if (arg_is(a, "show")) {
		/* -j after show too, as the grammar has it */
		if (arg_is(a, "-j") || arg_is(a, "-json"))
			t->json = true;
		ret = arg_end(a) ?: redir_maps_open(&m);
		if (ret)
			return ret;
		ret = redir_show(t, &m);
		redir_maps_close(&m);
		return ret;
	}
	if (arg_is(a, "flush")) {
		ret = arg_end(a);
		return ret ?: redir_write(flush_op, NULL);
	}
	return usage_err("redir: expected add, delete, show or flush%s%s",
			 arg_peek(a) ? ", not " : "", arg_peek(a) ? arg_peek(a) : "");
}
