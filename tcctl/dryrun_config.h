/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A dry run's config FILE: a tcctl batch (the -b grammar) run against the
 * scratch pin directory. Only the commands that write maps (fw, lb, redir,
 * map, stats) are allowed; a line that would attach, detach or pin is
 * refused with its FILE:LINE, and so is a map named by pinned PATH or id ID,
 * which could reach the live maps. What the lines print is dropped: the dry
 * run's own output is the one that counts.
 */
#ifndef TCCTL_DRYRUN_CONFIG_H
#define TCCTL_DRYRUN_CONFIG_H

/* runs path against pin_dir(); 0, -E_USAGE or -EINVAL (the line's error is printed) */
int dryrun_config_run(const char *path);

#endif /* TCCTL_DRYRUN_CONFIG_H */
