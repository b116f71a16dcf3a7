/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A map's entries read into memory at once, and written back into another
 * map of the same layout: how a dry run copies the live maps into its
 * scratch ones, and how it sees which counters a packet moved (two
 * snapshots, compared). Per-CPU values are whole: every CPU's copy, each at
 * an 8-byte boundary, as the kernel hands them to user space.
 *
 * Kinds that hold no copyable data (program arrays, ring buffers, maps of
 * maps, socket maps) are not snapshotted: map_snap_copyable() says which.
 */
#ifndef TCCTL_MAP_SNAP_H
#define TCCTL_MAP_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

struct map_snap {
	uint32_t type;
	uint32_t key_size;
	size_t value_size; /* whole: per CPU, rounded, times the CPUs */
	size_t n;	   /* entries read */
	void *keys;
	void *values;
};

bool map_snap_copyable(uint32_t type);
bool map_snap_percpu(uint32_t type);
/* entries of fd (its info in *info) into *s; 0 or -errno (not printed) */
int map_snap_read(int fd, const struct bpf_map_info *info, struct map_snap *s);
/* every entry of s into fd; array entries that are all zero are left out */
int map_snap_write(int fd, const struct map_snap *s);
/*
 * The value for key, NULL if s has none: entry hint first (two snapshots of
 * one map list their keys in the same order, mostly), then a linear search.
 */
const void *map_snap_find(const struct map_snap *s, const void *key, size_t hint);
void map_snap_free(struct map_snap *s);

static inline const void *map_snap_key(const struct map_snap *s, size_t i)
{
	return (const char *)s->keys + i * s->key_size;
}

static inline const void *map_snap_value(const struct map_snap *s, size_t i)
{
	return (const char *)s->values + i * s->value_size;
}

#endif /* TCCTL_MAP_SNAP_H */
