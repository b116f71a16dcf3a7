// SPDX-License-Identifier: GPL-2.0-only
/* tcx links: attach in order, replace in place, move, detach, list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "feature.h"
#include "kernel_compat.h"
#include "netdev.h"
#include "tcx.h"

static enum bpf_attach_type tcx_type(enum tc_dir dir)
{
	return dir == TC_DIR_INGRESS ? TCCTL_BPF_TCX_INGRESS : TCCTL_BPF_TCX_EGRESS;
}

static int pin_path(int ifindex, enum tc_dir dir, const struct object_desc *o, char *buf,
		    size_t len)
{
	uint64_t ino;
	int ret;

	ret = netns_inode(&ino);
	if (!ret)
		snprintf(buf, len, "%s/tcx-%llu-%d-%s-%s", LINK_DIR, (unsigned long long)ino,
			 ifindex, tc_dir_name(dir), o->name);
	return ret;
}

/*
 * Our pinned link of object o on the hook and the program it runs: the
 * link's fd, or -ENOENT. A link whose device is gone is detached by the
 * kernel but stays pinned until "tcctl pins prune" or the next attach.
 */
static int link_open(int ifindex, enum tc_dir dir, const struct object_desc *o, char *path,
		     size_t len, uint32_t *prog_id)
{
	struct bpf_link_info info = {};
	uint32_t info_len = sizeof(info);
	int fd, ret;

	ret = pin_path(ifindex, dir, o, path, len);
	if (ret)
		return ret;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* the 6.1 headers lack info.tcx; its ifindex sits where xdp's does */
	if (info.xdp.ifindex != (uint32_t)ifindex) {
		close(fd);
		return -ENOENT;
	}
	*prog_id = info.prog_id;
	return fd;
}

/*
 * No probe here, nor in detach: a pin exists only where tcx did, and the
 * probe forks, which every filter attach would pay.
 */
uint32_t tcx_our_prog(int ifindex, enum tc_dir dir, const struct object_desc *o)
{
	char path[PATH_MAX];
	uint32_t prog_id = 0;
	int fd;

	fd = link_open(ifindex, dir, o, path, sizeof(path), &prog_id);
	if (fd < 0)
		return 0;
	close(fd);
	return prog_id;
}

/*
 * libbpf 1.1 cannot pass tcx's place in the order (relative_id and the
 * BEFORE/AFTER flags): BPF_LINK_CREATE by hand, laid out as link_create in
 * Linux 6.6's union bpf_attr.
 */
struct tcx_link_create {
	uint32_t prog_fd;
	uint32_t target_ifindex;
	uint32_t attach_type;
	uint32_t flags;
	uint32_t relative_id;
	uint32_t pad;
	uint64_t expected_revision;
};

