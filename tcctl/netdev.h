/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network namespaces and devices, by name. tcctl enters a namespace with
 * setns() only: no /sys remount, so bpffs and its pins stay the ones every
 * other tool sees.
 */
#ifndef TCCTL_NETDEV_H
#define TCCTL_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

struct netns_saved {
	int fd; /* the namespace to return to, -1 if we never left */
};

int netns_enter(const char *name, struct netns_saved *saved);
void netns_restore(struct netns_saved *saved);

/* ifindexes repeat across namespaces: the namespace's inode tells them apart */
int netns_inode(uint64_t *ino);

int dev_index(const char *name);
const char *dev_name(int ifindex, char *buf);

/* "dev DEV" as the next two arguments */
struct args;
int arg_dev(struct args *a, int *ifindex, const char **name);

#endif /* TCCTL_NETDEV_H */
