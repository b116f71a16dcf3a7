// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reads the stats object's maps for stats, top and Prometheus alike (see
 * stats_read.h). One generic walk serves the three counting maps: collect
 * the selected keys, sort and deduplicate them, then look each up once.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "obj.h"
#include "stats_read.h"

const char *const stats_hook_names[STATS_HOOKS] = {"xdp", "ingress", "egress"};

#define KEY_MAX 64 /* the largest key, stats_flow_key, fits */

struct map_kind {
	const char *name;
	size_t key_size, value_size;
	unsigned int entries;
	bool percpu;
	bool (*selected)(const struct stats_filter *f, const void *key);
	int (*cmp)(const void *a, const void *b);
};

static int map_error(const char *map, int ret)
{
	err("%s/%s: %s", pin_dir(), map, strerror(-ret));
	return ret;
}

static bool dev_hook_selected(const struct stats_filter *f, __u32 ifindex, __u8 hook)
{
	return (!f->ifindex || ifindex == (__u32)f->ifindex) && (f->hook < 0 || hook == f->hook);
}

static bool proto_selected(const struct stats_filter *f, const void *key)
{
	const struct stats_key *k = key;

	return dev_hook_selected(f, k->ifindex, k->hook);
}

static bool port_selected(const struct stats_filter *f, const void *key)
{
	const struct stats_port_key *k = key;

	return dev_hook_selected(f, k->ifindex, k->hook) && (f->proto < 0 || k->proto == f->proto);
}

static bool flow_selected(const struct stats_filter *f, const void *key)
{
	const struct stats_flow_key *k = key;

	return dev_hook_selected(f, k->ifindex, k->hook) && (f->proto < 0 || k->proto == f->proto);
}

#define CMP(x, y)                                                                                  \
	do {                                                                                       \
		if ((x) != (y))                                                                    \
			return (x) < (y) ? -1 : 1;                                                 \
	} while (0)

static int proto_cmp(const void *a, const void *b)
{
	const struct stats_key *x = a, *y = b;

	CMP(x->ifindex, y->ifindex);
	CMP(x->hook, y->hook);
	CMP(x->family, y->family);
	CMP(x->slot, y->slot);
	return 0;
}

static int port_cmp(const void *a, const void *b)
{
	const struct stats_port_key *x = a, *y = b;

	CMP(x->ifindex, y->ifindex);
	CMP(x->hook, y->hook);
	CMP(x->proto, y->proto);
	CMP(x->port, y->port);
	return 0;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct stats_flow_key *x = a, *y = b;
	int r;

	CMP(x->ifindex, y->ifindex);
	CMP(x->hook, y->hook);
	CMP(x->family, y->family);
	CMP(x->proto, y->proto);
	r = memcmp(x->saddr, y->saddr, sizeof(x->saddr));
	if (r)
		return r;
	CMP(x->sport, y->sport);
	r = memcmp(x->daddr, y->daddr, sizeof(x->daddr));
	if (r)
		return r;
	CMP(x->dport, y->dport);
	return 0;
}

static const struct map_kind kind_proto = {
    .name = STATS_MAP_PROTO,
    .key_size = sizeof(struct stats_key),
    .value_size = sizeof(struct stats_counter),
    .entries = STATS_PROTO_ENTRIES,
    .percpu = true,
    .selected = proto_selected,
    .cmp = proto_cmp,
};
static const struct map_kind kind_ports = {
    .name = STATS_MAP_PORTS,
    .key_size = sizeof(struct stats_port_key),
    .value_size = sizeof(struct stats_counter),
    .entries = STATS_PORTS_ENTRIES,
    .percpu = true,
    .selected = port_selected,
    .cmp = port_cmp,
};
static const struct map_kind kind_flows = {
    .name = STATS_MAP_FLOWS,
    .key_size = sizeof(struct stats_flow_key),
    .value_size = sizeof(struct stats_flow),
    .entries = STATS_FLOWS_ENTRIES,
    .percpu = false,
    .selected = flow_selected,
    .cmp = flow_cmp,
};

static int kind_open(const struct map_kind *k)
{
	return pinned_map_open_checked(k->name, k->key_size, k->value_size, k->entries);
}

/*
 * The keys f selects, sorted and without duplicates. A key deleted under
 * the walk makes get_next_key start again from the first, so the walk may
 * see keys twice: it is bounded (a map that programs and resets keep
 * changing still ends) and the duplicates go after the sort.
 */
