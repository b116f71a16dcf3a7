// SPDX-License-Identifier: GPL-2.0-only
/* A dry run's config file: a checked batch against the scratch maps (see dryrun_config.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "dryrun_config.h"

static const char *const allowed[] = { "fw", "lb", "redir", "map", "stats", NULL };

static int config_check(int argc, char **argv)
{
	int i = 0;

	/* the global options before the command; -n and -b take a value */
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-netns") ||
		    !strcmp(argv[i], "--netns") || !strcmp(argv[i], "-b") ||
		    !strcmp(argv[i], "-batch") || !strcmp(argv[i], "--batch"))
			i++;
		i++;
	}
	if (i >= argc)
		return 0; /* tcctl_run_line says what is missing */
	for (const char *const *c = allowed; *c; c++) {
		if (strcmp(argv[i], *c))
			continue;
		if (!strcmp(*c, "map") && i + 2 < argc &&
		    (!strcmp(argv[i + 2], "pinned") || !strcmp(argv[i + 2], "id")))
			return usage_err("map %s %s in a dry-run config: name the map, so the scratch copy is the one changed",
					 argv[i + 1], argv[i + 2]);
		return 0;
	}
	return usage_err("%s is not allowed in a dry-run config: only fw, lb, redir, map and stats lines, which change maps",
			 argv[i]);
}

int dryrun_config_run(const char *path)
{
	struct tcctl t = {};
	int saved, null, code;

	if (access(path, R_OK)) {
		err("config %s: %s", path, strerror(errno));
		return -errno;
	}
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved < 0 || null < 0) {
		err("config %s: %s", path, strerror(errno));
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
		return -EMFILE;
	}
	dup2(null, STDOUT_FILENO);
	close(null);
	code = batch_run_checked(&t, path, false, config_check);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	if (code == EXIT_USAGE)
		return -E_USAGE;
	return code ? -EINVAL : 0;
}
