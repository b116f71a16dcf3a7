// SPDX-License-Identifier: GPL-2.0-only
/*
 * attach and detach: load an object's program with its maps pinned and put
 * it on a device's XDP hook or under its clsact qdisc, the way ip and tc
 * would, but idempotently and all-or-nothing: attaching again replaces our
 * own program in place (same prio and handle, or XDP's expected-program
 * replace), never someone else's, and a failure undoes the qdisc and pins
 * this command created.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "hook.h"
#include "netdev.h"
#include "nl.h"
#include "obj.h"
#include "tcx.h"

struct attach_req {
	const char *dev;
	int ifindex;
	struct hook hook;
	const struct object_desc *object;
	const char *file;
	uint32_t prio;
	uint32_t handle;
	bool force;
	bool tcx; /* a tcx link instead of a clsact filter */
};

/* --- tc ------------------------------------------------------------------ */

/* clsact present or created; *created tells the caller what to undo */
static int clsact_ensure(struct nl *nl, const struct attach_req *r, bool *created)
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

struct filter_find {
	uint32_t prio, handle;
	bool found;
	struct tc_filter f;
};

static int filter_find_cb(const struct tc_filter *f, void *data)
{
	struct filter_find *ff = data;

	if (f->prio != ff->prio || f->handle != ff->handle)
		return 0;
	ff->found = true;
	ff->f = *f;
	return 1;
}

static int filter_at(struct nl *nl, int ifindex, enum tc_dir dir, uint32_t prio, uint32_t handle,
		     struct filter_find *ff)
{
	int ret;

	memset(ff, 0, sizeof(*ff));
	ff->prio = prio;
	ff->handle = handle;
	ret = nl_filter_dump(nl, ifindex, dir, filter_find_cb, ff);
	return ret < 0 ? ret : 0;
}

struct object_filter {
	const struct object_desc *object;
	struct tc_filter f;
	bool found;
};

static int object_filter_cb(const struct tc_filter *f, void *data)
{
	struct object_filter *of = data;

	if (!prog_owned(f->prog_id, of->object))
		return 0;
	of->found = true;
	of->f = *f;
	return 1;
}

/*
 * One object runs once per hook: as a clsact filter or as a tcx link, not
 * both, or every packet would be counted and judged twice.
 */
static int check_not_attached_other_way(struct nl *nl, const struct attach_req *r)
{
	const char *where = tc_dir_name(r->hook.dir);
	struct object_filter of = { .object = r->object };
	char kind[16];
	int ret;

	if (!r->tcx) {
		if (prog_owned(tcx_our_prog(r->ifindex, r->hook.dir), r->object)) {
			err("%s %s runs %s as a tcx link; detach it before attaching a filter",
			    r->dev, where, r->object->name);
			return -EEXIST;
		}
		return 0;
	}
	ret = nl_qdisc_ingress_kind(nl, r->ifindex, kind, sizeof(kind));
	if (!ret && kind[0])
		ret = nl_filter_dump(nl, r->ifindex, r->hook.dir, object_filter_cb, &of);
	if (ret < 0) {
		err("%s %s: cannot list filters: %s", r->dev, where, nl_strerror(nl, ret));
		return ret;
	}
	if (of.found) {
		err("%s %s runs %s as a tc filter (prio %u handle 0x%x); detach it before attaching a tcx link",
		    r->dev, where, r->object->name, of.f.prio, of.f.handle);
		return -EEXIST;
	}
	return 0;
}

