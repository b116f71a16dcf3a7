// SPDX-License-Identifier: GPL-2.0-only
/*
 * lb show: services and their backends with weight, state, ring slots and
 * counters summed over CPUs, then lb's global counters; one JSON document
 * (docs/json.md) that the text printer lays out as ipvsadm -Ln does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "lb_cmds.h"
#include "lb_store.h"
#include "obj.h"

/* json names of enum lb_counter, in its order */
static const char *const counter_names[] = {
	[LB_CNT_FORWARD] = "forward",	  [LB_CNT_REPLY] = "reply",
	[LB_CNT_NO_BACKEND] = "no_backend", [LB_CNT_FRAGMENT] = "fragment",
	[LB_CNT_CONN_MOVED] = "conn_moved", [LB_CNT_REWRITE_ERR] = "rewrite_err",
};

#define N_COUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))

struct ordered {
	const struct lb_backend *b;
	__u32 id;
};

struct reader {
	const struct lb_maps *m;
	int ncpus;
	struct lb_backend_stats *percpu;
	__u64 *percpu_u64;
	__u32 *slots; /* per backend id, in the live ring of the service shown */
	struct lb_ring *ring;
	struct ordered *order; /* the backends of the service shown */
};

static const char *state_name(const struct lb_backend *b)
{
	if (b->flags & LB_BACKEND_DOWN)
		return "down";
	return b->weight ? "up" : "drain";
}

static int backend_stats(struct reader *r, __u32 id, struct lb_backend_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(r->m->stats, &id, r->percpu)) {
		err("%s/%s: %s", pin_dir(), LB_MAP_STATS, strerror(errno));
		return -errno;
	}
	for (int cpu = 0; cpu < r->ncpus; cpu++) {
		sum->packets += r->percpu[cpu].packets;
		sum->bytes += r->percpu[cpu].bytes;
		sum->flows += r->percpu[cpu].flows;
		sum->replies += r->percpu[cpu].replies;
	}
	return 0;
}

static json_t *backend_json(struct reader *r, __u32 id, const struct lb_backend *b)
{
	struct lb_backend_stats s;
	char addr[INET6_ADDRSTRLEN];

	if (backend_stats(r, id, &s))
		return NULL;
	return json_pack("{s:I, s:s, s:i, s:i, s:s, s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)id,
			 "addr", lb_addr_str(b->addr, b->family, addr, sizeof(addr)), "port",
			 ntohs(b->port), "weight", b->weight, "state", state_name(b), "slots",
			 (json_int_t)r->slots[id], "packets", (json_int_t)s.packets, "bytes",
			 (json_int_t)s.bytes, "flows", (json_int_t)s.flows, "replies",
			 (json_int_t)s.replies);
}

/* a service's backends in a stable order: family, address, port; not ids, which are reused */
static int backend_cmp(const void *x, const void *y)
{
	const struct lb_backend *a = ((const struct ordered *)x)->b;
	const struct lb_backend *b = ((const struct ordered *)y)->b;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	return c ? c : ntohs(a->port) - ntohs(b->port);
}

static json_t *service_json(struct reader *r, const struct lb_state *st, const struct lb_svc *s)
{
	__u32 idx = s->val.id * 2 + s->val.bank;
	char vip[INET6_ADDRSTRLEN];
	json_t *backends, *b;
	size_t n;

	memset(r->slots, 0, LB_MAX_BACKENDS * sizeof(*r->slots));
	if (bpf_map_lookup_elem(r->m->rings, &idx, r->ring)) {
		err("%s/%s: %s", pin_dir(), LB_MAP_RINGS, strerror(errno));
		return NULL;
	}
	for (int i = 0; i < LB_RING_SIZE; i++)
		if (r->ring->backend[i] < LB_MAX_BACKENDS)
			r->slots[r->ring->backend[i]]++;
	n = 0;
	for (__u32 id = 0; id < LB_MAX_BACKENDS; id++)
		if ((st->backends[id].flags & LB_BACKEND_USED) && st->backends[id].service == s->val.id)
			r->order[n++] = (struct ordered){ &st->backends[id], id };
	qsort(r->order, n, sizeof(*r->order), backend_cmp);
	backends = json_array();
	for (size_t i = 0; backends && i < n; i++) {
		b = backend_json(r, r->order[i].id, r->order[i].b);
		if (!b || json_array_append_new(backends, b)) {
			json_decref(backends);
			return NULL;
		}
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:o}", "proto",
			 lb_proto_name(s->key.proto), "family", s->key.family == 6 ? "ip6" : "ip",
			 "vip", lb_addr_str(s->key.vip, s->key.family, vip, sizeof(vip)), "port",
			 ntohs(s->key.port), "id", s->val.id, "bank", s->val.bank, "up", s->val.n_up,
			 "backends", backends);
}

