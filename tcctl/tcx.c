// SPDX-License-Identifier: GPL-2.0-only
/* tcx links: attach, replace in place, detach, list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "feature.h"
#include "kernel_compat.h"
#include "tcx.h"

static enum bpf_attach_type tcx_type(enum tc_dir dir)
{
	return dir == TC_DIR_INGRESS ? TCCTL_BPF_TCX_INGRESS : TCCTL_BPF_TCX_EGRESS;
}

/* ifindexes repeat across namespaces: the namespace's inode tells them apart */
static int pin_path(int ifindex, enum tc_dir dir, char *buf, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	snprintf(buf, len, "%s/tcx-%lu-%d-%s", LINK_DIR, (unsigned long)st.st_ino, ifindex,
		 tc_dir_name(dir));
	return 0;
}

/*
 * Our pinned link on the hook and the program it runs: the link's fd, or
 * -ENOENT. A link whose device is gone is detached by the kernel but stays
 * pinned; with prune, such a pin is removed (attach and detach may change
 * things, status may not).
 */
static int link_open(int ifindex, enum tc_dir dir, char *path, size_t len, uint32_t *prog_id,
		     bool prune)
{
	struct bpf_link_info info = {};
	uint32_t info_len = sizeof(info);
	int fd, ret;

	ret = pin_path(ifindex, dir, path, len);
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
		if (prune)
			unlink(path);
		return -ENOENT;
	}
	*prog_id = info.prog_id;
	return fd;
}

/*
 * No probe here, nor in detach: a pin exists only where tcx did, and the
 * probe forks, which every filter attach would pay.
 */
uint32_t tcx_our_prog(int ifindex, enum tc_dir dir)
{
	char path[PATH_MAX];
	uint32_t prog_id = 0;
	int fd;

	fd = link_open(ifindex, dir, path, sizeof(path), &prog_id, false);
	if (fd < 0)
		return 0;
	close(fd);
	return prog_id;
}

int tcx_attach(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o,
	       const char *file)
{
	const char *where = tc_dir_name(dir);
	struct loaded_prog lp;
	char path[PATH_MAX];
	uint32_t cur_id = 0;
	int link_fd, ret;

	ret = feature_require(FEAT_TCX) ?: link_dir_prepare();
	if (ret)
		return ret;
	link_fd = link_open(ifindex, dir, path, sizeof(path), &cur_id, true);
	if (link_fd < 0 && link_fd != -ENOENT) {
		err("cannot open %s: %s", path, strerror(-link_fd));
		return link_fd;
	}
	if (link_fd >= 0 && !prog_owned(cur_id, o)) {
		err("%s %s: tcctl's tcx link runs another object's program (id %u); detach it first",
		    dev, where, cur_id);
		close(link_fd);
		return -EBUSY;
	}
	ret = obj_load(o, file, false, &lp);
	if (ret)
		goto out;
	if (link_fd >= 0) {
		/* the link stays; its program is swapped in one step, or not at all */
		if (!prog_unchanged(cur_id, o, lp.prog_fd) &&
		    bpf_link_update(link_fd, lp.prog_fd, NULL)) {
			ret = -errno;
			err("%s %s: cannot replace the program of the tcx link: %s", dev, where,
			    strerror(-ret));
		}
		obj_release(&lp, ret != 0);
		goto out;
	}
	link_fd = bpf_link_create(lp.prog_fd, ifindex, tcx_type(dir), NULL);
	if (link_fd < 0) {
		ret = -errno;
		err("%s %s: cannot attach %s as a tcx link: %s", dev, where, o->name,
		    strerror(-ret));
	} else if (bpf_obj_pin(link_fd, path)) {
		/* unpinned, the link goes when its last fd closes below */
		ret = -errno;
		err("cannot pin the tcx link at %s: %s", path, strerror(-ret));
	}
	obj_release(&lp, ret != 0);
out:
	if (link_fd >= 0)
		close(link_fd);
	return ret;
}

int tcx_detach(const char *dev, int ifindex, enum tc_dir dir, const struct object_desc *o)
{
	char path[PATH_MAX];
	uint32_t prog_id;
	int fd, ret = 0;

	fd = link_open(ifindex, dir, path, sizeof(path), &prog_id, true);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		err("cannot open %s: %s", path, strerror(-fd));
		return fd;
	}
	if (prog_owned(prog_id, o)) {
		/* detach first: a pin removed alone leaves the link to whoever holds an fd */
		if (bpf_link_detach(fd) && errno != ENOLINK) {
			ret = -errno;
			err("%s %s: cannot detach the tcx link: %s", dev, tc_dir_name(dir),
			    strerror(-ret));
		} else if (unlink(path) && errno != ENOENT) {
			ret = -errno;
			err("cannot remove %s: %s", path, strerror(-ret));
		}
	}
	close(fd);
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
