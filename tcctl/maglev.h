/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Maglev lookup table (Eisenbud et al., NSDI 2016) of one lb service,
 * weighted: each backend walks its own permutation of the LB_RING_SIZE
 * slots and claims the next free one when its credit allows, so a backend
 * gets slots in proportion to its weight and a change of the backend set
 * moves few slots. A backend's permutation comes from its identity (family,
 * address, port), not from its id: ids are reused and renumbered, and the
 * table must not change when only they do. Pure computation, no I/O, so the
 * unit tests run it as tcctl does.
 */
#ifndef TCCTL_MAGLEV_H
#define TCCTL_MAGLEV_H

#include <stdbool.h>
#include <stddef.h>

#include "abi/lb.h"

struct maglev_backend {
	ip6_addr_t addr; /* as in lb.h: network order, IPv4 in the first 4 bytes */
	inet_port_t port;
	__u8 family;
	bool down;
	__u16 weight; /* 0: draining, left out like a down one */
	__u16 id;     /* what the slots it claims hold */
};

/*
 * Fills ring[LB_RING_SIZE] for the n backends of one service; *n_up gets
 * how many are in it (up, weight above 0). With none, every slot is
 * LB_NO_BACKEND. 0 or -ENOMEM.
 */
int maglev_build(const struct maglev_backend *b, size_t n, __u16 *ring, unsigned int *n_up);

#endif /* TCCTL_MAGLEV_H */
