// SPDX-License-Identifier: GPL-2.0-only
/* tc ingress and egress: cls_bpf filters under clsact, or tcx links. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>

#include "tcctl.h"
#include "tc_attach.h"
#include "tcx.h"

/* the filters on a hook, with the object each of ours belongs to */
struct filters {
	struct tc_filter *f;
	const struct object_desc **owner;
	int n;
};

static int filters_cb(const struct tc_filter *f, void *data)
{
	struct filters *fs = data;
	struct prog_owner po;
	void *grown;

	grown = realloc(fs->f, (fs->n + 1) * sizeof(*fs->f));
	if (!grown)
		return -ENOMEM;
	fs->f = grown;
	grown = realloc(fs->owner, (fs->n + 1) * sizeof(*fs->owner));
	if (!grown)
		return -ENOMEM;
	fs->owner = grown;
	fs->f[fs->n] = *f;
	fs->owner[fs->n] = f->prog_id && !prog_identify(f->prog_id, &po) ? po.object : NULL;
	fs->n++;
	return 0;
}

static void filters_free(struct filters *fs)
{
	free(fs->f);
	free(fs->owner);
	memset(fs, 0, sizeof(*fs));
}

static int filters_read(struct nl *nl, const struct tc_req *r, struct filters *fs)
{
	int ret;

	memset(fs, 0, sizeof(*fs));
	ret = nl_filter_dump(nl, r->ifindex, r->dir, filters_cb, fs);
	if (ret < 0) {
		err("%s %s: cannot list filters: %s", r->dev, tc_dir_name(r->dir),
		    ret == -ENOMEM ? strerror(ENOMEM) : nl_strerror(nl, ret));
		filters_free(fs);
		return ret;
	}
	return 0;
}

