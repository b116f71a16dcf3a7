/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attach and detach on tc ingress and egress: a cls_bpf filter under
 * clsact (the default) or a tcx link. Filters run in prio order, so a
 * position picks a free prio next to the other object's filter; moving a
 * filter adds it at its new prio before the old one goes.
 */
#ifndef TCCTL_TC_ATTACH_H
#define TCCTL_TC_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "obj.h"
#include "position.h"

struct tc_req {
	const char *dev;
	int ifindex;
	enum tc_dir dir;
	const struct object_desc *object; /* detach: NULL for every one of ours */
	const char *file;
	uint32_t prio; /* 0: the object's default, or where a position puts it */
	uint32_t handle;
	struct position pos;
	bool force;
	bool tcx;
};

int tc_attach(struct nl *nl, const struct tc_req *r);
int tc_detach(struct nl *nl, const struct tc_req *r);

#endif /* TCCTL_TC_ATTACH_H */
