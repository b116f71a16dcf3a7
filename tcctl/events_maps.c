// SPDX-License-Identifier: GPL-2.0-only
/*
 * The events maps: their pins, the configuration and the counters. tcctl
 * never defines a map itself: missing pins are made by loading stats.o's
 * events maps (and nothing else of it), so they are exactly what a later
 * "tcctl attach", tc or ip load of fw.o or stats.o reuses.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "events_maps.h"
#include "obj.h"

static const struct events_pin {
	const char *name;
	size_t offset;
	__u32 key_size, value_size, max_entries;
} pins[] = {
	/* a ring buffer has neither key nor value; its size is its max_entries */
	{ EVENTS_MAP_RING, offsetof(struct events_maps, ring), 0, 0, EVENTS_RING_BYTES },
	{ EVENTS_MAP_CONFIG, offsetof(struct events_maps, config), sizeof(__u32),
	  sizeof(struct events_config), 1 },
	{ EVENTS_MAP_BUDGET, offsetof(struct events_maps, budget), sizeof(__u32),
	  sizeof(struct events_budget), 1 },
	{ EVENTS_MAP_COUNT, offsetof(struct events_maps, count), sizeof(__u32),
	  sizeof(struct events_counter), EVENT_KINDS },
};

#define PINS (sizeof(pins) / sizeof(pins[0]))
_Static_assert(sizeof(struct events_maps) == PINS * sizeof(int), "a pin per map fd");

static int *fd_of(struct events_maps *m, const struct events_pin *p)
{
	return (int *)((char *)m + p->offset);
}

bool events_pinned(void)
{
	return bpffs_mounted() && pin_exists(EVENTS_MAP_CONFIG);
}

static bool is_events_map(const char *name)
{
	for (size_t i = 0; i < PINS; i++)
		if (!strcmp(pins[i].name, name))
			return true;
	return false;
}

/* our one-line error says what failed; libbpf's own lines would be more */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * stats.o's events maps, loaded with no program and no other map: libbpf
 * pins each by name or reuses its pin, and on failure unpins what it pinned.
 */
static int pin_missing(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir());
	libbpf_print_fn_t old;
	char path[PATH_MAX];
	struct bpf_program *p;
	struct bpf_object *obj;
	struct bpf_map *map;
	bool all = true;
	int ret;

	for (size_t i = 0; i < PINS; i++)
		all = all && pin_exists(pins[i].name);
	if (all)
		return 0;
	ret = pin_dir_prepare();
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/stats.o", object_dir());
	old = libbpf_set_print(quiet);
	obj = bpf_object__open_file(path, &opts);
	ret = libbpf_get_error(obj);
	if (ret) {
		obj = NULL;
		err("cannot open %s: %s", path, strerror(-ret));
		goto out;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, false);
	bpf_object__for_each_map(map, obj)
		if (!is_events_map(bpf_map__name(map)))
			bpf_map__set_autocreate(map, false);
	ret = bpf_object__load(obj);
	if (ret)
		err("cannot create the events maps in %s from %s: %s", pin_dir(), path,
		    strerror(-ret));
out:
	bpf_object__close(obj);
	libbpf_set_print(old);
	return ret;
}

int events_maps_open(struct events_maps *m, bool create)
{
	char path[PATH_MAX];
	int ret;

	for (size_t i = 0; i < PINS; i++)
		*fd_of(m, &pins[i]) = -1;
	ret = bpffs_check();
	if (ret)
		return ret;
	if (create) {
		ret = pin_missing();
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < PINS; i++) {
		int fd;

		if (!pin_exists(pins[i].name)) {
			snprintf(path, sizeof(path), "%s/%s", pin_dir(), pins[i].name);
			err("%s does not exist: attach fw or stats, or configure events (tcctl events set)",
			    path);
			events_maps_close(m);
			return -ENOENT;
		}
		fd = pinned_map_open_checked(pins[i].name, pins[i].key_size, pins[i].value_size,
					     pins[i].max_entries);
		if (fd < 0) {
			events_maps_close(m);
			return fd;
		}
		*fd_of(m, &pins[i]) = fd;
	}
	return 0;
}

void events_maps_close(struct events_maps *m)
{
	for (size_t i = 0; i < PINS; i++) {
		int *fd = fd_of(m, &pins[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

static int map_error(const char *map, int ret)
{
	err("%s/%s: %s", pin_dir(), map, strerror(-ret));
	return ret;
}

int events_config_read(const struct events_maps *m, struct events_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->config, &zero, cfg))
		return map_error(EVENTS_MAP_CONFIG, -errno);
	return 0;
}

int events_config_write(const struct events_maps *m, const struct events_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(m->config, &zero, cfg, BPF_ANY))
		return map_error(EVENTS_MAP_CONFIG, -errno);
	return 0;
}

int events_counters_read(const struct events_maps *m, struct events_counter sum[EVENT_KINDS])
{
	int ncpus = libbpf_num_possible_cpus();
	struct events_counter *percpu;
	int ret = 0;

	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu) {
		err("out of memory");
		return -ENOMEM;
	}
	memset(sum, 0, EVENT_KINDS * sizeof(*sum));
	for (__u32 kind = 0; kind < EVENT_KINDS; kind++) {
		if (bpf_map_lookup_elem(m->count, &kind, percpu)) {
			ret = map_error(EVENTS_MAP_COUNT, -errno);
			break;
		}
		for (int cpu = 0; cpu < ncpus; cpu++) {
			sum[kind].emitted += percpu[cpu].emitted;
			sum[kind].lost += percpu[cpu].lost;
			sum[kind].over_budget += percpu[cpu].over_budget;
		}
	}
	free(percpu);
	return ret;
}
