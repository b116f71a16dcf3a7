/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcctl's side of XDP chaining (objects/abi/chain.h): reading a device's
 * chain through its root program, allocating a chain, and committing a new
 * order into the spare bank with one switch of the head.
 */
#ifndef TCCTL_CHAIN_H
#define TCCTL_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/chain.h"

struct chain_maps {
	int progs;
	int heads;
};

struct chain {
	uint32_t id;
	uint32_t bank; /* the live bank */
	uint32_t n;
	uint32_t prog_ids[CHAIN_LEN]; /* in run order */
};

int chain_maps_open(struct chain_maps *m);
void chain_maps_close(struct chain_maps *m);

/* whether the program is the chain object's root */
bool chain_is_root(uint32_t prog_id);
/* the chain the root program root_id runs */
int chain_read(const struct chain_maps *m, uint32_t root_id, struct chain *c);
/* a chain id for the device: a free one, or a stale one no root runs */
int chain_alloc(const struct chain_maps *m, uint64_t netns, int ifindex, uint32_t *id);
/*
 * Writes the programs (fds, in run order) into the chain's spare bank and
 * switches the head to it; a new chain (c->n == 0, no head yet) gets bank 0.
 * The old bank is left as it is: a packet that started on it finishes on it.
 */
int chain_commit(const struct chain_maps *m, struct chain *c, const int *fds, uint32_t n,
		 uint64_t netns, int ifindex);
/* marks the chain free once its root is gone */
void chain_free(const struct chain_maps *m, uint32_t id);
/* frees every chain no root runs any more, and the programs it held */
void chain_sweep(void);

#endif /* TCCTL_CHAIN_H */
