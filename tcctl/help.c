// SPDX-License-Identifier: GPL-2.0-only
/* Usage text, printed from the command table's blocks (see help.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "help.h"

static const char usage_head[] =
	"Usage: tcctl [ OPTIONS ] COMMAND [ ARGS ]\n"
	"       tcctl [ OPTIONS ] -b[atch] { FILE | - } [ -force ]\n"
	"OPTIONS := { -j[son] | -p[retty] | -n[etns] NETNS | -V[ersion] | -h[elp] }\n"
	"\n";

static const char usage_tail[] =
	"Exit status: 0 done, 1 failed (nothing changed), 2 bad arguments.\n"
	"A batch stops at its first failing line, with that line's status; with\n"
	"-force it runs every line and exits 1 if any failed.\n"
	"See tcctl(8).\n";

#define MAX_TERMS 32

/* marks the terms named in text: whole upper-case words, "MATCH..." included */
static void mark_terms(const char *text, bool used[MAX_TERMS])
{
	const char *p = text;

	while (*p) {
		const char *w = p;
		size_t len;

		if (!isupper((unsigned char)*p) || (p > text && isalnum((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		while (isupper((unsigned char)*p) || *p == '_')
			p++;
		len = p - w;
		if (isalnum((unsigned char)*p))
			continue;
		for (int i = 0; i < MAX_TERMS && tcctl_terms[i].name; i++)
			if (strlen(tcctl_terms[i].name) == len &&
			    !strncmp(tcctl_terms[i].name, w, len))
				used[i] = true;
	}
}

/* the terms marked, and those their definitions name, in table order */
static void print_terms(FILE *f, bool used[MAX_TERMS])
{
	bool seen[MAX_TERMS] = {}, more = true, any = false;

	while (more) {
		more = false;
		for (int i = 0; i < MAX_TERMS && tcctl_terms[i].name; i++) {
			if (used[i] && !seen[i]) {
				seen[i] = more = true;
				mark_terms(tcctl_terms[i].text, used);
			}
		}
	}
	for (int i = 0; i < MAX_TERMS && tcctl_terms[i].name; i++) {
		if (!used[i])
			continue;
		if (!any)
			fputc('\n', f);
		any = true;
		fputs(tcctl_terms[i].text, f);
	}
}

static void put(FILE *f, bool *used, const char *text)
{
	if (f)
		fputs(text, f);
	if (used)
		mark_terms(text, used);
}

/* a command's or a subcommand's lines: printed to f, their terms marked in used */
static void block(FILE *f, bool *used, const struct command *c, const struct subcommand *s)
{
	if (s) {
		put(f, used, s->usage);
		return;
	}
	if (c->usage)
		put(f, used, c->usage);
	for (s = c->subs; s && s->name; s++)
		put(f, used, s->usage);
}

void help_print(FILE *f, const struct command *c, const struct subcommand *s)
{
	bool used[MAX_TERMS] = {};

	fputs("Usage:\n", f);
	block(f, used, c, s);
	print_terms(f, used);
}

void help_print_all(FILE *f)
{
	fputs(usage_head, f);
	for (const struct command *c = tcctl_commands; c->name; c++)
		block(f, NULL, c, NULL);
	fputc('\n', f);
	for (int i = 0; i < MAX_TERMS && tcctl_terms[i].name; i++)
		fputs(tcctl_terms[i].text, f);
	fputc('\n', f);
	fputs(usage_tail, f);
}

int cmd_help(struct tcctl *t, struct args *a)
{
	const struct subcommand *s = NULL;
	const struct command *c;
	const char *name, *sub;
	int ret;

	(void)t;
	name = arg_next(a);
	if (!name) {
		help_print_all(stdout);
		return 0;
	}
	c = command_find(name);
	if (!c)
		return usage_err("help: unknown command \"%s\"", name);
	sub = arg_next(a);
	if (sub) {
		s = subcommand_find(c, sub);
		if (!s)
			return usage_err("help: %s has no subcommand \"%s\"", name, sub);
	}
	ret = arg_end(a);
	if (ret)
		return ret;
	help_print(stdout, c, s);
	return 0;
}
