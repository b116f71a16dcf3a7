/* SPDX-License-Identifier: GPL-2.0-only */
/* The hooks an object attaches to, as named on the command line. */
#ifndef TCCTL_HOOK_H
#define TCCTL_HOOK_H

#include <stdint.h>

#include "nl.h"

struct args;

enum hook_type {
	HOOK_XDP,
	HOOK_TC,
};

struct hook {
	enum hook_type type;
	uint32_t xdp_mode; /* XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, or 0: the kernel picks */
	enum tc_dir dir;
	const char *name;
};

/* xdp, xdpdrv and xdpgeneric (with with_modes), ingress, egress */
int arg_hook(struct args *a, struct hook *h, bool with_modes);
const char *xdp_mode_name(uint8_t attached);

#endif /* TCCTL_HOOK_H */