static int keys_collect(int fd, const struct map_kind *k, const struct stats_filter *f,
			unsigned char **keys, size_t *n)
{
	unsigned char cur[KEY_MAX], next[KEY_MAX], *buf;
	size_t got = 0, out = 0, steps = 0;
	int ret = 0;

	buf = calloc(k->entries, k->key_size);
	if (!buf) {
		err("out of memory");
		return -ENOMEM;
	}
	for (;;) {
		if (got == k->entries || steps++ == 4 * (size_t)k->entries)
			break;
		if (bpf_map_get_next_key(fd, steps == 1 ? NULL : cur, next)) {
			if (errno != ENOENT)
				ret = map_error(k->name, -errno);
			break;
		}
		memcpy(cur, next, k->key_size);
		if (k->selected(f, cur))
			memcpy(buf + got++ * k->key_size, cur, k->key_size);
	}
	if (ret) {
		free(buf);
		return ret;
	}
	qsort(buf, got, k->key_size, k->cmp);
	for (size_t i = 0; i < got; i++)
		if (!out || k->cmp(buf + (out - 1) * k->key_size, buf + i * k->key_size))
			memmove(buf + out++ * k->key_size, buf + i * k->key_size, k->key_size);
	*keys = buf;
	*n = out;
	return 0;
}

static void counter_sum(const struct stats_counter *percpu, int ncpus, struct stats_counter *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (int cpu = 0; cpu < ncpus; cpu++) {
		sum->packets += percpu[cpu].packets;
		sum->bytes += percpu[cpu].bytes;
	}
}

/*
 * Collects and looks up one map into t: rows of row_size bytes, the key
 * first, the (summed) value at value_off. Per-CPU values are also kept in t->cpus
 * when keep_cpus (the proto rows' cpus then point into it).
 */
static int table_read(const struct map_kind *k, const struct stats_filter *f, size_t row_size,
		      size_t value_off, bool keep_cpus, struct stats_table *t)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t n = 0, vals = k->percpu ? (size_t)ncpus : 1;
	unsigned char *keys = NULL, *rows = NULL;
	void *value = NULL;
	int fd, ret;

	memset(t, 0, sizeof(*t));
	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	t->ncpus = ncpus;
	fd = kind_open(k);
	if (fd < 0)
		return fd;
	ret = keys_collect(fd, k, f, &keys, &n);
	if (ret)
		goto out;
	rows = calloc(n ? n : 1, row_size);
	value = calloc(vals, k->value_size);
	if (keep_cpus)
		t->cpus = calloc(n ? n * ncpus : 1, sizeof(*t->cpus));
	if (!rows || !value || (keep_cpus && !t->cpus)) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *row = rows + t->n * row_size;
		struct stats_counter sum;

		if (bpf_map_lookup_elem(fd, keys + i * k->key_size, value)) {
			if (errno == ENOENT)
				continue; /* deleted meanwhile */
			ret = map_error(k->name, -errno);
			goto out;
		}
		memcpy(row, keys + i * k->key_size, k->key_size);
		if (!k->percpu) {
			memcpy(row + value_off, value, k->value_size);
			t->n++;
			continue;
		}
		counter_sum(value, ncpus, &sum);
		if (!sum.packets)
			continue; /* a key with no count: the program's failed add, or a reset */
		memcpy(row + value_off, &sum, sizeof(sum));
		if (keep_cpus)
			memcpy(t->cpus + t->n * ncpus, value, ncpus * sizeof(sum));
		t->n++;
	}
	t->rows = rows;
	rows = NULL;
out:
	if (ret) {
		free(t->cpus);
		t->cpus = NULL;
		t->n = 0;
	}
	free(rows);
	free(value);
	free(keys);
	close(fd);
	return ret;
}

_Static_assert(offsetof(struct stats_proto_row, key) == 0 &&
		   offsetof(struct stats_port_row, key) == 0 &&
		   offsetof(struct stats_flow_row, key) == 0,
	       "rows start with their key");

int stats_read_proto(const struct stats_filter *f, bool percpu, struct stats_table *t)
{
	int ret = table_read(&kind_proto, f, sizeof(struct stats_proto_row),
			     offsetof(struct stats_proto_row, sum), percpu, t);

	for (size_t i = 0; !ret && i < t->n; i++)
		t->proto[i].cpus = percpu ? t->cpus + i * t->ncpus : NULL;
	return ret;
}

int stats_read_ports(const struct stats_filter *f, struct stats_table *t)
{
	return table_read(&kind_ports, f, sizeof(struct stats_port_row),
			  offsetof(struct stats_port_row, sum), false, t);
}

int stats_read_flows(const struct stats_filter *f, struct stats_table *t)
{
	return table_read(&kind_flows, f, sizeof(struct stats_flow_row),
			  offsetof(struct stats_flow_row, val), false, t);
}

void stats_table_free(struct stats_table *t)
{
	free(t->rows);
	free(t->cpus);
	memset(t, 0, sizeof(*t));
}

