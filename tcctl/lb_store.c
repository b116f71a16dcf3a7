// SPDX-License-Identifier: GPL-2.0-only
/*
 * lb's services and backends in their maps (lb_store.h). Each write
 * operation changes the in-memory state and the maps together and, when a
 * map update fails, puts back both as they were. The order of the updates
 * is chosen so that the lb program never sees a ring naming a backend entry
 * that is not (yet, or any more) that backend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "lb_store.h"
#include "maglev.h"
#include "obj.h"

static int map_err(const char *map, int ret)
{
	err("%s/%s: %s", pin_dir(), map, strerror(-ret));
	return ret;
}

static int update(int fd, const char *map, const void *key, const void *value, __u64 flags)
{
	return bpf_map_update_elem(fd, key, value, flags) ? map_err(map, -errno) : 0;
}

void lb_service_key_make(struct lb_service_key *key, __u8 proto, const struct lb_endpoint *vip)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->vip, vip->addr, sizeof(key->vip));
	key->port = vip->port;
	key->proto = proto;
	key->family = vip->family;
}

const char *lb_service_str(const struct lb_service_key *key)
{
	static char buf[LB_ENDPOINT_STRLEN + 8];
	char ep[LB_ENDPOINT_STRLEN];

	snprintf(buf, sizeof(buf), "%s %s", lb_proto_name(key->proto),
		 lb_endpoint_str(key->vip, key->port, key->family, ep, sizeof(ep)));
	return buf;
}

/* services in a stable order: protocol, family, VIP, port */
static int svc_cmp(const void *x, const void *y)
{
	const struct lb_service_key *a = &((const struct lb_svc *)x)->key;
	const struct lb_service_key *b = &((const struct lb_svc *)y)->key;
	int c;

	if (a->proto != b->proto)
		return a->proto - b->proto;
	if (a->family != b->family)
		return a->family - b->family;
	c = memcmp(a->vip, b->vip, sizeof(a->vip));
	return c ? c : memcmp(&a->port, &b->port, sizeof(a->port));
}

int lb_state_read(const struct lb_maps *m, struct lb_state *st)
{
	struct lb_service_key key, next;
	bool first = true;

	st->n_services = 0;
	while (st->n_services < LB_MAX_SERVICES &&
	       !bpf_map_get_next_key(m->services, first ? NULL : &key, &next)) {
		struct lb_svc *s = &st->services[st->n_services];

		first = false;
		key = next;
		if (bpf_map_lookup_elem(m->services, &key, &s->val))
			continue; /* deleted meanwhile: writers hold the lock, the reader may not */
		s->key = key;
		st->n_services++;
	}
	if (errno != ENOENT && st->n_services < LB_MAX_SERVICES)
		return map_err(LB_MAP_SERVICES, -errno);
	qsort(st->services, st->n_services, sizeof(st->services[0]), svc_cmp);
	for (__u32 id = 0; id < LB_MAX_BACKENDS; id++)
		if (bpf_map_lookup_elem(m->backends, &id, &st->backends[id]))
			return map_err(LB_MAP_BACKENDS, -errno);
	return 0;
}

struct lb_svc *lb_state_service(struct lb_state *st, const struct lb_service_key *key)
{
	for (size_t i = 0; i < st->n_services; i++)
		if (!memcmp(&st->services[i].key, key, sizeof(*key)))
			return &st->services[i];
	return NULL;
}

static bool backend_of(const struct lb_backend *b, __u16 svc)
{
	return (b->flags & LB_BACKEND_USED) && b->service == svc;
}

int lb_state_backend(const struct lb_state *st, __u16 svc, const struct lb_endpoint *e)
{
	for (int id = 0; id < LB_MAX_BACKENDS; id++) {
		const struct lb_backend *b = &st->backends[id];

		if (backend_of(b, svc) && b->family == e->family && b->port == e->port &&
		    !memcmp(b->addr, e->addr, sizeof(b->addr)))
			return id;
	}
	return -1;
}

static const char *endpoint_str(const struct lb_endpoint *e)
{
	static char buf[LB_ENDPOINT_STRLEN];

	return lb_endpoint_str(e->addr, e->port, e->family, buf, sizeof(buf));
}

/* the entry of an id given back: free, but its gen stays so the next owner's differs */
static struct lb_backend backend_freed(const struct lb_backend *b)
{
	struct lb_backend f = { .gen = b->gen };

	return f;
}

static int ring_put(const struct lb_maps *m, __u32 idx, const struct lb_ring *ring)
{
	return update(m->rings, LB_MAP_RINGS, &idx, ring, BPF_ANY);
}

/*
 * The service's table from st's backends, into its spare bank, then made
 * live: one update of the service entry switches bank and n_up together.
 */
