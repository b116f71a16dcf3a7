/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which map a tcctl map command means: MAP := { NAME | pinned PATH | id ID },
 * NAME a pin in pin_dir(), PATH a pin anywhere under /sys/fs/bpf. Opening
 * checks that the file is a map and reads its info, and the map carries a
 * label for errors: the name, the path or "id N", as the user gave it.
 */
#ifndef TCCTL_MAP_OPEN_H
#define TCCTL_MAP_OPEN_H

#include <limits.h>
#include <linux/bpf.h>

#include "tcctl.h"

struct map_ref {
	int fd;
	char label[PATH_MAX]; /* NAME, PATH or "id N" */
	char name[PATH_MAX];  /* the pin's file name, else the kernel's name for it */
	char pin[PATH_MAX];   /* where it is pinned, "" when opened by id */
	struct bpf_map_info info;
};

/* parses MAP at the cursor and opens it; bad input is a usage error (exit 2) */
int map_ref_open(struct args *a, struct map_ref *m);
/* the pin at path; quiet: no error printed, -ENOTSUP for a pin that is not a map */
int map_ref_open_pin(const char *path, const char *label, struct map_ref *m, bool quiet);
void map_ref_close(struct map_ref *m);

#endif /* TCCTL_MAP_OPEN_H */
