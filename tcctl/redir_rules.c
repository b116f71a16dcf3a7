// SPDX-License-Identifier: GPL-2.0-only
/* redir's pinned maps: open, read, and change them whole (see redir_rules.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "netdev.h"
#include "obj.h"
#include "redir_rules.h"

int redir_maps_open(struct redir_maps *m)
{
	int ret;

	m->rules = m->stats = m->flows = -1;
	m->ncpus = libbpf_num_possible_cpus();
	if (m->ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-m->ncpus));
		return m->ncpus < 0 ? m->ncpus : -EINVAL;
	}
	m->rules = pinned_map_open_checked(REDIR_MAP_RULES, sizeof(struct redir_key),
					   sizeof(struct redir_val), REDIR_MAX_RULES);
	if (m->rules >= 0)
		m->stats = pinned_map_open_checked(REDIR_MAP_STATS, sizeof(__u32),
						   sizeof(struct redir_counter), REDIR_MAX_RULES);
	if (m->stats >= 0)
		m->flows = pinned_map_open_checked(REDIR_MAP_FLOWS, sizeof(struct redir_flow),
						   sizeof(struct redir_nat), REDIR_FLOWS);
	if (m->flows >= 0)
		return 0;
	ret = m->rules < 0 ? m->rules : m->stats < 0 ? m->stats : m->flows;
	redir_maps_close(m);
	return ret;
}

void redir_maps_close(struct redir_maps *m)
{
	if (m->rules >= 0)
		close(m->rules);
	if (m->stats >= 0)
		close(m->stats);
	if (m->flows >= 0)
		close(m->flows);
	m->rules = m->stats = m->flows = -1;
}

static int map_error(const char *map, int ret)
{
	err("%s/%s: %s", pin_dir(), map, strerror(-ret));
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct redir_entry *x = a, *y = b;

	if (x->val.id != y->val.id)
		return x->val.id < y->val.id ? -1 : 1;
	return x->key.family - y->key.family;
}

int redir_collect(const struct redir_maps *m, struct redir_entry **out, size_t *n)
{
	struct redir_key cur, next;
	struct redir_entry *e;
	size_t got = 0;
	int ret = 0;

	e = calloc(REDIR_MAX_RULES, sizeof(*e));
	if (!e) {
		err("out of memory");
		return -ENOMEM;
	}
	/* writers hold the lock and programs never write redir_rules: the walk is stable */
	for (bool first = true; got < REDIR_MAX_RULES; first = false) {
		if (bpf_map_get_next_key(m->rules, first ? NULL : &cur, &next)) {
			if (errno != ENOENT)
				ret = map_error(REDIR_MAP_RULES, -errno);
			break;
		}
		cur = next;
		if (bpf_map_lookup_elem(m->rules, &cur, &e[got].val)) {
			if (errno == ENOENT)
				continue;
			ret = map_error(REDIR_MAP_RULES, -errno);
			break;
		}
		e[got++].key = cur;
	}
	if (ret) {
		free(e);
		return ret;
	}
	qsort(e, got, sizeof(*e), entry_cmp);
	*out = e;
	*n = got;
	return 0;
}

int redir_counter_read(const struct redir_maps *m, uint32_t id, struct redir_counter *sum)
{
	struct redir_counter *percpu = calloc(m->ncpus, sizeof(*percpu));

	memset(sum, 0, sizeof(*sum));
	if (!percpu) {
		err("out of memory");
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(m->stats, &id, percpu)) {
		int ret = map_error(REDIR_MAP_STATS, -errno);

		free(percpu);
		return ret;
	}
	for (int cpu = 0; cpu < m->ncpus; cpu++) {
		sum->packets += percpu[cpu].packets;
		sum->bytes += percpu[cpu].bytes;
		sum->misses += percpu[cpu].misses;
		sum->replies += percpu[cpu].replies;
	}
	free(percpu);
	return 0;
}