static int ring_rebuild(const struct lb_maps *m, struct lb_state *st, struct lb_svc *s)
{
	struct maglev_backend *mb;
	struct lb_service val = s->val;
	struct lb_ring *ring;
	unsigned int up;
	size_t n = 0;
	int ret;

	mb = calloc(LB_MAX_BACKENDS, sizeof(*mb));
	ring = calloc(1, sizeof(*ring));
	if (!mb || !ring) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (int id = 0; id < LB_MAX_BACKENDS; id++) {
		const struct lb_backend *b = &st->backends[id];

		if (!backend_of(b, s->val.id))
			continue;
		memcpy(mb[n].addr, b->addr, sizeof(mb[n].addr));
		mb[n].port = b->port;
		mb[n].family = b->family;
		mb[n].down = b->flags & LB_BACKEND_DOWN;
		mb[n].weight = b->weight;
		mb[n].id = id;
		n++;
	}
	ret = maglev_build(mb, n, ring->backend, &up);
	if (ret) {
		err("out of memory");
		goto out;
	}
	val.bank = !s->val.bank;
	val.n_up = up;
	ret = ring_put(m, s->val.id * 2 + val.bank, ring) ?:
	      update(m->services, LB_MAP_SERVICES, &s->key, &val, BPF_EXIST);
	if (!ret)
		s->val = val;
out:
	free(ring);
	free(mb);
	return ret;
}

static struct lb_svc *service_or_err(struct lb_state *st, const struct lb_service_key *key)
{
	struct lb_svc *s = lb_state_service(st, key);

	if (!s)
		err("lb service %s does not exist", lb_service_str(key));
	return s;
}

int lb_service_add(const struct lb_maps *m, struct lb_state *st, const struct lb_service_key *key)
{
	bool used[LB_MAX_SERVICES] = {};
	struct lb_service val = {};
	struct lb_ring *ring;
	__u16 id;
	int ret;

	if (lb_state_service(st, key)) {
		err("lb service %s exists", lb_service_str(key));
		return -EEXIST;
	}
	if (st->n_services >= LB_MAX_SERVICES) {
		err("lb service %s: no room, %d services is the most", lb_service_str(key),
		    LB_MAX_SERVICES);
		return -ENOSPC;
	}
	for (size_t i = 0; i < st->n_services; i++)
		if (st->services[i].val.id < LB_MAX_SERVICES)
			used[st->services[i].val.id] = true;
	for (id = 0; used[id]; id++)
		;
	ring = malloc(sizeof(*ring));
	if (!ring) {
		err("out of memory");
		return -ENOMEM;
	}
	/* a new service sends nowhere until it has a backend: its live ring must say so */
	for (int i = 0; i < LB_RING_SIZE; i++)
		ring->backend[i] = LB_NO_BACKEND;
	ring->pad = 0;
	val.id = id;
	ret = ring_put(m, id * 2, ring) ?:
	      update(m->services, LB_MAP_SERVICES, key, &val, BPF_NOEXIST);
	free(ring);
	if (ret)
		return ret;
	st->services[st->n_services].key = *key;
	st->services[st->n_services].val = val;
	st->n_services++;
	return 0;
}

/* frees the backends of service svc, as saved[] had them; on failure puts back those freed */
static int backends_free(const struct lb_maps *m, struct lb_state *st, __u16 svc,
			 struct lb_backend *saved)
{
	int ret = 0;
	__u32 id;

	for (id = 0; id < LB_MAX_BACKENDS; id++) {
		struct lb_backend f;

		saved[id] = st->backends[id];
		if (!backend_of(&saved[id], svc))
			continue;
		f = backend_freed(&saved[id]);
		ret = update(m->backends, LB_MAP_BACKENDS, &id, &f, BPF_ANY);
		if (ret)
			break;
		st->backends[id] = f;
	}
	if (!ret)
		return 0;
	while (id-- > 0) {
		if (!backend_of(&saved[id], svc))
			continue;
		bpf_map_update_elem(m->backends, &id, &saved[id], BPF_ANY);
		st->backends[id] = saved[id];
	}
	return ret;
}

int lb_service_delete(const struct lb_maps *m, struct lb_state *st,
		      const struct lb_service_key *key)
{
	struct lb_svc *s = service_or_err(st, key);
	struct lb_backend *saved;
	int ret;

	if (!s)
		return -ENOENT;
	saved = malloc(sizeof(st->backends));
	if (!saved) {
		err("out of memory");
		return -ENOMEM;
	}
	/* the service first: from then on no packet looks its backends up */
	ret = bpf_map_delete_elem(m->services, key) ? map_err(LB_MAP_SERVICES, -errno) : 0;
	if (!ret) {
		ret = backends_free(m, st, s->val.id, saved);
		if (ret)
			bpf_map_update_elem(m->services, key, &s->val, BPF_NOEXIST);
	}
	free(saved);
	if (ret)
		return ret;
	*s = st->services[--st->n_services];
	qsort(st->services, st->n_services, sizeof(st->services[0]), svc_cmp);
	return 0;
}

/*
 * Writes backend id's new entry, then the service's table with it; when
 * the table cannot be written, the old entry goes back, so a failure
 * leaves both as they were.
 */
static int backend_put_and_rebuild(const struct lb_maps *m, struct lb_state *st,
				   struct lb_svc *s, __u32 id, const struct lb_backend *b,
				   const struct lb_backend *old)
{
	int ret = update(m->backends, LB_MAP_BACKENDS, &id, b, BPF_ANY);

	if (ret)
		return ret;
	st->backends[id] = *b;
	ret = ring_rebuild(m, st, s);
	if (ret) {
		bpf_map_update_elem(m->backends, &id, old, BPF_ANY);
		st->backends[id] = *old;
	}
	return ret;
}