static int tcx_link_create(int prog_fd, int ifindex, enum tc_dir dir, const struct position *pos,
			   uint32_t rel_id)
{
	struct tcx_link_create attr = {
		.prog_fd = prog_fd,
		.target_ifindex = ifindex,
		.attach_type = tcx_type(dir),
	};

	switch (pos->kind) {
	case POS_FIRST:
		attr.flags = TCCTL_BPF_F_BEFORE;
		break;
	case POS_BEFORE:
		attr.flags = TCCTL_BPF_F_BEFORE | TCCTL_BPF_F_ID;
		attr.relative_id = rel_id;
		break;
	case POS_AFTER:
		attr.flags = TCCTL_BPF_F_AFTER | TCCTL_BPF_F_ID;
		attr.relative_id = rel_id;
		break;
	default: /* last, and no position: the kernel appends */
		break;
	}
	return syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

/* the program of pos->rel that runs on the hook (our link's, or one tc ... tcx loaded) */
static int relative_prog(const char *dev, int ifindex, enum tc_dir dir, const struct position *pos,
			 uint32_t *rel_id)
{
	uint32_t ids[64], n = 64;

	*rel_id = 0;
	if (!position_relative(pos))
		return 0;
	*rel_id = tcx_our_prog(ifindex, dir, pos->rel);
	if (*rel_id)
		return 0;
	if (!tcx_prog_ids(ifindex, dir, ids, &n))
		for (uint32_t i = 0; i < n && !*rel_id; i++)
			if (prog_owned(ids[i], pos->rel))
				*rel_id = ids[i];
	if (*rel_id)
		return 0;
	err("%s %s runs no tcx program of %s: nothing to go %s", dev, tc_dir_name(dir),
	    pos->rel->name, position_word(pos));
	return -ENOENT;
}

/* a new link where pos says, pinned at path (a stale pin there goes) */
static int link_new(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o,
		    int prog_fd, const struct position *pos, uint32_t rel_id, const char *path)
{
	int fd, ret = 0;

	fd = tcx_link_create(prog_fd, ifindex, dir, pos, rel_id);
	if (fd < 0) {
		ret = -errno;
		err("%s %s: cannot attach %s as a tcx link: %s", dev, tc_dir_name(dir), o->name,
		    strerror(-ret));
		return ret;
	}
	unlink(path);
	if (bpf_obj_pin(fd, path)) {
		/* unpinned, the link goes when its last fd closes below */
		ret = -errno;
		err("cannot pin the tcx link at %s: %s", path, strerror(-ret));
	}
	close(fd);
	return ret;
}

/*
 * A move is make-before-break: the new link runs before the old one goes,
 * so for a moment the object sees packets twice, but never not at all.
 */
static int link_move(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o,
		     int old_fd, int prog_fd, const struct position *pos, uint32_t rel_id,
		     const char *path)
{
	char tmp[PATH_MAX + 8];
	int ret;

	/* bpffs refuses names with a dot */
	snprintf(tmp, sizeof(tmp), "%s-new", path);
	ret = link_new(dev, ifindex, dir, o, prog_fd, pos, rel_id, tmp);
	if (ret)
		return ret;
	if (bpf_link_detach(old_fd) && errno != ENOLINK) {
		ret = -errno;
		err("%s %s: cannot detach the old tcx link: %s", dev, tc_dir_name(dir),
		    strerror(-ret));
		unlink(tmp); /* its link goes with the pin: nothing was moved */
		return ret;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		err("cannot rename %s to %s: %s", tmp, path, strerror(-ret));
	}
	return ret;
}

/* whether the link's program cur_id already runs where pos asks */
static bool already_there(int ifindex, enum tc_dir dir, const struct position *pos,
			  uint32_t cur_id, uint32_t rel_id)
{
	uint32_t ids[64], n = 64;
	int at = -1, rel = -1;

	if (pos->kind == POS_KEEP)
		return true;
	if (tcx_prog_ids(ifindex, dir, ids, &n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (ids[i] == cur_id)
			at = i;
		if (rel_id && ids[i] == rel_id)
			rel = i;
	}
	switch (pos->kind) {
	case POS_FIRST:
		return at == 0;
	case POS_LAST:
		return at >= 0 && (uint32_t)at == n - 1;
	case POS_BEFORE:
		return at >= 0 && at < rel;
	case POS_AFTER:
		return at >= 0 && rel >= 0 && at > rel;
	default:
		return true;
	}
}

int tcx_attach(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o,
	       const char *file, const struct position *pos)
{
	const char *where = tc_dir_name(dir);
	uint32_t cur_id = 0, rel_id;
	struct loaded_prog lp;
	char path[PATH_MAX];
	int link_fd, ret;

	ret = feature_require(FEAT_TCX) ?: link_dir_prepare() ?:
						relative_prog(dev, ifindex, dir, pos, &rel_id);
	if (ret)
		return ret;
	link_fd = link_open(ifindex, dir, o, path, sizeof(path), &cur_id);
	if (link_fd < 0 && link_fd != -ENOENT) {
		err("cannot open %s: %s", path, strerror(-link_fd));
		return link_fd;
	}
	ret = obj_load(o, file, false, &lp);
	if (ret)
		goto out;
	if (link_fd < 0) {
		ret = link_new(dev, ifindex, dir, o, lp.prog_fd, pos, rel_id, path);
	} else if (!already_there(ifindex, dir, pos, cur_id, rel_id)) {
		ret = link_move(dev, ifindex, dir, o, link_fd, lp.prog_fd, pos, rel_id, path);
	} else if (!prog_unchanged(cur_id, o, lp.prog_fd)) {
		/* the link stays; its program is swapped in one step, if it is still cur_id */
		int old_fd = bpf_prog_get_fd_by_id(cur_id);
		LIBBPF_OPTS(bpf_link_update_opts, opts, .flags = BPF_F_REPLACE,
			    .old_prog_fd = old_fd);

		if (old_fd < 0 || bpf_link_update(link_fd, lp.prog_fd, &opts)) {
			ret = -errno;
			err("%s %s: cannot replace the program of the tcx link: %s", dev, where,
			    ret == -EPERM ? "it changed meanwhile" : strerror(-ret));
		}
		if (old_fd >= 0)
			close(old_fd);
	}
	obj_release(&lp, ret != 0);
out:
	if (link_fd >= 0)
		close(link_fd);
	return ret;
}

static int detach_one(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o)
{
	char path[PATH_MAX];
	uint32_t prog_id;
	int fd, ret = 0;

	fd = link_open(ifindex, dir, o, path, sizeof(path), &prog_id);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		err("cannot open %s: %s", path, strerror(-fd));
		return fd;
	}
	/* detach first: a pin removed alone leaves the link to whoever holds an fd */
	if (bpf_link_detach(fd) && errno != ENOLINK) {
		ret = -errno;
		err("%s %s: cannot detach the tcx link: %s", dev, tc_dir_name(dir), strerror(-ret));
	} else if (unlink(path) && errno != ENOENT) {
		ret = -errno;
		err("cannot remove %s: %s", path, strerror(-ret));
	}
	close(fd);
	return ret;
}

int tcx_detach(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o)
{
	const struct object_desc *each;
	int ret = 0;

	if (o)
		return detach_one(dev, ifindex, dir, o);
	for (size_t i = 0; !ret && (each = object_at(i)); i++)
		ret = detach_one(dev, ifindex, dir, each);
	return ret;
}

int tcx_prog_ids(int ifindex, enum tc_dir dir, uint32_t *ids, uint32_t *count)
{
	/* the query's target_fd is its target_ifindex for tcx */
	if (!bpf_prog_query(ifindex, tcx_type(dir), 0, NULL, ids, count))
		return 0;
	if (errno == EINVAL) { /* an attach type older kernels do not know: no tcx */
		*count = 0;
		return 0;
	}
	return -errno;
}
