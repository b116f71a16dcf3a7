/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcx (Linux 6.6+): tc programs attached as links, without a qdisc, run
 * before any clsact filter, in an order the kernel keeps (before/after). tcctl
 * pins each link it makes in LINK_DIR, one per namespace, device, direction
 * and object, so it outlives the command.
 */
#ifndef TCCTL_TCX_H
#define TCCTL_TCX_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "obj.h"
#include "position.h"

int tcx_attach(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o,
	       const char *file, const struct position *pos);
/* removes tcctl's links on the hook (of object o, or every one of ours when NULL) */
int tcx_detach(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o);
/* the program tcctl's pinned link of object o runs on the hook, 0 when there is none */
uint32_t tcx_our_prog(int ifindex, enum tc_dir dir, const struct object_desc *o);
/* every tcx program on the hook, in run order; *count in: room, out: found */
int tcx_prog_ids(int ifindex, enum tc_dir dir, uint32_t *ids, uint32_t *count);

#endif /* TCCTL_TCX_H */
