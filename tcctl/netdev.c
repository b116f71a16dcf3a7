// SPDX-License-Identifier: GPL-2.0-only
/* Namespaces and device names, as the commands resolve them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>

#include "tcctl.h"
#include "netdev.h"

int netns_enter(const char *name, struct netns_saved *saved)
{
	char path[256];
	int fd, ret;

	saved->fd = -1;
	/* a name lives in /run/netns (ip netns add); a path is taken as it is */
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			err("network namespace \"%s\" does not exist", name);
		else
			err("cannot open network namespace %s: %s", path, strerror(-ret));
		return ret;
	}
	saved->fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved->fd < 0 || setns(fd, CLONE_NEWNET)) {
		ret = -errno;
		err("cannot enter network namespace \"%s\": %s", name, strerror(-ret));
		close(fd);
		if (saved->fd >= 0)
			close(saved->fd);
		saved->fd = -1;
		return ret;
	}
	close(fd);
	return 0;
}

/* The tc plugin runs inside tc: a batch's next line must find tc where it was. */
void netns_restore(struct netns_saved *saved)
{
	if (saved->fd < 0)
		return;
	if (setns(saved->fd, CLONE_NEWNET))
		err("cannot return to the original network namespace: %s", strerror(errno));
	close(saved->fd);
	saved->fd = -1;
}

int netns_inode(uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st)) {
		err("cannot read /proc/self/ns/net: %s", strerror(errno));
		return -errno;
	}
	*ino = st.st_ino;
	return 0;
}

int dev_index(const char *name)
{
	unsigned int ifindex;

	if (strlen(name) >= IF_NAMESIZE) {
		err("device name \"%s\" is longer than %d characters", name, IF_NAMESIZE - 1);
		return -ENODEV;
	}
	ifindex = if_nametoindex(name);
	if (!ifindex) {
		err("device \"%s\" does not exist", name);
		return -ENODEV;
	}
	return ifindex;
}

const char *dev_name(int ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%d", ifindex);
	return buf;
}

int arg_dev(struct args *a, int *ifindex, const char **name)
{
	int ret;

	if (!arg_is(a, "dev"))
		return usage_err("expected \"dev DEV\"%s%s", arg_peek(a) ? ", not " : "",
				 arg_peek(a) ? arg_peek(a) : "");
	ret = arg_value(a, "dev", name);
	if (ret)
		return ret;
	ret = dev_index(*name);
	if (ret < 0)
		return ret;
	*ifindex = ret;
	return 0;
}
