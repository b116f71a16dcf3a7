// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opens lb's pinned maps (lb_store.h). Missing ones are made the way every
 * other loader makes them, by loading lb.o with its maps pinned by name:
 * tcctl never defines a map itself, so the pins match what tc or ip would
 * create from the same file, and a later "tc filter add ... obj lb.o"
 * reuses them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tcctl.h"
#include "lb_store.h"
#include "obj.h"

static const struct lb_pin {
	const char *name;
	size_t offset;
	__u32 key_size, value_size, max_entries;
} pins[] = {
#define PIN(field, map, key, value, entries) \
	{ map, offsetof(struct lb_maps, field), sizeof(key), sizeof(value), entries }
	PIN(services, LB_MAP_SERVICES, struct lb_service_key, struct lb_service, LB_MAX_SERVICES),
	PIN(backends, LB_MAP_BACKENDS, __u32, struct lb_backend, LB_MAX_BACKENDS),
	PIN(rings, LB_MAP_RINGS, __u32, struct lb_ring, LB_MAX_SERVICES * 2),
	PIN(stats, LB_MAP_STATS, __u32, struct lb_backend_stats, LB_MAX_BACKENDS),
	PIN(counters, LB_MAP_COUNTERS, __u32, __u64, LB_COUNTERS),
#undef PIN
};

#define PINS (sizeof(pins) / sizeof(pins[0]))
_Static_assert(sizeof(struct lb_maps) == PINS * sizeof(int), "a pin per map fd");

static int *fd_of(struct lb_maps *m, const struct lb_pin *p)
{
	return (int *)((char *)m + p->offset);
}

/* lb's maps that are not pinned yet, from lb.o; those that are stay as they are */
static int pin_missing(void)
{
	const struct object_desc *o = object_find("lb");
	struct loaded_prog lp;
	char path[PATH_MAX];
	bool all = true;
	int ret;

	for (int i = 0; o && i < OBJ_MAX_MAPS && o->maps[i]; i++)
		all = all && pin_exists(o->maps[i]);
	if (!o || all)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", object_dir(), o->file);
	ret = obj_load(o, path, false, &lp);
	if (ret)
		return ret;
	obj_release(&lp, false);
	return 0;
}

bool lb_pinned(void)
{
	return bpffs_mounted() && pin_exists(LB_MAP_SERVICES);
}

int lb_maps_open(struct lb_maps *m, bool create)
{
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
		int fd = pinned_map_open_checked(pins[i].name, pins[i].key_size,
						 pins[i].value_size, pins[i].max_entries);

		if (fd < 0) {
			lb_maps_close(m);
			return fd;
		}
		*fd_of(m, &pins[i]) = fd;
	}
	return 0;
}

void lb_maps_close(struct lb_maps *m)
{
	for (size_t i = 0; i < PINS; i++) {
		int *fd = fd_of(m, &pins[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}