/* "tcp 8080 addr 10.0.0.1 dev eth0", for errors */
static const char *spec_text(const struct redir_spec *s, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "", dev[IF_NAMESIZE];
	int off;

	off = snprintf(buf, len, "%s %u", s->proto == IPPROTO_TCP ? "tcp" : "udp", s->port);
	if (s->family == REDIR_FAMILY_IPV4)
		inet_ntop(AF_INET, s->addr + 12, addr, sizeof(addr));
	else if (s->family == REDIR_FAMILY_IPV6)
		inet_ntop(AF_INET6, s->addr, addr, sizeof(addr));
	if (*addr && off < (int)len)
		off += snprintf(buf + off, len - off, " addr %s", addr);
	if (s->ifindex && off < (int)len)
		snprintf(buf + off, len - off, " dev %s", dev_name(s->ifindex, dev));
	return buf;
}

/* the keys a spec names: one family, or both with any address */
static int spec_keys(const struct redir_spec *s, struct redir_key k[2])
{
	int n = 0;

	for (__u8 f = REDIR_FAMILY_IPV4; f <= REDIR_FAMILY_IPV6; f += 2) {
		if (s->family && s->family != f)
			continue;
		memset(&k[n], 0, sizeof(k[n]));
		k[n].ifindex = s->ifindex;
		k[n].family = f;
		k[n].proto = s->proto;
		k[n].port = htons(s->port);
		memcpy(k[n].addr, s->addr, sizeof(k[n].addr));
		n++;
	}
	return n;
}

/* removes the UDP flows of a redirect id, so that no reply is rewritten for it any more */
static int flows_purge(const struct redir_maps *m, bool all, uint32_t id)
{
	struct redir_flow *keys, cur, next;
	struct redir_nat nat;
	size_t n = 0;
	int ret = 0;

	keys = calloc(REDIR_FLOWS, sizeof(*keys));
	if (!keys) {
		err("out of memory");
		return -ENOMEM;
	}
	/* bounded: programs add flows while we walk */
	for (size_t steps = 0; n < REDIR_FLOWS && steps < 2 * REDIR_FLOWS; steps++) {
		if (bpf_map_get_next_key(m->flows, steps ? &cur : NULL, &next))
			break;
		cur = next;
		if (all || (!bpf_map_lookup_elem(m->flows, &cur, &nat) && nat.id == id))
			keys[n++] = cur;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(m->flows, &keys[i]) && errno != ENOENT) {
			ret = map_error(REDIR_MAP_FLOWS, -errno);
			break;
		}
	free(keys);
	return ret;
}

/* the lowest id no entry uses */
static int id_alloc(const struct redir_entry *e, size_t n, uint32_t *id)
{
	static bool used[REDIR_MAX_RULES];

	memset(used, 0, sizeof(used));
	for (size_t i = 0; i < n; i++)
		if (e[i].val.id < REDIR_MAX_RULES)
			used[e[i].val.id] = true;
	for (uint32_t i = 0; i < REDIR_MAX_RULES; i++) {
		if (!used[i]) {
			*id = i;
			return 0;
		}
	}
	err("%s is full: %d redirects", REDIR_MAP_RULES, REDIR_MAX_RULES);
	return -ENOSPC;
}

/* a new id's counters start at zero, and no flow of its last owner survives */
static int id_reset(const struct redir_maps *m, uint32_t id)
{
	struct redir_counter *zero = calloc(m->ncpus, sizeof(*zero));
	int ret = 0;

	if (!zero) {
		err("out of memory");
		return -ENOMEM;
	}
	if (bpf_map_update_elem(m->stats, &id, zero, BPF_ANY))
		ret = map_error(REDIR_MAP_STATS, -errno);
	free(zero);
	return ret ?: flows_purge(m, false, id);
}

