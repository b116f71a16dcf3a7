/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table and its usage text, one block per command (and per
 * subcommand where it has them): "tcctl help", "tcctl help CMD [SUB]",
 * "tcctl CMD help" and "tcctl CMD SUB help" all print from the same blocks,
 * and the global usage is their concatenation, so the texts cannot drift.
 */
#ifndef TCCTL_HELP_H
#define TCCTL_HELP_H

#include <stdio.h>

#include "tcctl.h"

struct subcommand {
	const char *name;
	const char *usage; /* its lines, each "  tcctl CMD SUB ...\n" */
};

struct command {
	const char *name;
	int (*run)(struct tcctl *t, struct args *a);
	/* its lines, each "  tcctl CMD ...\n"; NULL: its subcommands' lines in order */
	const char *usage;
	const struct subcommand *subs; /* ends with { NULL }; NULL when it has none */
};

/* a word of the grammar (HOOK, PROTO, ...) and what it stands for */
struct usage_term {
	const char *name;
	const char *text; /* "HOOK   := { ... }\n", continuation lines indented */
};

/* in cli.c */
extern const struct command tcctl_commands[];
extern const struct usage_term tcctl_terms[];

const struct command *command_find(const char *name);
const struct subcommand *subcommand_find(const struct command *c, const char *name);

/* the whole usage text */
void help_print_all(FILE *f);
/* one command's block (s NULL) or one subcommand's, with the terms it uses */
void help_print(FILE *f, const struct command *c, const struct subcommand *s);
/* "help [ COMMAND [ SUB ] ]" */
int cmd_help(struct tcctl *t, struct args *a);

#endif /* TCCTL_HELP_H */
