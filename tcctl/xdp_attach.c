// SPDX-License-Identifier: GPL-2.0-only
/* XDP attach and detach, standalone or chained. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "chain.h"
#include "netdev.h"
#include "xdp_attach.h"
#include "xdp_hook.h"

/* a chain member: its object, and the program to put in its slot */
struct member {
	const struct object_desc *object;
	uint32_t prog_id; /* the running one, 0 for a new load */
	struct loaded_prog lp;
	bool loaded;
};

static int check_mode(const struct xdp_req *r, const struct xdp_hook *h)
{
	if (r->mode && r->mode != h->mode) {
		err("%s runs XDP in %s mode; detach it before attaching in %s mode", r->dev,
		    xdp_mode_flag_name(h->mode), xdp_mode_flag_name(r->mode));
		return -EBUSY;
	}
	if (r->link && h->link_fd < 0) {
		err("%s runs XDP through netlink, not a link; detach it before attaching with 'link'",
		    r->dev);
		return -EBUSY;
	}
	return 0;
}

static void default_file(const struct object_desc *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", object_dir(), o->file);
}

static int load_member(const struct object_desc *o, const char *file, struct member *m)
{
	struct load_opts lo = { .xdp = true, .chain_member = true };
	char path[PATH_MAX];
	int ret;

	if (!file) {
		default_file(o, path, sizeof(path));
		file = path;
	}
	ret = obj_load_opts(o, file, &lo, &m->lp);
	m->loaded = !ret;
	return ret;
}

static void release_members(struct member *ms, int n, bool failed)
{
	for (int i = 0; i < n; i++)
		if (ms[i].loaded)
			obj_release(&ms[i].lp, failed);
}

/*
 * The fds of a run order: the new load for a member that has one, unless
 * it is the very program that runs already (then nothing changes for it).
 */
