// SPDX-License-Identifier: GPL-2.0-only
/*
 * e_tcctl.so: "tc exec tcctl ARGS" runs tcctl's library inside tc, so a tc
 * -batch file can carry qdisc, filter and tcctl lines in one runbook.
 *
 * tc -n NETNS remounts /sys in a private mount namespace before it runs us,
 * which hides the bpffs every other tool pins in. When that has happened we
 * join our parent's mount namespace, where /sys/fs/bpf is the real one: tc
 * stays in its network namespace, and lines after ours see the same pins.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "tcctl.h"
#include "obj.h"

/* iproute2's tc/tc_util.h has this; no installed header does. */
struct exec_util {
	struct exec_util *next;
	char id[16];
	int (*parse_eopt)(struct exec_util *eu, int argc, char **argv);
};

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

static bool same_ns(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static void join_parent_bpffs(void)
{
	char ns[64], root_bpffs[80];
	int fd, cwd;

	if (is_bpffs(BPFFS_ROOT))
		return;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", getppid());
	snprintf(root_bpffs, sizeof(root_bpffs), "/proc/%d/root%s", getppid(), BPFFS_ROOT);
	if (same_ns(ns, "/proc/self/ns/mnt") || !is_bpffs(root_bpffs))
		return; /* nothing better to join: bpffs_check() will say so */
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	cwd = open(".", O_PATH | O_CLOEXEC);
	/* setns(CLONE_NEWNS) moves us to the new root: keep relative paths working */
	if (fd >= 0 && setns(fd, CLONE_NEWNS) == 0 && cwd >= 0 && fchdir(cwd))
		err("cannot return to the working directory: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	if (cwd >= 0)
		close(cwd);
}

static int tcctl_parse_eopt(struct exec_util *eu, int argc, char **argv)
{
	(void)eu;
	join_parent_bpffs();
	/* tc prints "Command failed" and stops a batch on any non-zero return */
	return tcctl_run(argc, argv);
}

struct exec_util tcctl_exec_util = {
	.id = "tcctl",
	.parse_eopt = tcctl_parse_eopt,
};