static int percpu_array_sum(const char *name, size_t value_size, unsigned int entries, void *out,
			    void (*add)(void *sum, const void *one))
{
	int ncpus = libbpf_num_possible_cpus(), fd, ret = 0;
	unsigned char *percpu;

	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	fd = pinned_map_open_checked(name, sizeof(__u32), value_size, entries);
	if (fd < 0)
		return fd;
	percpu = calloc(ncpus, value_size);
	if (!percpu) {
		err("out of memory");
		ret = -ENOMEM;
	}
	memset(out, 0, value_size * entries);
	for (__u32 i = 0; !ret && i < entries; i++) {
		if (bpf_map_lookup_elem(fd, &i, percpu)) {
			ret = map_error(name, -errno);
			break;
		}
		for (int cpu = 0; cpu < ncpus; cpu++)
			add((unsigned char *)out + i * value_size, percpu + cpu * value_size);
	}
	free(percpu);
	close(fd);
	return ret;
}

static void counter_add(void *sum, const void *one)
{
	struct stats_counter *s = sum;
	const struct stats_counter *o = one;

	s->packets += o->packets;
	s->bytes += o->bytes;
}

static void events_add(void *sum, const void *one)
{
	struct events_counter *s = sum;
	const struct events_counter *o = one;

	s->emitted += o->emitted;
	s->lost += o->lost;
	s->over_budget += o->over_budget;
}

int stats_read_overflow(struct stats_counter out[STATS_OVERFLOW_ENTRIES])
{
	return percpu_array_sum(STATS_MAP_OVERFLOW, sizeof(*out), STATS_OVERFLOW_ENTRIES, out,
				counter_add);
}

int stats_read_events(struct events_counter out[EVENT_KINDS])
{
	if (!pin_exists(EVENTS_MAP_COUNT))
		return -ENOENT;
	return percpu_array_sum(EVENTS_MAP_COUNT, sizeof(*out), EVENT_KINDS, out, events_add);
}

/* rows begin with their key: the key comparison serves bsearch on rows too */
const struct stats_proto_row *stats_find_proto(const struct stats_table *t,
					       const struct stats_key *k)
{
	return bsearch(k, t->proto, t->n, sizeof(*t->proto), proto_cmp);
}

const struct stats_port_row *stats_find_port(const struct stats_table *t,
					     const struct stats_port_key *k)
{
	return bsearch(k, t->ports, t->n, sizeof(*t->ports), port_cmp);
}

const struct stats_flow_row *stats_find_flow(const struct stats_table *t,
					     const struct stats_flow_key *k)
{
	return bsearch(k, t->flows, t->n, sizeof(*t->flows), flow_cmp);
}

/* biggest first: bytes, then packets; ties by key, so equal reads print alike */
static int port_rank(const void *a, const void *b)
{
	const struct stats_port_row *x = a, *y = b;

	CMP(y->sum.bytes, x->sum.bytes);
	CMP(y->sum.packets, x->sum.packets);
	return port_cmp(&x->key, &y->key);
}

static int flow_rank_bytes(const void *a, const void *b)
{
	const struct stats_flow_row *x = a, *y = b;

	CMP(y->val.bytes, x->val.bytes);
	CMP(y->val.packets, x->val.packets);
	return flow_cmp(&x->key, &y->key);
}

static int flow_rank_packets(const void *a, const void *b)
{
	const struct stats_flow_row *x = a, *y = b;

	CMP(y->val.packets, x->val.packets);
	CMP(y->val.bytes, x->val.bytes);
	return flow_cmp(&x->key, &y->key);
}

void stats_sort_ports(struct stats_table *t)
{
	qsort(t->ports, t->n, sizeof(*t->ports), port_rank);
}

void stats_sort_flows(struct stats_table *t, bool by_packets)
{
	qsort(t->flows, t->n, sizeof(*t->flows), by_packets ? flow_rank_packets : flow_rank_bytes);
}

/*
 * Deletes rather than zeroes: a device that is gone frees its slots. A
 * packet counted between the walk and the delete goes with its row; that is
 * what a reset means. The caller holds the pins lock.
 */
static int table_delete(const struct map_kind *k, const struct stats_filter *f)
{
	unsigned char *keys = NULL;
	size_t n = 0;
	int fd, ret;

	fd = kind_open(k);
	if (fd < 0)
		return fd;
	ret = keys_collect(fd, k, f, &keys, &n);
	for (size_t i = 0; !ret && i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * k->key_size) && errno != ENOENT)
			ret = map_error(k->name, -errno);
	free(keys);
	close(fd);
	return ret;
}

int stats_maps_check(void)
{
	const struct map_kind *kinds[] = {&kind_proto, &kind_ports, &kind_flows};
	int fd;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		fd = kind_open(kinds[i]);
		if (fd < 0)
			return fd;
		close(fd);
	}
	fd = pinned_map_open_checked(STATS_MAP_OVERFLOW, sizeof(__u32),
				     sizeof(struct stats_counter), STATS_OVERFLOW_ENTRIES);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int stats_delete_proto(const struct stats_filter *f)
{
	return table_delete(&kind_proto, f);
}

int stats_delete_ports(const struct stats_filter *f)
{
	return table_delete(&kind_ports, f);
}

int stats_delete_flows(const struct stats_filter *f)
{
	return table_delete(&kind_flows, f);
}

unsigned long long stats_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