static int member_fds(struct member *ms, int n, int *fds)
{
	for (int i = 0; i < n; i++) {
		if (ms[i].loaded &&
		    !(ms[i].prog_id && prog_unchanged(ms[i].prog_id, ms[i].object, ms[i].lp.prog_fd))) {
			fds[i] = dup(ms[i].lp.prog_fd);
		} else {
			fds[i] = bpf_prog_get_fd_by_id(ms[i].prog_id);
		}
		if (fds[i] < 0) {
			int ret = -errno;

			err("cannot open XDP program id %u: %s", ms[i].prog_id, strerror(-ret));
			while (i--)
				close(fds[i]);
			return ret;
		}
	}
	return 0;
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* reads the chain into members[], without o; *o_at is where o was, or -1 */
static int chain_members(const struct chain_maps *cm, uint32_t root_id,
			 const struct object_desc *o, struct chain *c, struct member *ms, int *n,
			 int *o_at, uint32_t *o_prog)
{
	struct prog_owner owner;
	int ret;

	ret = chain_read(cm, root_id, c);
	if (ret)
		return ret;
	*n = 0;
	*o_at = -1;
	for (uint32_t i = 0; i < c->n; i++) {
		if (prog_identify(c->prog_ids[i], &owner) || !owner.object)
			continue; /* cannot happen: only tcctl fills chains */
		if (owner.object == o) {
			*o_at = *n;
			*o_prog = c->prog_ids[i];
			continue;
		}
		memset(&ms[*n], 0, sizeof(ms[0]));
		ms[*n].object = owner.object;
		ms[*n].prog_id = c->prog_ids[i];
		(*n)++;
	}
	return 0;
}

static int commit_order(const struct chain_maps *cm, struct chain *c, struct member *ms, int n,
			const struct xdp_req *r)
{
	int fds[CHAIN_LEN], ret;
	uint64_t netns;

	ret = netns_inode(&netns) ?: member_fds(ms, n, fds);
	if (ret)
		return ret;
	ret = chain_commit(cm, c, fds, n, netns, r->ifindex);
	close_fds(fds, n);
	return ret;
}

/* puts r->object into the chain the root runs, where r->pos says */
static int chain_add(const struct chain_maps *cm, const struct xdp_req *r, uint32_t root_id)
{
	const struct object_desc *others[CHAIN_LEN];
	struct member ms[CHAIN_LEN + 1];
	uint32_t o_prog = 0;
	struct chain c;
	int n, o_at, at, ret;

	ret = chain_members(cm, root_id, r->object, &c, ms, &n, &o_at, &o_prog);
	if (ret)
		return ret;
	for (int i = 0; i < n; i++)
		others[i] = ms[i].object;
	at = position_index(&r->pos, others, n, o_at, r->dev);
	if (at < 0)
		return at;
	if (n + 1 > CHAIN_LEN) {
		err("%s: an XDP chain holds at most %d programs", r->dev, CHAIN_LEN);
		return -ENOSPC;
	}
	memmove(&ms[at + 1], &ms[at], (n - at) * sizeof(ms[0]));
	memset(&ms[at], 0, sizeof(ms[0]));
	ms[at].object = r->object;
	ms[at].prog_id = o_prog;
	ret = load_member(r->object, r->file, &ms[at]);
	if (ret)
		return ret;
	/* the same program in the same place: nothing to do, no new ids */
	if (at == o_at && prog_unchanged(o_prog, r->object, ms[at].lp.prog_fd))
		ret = 0;
	else
		ret = commit_order(cm, &c, ms, n + 1, r);
	release_members(ms, n + 1, ret != 0);
	return ret;
}

static int load_root(uint32_t chain_id, struct loaded_prog *lp)
{
	struct load_opts lo = { .xdp = true, .chain_root = true, .chain_id = chain_id };
	const struct object_desc *root = object_chain();
	char path[PATH_MAX];

	default_file(root, path, sizeof(path));
	return obj_load_opts(root, path, &lo, lp);
}

/*
 * A second object comes to a hook where one of ours runs alone: both go
 * into a new chain, and the root takes the running program's place in one
 * swap. The running object is loaded again, as a chain member, from the
 * object directory.
 */
static int chain_create(struct nl *nl, const struct chain_maps *cm, const struct xdp_req *r,
			struct xdp_hook *h, const struct object_desc *running)
{
	struct chain c = {};
	struct member ms[2] = {};
	struct loaded_prog root;
	uint64_t netns;
	int at, ret;

	at = position_index(&r->pos, &running, 1, -1, r->dev);
	if (at < 0)
		return at;
	ms[!at].object = running;
	ms[at].object = r->object;
	ret = netns_inode(&netns) ?: chain_alloc(cm, netns, r->ifindex, &c.id);
	ret = ret ?: load_member(running, NULL, &ms[!at]) ?: load_member(r->object, r->file, &ms[at]);
	ret = ret ?: commit_order(cm, &c, ms, 2, r);
	if (!ret) {
		ret = load_root(c.id, &root);
		if (!ret) {
			ret = xdp_hook_replace(nl, h, root.prog_fd);
			obj_release(&root, ret != 0);
		}
		if (ret)
			chain_free(cm, c.id);
	}
	release_members(ms, 2, ret != 0);
	return ret;
}

static int attach_alone(struct nl *nl, const struct xdp_req *r, struct xdp_hook *h)
{
	struct loaded_prog lp;
	int ret;

	ret = obj_load(r->object, r->file, true, &lp);
	if (ret)
		return ret;
	if (!h->prog_id)
		ret = xdp_hook_attach(nl, h, lp.prog_fd, r->mode, r->link, r->object->name);
	else if (!prog_unchanged(h->prog_id, r->object, lp.prog_fd))
		ret = xdp_hook_replace(nl, h, lp.prog_fd);
	obj_release(&lp, ret != 0);
	return ret;
}

static int attach_on_hook(struct nl *nl, const struct xdp_req *r, struct xdp_hook *h)
{
	struct chain_maps cm = { -1, -1 };
	struct prog_owner owner = {};
	int ret;

	if (!h->prog_id) {
		if (position_relative(&r->pos)) {
			err("%s runs no XDP program: nothing to go %s", r->dev,
			    position_word(&r->pos));
			return -ENOENT;
		}
		return attach_alone(nl, r, h);
	}
	ret = check_mode(r, h);
	if (ret)
		return ret;
	prog_identify(h->prog_id, &owner);
	if (!owner.object) {
		if (!r->force) {
			err("%s already runs XDP program id %u (%s), which is not tcctl's; detach it first or add 'force'",
			    r->dev, h->prog_id, owner.prog_name[0] ? owner.prog_name : "?");
			return -EBUSY;
		}
		if (position_relative(&r->pos)) {
			err("%s runs a foreign XDP program: nothing to chain with", r->dev);
			return -EBUSY;
		}
		return attach_alone(nl, r, h);
	}
	if (owner.object == r->object) {
		if (position_relative(&r->pos) && r->pos.rel != r->object)
			return position_index(&r->pos, NULL, 0, -1, r->dev);
		return attach_alone(nl, r, h);
	}
	if (position_relative(&r->pos) && r->pos.rel == r->object)
		return usage_err("an object cannot go before or after itself");
	ret = chain_maps_open(&cm);
	if (ret)
		return ret;
	if (owner.object == object_chain())
		ret = chain_add(&cm, r, h->prog_id);
	else
		ret = chain_create(nl, &cm, r, h, owner.object);
	chain_maps_close(&cm);
	return ret;
}

int xdp_attach(struct nl *nl, const struct xdp_req *r)
{
	struct xdp_hook h;
	int ret;

	ret = xdp_hook_read(nl, r->dev, r->ifindex, &h);
	if (ret)
		return ret;
	ret = attach_on_hook(nl, r, &h);
	xdp_hook_close(&h);
	return ret;
}

/* takes r->object out of the chain; the root goes with the last member */
static int chain_remove(struct nl *nl, const struct xdp_req *r, struct xdp_hook *h)
{
	struct member ms[CHAIN_LEN];
	struct chain_maps cm;
	uint32_t o_prog = 0;
	struct chain c;
	int n, o_at, ret;

	ret = chain_maps_open(&cm);
	if (ret)
		return ret;
	ret = chain_members(&cm, h->prog_id, r->object, &c, ms, &n, &o_at, &o_prog);
	if (ret || (r->object && o_at < 0))
		goto out; /* not in the chain: already detached */
	if (!r->object || !n) {
		ret = xdp_hook_detach(nl, h);
		if (!ret)
			chain_free(&cm, c.id);
	} else {
		ret = commit_order(&cm, &c, ms, n, r);
	}
out:
	chain_maps_close(&cm);
	return ret;
}

int xdp_detach(struct nl *nl, const struct xdp_req *r)
{
	struct prog_owner owner = {};
	struct xdp_hook h;
	int ret;

	ret = xdp_hook_read(nl, r->dev, r->ifindex, &h);
	if (ret || !h.prog_id)
		goto out;
	prog_identify(h.prog_id, &owner);
	if (owner.object && owner.object == object_chain()) {
		ret = chain_remove(nl, r, &h);
		goto out;
	}
	if (!r->force && (!owner.object || (r->object && owner.object != r->object))) {
		err("%s runs XDP program id %u (%s), which is not %s; add 'force' to detach it",
		    r->dev, h.prog_id, owner.prog_name[0] ? owner.prog_name : "?",
		    r->object ? r->object->name : "tcctl's");
		ret = -EBUSY;
		goto out;
	}
	ret = xdp_hook_detach(nl, &h);
out:
	xdp_hook_close(&h);
	return ret;
}
