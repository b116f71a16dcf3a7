/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Batch mode, as tc -batch: "tcctl -b FILE" runs FILE's command lines in one
 * process, stopping at the first that fails (or going on with -force), and
 * every error a line prints starts with "FILE:LINE: ".
 *
 * Each line runs through tcctl_run_line() with a fresh copy of the batch's
 * options, so -j or -n on a line end with it. What outlives a line is the
 * cache of loaded programs (obj_cache.c), on for the batch and released by
 * tcctl_batch_end().
 */
#ifndef TCCTL_BATCH_H
#define TCCTL_BATCH_H

#include <stdbool.h>

#include "tcctl.h"

struct batch {
	const char *name;     /* for errors: the file as given, "stdin" for "-" */
	unsigned long lineno; /* where the line being run starts */
	bool force;	      /* go on past failing lines */
	unsigned int failed;  /* lines that failed so far (with force) */
	/* when set, sees each line's words first: non-zero refuses the line (printed) */
	int (*check)(int argc, char **argv);
};

/* runs the file's lines ("-": standard input) with defaults *t; an exit code */
int batch_run(const struct tcctl *t, const char *path, bool force);
/* the same, each line shown to check first (a dry run refuses what would attach) */
int batch_run_checked(const struct tcctl *t, const char *path, bool force,
		      int (*check)(int argc, char **argv));
/* once, when the batch ends however it ends: releases what its lines kept */
void tcctl_batch_end(struct batch *b);

/*
 * Splits line in place into words, as a shell would for simple words:
 * blanks separate, 'single' quotes keep everything, "double" quotes and a
 * bare backslash escape the next character, an unquoted # starts a comment.
 * Returns the number of words (words grows as needed) or -E_USAGE with *why.
 */
int batch_split(char *line, char ***words, int *cap, const char **why);

#endif /* TCCTL_BATCH_H */