static json_t *counters_json(struct reader *r)
{
	json_t *c = json_object();

	for (__u32 i = 0; c && i < N_COUNTERS; i++) {
		__u64 sum = 0;

		if (r && bpf_map_lookup_elem(r->m->counters, &i, r->percpu_u64)) {
			err("%s/%s: %s", pin_dir(), LB_MAP_COUNTERS, strerror(errno));
			json_decref(c);
			return NULL;
		}
		for (int cpu = 0; r && cpu < r->ncpus; cpu++)
			sum += r->percpu_u64[cpu];
		json_object_set_new(c, counter_names[i], json_integer(sum));
	}
	return c;
}

#define jstr(o, k) json_string_value(json_object_get(o, k))
#define jint(o, k) json_integer_value(json_object_get(o, k))

static void print_text(json_t *doc)
{
	char ep[LB_ENDPOINT_STRLEN];
	const char *key;
	json_t *s, *b, *v;
	size_t i, j;

	printf("%-4s %-46s %s\n", "Prot", "VIP:Port", "Backends");
	printf("  -> %-46s %6s %-5s %6s %12s %14s %10s %12s\n", "Backend:Port", "Weight", "State",
	       "Slots", "Packets", "Bytes", "Flows", "Replies");
	json_array_foreach(json_object_get(doc, "services"), i, s) {
		snprintf(ep, sizeof(ep), !strcmp(jstr(s, "family"), "ip6") ? "[%s]:%lld" : "%s:%lld",
			 jstr(s, "vip"), jint(s, "port"));
		printf("%-4s %-46s %lld up of %zu\n", !strcmp(jstr(s, "proto"), "tcp") ? "TCP" : "UDP",
		       ep, jint(s, "up"), json_array_size(json_object_get(s, "backends")));
		json_array_foreach(json_object_get(s, "backends"), j, b) {
			snprintf(ep, sizeof(ep),
				 !strcmp(jstr(s, "family"), "ip6") ? "[%s]:%lld" : "%s:%lld",
				 jstr(b, "addr"), jint(b, "port"));
			printf("  -> %-46s %6lld %-5s %6lld %12lld %14lld %10lld %12lld\n", ep,
			       jint(b, "weight"), jstr(b, "state"), jint(b, "slots"),
			       jint(b, "packets"), jint(b, "bytes"), jint(b, "flows"),
			       jint(b, "replies"));
		}
	}
	printf("counters:");
	json_object_foreach(json_object_get(doc, "counters"), key, v)
		printf(" %s %lld", key, json_integer_value(v));
	putchar('\n');
}

int lb_show(struct tcctl *t, const struct lb_service_key *only)
{
	struct reader r = { .ncpus = libbpf_num_possible_cpus() };
	json_t *services = NULL, *counters, *sj;
	struct lb_state *st = NULL;
	struct lb_maps m;
	int ret = 0;

	if (!lb_pinned()) {
		/* nothing was ever configured; counters of a program never loaded are 0 */
		if (only) {
			err("lb service %s does not exist", lb_service_str(only));
			return -ENOENT;
		}
		return out_emit(t, json_pack("{s:[], s:o}", "services", "counters", counters_json(NULL)),
				print_text);
	}
	if (r.ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-r.ncpus));
		return r.ncpus;
	}
	ret = lb_maps_open(&m, false);
	if (ret)
		return ret;
	r.m = &m;
	st = malloc(sizeof(*st));
	r.percpu = calloc(r.ncpus, sizeof(*r.percpu));
	r.percpu_u64 = calloc(r.ncpus, sizeof(*r.percpu_u64));
	r.slots = calloc(LB_MAX_BACKENDS, sizeof(*r.slots));
	r.ring = malloc(sizeof(*r.ring));
	r.order = calloc(LB_MAX_BACKENDS, sizeof(*r.order));
	services = json_array();
	if (!st || !r.percpu || !r.percpu_u64 || !r.slots || !r.ring || !r.order || !services) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	ret = lb_state_read(&m, st);
	if (ret)
		goto out;
	if (only && !lb_state_service(st, only)) {
		err("lb service %s does not exist", lb_service_str(only));
		ret = -ENOENT;
		goto out;
	}
	for (size_t i = 0; i < st->n_services; i++) {
		if (only && memcmp(&st->services[i].key, only, sizeof(*only)))
			continue;
		sj = service_json(&r, st, &st->services[i]);
		if (!sj) {
			ret = -EIO;
			goto out;
		}
		json_array_append_new(services, sj);
	}
	counters = counters_json(&r);
	if (!counters) {
		ret = -EIO;
		goto out;
	}
	ret = out_emit(t, json_pack("{s:o, s:o}", "services", services, "counters", counters),
		       print_text);
	services = NULL;
out:
	json_decref(services);
	free(r.order);
	free(r.ring);
	free(r.slots);
	free(r.percpu_u64);
	free(r.percpu);
	free(st);
	lb_maps_close(&m);
	return ret;
}