static int zero_stats(const struct lb_maps *m, __u32 id)
{
	int ncpus = libbpf_num_possible_cpus();
	struct lb_backend_stats *zero;
	int ret;

	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	zero = calloc(ncpus, sizeof(*zero));
	if (!zero) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = update(m->stats, LB_MAP_STATS, &id, zero, BPF_ANY);
	free(zero);
	return ret;
}

int lb_backend_add(const struct lb_maps *m, struct lb_state *st, const struct lb_service_key *key,
		   const struct lb_endpoint *e, __u16 weight)
{
	struct lb_svc *s = service_or_err(st, key);
	struct lb_backend old, b = {};
	__u32 id;

	if (!s)
		return -ENOENT;
	if (lb_state_backend(st, s->val.id, e) >= 0) {
		err("backend %s is already in lb service %s", endpoint_str(e), lb_service_str(key));
		return -EEXIST;
	}
	for (id = 0; id < LB_MAX_BACKENDS; id++)
		if (!(st->backends[id].flags & LB_BACKEND_USED))
			break;
	if (id == LB_MAX_BACKENDS) {
		err("no room for backend %s: %d backends (over all services) is the most",
		    endpoint_str(e), LB_MAX_BACKENDS);
		return -ENOSPC;
	}
	old = st->backends[id];
	memcpy(b.addr, e->addr, sizeof(b.addr));
	b.port = e->port;
	b.family = e->family;
	b.flags = LB_BACKEND_USED;
	b.service = s->val.id;
	b.weight = weight;
	b.gen = old.gen + 1;
	/* its counters start at 0 before any ring names it */
	return zero_stats(m, id) ?: backend_put_and_rebuild(m, st, s, id, &b, &old);
}

static int backend_or_err(struct lb_state *st, const struct lb_svc *s,
			  const struct lb_endpoint *e)
{
	int id = lb_state_backend(st, s->val.id, e);

	if (id < 0)
		err("backend %s is not in lb service %s", endpoint_str(e), lb_service_str(&s->key));
	return id;
}

int lb_backend_delete(const struct lb_maps *m, struct lb_state *st,
		      const struct lb_service_key *key, const struct lb_endpoint *e)
{
	struct lb_svc *s = service_or_err(st, key);
	struct lb_service live;
	struct lb_backend old;
	__u32 id;
	int ret;

	ret = s ? backend_or_err(st, s, e) : -ENOENT;
	if (ret < 0)
		return -ENOENT;
	id = ret;
	/* out of the ring first: the entry is freed only once no ring names it */
	live = s->val;
	old = st->backends[id];
	st->backends[id] = backend_freed(&old);
	ret = ring_rebuild(m, st, s);
	if (!ret) {
		ret = update(m->backends, LB_MAP_BACKENDS, &id, &st->backends[id], BPF_ANY);
		if (ret && !bpf_map_update_elem(m->services, key, &live, BPF_EXIST))
			s->val = live; /* the old bank still holds the old ring */
	}
	if (ret)
		st->backends[id] = old;
	return ret;
}

int lb_backend_set(const struct lb_maps *m, struct lb_state *st, const struct lb_service_key *key,
		   const struct lb_endpoint *e, const struct lb_backend_change *c)
{
	struct lb_svc *s = service_or_err(st, key);
	struct lb_backend old, b;
	__u32 id;
	int ret;

	ret = s ? backend_or_err(st, s, e) : -ENOENT;
	if (ret < 0)
		return -ENOENT;
	id = ret;
	old = b = st->backends[id];
	if (c->weight >= 0)
		b.weight = c->weight;
	if (c->down >= 0)
		b.flags = c->down ? b.flags | LB_BACKEND_DOWN : b.flags & ~LB_BACKEND_DOWN;
	if (!memcmp(&b, &old, sizeof(b)))
		return 0; /* already so: the table would come out the same */
	/* the flag first: flows of a backend going down move as soon as the program sees it */
	return backend_put_and_rebuild(m, st, s, id, &b, &old);
}

/*
 * Every service, then every backend entry still in use: one whose service
 * is gone (left by a writer that died, or written behind tcctl's back) is
 * in no ring, so freeing it changes no packet's fate.
 */
int lb_flush(const struct lb_maps *m, struct lb_state *st)
{
	int ret = 0;

	while (!ret && st->n_services) {
		struct lb_service_key key = st->services[st->n_services - 1].key;

		ret = lb_service_delete(m, st, &key);
	}
	for (__u32 id = 0; !ret && id < LB_MAX_BACKENDS; id++) {
		struct lb_backend f = backend_freed(&st->backends[id]);

		if (!(st->backends[id].flags & LB_BACKEND_USED))
			continue;
		ret = update(m->backends, LB_MAP_BACKENDS, &id, &f, BPF_ANY);
		if (!ret)
			st->backends[id] = f;
	}
	return ret;
}
