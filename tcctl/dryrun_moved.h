/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scratch counters one dry-run packet moved: the object's per-CPU and
 * LRU maps are read whole before and after the packet, and the entries
 * that differ are listed by map name and key, rendered as tcctl map renders
 * them (BTF, else hex). Cheap for one packet; a replay does not use it.
 */
#ifndef TCCTL_DRYRUN_MOVED_H
#define TCCTL_DRYRUN_MOVED_H

#include <jansson.h>

#include "map_open.h"
#include "map_snap.h"
#include "obj.h"

struct moved_map {
	struct map_ref m;
	struct map_snap before;
};

struct moved_set {
	int n;
	struct moved_map maps[OBJ_MAX_MAPS];
};

/* the object's counting maps in pin_dir(), as they are now; 0 or -errno (printed) */
int moved_begin(struct moved_set *s, const struct object_desc *o);
/* [{"map": M, "key": K, "cpu": C, "value": V}, ...] (no "cpu" for a shared value) */
json_t *moved_end(struct moved_set *s);
void moved_free(struct moved_set *s);

#endif /* TCCTL_DRYRUN_MOVED_H */
