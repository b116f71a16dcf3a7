// SPDX-License-Identifier: GPL-2.0-only
/* Reading, attaching, replacing and detaching a device's XDP program. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "netdev.h"
#include "obj.h"
#include "xdp_hook.h"

const char *xdp_mode_flag_name(uint32_t flags)
{
	return flags == XDP_FLAGS_SKB_MODE ? "generic" :
	       flags == XDP_FLAGS_DRV_MODE ? "native" :
	       flags == XDP_FLAGS_HW_MODE  ? "offload" :
					     "any";
}

static int link_pin_path(int ifindex, char *buf, size_t len)
{
	uint64_t ino;
	int ret;

	ret = netns_inode(&ino);
	if (!ret)
		snprintf(buf, len, "%s/xdp-%llu-%d", LINK_DIR, (unsigned long long)ino, ifindex);
	return ret;
}

/*
 * Our pinned link, if it is what runs on the hook. A pin whose link lost
 * its device (deleted, or its namespace gone) is left for "tcctl pins prune".
 */
static int link_find(struct xdp_hook *h)
{
	struct bpf_link_info info = {};
	uint32_t len = sizeof(info);
	int fd;

	fd = bpf_obj_get(h->link_path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_LINK_TYPE_XDP ||
	    info.xdp.ifindex != (uint32_t)h->ifindex || info.prog_id != h->prog_id) {
		close(fd);
		return 0;
	}
	h->link_fd = fd;
	return 0;
}

int xdp_hook_read(struct nl *nl, const char *dev, int ifindex, struct xdp_hook *h)
{
	struct link_info l;
	int ret;

	memset(h, 0, sizeof(*h));
	h->dev = dev;
	h->ifindex = ifindex;
	h->link_fd = -1;
	ret = link_pin_path(ifindex, h->link_path, sizeof(h->link_path));
	if (ret)
		return ret;
	ret = nl_link_get(nl, ifindex, &l);
	if (ret) {
		err("%s: %s", dev, nl_strerror(nl, ret));
		return ret;
	}
	if (l.xdp_drv_id) {
		h->prog_id = l.xdp_drv_id;
		h->mode = XDP_FLAGS_DRV_MODE;
	} else if (l.xdp_skb_id) {
		h->prog_id = l.xdp_skb_id;
		h->mode = XDP_FLAGS_SKB_MODE;
	} else if (l.xdp_hw_id) {
		h->prog_id = l.xdp_hw_id;
		h->mode = XDP_FLAGS_HW_MODE;
	}
	return h->prog_id ? link_find(h) : 0;
}

void xdp_hook_close(struct xdp_hook *h)
{
	if (h->link_fd >= 0)
		close(h->link_fd);
	h->link_fd = -1;
}

static int link_attach(struct xdp_hook *h, int prog_fd, uint32_t mode, const char *what)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = mode);
	int fd, ret = 0;

	ret = link_dir_prepare();
	if (ret)
		return ret;
	fd = bpf_link_create(prog_fd, h->ifindex, BPF_XDP, &opts);
	if (fd < 0) {
		ret = -errno;
		err("%s xdp: cannot attach %s as an XDP link: %s", h->dev, what, strerror(-ret));
		return ret;
	}
	/* a stale pin of a link that lost its device goes: this one takes its place */
	unlink(h->link_path);
	if (bpf_obj_pin(fd, h->link_path)) {
		/* unpinned, the link goes with its last fd, just below */
		ret = -errno;
		err("cannot pin the XDP link at %s: %s", h->link_path, strerror(-ret));
		close(fd);
		return ret;
	}
	h->link_fd = fd;
	return 0;
}

int xdp_hook_attach(struct nl *nl, struct xdp_hook *h, int prog_fd, uint32_t mode, bool link,
		    const char *what)
{
	int ret;

	if (link)
		return link_attach(h, prog_fd, mode, what);
	ret = nl_xdp_set(nl, h->ifindex, prog_fd, mode | XDP_FLAGS_UPDATE_IF_NOEXIST, -1);
	if (ret)
		err("%s xdp: cannot attach %s: %s", h->dev, what, nl_strerror(nl, ret));
	return ret;
}

int xdp_hook_replace(struct nl *nl, struct xdp_hook *h, int prog_fd)
{
	int old_fd, ret;

	old_fd = bpf_prog_get_fd_by_id(h->prog_id);
	if (old_fd < 0) {
		ret = -errno;
		err("%s: XDP program id %u: %s", h->dev, h->prog_id, strerror(-ret));
		return ret;
	}
	if (h->link_fd >= 0) {
		LIBBPF_OPTS(bpf_link_update_opts, opts, .flags = BPF_F_REPLACE,
			    .old_prog_fd = old_fd);

		ret = bpf_link_update(h->link_fd, prog_fd, &opts) ? -errno : 0;
		if (ret)
			err("%s xdp: cannot replace the program of the XDP link: %s", h->dev,
			    ret == -EPERM ? "it changed meanwhile" : strerror(-ret));
	} else {
		ret = nl_xdp_set(nl, h->ifindex, prog_fd, h->mode, old_fd);
		if (ret)
			err("%s xdp: cannot replace: %s", h->dev, nl_strerror(nl, ret));
	}
	close(old_fd);
	return ret;
}

int xdp_hook_detach(struct nl *nl, struct xdp_hook *h)
{
	int ret;

	if (h->link_fd >= 0) {
		/* detach first: a pin removed alone leaves the link to whoever holds an fd */
		if (bpf_link_detach(h->link_fd) && errno != ENOLINK) {
			ret = -errno;
			err("%s xdp: cannot detach the XDP link: %s", h->dev, strerror(-ret));
			return ret;
		}
		if (unlink(h->link_path) && errno != ENOENT) {
			ret = -errno;
			err("cannot remove %s: %s", h->link_path, strerror(-ret));
			return ret;
		}
		return 0;
	}
	/* in the mode it runs in: "xdp off" alone leaves a generic program */
	ret = nl_xdp_set(nl, h->ifindex, -1, h->mode, -1);
	if (ret)
		err("%s xdp: cannot detach: %s", h->dev, nl_strerror(nl, ret));
	return ret;
}
