/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One map as tcctl map reads and writes it: its BTF, whether its keys and
 * values render by type or fall back to hex, per-CPU values, and values
 * that are program or map ids (prog arrays, maps of maps), which the
 * kernel takes as fds on update.
 */
#ifndef TCCTL_MAP_VIEW_H
#define TCCTL_MAP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "map_open.h"

enum map_ids {
	MAP_IDS_NONE,
	MAP_IDS_PROG, /* prog arrays */
	MAP_IDS_MAP,  /* arrays and hashes of maps */
};

struct map_view {
	struct map_ref *m;
	struct btf *btf;
	__u32 key_id, value_id; /* 0: shown in hex */
	unsigned int key_flags;
	bool percpu;
	int ncpus;	  /* values per entry: 1 unless per-CPU */
	size_t stride;	  /* bytes per CPU in a per-CPU value */
	size_t value_len; /* bytes of a whole lookup value */
	enum map_ids ids;
	int id_fd; /* the fd an update passes for an id, -1 */
};

int map_view_init(struct map_view *v, struct map_ref *m);
void map_view_free(struct map_view *v);

/* {"key": K, "value": V} or, per-CPU, {"key": K, "values": [{"cpu": 0, "value": V}, ...]} */
json_t *map_view_entry(const struct map_view *v, const void *key, const void *value);
json_t *map_view_key(const struct map_view *v, const void *key);
/* one entry as a text line: key K value V (K, V compact JSON, or hex BYTE...) */
void map_view_print(const struct map_view *v, json_t *entry);

/* KEY or VALUE at the cursor: hex BYTE... or one JSON text (else taken as a string) */
int map_view_parse_key(struct map_view *v, struct args *a, void *key);
int map_view_parse_value(struct map_view *v, struct args *a, void *value);

#endif /* TCCTL_MAP_VIEW_H */