/* clsact present or created; *created tells the caller what to undo */
static int clsact_ensure(struct nl *nl, const struct tc_req *r, bool *created)
{
	char kind[16];
	int ret;

	*created = false;
	ret = nl_qdisc_ingress_kind(nl, r->ifindex, kind, sizeof(kind));
	if (ret) {
		err("%s: cannot list qdiscs: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	if (!strcmp(kind, "clsact"))
		return 0;
	if (kind[0]) {
		err("%s has an %s qdisc where clsact goes (tc qdisc del dev %s %s)", r->dev, kind,
		    r->dev, kind);
		return -EEXIST;
	}
	ret = nl_clsact_add(nl, r->ifindex);
	if (ret) {
		err("%s: cannot add clsact qdisc: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	*created = true;
	return 0;
}

/*
 * One object runs once per hook: as a clsact filter or as a tcx link, not
 * both, or every packet would be counted and judged twice.
 */
static int check_not_attached_other_way(struct nl *nl, const struct tc_req *r)
{
	const char *where = tc_dir_name(r->dir);
	struct filters fs;
	char kind[16];
	int ret;

	if (!r->tcx) {
		if (tcx_our_prog(r->ifindex, r->dir, r->object)) {
			err("%s %s runs %s as a tcx link; detach it before attaching a filter",
			    r->dev, where, r->object->name);
			return -EEXIST;
		}
		return 0;
	}
	ret = nl_qdisc_ingress_kind(nl, r->ifindex, kind, sizeof(kind));
	if (ret) {
		err("%s: cannot list qdiscs: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	if (!kind[0])
		return 0;
	ret = filters_read(nl, r, &fs);
	for (int i = 0; !ret && i < fs.n; i++) {
		if (fs.owner[i] != r->object)
			continue;
		err("%s %s runs %s as a tc filter (prio %u handle 0x%x); detach it before attaching a tcx link",
		    r->dev, where, r->object->name, fs.f[i].prio, fs.f[i].handle);
		ret = -EEXIST;
	}
	filters_free(&fs);
	return ret;
}

/*
 * The prio a position means: next to the other object's filter, in a gap no
 * other filter holds, so that nothing else changes place.
 */
static int prio_for(const struct tc_req *r, const struct filters *fs, uint32_t *prio)
{
	uint32_t lo = 0, hi = 0x10000, rel = 0;
	bool found = false;

	for (int i = 0; i < fs->n; i++) {
		if (fs->owner[i] == r->object)
			continue;
		if (r->pos.kind == POS_FIRST && (!found || fs->f[i].prio < hi))
			hi = fs->f[i].prio;
		if (r->pos.kind == POS_LAST && fs->f[i].prio > lo)
			lo = fs->f[i].prio;
		if (position_relative(&r->pos) && fs->owner[i] == r->pos.rel)
			rel = fs->f[i].prio;
		found = true;
	}
	if (!found && !position_relative(&r->pos)) {
		*prio = r->object->tc_prio;
		return 0;
	}
	if (r->pos.kind == POS_FIRST || r->pos.kind == POS_LAST) {
		*prio = r->pos.kind == POS_FIRST ? hi - 1 : lo + 1;
		if (*prio && *prio < 0x10000)
			return 0;
		err("%s %s: no free prio %s every filter; give one with prio", r->dev,
		    tc_dir_name(r->dir), r->pos.kind == POS_FIRST ? "before" : "after");
		return -ERANGE;
	}
	if (!rel) {
		err("%s %s runs no %s filter: nothing to go %s", r->dev, tc_dir_name(r->dir),
		    r->pos.rel->name, position_word(&r->pos));
		return -ENOENT;
	}
	/* the neighbours on the side we go to */
	lo = r->pos.kind == POS_BEFORE ? 0 : rel;
	hi = r->pos.kind == POS_BEFORE ? rel : 0x10000;
	for (int i = 0; i < fs->n; i++) {
		if (fs->owner[i] == r->object)
			continue;
		if (fs->f[i].prio > lo && fs->f[i].prio < rel && r->pos.kind == POS_BEFORE)
			lo = fs->f[i].prio;
		if (fs->f[i].prio < hi && fs->f[i].prio > rel && r->pos.kind == POS_AFTER)
			hi = fs->f[i].prio;
	}
	*prio = r->pos.kind == POS_BEFORE ? rel - 1 : rel + 1;
	if (*prio > lo && *prio < hi)
		return 0;
	err("%s %s: no free prio %s %s's prio %u; give one with prio", r->dev,
	    tc_dir_name(r->dir), position_word(&r->pos), r->pos.rel->name, rel);
	return -ERANGE;
}

/* whether the object's filter at prio already stands where the position asks */
static bool already_there(const struct tc_req *r, const struct filters *fs, uint32_t prio)
{
	for (int i = 0; i < fs->n; i++) {
		uint32_t other = fs->f[i].prio;

		if (fs->owner[i] == r->object)
			continue;
		if ((r->pos.kind == POS_FIRST && other <= prio) ||
		    (r->pos.kind == POS_LAST && other >= prio) ||
		    (r->pos.kind == POS_BEFORE && fs->owner[i] == r->pos.rel && other <= prio) ||
		    (r->pos.kind == POS_AFTER && fs->owner[i] == r->pos.rel && other >= prio))
			return false;
	}
	if (!position_relative(&r->pos))
		return true;
	for (int i = 0; i < fs->n; i++)
		if (fs->owner[i] == r->pos.rel)
			return true;
	return false; /* the other object is not there: prio_for says so */
}

/* the prio of this object's filter with our handle, 0 if none */
static uint32_t own_prio(const struct tc_req *r, const struct filters *fs)
{
	for (int i = 0; i < fs->n; i++)
		if (fs->owner[i] == r->object && fs->f[i].handle == r->handle)
			return fs->f[i].prio;
	return 0;
}

static const struct tc_filter *filter_at(const struct filters *fs, uint32_t prio, uint32_t handle,
					 const struct object_desc **owner)
{
	for (int i = 0; i < fs->n; i++) {
		if (fs->f[i].prio == prio && fs->f[i].handle == handle) {
			*owner = fs->owner[i];
			return &fs->f[i];
		}
	}
	return NULL;
}

/* this object's own filter elsewhere, that a move leaves behind */
static const struct tc_filter *own_filter(const struct filters *fs, const struct tc_req *r,
					  uint32_t prio)
{
	for (int i = 0; i < fs->n; i++)
		if (fs->owner[i] == r->object && fs->f[i].prio != prio)
			return &fs->f[i];
	return NULL;
}

static int filter_attach(struct nl *nl, const struct tc_req *r, const struct filters *fs)
{
	const char *where = tc_dir_name(r->dir);
	const struct object_desc *owner = NULL;
	const struct tc_filter *cur, *old = NULL;
	char name[256], file[PATH_MAX];
	struct loaded_prog lp;
	uint32_t prio = r->prio;
	int ret;

	if (!prio && r->pos.kind == POS_KEEP)
		prio = r->object->tc_prio;
	if (!prio) {
		prio = own_prio(r, fs);
		if (!prio || !already_there(r, fs, prio)) {
			ret = prio_for(r, fs, &prio);
			if (ret)
				return ret;
		}
	}
	/* one filter per object and hook: elsewhere, it moves here */
	old = own_filter(fs, r, prio);
	cur = filter_at(fs, prio, r->handle, &owner);
	if (cur && !r->force && owner != r->object) {
		err("%s %s prio %u handle 0x%x holds another filter (%s %s); choose another prio or add 'force'",
		    r->dev, where, prio, r->handle, cur->kind, cur->name[0] ? cur->name : "-");
		return -EEXIST;
	}
	ret = obj_load(r->object, r->file, false, &lp);
	if (ret)
		return ret;
	/* a filter without da, or for one protocol only, is not what we attach */
	if (cur && cur->direct_action && cur->protocol == htons(ETH_P_ALL) &&
	    prog_unchanged(cur->prog_id, r->object, lp.prog_fd)) {
		obj_release(&lp, false);
		return 0;
	}
	/* the name tc itself gives: file:[section] */
	snprintf(file, sizeof(file), "%s", r->file);
	snprintf(name, sizeof(name), "%s:[%s]", basename(file), r->object->tc_sec);
	ret = nl_filter_set(nl, r->ifindex, r->dir, prio, r->handle, lp.prog_fd, name, cur != NULL);
	if (ret)
		err("%s %s: cannot attach %s: %s", r->dev, where, r->object->name,
		    nl_strerror(nl, ret));
	obj_release(&lp, ret != 0);
	/* make before break: the old place goes once the new one runs */
	if (!ret && old) {
		ret = nl_filter_del(nl, r->ifindex, r->dir, old->prio, old->handle);
		if (ret == -ENOENT)
			ret = 0;
		if (ret)
			err("%s %s: cannot delete the old filter at prio %u handle 0x%x: %s", r->dev,
			    where, old->prio, old->handle, nl_strerror(nl, ret));
	}
	return ret;
}

int tc_attach(struct nl *nl, const struct tc_req *r)
{
	struct filters fs;
	bool created;
	int ret;

	ret = check_not_attached_other_way(nl, r);
	if (ret)
		return ret;
	if (r->tcx)
		return tcx_attach(r->dev, r->ifindex, r->dir, r->object, r->file, &r->pos);
	ret = clsact_ensure(nl, r, &created);
	if (ret)
		return ret;
	ret = filters_read(nl, r, &fs);
	if (!ret)
		ret = filter_attach(nl, r, &fs);
	filters_free(&fs);
	if (ret && created)
		nl_clsact_del(nl, r->ifindex);
	return ret;
}

int tc_detach(struct nl *nl, const struct tc_req *r)
{
	const char *where = tc_dir_name(r->dir);
	struct filters fs;
	char kind[16];
	int ret;

	ret = nl_qdisc_ingress_kind(nl, r->ifindex, kind, sizeof(kind));
	if (ret) {
		err("%s: cannot list qdiscs: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	/* a tcx link needs no qdisc; detaching by prio and handle means a filter */
	if (!r->prio) {
		ret = tcx_detach(r->dev, r->ifindex, r->dir, r->object);
		if (ret)
			return ret;
	}
	if (!kind[0])
		return 0; /* no qdisc, no filters: already detached */
	ret = filters_read(nl, r, &fs);
	for (int i = 0; !ret && i < fs.n; i++) {
		const struct tc_filter *f = &fs.f[i];
		bool ours = fs.owner[i] && (!r->object || fs.owner[i] == r->object);

		if (r->prio && (f->prio != r->prio || f->handle != r->handle))
			continue;
		if (!ours && !r->force) {
			if (!r->prio)
				continue;
			err("%s %s prio %u handle 0x%x holds a filter that is not %s (%s %s); add 'force' to remove it",
			    r->dev, where, r->prio, r->handle,
			    r->object ? r->object->name : "tcctl's", f->kind,
			    f->name[0] ? f->name : "-");
			ret = -EBUSY;
			break;
		}
		ret = nl_filter_del(nl, r->ifindex, r->dir, f->prio, f->handle);
		if (ret == -ENOENT)
			ret = 0; /* somebody was quicker: gone all the same */
		if (ret)
			err("%s %s: cannot delete prio %u handle 0x%x: %s", r->dev, where, f->prio,
			    f->handle, nl_strerror(nl, ret));
	}
	filters_free(&fs);
	return ret;
}
