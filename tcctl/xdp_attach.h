/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attach and detach at XDP: one object on its own, or several in a chain
 * (abi/chain.h) once a second one comes, in the order the positions say.
 * Every change swaps one program atomically (the device's, a link's, or a
 * chain's head), so packets meet the old setup or the new, never nothing.
 */
#ifndef TCCTL_XDP_ATTACH_H
#define TCCTL_XDP_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "obj.h"
#include "position.h"

struct xdp_req {
	const char *dev;
	int ifindex;
	uint32_t mode; /* XDP_FLAGS_*_MODE, 0: the kernel picks */
	const struct object_desc *object; /* detach: NULL for every one of ours */
	const char *file;
	struct position pos;
	bool force;
	bool link; /* attach through a pinned bpf_link */
};

int xdp_attach(struct nl *nl, const struct xdp_req *r);
int xdp_detach(struct nl *nl, const struct xdp_req *r);

#endif /* TCCTL_XDP_ATTACH_H */
