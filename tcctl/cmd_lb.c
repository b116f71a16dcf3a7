// SPDX-License-Identifier: GPL-2.0-only
/*
 * lb: the load balancer's services and backends, through its pinned maps.
 *
 *	lb service { add | delete } { tcp | udp } VIP:PORT
 *	lb backend add { tcp | udp } VIP:PORT ADDR:PORT [ weight W ]
 *	lb backend delete { tcp | udp } VIP:PORT ADDR:PORT
 *	lb backend set { tcp | udp } VIP:PORT ADDR:PORT { weight W | down | up }
 *	lb show [ { tcp | udp } VIP:PORT ]
 *	lb flush
 *
 * The whole command line is checked before anything is opened; a change
 * then reads the state, decides and writes under pins_lock. The maps are
 * pinned from lb.o by the first change when nothing loaded lb yet, so
 * services can be set up before the program is attached.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcctl.h"
#include "lb_cmds.h"
#include "lb_store.h"
#include "lock.h"

enum lb_op {
	OP_SERVICE_ADD,
	OP_SERVICE_DELETE,
	OP_BACKEND_ADD,
	OP_BACKEND_DELETE,
	OP_BACKEND_SET,
	OP_FLUSH,
};

struct lb_cmd {
	enum lb_op op;
	struct lb_service_key key;
	struct lb_endpoint backend;
	struct lb_backend_change change;
};

static const char *peek_or_end(const struct args *a)
{
	return arg_peek(a) ? arg_peek(a) : "the end";
}

/* { tcp | udp } VIP:PORT */
static int arg_service(struct args *a, struct lb_service_key *key, struct lb_endpoint *vip)
{
	__u8 proto;
	int ret;

	ret = lb_proto_parse(arg_next(a), &proto);
	if (ret)
		return ret;
	if (!arg_peek(a))
		return usage_err("lb: expected VIP:PORT after the protocol");
	ret = lb_endpoint_parse(arg_next(a), vip);
	if (ret)
		return ret;
	lb_service_key_make(key, proto, vip);
	return 0;
}

/* ADDR:PORT of a backend, of the service's family */
static int arg_backend(struct args *a, const struct lb_endpoint *vip, struct lb_endpoint *e)
{
	static const char *const fam[] = { [4] = "IPv4", [6] = "IPv6" };
	const char *s = arg_next(a);
	int ret;

	if (!s)
		return usage_err("lb backend: expected the backend's ADDR:PORT after VIP:PORT");
	ret = lb_endpoint_parse(s, e);
	if (ret)
		return ret;
	if (e->family != vip->family)
		return usage_err("backend %s is %s but the service is %s: a backend's family must be the VIP's",
				 s, fam[e->family], fam[vip->family]);
	return 0;
}

static int arg_weight(struct args *a, int *weight)
{
	unsigned int w;
	int ret;

	ret = arg_u32(a, "weight", 65535, &w);
	if (!ret)
		*weight = w;
	return ret;
}

static int parse_service(struct args *a, struct lb_cmd *c)
{
	struct lb_endpoint vip;

	if (arg_is(a, "add"))
		c->op = OP_SERVICE_ADD;
	else if (arg_is(a, "delete"))
		c->op = OP_SERVICE_DELETE;
	else
		return usage_err("lb service: expected add or delete, not %s", peek_or_end(a));
	return arg_service(a, &c->key, &vip) ?: arg_end(a);
}

static int parse_backend(struct args *a, struct lb_cmd *c)
{
	struct lb_endpoint vip;
	int ret;

	c->change.weight = -1;
	c->change.down = -1;
	if (arg_is(a, "add"))
		c->op = OP_BACKEND_ADD;
	else if (arg_is(a, "delete"))
		c->op = OP_BACKEND_DELETE;
	else if (arg_is(a, "set"))
		c->op = OP_BACKEND_SET;
	else
		return usage_err("lb backend: expected add, delete or set, not %s", peek_or_end(a));
	ret = arg_service(a, &c->key, &vip) ?: arg_backend(a, &vip, &c->backend);
	if (ret)
		return ret;
	if (c->op == OP_BACKEND_ADD) {
		c->change.weight = 1;
		if (arg_is(a, "weight"))
			ret = arg_weight(a, &c->change.weight);
	} else if (c->op == OP_BACKEND_SET) {
		if (arg_is(a, "weight"))
			ret = arg_weight(a, &c->change.weight);
		else if (arg_is(a, "down"))
			c->change.down = 1;
		else if (arg_is(a, "up"))
			c->change.down = 0;
		else
			return usage_err("lb backend set: expected weight W, down or up, not %s",
					 peek_or_end(a));
	}
	return ret ?: arg_end(a);
}

static int run(const struct lb_maps *m, struct lb_state *st, const struct lb_cmd *c)
{
	switch (c->op) {
	case OP_SERVICE_ADD:
		return lb_service_add(m, st, &c->key);
	case OP_SERVICE_DELETE:
		return lb_service_delete(m, st, &c->key);
	case OP_BACKEND_ADD:
		return lb_backend_add(m, st, &c->key, &c->backend, c->change.weight);
	case OP_BACKEND_DELETE:
		return lb_backend_delete(m, st, &c->key, &c->backend);
	case OP_BACKEND_SET:
		return lb_backend_set(m, st, &c->key, &c->backend, &c->change);
	case OP_FLUSH:
		return lb_flush(m, st);
	}
	return -EINVAL;
}

static int write_locked(const struct lb_cmd *c)
{
	struct lb_state *st;
	struct lb_maps m;
	int ret;

	/* a flush of what was never pinned has nothing to do, and pins nothing */
	if (c->op == OP_FLUSH && !lb_pinned())
		return 0;
	ret = lb_maps_open(&m, c->op != OP_FLUSH);
	if (ret)
		return ret;
	st = malloc(sizeof(*st));
	if (!st) {
		err("out of memory");
		ret = -ENOMEM;
	} else {
		ret = lb_state_read(&m, st) ?: run(&m, st, c);
	}
	free(st);
	lb_maps_close(&m);
	return ret;
}

static int lb_write(const struct lb_cmd *c)
{
	int ret = pins_lock();

	if (ret)
		return ret;
	ret = write_locked(c);
	pins_unlock();
	return ret;
}

int cmd_lb(struct tcctl *t, struct args *a)
{
	struct lb_service_key key;
	struct lb_endpoint vip;
	struct lb_cmd c = {};
	int ret;

	if (arg_is(a, "service")) {
		ret = parse_service(a, &c);
	} else if (arg_is(a, "backend")) {
		ret = parse_backend(a, &c);
	} else if (arg_is(a, "flush")) {
		c.op = OP_FLUSH;
		ret = arg_end(a);
	} else if (arg_is(a, "show")) {
		if (!arg_peek(a))
			return lb_show(t, NULL);
		ret = arg_service(a, &key, &vip) ?: arg_end(a);
		return ret ?: lb_show(t, &key);
	} else {
		return usage_err("lb: expected service, backend, show or flush, not %s",
				 peek_or_end(a));
	}
	return ret ?: lb_write(&c);
}