static int attach_tc(struct nl *nl, const struct attach_req *r)
{
	const char *where = tc_dir_name(r->hook.dir);
	struct filter_find ff;
	struct loaded_prog lp;
	bool created, replace;
	char name[256], file[PATH_MAX];
	int ret;

	ret = check_not_attached_other_way(nl, r);
	if (ret)
		return ret;
	if (r->tcx)
		return tcx_attach(r->dev, r->ifindex, r->hook.dir, r->object, r->file);
	ret = clsact_ensure(nl, r, &created);
	if (ret)
		return ret;
	ret = filter_at(nl, r->ifindex, r->hook.dir, r->prio, r->handle, &ff);
	if (ret) {
		err("%s %s: cannot list filters: %s", r->dev, where, nl_strerror(nl, ret));
		goto undo_qdisc;
	}
	replace = ff.found;
	if (replace && !r->force && !prog_owned(ff.f.prog_id, r->object)) {
		err("%s %s prio %u handle 0x%x holds another filter (%s %s); choose another prio or add 'force'",
		    r->dev, where, r->prio, r->handle, ff.f.kind, ff.f.name[0] ? ff.f.name : "-");
		ret = -EEXIST;
		goto undo_qdisc;
	}

	ret = obj_load(r->object, r->file, false, &lp);
	if (ret)
		goto undo_qdisc;
	/* a filter without da, or for one protocol only, is not what we attach */
	if (replace && ff.f.direct_action && ff.f.protocol == htons(ETH_P_ALL) &&
	    prog_unchanged(ff.f.prog_id, r->object, lp.prog_fd)) {
		obj_release(&lp, false);
		return 0;
	}
	/* the name tc itself gives: file:[section] */
	snprintf(file, sizeof(file), "%s", r->file);
	snprintf(name, sizeof(name), "%s:[%s]", basename(file), r->object->tc_sec);
	ret = nl_filter_set(nl, r->ifindex, r->hook.dir, r->prio, r->handle, lp.prog_fd, name,
			    replace);
	if (ret)
		err("%s %s: cannot attach %s: %s", r->dev, where, r->object->name,
		    nl_strerror(nl, ret));
	obj_release(&lp, ret != 0);
undo_qdisc:
	if (ret && created)
		nl_clsact_del(nl, r->ifindex);
	return ret;
}

/* --- XDP ----------------------------------------------------------------- */

static uint32_t xdp_current(const struct link_info *l, uint32_t *mode_flags)
{
	if (l->xdp_drv_id) {
		*mode_flags = XDP_FLAGS_DRV_MODE;
		return l->xdp_drv_id;
	}
	if (l->xdp_skb_id) {
		*mode_flags = XDP_FLAGS_SKB_MODE;
		return l->xdp_skb_id;
	}
	if (l->xdp_hw_id) {
		*mode_flags = XDP_FLAGS_HW_MODE;
		return l->xdp_hw_id;
	}
	*mode_flags = 0;
	return 0;
}

static const char *mode_flag_name(uint32_t flags)
{
	return flags == XDP_FLAGS_SKB_MODE ? "generic" :
	       flags == XDP_FLAGS_DRV_MODE ? "native" :
	       flags == XDP_FLAGS_HW_MODE  ? "offload" :
					     "any";
}

