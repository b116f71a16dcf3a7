// SPDX-License-Identifier: GPL-2.0-only
/*
 * attach and detach: load an object's program with its maps pinned and put
 * it on a device's XDP hook or on tc ingress or egress, the way ip and tc
 * would, but idempotently and all-or-nothing: attaching again replaces our
 * own program in place (same prio and handle, a link update, or XDP's
 * expected-program replace), never someone else's, and a failure undoes
 * what this command created. Positions order several objects on one hook.
 * The work per hook is in tc_attach.c and xdp_attach.c; this file parses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tcctl.h"
#include "hook.h"
#include "lock.h"
#include "netdev.h"
#include "nl.h"
#include "obj.h"
#include "tc_attach.h"
#include "xdp_attach.h"

static int object_arg(struct args *a, const struct object_desc **o)
{
	const char *name = arg_next(a);

	*o = name ? object_find(name) : NULL;
	if (!*o)
		return usage_err("expected an object (%s)%s%s", object_names(), name ? ", not " : "",
				 name ? name : "");
	return 0;
}

/* what attach and detach take after "dev DEV HOOK [OBJECT]" */
struct hook_args {
	const char *dev;
	int ifindex;
	struct hook hook;
	const struct object_desc *object;
	const char *file;
	uint32_t prio, handle;
	bool prio_set, handle_set;
	struct position pos;
	bool force, tcx, link;
};

static int hook_args_parse(struct args *a, struct hook_args *h, bool attaching)
{
	int ret;

	while (arg_peek(a)) {
		ret = attaching ? arg_position(a, &h->pos) : 0;
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (attaching && arg_is(a, "obj")) {
			ret = arg_value(a, "obj", &h->file);
		} else if (arg_is(a, "prio")) {
			ret = arg_u32(a, "prio", 0xffff, &h->prio);
			h->prio_set = true;
		} else if (arg_is(a, "handle")) {
			ret = arg_u32(a, "handle", UINT32_MAX, &h->handle);
			h->handle_set = true;
		} else if (arg_is(a, "force")) {
			h->force = true;
		} else if (attaching && arg_is(a, "tcx")) {
			h->tcx = true;
		} else if (attaching && arg_is(a, "link")) {
			h->link = true;
		} else {
			ret = arg_end(a);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int attach_checks(const struct hook_args *h)
{
	bool tc = h->hook.type == HOOK_TC;

	if (h->tcx && !tc)
		return usage_err("tcx is for the ingress and egress hooks");
	if (h->link && tc)
		return usage_err("link is for the XDP hooks (tcx links are 'tcx')");
	if ((h->tcx || !tc) && (h->prio_set || h->handle_set))
		return usage_err("%s has no prio or handle", tc ? "a tcx link" : "XDP");
	if (h->prio_set && h->pos.kind != POS_KEEP)
		return usage_err("give a prio or a position (%s), not both", position_word(&h->pos));
	if (h->pos.rel == h->object && position_relative(&h->pos))
		return usage_err("an object cannot go before or after itself");
	if (tc && ((h->prio_set && !h->prio) || !h->handle))
		return usage_err("prio and handle must not be 0: tc would pick them anew on every attach");
	return 0;
}

/* runs one hook's attach or detach under the pins lock, on a netlink socket */
static int hook_run(const struct hook_args *h, bool attaching)
{
	struct tc_req tr = {
		.dev = h->dev, .ifindex = h->ifindex, .dir = h->hook.dir, .object = h->object,
		.file = h->file, .prio = h->prio, .handle = h->handle, .pos = h->pos,
		.force = h->force, .tcx = h->tcx,
	};
	struct xdp_req xr = {
		.dev = h->dev, .ifindex = h->ifindex, .mode = h->hook.xdp_mode,
		.object = h->object, .file = h->file, .pos = h->pos, .force = h->force,
		.link = h->link,
	};
	bool xdp = h->hook.type == HOOK_XDP;
	/* without bpffs nothing of ours can run, but a foreign program can still go */
	bool locked = attaching || bpffs_mounted();
	struct nl nl;
	int ret;

	ret = locked ? pins_lock() : 0;
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (ret) {
		err("netlink: %s", strerror(-ret));
		goto out;
	}
	if (attaching)
		ret = xdp ? xdp_attach(&nl, &xr) : tc_attach(&nl, &tr);
	else
		ret = xdp ? xdp_detach(&nl, &xr) : tc_detach(&nl, &tr);
	nl_close(&nl);
out:
	if (locked)
		pins_unlock();
	return ret;
}

int cmd_attach(struct tcctl *t, struct args *a)
{
	struct hook_args h = { .handle = 1 };
	char path[PATH_MAX];
	int ret;

	(void)t;
	ret = arg_dev(a, &h.ifindex, &h.dev) ?: arg_hook(a, &h.hook, true) ?:
		object_arg(a, &h.object) ?: hook_args_parse(a, &h, true) ?: attach_checks(&h);
	if (ret)
		return ret;
	if (!h.file) {
		snprintf(path, sizeof(path), "%s/%s", object_dir(), h.object->file);
		h.file = path;
	}
	return hook_run(&h, true);
}

int cmd_detach(struct tcctl *t, struct args *a)
{
	struct hook_args h = {};
	int ret;

	(void)t;
	ret = arg_dev(a, &h.ifindex, &h.dev) ?: arg_hook(a, &h.hook, true);
	if (ret)
		return ret;
	if (arg_peek(a) && object_find(arg_peek(a)))
		h.object = object_find(arg_next(a));
	ret = hook_args_parse(a, &h, false);
	if (ret)
		return ret;
	if (h.hook.type == HOOK_XDP && (h.prio || h.handle))
		return usage_err("prio and handle are for the ingress and egress hooks");
	if ((h.prio == 0) != (h.handle == 0))
		return usage_err("give prio and handle together, or neither");
	return hook_run(&h, false);
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
		snprintf(path, sizeof(path), "%s/%s", pin_dir(), o->maps[i]);
		if (unlink(path) && errno != ENOENT) {
			ret = -errno;
			err("cannot remove %s: %s", path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
