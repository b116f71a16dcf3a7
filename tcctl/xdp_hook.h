/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A device's XDP hook, whichever way its program got there: through netlink
 * (ip, tc-style tools, tcctl by default) or through a bpf_link that tcctl
 * pinned in LINK_DIR (tcctl attach ... link). Swapping the program is atomic
 * both ways and checks that the program replaced is the one we saw: netlink
 * with XDP_FLAGS_REPLACE and the expected fd, a link with BPF_F_REPLACE.
 */
#ifndef TCCTL_XDP_HOOK_H
#define TCCTL_XDP_HOOK_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct xdp_hook {
	const char *dev;
	int ifindex;
	uint32_t prog_id; /* 0: nothing attached */
	uint32_t mode;	  /* XDP_FLAGS_{DRV,SKB,HW}_MODE of the program attached */
	int link_fd;	  /* tcctl's pinned link that runs prog_id, or -1 */
	char link_path[PATH_MAX];
};

int xdp_hook_read(struct nl *nl, const char *dev, int ifindex, struct xdp_hook *h);
void xdp_hook_close(struct xdp_hook *h);
/* onto an empty hook; mode 0 lets the kernel pick; a link is pinned */
int xdp_hook_attach(struct nl *nl, struct xdp_hook *h, int prog_fd, uint32_t mode, bool link,
		    const char *what);
/* in place of h->prog_id, or not at all if someone changed the hook meanwhile */
int xdp_hook_replace(struct nl *nl, struct xdp_hook *h, int prog_fd);
int xdp_hook_detach(struct nl *nl, struct xdp_hook *h);

const char *xdp_mode_flag_name(uint32_t flags);

#endif /* TCCTL_XDP_HOOK_H */