static int attach_xdp(struct nl *nl, const struct attach_req *r)
{
	uint32_t cur_id, cur_mode, mode = r->hook.xdp_mode;
	struct loaded_prog lp;
	struct link_info l;
	int ret, old_fd = -1;

	ret = nl_link_get(nl, r->ifindex, &l);
	if (ret) {
		err("%s: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	cur_id = xdp_current(&l, &cur_mode);
	if (cur_id) {
		if (!r->force && !prog_owned(cur_id, r->object)) {
			err("%s already runs XDP program id %u, which is not %s; detach it first or add 'force'",
			    r->dev, cur_id, r->object->name);
			return -EBUSY;
		}
		if (mode && mode != cur_mode) {
			err("%s runs XDP in %s mode; detach it before attaching in %s mode", r->dev,
			    mode_flag_name(cur_mode), mode_flag_name(mode));
			return -EBUSY;
		}
		mode = cur_mode;
		/* replace exactly what we saw, or fail if someone changed it meanwhile */
		old_fd = bpf_prog_get_fd_by_id(cur_id);
		if (old_fd < 0) {
			ret = -errno;
			err("%s: XDP program id %u: %s", r->dev, cur_id, strerror(-ret));
			return ret;
		}
	}

	ret = obj_load(r->object, r->file, true, &lp);
	if (ret)
		goto out;
	if (prog_unchanged(cur_id, r->object, lp.prog_fd)) {
		obj_release(&lp, false);
		goto out;
	}
	ret = nl_xdp_set(nl, r->ifindex, lp.prog_fd,
			 mode | (old_fd < 0 ? XDP_FLAGS_UPDATE_IF_NOEXIST : 0), old_fd);
	if (ret)
		err("%s xdp: cannot attach %s: %s", r->dev, r->object->name, nl_strerror(nl, ret));
	obj_release(&lp, ret != 0);
out:
	if (old_fd >= 0)
		close(old_fd);
	return ret;
}

/* --- attach -------------------------------------------------------------- */

static int object_arg(struct args *a, const struct object_desc **o)
{
	const char *name = arg_next(a);

	*o = name ? object_find(name) : NULL;
	if (!*o)
		return usage_err("expected an object (%s)%s%s", object_names(), name ? ", not " : "",
				 name ? name : "");
	return 0;
}

int cmd_attach(struct tcctl *t, struct args *a)
{
	char path[PATH_MAX];
	struct attach_req r = { .handle = 1 };
	bool prio_set = false, handle_set = false;
	struct nl nl;
	int ret;

	(void)t;
	ret = arg_dev(a, &r.ifindex, &r.dev) ?: arg_hook(a, &r.hook, true) ?:
						 object_arg(a, &r.object);
	if (ret)
		return ret;
	while (!ret && arg_peek(a)) {
		if (arg_is(a, "obj")) {
			ret = arg_value(a, "obj", &r.file);
		} else if (arg_is(a, "prio")) {
			ret = arg_u32(a, "prio", 0xffff, &r.prio);
			prio_set = true;
		} else if (arg_is(a, "handle")) {
			ret = arg_u32(a, "handle", UINT32_MAX, &r.handle);
			handle_set = true;
		} else if (arg_is(a, "force")) {
			r.force = true;
		} else if (arg_is(a, "tcx")) {
			r.tcx = true;
		} else {
			ret = arg_end(a);
		}
	}
	if (ret)
		return ret;
	if (r.tcx && r.hook.type != HOOK_TC)
		return usage_err("tcx is for the ingress and egress hooks");
	if (r.tcx && (prio_set || handle_set))
		return usage_err("a tcx link has no prio or handle");
	if (r.hook.type == HOOK_TC && ((prio_set && !r.prio) || !r.handle))
		return usage_err("prio and handle must not be 0: tc would pick them anew on every attach");
	if (!prio_set)
		r.prio = r.object->tc_prio;
	if (!r.file) {
		snprintf(path, sizeof(path), "%s/%s", object_dir(), r.object->file);
		r.file = path;
	}

	ret = nl_open(&nl);
	if (ret) {
		err("netlink: %s", strerror(-ret));
		return ret;
	}
	ret = r.hook.type == HOOK_XDP ? attach_xdp(&nl, &r) : attach_tc(&nl, &r);
	nl_close(&nl);
	return ret;
}

/* --- detach -------------------------------------------------------------- */

struct detach_req {
	const char *dev;
	int ifindex;
	struct hook hook;
	const struct object_desc *object; /* NULL: any of ours */
	uint32_t prio, handle;		   /* 0: every filter of ours, wherever it is */
	bool force;
};

struct detach_pick {
	const struct detach_req *r;
	struct tc_filter *victims;
	int n;
	int refused; /* a filter at prio/handle that is not ours, without force */
	char refused_name[16 + 256 + 2];
};

static int detach_pick_cb(const struct tc_filter *f, void *data)
{
	struct detach_pick *d = data;
	const struct detach_req *r = d->r;
	struct tc_filter *grown;

	if (r->prio && (f->prio != r->prio || f->handle != r->handle))
		return 0;
	if (!r->force && !prog_owned(f->prog_id, r->object)) {
		if (r->prio) {
			d->refused = 1;
			snprintf(d->refused_name, sizeof(d->refused_name), "%s %s", f->kind,
				 f->name[0] ? f->name : "-");
		}
		return 0;
	}
	grown = realloc(d->victims, (d->n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	d->victims = grown;
	d->victims[d->n++] = *f;
	return 0;
}

static int detach_tc(struct nl *nl, const struct detach_req *r)
{
	const char *where = tc_dir_name(r->hook.dir);
	struct detach_pick d = { .r = r };
	char kind[16];
	int ret;

	ret = nl_qdisc_ingress_kind(nl, r->ifindex, kind, sizeof(kind));
	if (ret) {
		err("%s: cannot list qdiscs: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	/* a tcx link needs no qdisc; detaching by prio and handle means a filter */
	if (!r->prio) {
		ret = tcx_detach(r->dev, r->ifindex, r->hook.dir, r->object);
		if (ret)
			return ret;
	}
	if (!kind[0])
		return 0; /* no qdisc, no filters: already detached */
	ret = nl_filter_dump(nl, r->ifindex, r->hook.dir, detach_pick_cb, &d);
	if (ret < 0) {
		err("%s %s: cannot list filters: %s", r->dev, where,
		    ret == -ENOMEM ? strerror(ENOMEM) : nl_strerror(nl, ret));
		goto out;
	}
	if (d.refused) {
		err("%s %s prio %u handle 0x%x holds a filter that is not %s (%s); add 'force' to remove it",
		    r->dev, where, r->prio, r->handle, r->object ? r->object->name : "tcctl's",
		    d.refused_name);
		ret = -EBUSY;
		goto out;
	}
	for (int i = 0; i < d.n; i++) {
		ret = nl_filter_del(nl, r->ifindex, r->hook.dir, d.victims[i].prio,
				    d.victims[i].handle);
		if (ret == -ENOENT)
			ret = 0; /* somebody was quicker: gone all the same */
		if (ret) {
			err("%s %s: cannot delete prio %u handle 0x%x: %s", r->dev, where,
			    d.victims[i].prio, d.victims[i].handle, nl_strerror(nl, ret));
			break;
		}
	}
out:
	free(d.victims);
	return ret;
}

static int detach_xdp(struct nl *nl, const struct detach_req *r)
{
	struct prog_owner owner;
	struct link_info l;
	uint32_t id, mode;
	int ret;

	ret = nl_link_get(nl, r->ifindex, &l);
	if (ret) {
		err("%s: %s", r->dev, nl_strerror(nl, ret));
		return ret;
	}
	id = xdp_current(&l, &mode);
	if (!id)
		return 0;
	if (!r->force && !prog_owned(id, r->object)) {
		if (prog_identify(id, &owner))
			owner.prog_name[0] = '\0';
		err("%s runs XDP program id %u (%s), which is not %s; add 'force' to detach it",
		    r->dev, id, owner.prog_name[0] ? owner.prog_name : "?",
		    r->object ? r->object->name : "tcctl's");
		return -EBUSY;
	}
	/* in the mode it runs in: "xdp off" alone leaves a generic program */
	ret = nl_xdp_set(nl, r->ifindex, -1, mode, -1);
	if (ret)
		err("%s xdp: cannot detach: %s", r->dev, nl_strerror(nl, ret));
	return ret;
}

int cmd_detach(struct tcctl *t, struct args *a)
{
	struct detach_req r = {};
	struct nl nl;
	int ret;

	(void)t;
	ret = arg_dev(a, &r.ifindex, &r.dev) ?: arg_hook(a, &r.hook, true);
	if (ret)
		return ret;
	if (arg_peek(a) && object_find(arg_peek(a)))
		r.object = object_find(arg_next(a));
	while (!ret && arg_peek(a)) {
		if (arg_is(a, "prio"))
			ret = arg_u32(a, "prio", 0xffff, &r.prio);
		else if (arg_is(a, "handle"))
			ret = arg_u32(a, "handle", UINT32_MAX, &r.handle);
		else if (arg_is(a, "force"))
			r.force = true;
		else
			ret = arg_end(a);
	}
	if (ret)
		return ret;
	if (r.hook.type == HOOK_XDP && (r.prio || r.handle))
		return usage_err("prio and handle are for the ingress and egress hooks");
	if ((r.prio == 0) != (r.handle == 0))
		return usage_err("give prio and handle together, or neither");

	ret = nl_open(&nl);
	if (ret) {
		err("netlink: %s", strerror(-ret));
		return ret;
	}
	ret = r.hook.type == HOOK_XDP ? detach_xdp(&nl, &r) : detach_tc(&nl, &r);
	nl_close(&nl);
	return ret;
}

/* --- pin and unpin ------------------------------------------------------ */

/*
 * Creates an object's pinned maps without attaching anything, so that a
 * runbook can configure it first and attach it second: no moment in which
 * the program runs with an empty configuration.
 */
int cmd_pin(struct tcctl *t, struct args *a)
{
	const struct object_desc *o;
	const char *file = NULL;
	char path[PATH_MAX];
	struct loaded_prog lp;
	int ret;

	(void)t;
	ret = object_arg(a, &o);
	if (!ret && arg_is(a, "obj"))
		ret = arg_value(a, "obj", &file);
	ret = ret ?: arg_end(a);
	if (ret)
		return ret;
	if (!file) {
		snprintf(path, sizeof(path), "%s/%s", object_dir(), o->file);
		file = path;
	}
	ret = obj_load(o, file, !o->tc_prog, &lp);
	if (ret)
		return ret;
	obj_release(&lp, false);
	return 0;
}

/* Removes an object's pinned maps: its configuration and counters go with them. */
int cmd_unpin(struct tcctl *t, struct args *a)
{
	const struct object_desc *o;
	char path[PATH_MAX];
	int ret;

	(void)t;
	ret = object_arg(a, &o) ?: arg_end(a) ?: bpffs_check();
	if (ret)
		return ret;
	for (int i = 0; i < OBJ_MAX_MAPS && o->maps[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", PIN_DIR, o->maps[i]);
		if (unlink(path) && errno != ENOENT) {
			ret = -errno;
			err("cannot remove %s: %s", path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
