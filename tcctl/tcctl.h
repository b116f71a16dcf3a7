/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcctl's library: what the tcctl command and the tc plugin (e_tcctl.so)
 * share. Both front ends hand their arguments to tcctl_run(), which parses
 * the global options, runs one command and returns the exit code, so
 * "tcctl ARGS" and "tc exec tcctl ARGS" behave the same.
 *
 * A batch (tcctl -b FILE) runs many command lines in one process: each
 * line goes through tcctl_run_line() with the batch's defaults, so a line
 * leaves nothing behind for the next but what struct batch keeps on purpose.
 *
 * Conventions: functions return 0 or a negative errno; the error is printed
 * once, by the function that knows its context, as one line on stderr.
 * Usage errors return -E_USAGE so that they map to exit code 2.
 */
#ifndef TCCTL_TCCTL_H
#define TCCTL_TCCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define TCCTL_VERSION "0.1.0"

enum tcctl_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	/* the command could not be carried out; nothing changed */
	EXIT_USAGE = 2, /* bad arguments; nothing was tried */
};

/* Beyond every errno: marks an error in the command line itself. */
#define E_USAGE 4096

struct batch;

/*
 * The options of one command line. A batch hands each line a fresh copy of
 * its defaults: what a line sets (-j, -n) ends with the line. State meant to
 * outlive a line (caches) lives behind batch, which is NULL outside a batch.
 */
struct tcctl {
	bool json;
	bool pretty;
	const char *netns;
	struct batch *batch;
};

/* the front ends' entry: global options, then one command or a batch; an exit code */
int tcctl_run(int argc, char **argv);
/* one line of a batch (options, command, arguments) with defaults *t; an exit code */
int tcctl_run_line(const struct tcctl *t, int argc, char **argv);

/* errors and usage, in util.c */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A prefix for the errors that follow, e.g. "FILE:LINE: "; NULL clears it.
 * err_context_push() keeps the current prefix in front of every context set
 * until the matching err_context_pop(mark): "batch.txt:3: rules.conf:5: ".
 */
void err_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t err_context_push(void);
void err_context_pop(size_t mark);
void err_context_reset(void);

/* the argument cursor every command parses with, in the NEXT_ARG spirit */
struct args {
	int argc;
	char **argv;
};

static inline const char *arg_peek(const struct args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

const char *arg_next(struct args *a);
bool arg_is(struct args *a, const char *keyword);
int arg_value(struct args *a, const char *keyword, const char **value);
int arg_u32(struct args *a, const char *keyword, unsigned int max, unsigned int *value);
int arg_end(const struct args *a);

/* output: -j prints the JSON document, text mode hands it to a printer */
typedef void (*text_printer)(json_t *doc);
int out_emit(const struct tcctl *t, json_t *doc, text_printer print_text);

/* commands, one file each */
int cmd_qdisc(struct tcctl *t, struct args *a);
int cmd_attach(struct tcctl *t, struct args *a);
int cmd_detach(struct tcctl *t, struct args *a);
int cmd_status(struct tcctl *t, struct args *a);
int cmd_pin(struct tcctl *t, struct args *a);
int cmd_unpin(struct tcctl *t, struct args *a);
int cmd_pins(struct tcctl *t, struct args *a);
int cmd_fw(struct tcctl *t, struct args *a);
int cmd_feature(struct tcctl *t, struct args *a);
int cmd_stats(struct tcctl *t, struct args *a);
int cmd_top(struct tcctl *t, struct args *a);
int cmd_map(struct tcctl *t, struct args *a);
int cmd_lb(struct tcctl *t, struct args *a);
int cmd_redir(struct tcctl *t, struct args *a);
int cmd_run(struct tcctl *t, struct args *a);
int cmd_replay(struct tcctl *t, struct args *a);
int cmd_events(struct tcctl *t, struct args *a);
int cmd_monitor(struct tcctl *t, struct args *a);

#endif /* TCCTL_TCCTL_H */
