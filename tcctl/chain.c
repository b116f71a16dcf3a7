// SPDX-License-Identifier: GPL-2.0-only
/* XDP chains: the heads and program slots tcctl keeps in the pinned chain maps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "chain.h"
#include "obj.h"
#include "rodata.h"

#define ROOT_PROG "chain_xdp"

int chain_maps_open(struct chain_maps *m)
{
	m->heads = -1;
	m->progs = pinned_map_open_checked(CHAIN_MAP_PROGS, sizeof(uint32_t), sizeof(uint32_t),
					   CHAIN_SLOTS);
	if (m->progs < 0)
		return m->progs;
	m->heads = pinned_map_open_checked(CHAIN_MAP_HEADS, sizeof(uint32_t),
					   sizeof(struct chain_head), CHAIN_MAX);
	if (m->heads < 0) {
		close(m->progs);
		m->progs = -1;
		return m->heads;
	}
	return 0;
}

void chain_maps_close(struct chain_maps *m)
{
	if (m->progs >= 0)
		close(m->progs);
	if (m->heads >= 0)
		close(m->heads);
	m->progs = m->heads = -1;
}

static int prog_name(uint32_t prog_id, char name[16])
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	int fd, ret = 0;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		ret = -errno;
	else
		snprintf(name, 16, "%s", info.name);
	close(fd);
	return ret;
}

bool chain_is_root(uint32_t prog_id)
{
	char name[16];

	return prog_id && !prog_name(prog_id, name) && !strcmp(name, ROOT_PROG);
}

int chain_read(const struct chain_maps *m, uint32_t root_id, struct chain *c)
{
	struct chain_head head;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = rodata_get(root_id, "chain_id", &c->id, sizeof(c->id));
	if (!ret && c->id >= CHAIN_MAX)
		ret = -ERANGE;
	if (!ret && bpf_map_lookup_elem(m->heads, &c->id, &head))
		ret = -errno;
	if (ret) {
		err("XDP chain root program id %u: cannot read its chain: %s", root_id,
		    strerror(-ret));
		return ret;
	}
	c->bank = head.first == CHAIN_BANK_SLOT(c->id, 1);
	/* a prog array answers a lookup with the program's id */
	for (uint32_t slot = head.first; c->n < CHAIN_LEN; slot++) {
		if (bpf_map_lookup_elem(m->progs, &slot, &c->prog_ids[c->n]))
			break;
		c->n++;
	}
	return 0;
}

/* the chain ids some root program in the kernel runs with */
static void live_roots(bool live[CHAIN_MAX])
{
	uint32_t id = 0, chain_id;
	char name[16];

	memset(live, 0, CHAIN_MAX * sizeof(live[0]));
	while (!bpf_prog_get_next_id(id, &id)) {
		if (prog_name(id, name) || strcmp(name, ROOT_PROG))
			continue;
		if (!rodata_get(id, "chain_id", &chain_id, sizeof(chain_id)) && chain_id < CHAIN_MAX)
			live[chain_id] = true;
	}
}

static void clear_slots(const struct chain_maps *m, uint32_t id)
{
	for (uint32_t slot = CHAIN_BANK_SLOT(id, 0); slot < CHAIN_BANK_SLOT(id + 1, 0); slot++)
		bpf_map_delete_elem(m->progs, &slot);
}

/*
 * A chain whose root is gone (its device deleted, its namespace gone) still
 * holds its members' programs in the array: let them go. Only under the
 * pins lock, where no chain is half made.
 */
static void sweep(const struct chain_maps *m, const bool live[CHAIN_MAX])
{
	struct chain_head head;

	for (uint32_t i = 0; i < CHAIN_MAX; i++) {
		if (live[i] || bpf_map_lookup_elem(m->heads, &i, &head))
			continue;
		clear_slots(m, i);
		if (head.netns) {
			head.netns = 0;
			head.ifindex = 0;
			bpf_map_update_elem(m->heads, &i, &head, BPF_ANY);
		}
	}
}

void chain_sweep(void)
{
	char heads[PATH_MAX];
	bool live[CHAIN_MAX];
	struct chain_maps m;

	snprintf(heads, sizeof(heads), "%s/%s", pin_dir(), CHAIN_MAP_HEADS);
	if (access(heads, F_OK) || chain_maps_open(&m))
		return;
	live_roots(live);
	sweep(&m, live);
	chain_maps_close(&m);
}

int chain_alloc(const struct chain_maps *m, uint64_t netns, int ifindex, uint32_t *id)
{
	bool live[CHAIN_MAX];
	struct chain_head head;
	int pick = -1;

	live_roots(live);
	sweep(m, live);
	for (uint32_t i = 0; i < CHAIN_MAX; i++) {
		if (live[i] || bpf_map_lookup_elem(m->heads, &i, &head))
			continue;
		/* this device's own leftover first, else the first unused */
		if (head.netns == netns && head.ifindex == (uint32_t)ifindex) {
			pick = i;
			break;
		}
		if (pick < 0)
			pick = i;
	}
	if (pick < 0) {
		err("all %d XDP chains are in use", CHAIN_MAX);
		return -ENOSPC;
	}
	*id = pick;
	return 0;
}

int chain_commit(const struct chain_maps *m, struct chain *c, const int *fds, uint32_t n,
		 uint64_t netns, int ifindex)
{
	struct chain_head head = { .netns = netns, .ifindex = ifindex };
	uint32_t bank = c->n ? !c->bank : 0;
	uint32_t first = CHAIN_BANK_SLOT(c->id, bank);
	int ret;

	for (uint32_t i = 0; i < CHAIN_LEN; i++) {
		uint32_t slot = first + i;

		if (i < n)
			ret = bpf_map_update_elem(m->progs, &slot, &fds[i], BPF_ANY);
		else
			ret = bpf_map_delete_elem(m->progs, &slot) && errno != ENOENT;
		if (ret) {
			ret = -errno;
			err("cannot write XDP chain %u slot %u: %s", c->id, slot, strerror(-ret));
			return ret;
		}
	}
	head.first = first;
	if (bpf_map_update_elem(m->heads, &c->id, &head, BPF_ANY)) {
		ret = -errno;
		err("cannot switch XDP chain %u: %s", c->id, strerror(-ret));
		return ret;
	}
	c->bank = bank;
	return 0;
}

void chain_free(const struct chain_maps *m, uint32_t id)
{
	struct chain_head head;

	/* netns 0 frees the id; first stays, for a root still finishing a packet */
	if (!bpf_map_lookup_elem(m->heads, &id, &head)) {
		head.netns = 0;
		head.ifindex = 0;
		bpf_map_update_elem(m->heads, &id, &head, BPF_ANY);
	}
	/*
	 * The root is off the hook: its programs go now, not at the next
	 * chain. A packet still walking it passes, as it would a moment later.
	 */
	clear_slots(m, id);
}