int redir_add(const struct redir_maps *m, const struct redir_spec *s)
{
	struct redir_entry *e = NULL;
	struct redir_key k[2];
	struct redir_val v;
	bool have[2] = {}, id_known = false;
	int nk = spec_keys(s, k), ret;
	uint32_t id = 0;
	char buf[96];
	size_t n;

	for (int i = 0; i < nk; i++) {
		if (bpf_map_lookup_elem(m->rules, &k[i], &v)) {
			if (errno != ENOENT)
				return map_error(REDIR_MAP_RULES, -errno);
			continue;
		}
		if (ntohs(v.port) != s->to) {
			err("redirect %s exists, to port %u: delete it first",
			    spec_text(s, buf, sizeof(buf)), ntohs(v.port));
			return -EEXIST;
		}
		have[i] = true;
		id = v.id;
		id_known = true;
	}
	if ((nk == 1 || have[1]) && have[0])
		return 0; /* already so: add is idempotent */
	if (!id_known) {
		ret = redir_collect(m, &e, &n);
		ret = ret ?: id_alloc(e, n, &id);
		ret = ret ?: id_reset(m, id);
		free(e);
		if (ret)
			return ret;
	}
	v = (struct redir_val){ .port = htons(s->to), .id = id };
	for (int i = 0; i < nk; i++) {
		if (have[i])
			continue;
		if (bpf_map_update_elem(m->rules, &k[i], &v, BPF_NOEXIST)) {
			ret = -errno;
			err("cannot add redirect %s: %s: %s", spec_text(s, buf, sizeof(buf)),
			    REDIR_MAP_RULES, ret == -E2BIG ? "full" : strerror(-ret));
			/* nothing half done: the key added just before goes too */
			for (int j = 0; j < i; j++)
				if (!have[j])
					bpf_map_delete_elem(m->rules, &k[j]);
			return ret;
		}
	}
	return 0;
}

static bool id_in_use(const struct redir_maps *m, uint32_t id)
{
	struct redir_entry *e;
	bool used = false;
	size_t n;

	if (redir_collect(m, &e, &n))
		return true; /* cannot tell: leave its flows to age out */
	for (size_t i = 0; i < n && !used; i++)
		used = e[i].val.id == id;
	free(e);
	return used;
}

int redir_delete(const struct redir_maps *m, const struct redir_spec *s)
{
	struct redir_key k[2];
	struct redir_val v[2];
	bool have[2] = {};
	int nk = spec_keys(s, k), found = 0;
	char buf[96];

	for (int i = 0; i < nk; i++) {
		if (bpf_map_lookup_elem(m->rules, &k[i], &v[i])) {
			if (errno != ENOENT)
				return map_error(REDIR_MAP_RULES, -errno);
			continue;
		}
		have[i] = true;
		found++;
	}
	if (!found) {
		err("no redirect %s", spec_text(s, buf, sizeof(buf)));
		return -ENOENT;
	}
	for (int i = 0; i < nk; i++) {
		if (!have[i])
			continue;
		if (bpf_map_delete_elem(m->rules, &k[i]) && errno != ENOENT) {
			int ret = map_error(REDIR_MAP_RULES, -errno);

			/* nothing half done: put back what went */
			for (int j = 0; j < i; j++)
				if (have[j])
					bpf_map_update_elem(m->rules, &k[j], &v[j], BPF_NOEXIST);
			return ret;
		}
	}
	for (int i = 0; i < nk; i++)
		if (have[i] && !id_in_use(m, v[i].id))
			return flows_purge(m, false, v[i].id);
	return 0;
}

int redir_flush(const struct redir_maps *m)
{
	struct redir_entry *e;
	size_t n;
	int ret;

	ret = redir_collect(m, &e, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_delete_elem(m->rules, &e[i].key) && errno != ENOENT) {
			ret = map_error(REDIR_MAP_RULES, -errno);
			break;
		}
	}
	free(e);
	return ret ?: flows_purge(m, true, 0);
}
