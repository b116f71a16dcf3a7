// SPDX-License-Identifier: GPL-2.0-only
/* Errors, argument parsing and output shared by every command. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcctl.h"

/*
 * Where the line being parsed came from ("rules.conf:12: "), or empty.
 * Contexts nest: a batch line's "batch.txt:3: " stays in front while the
 * command it runs sets its own ("rules.conf:5: ") after it. base is where the
 * innermost level starts; err_context() only ever rewrites that level.
 */
static char context[512];
static size_t context_base;

void err_context(const char *fmt, ...)
{
	va_list ap;

	context[context_base] = 0;
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(context + context_base, sizeof(context) - context_base, fmt, ap);
	va_end(ap);
}

size_t err_context_push(void)
{
	size_t mark = context_base;

	context_base = strlen(context);
	return mark;
}

void err_context_pop(size_t mark)
{
	context[context_base] = 0;
	context_base = mark;
}

void err_context_reset(void)
{
	context[0] = 0;
	context_base = 0;
}

void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcctl: %s", context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcctl: %s", context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'tcctl help')\n", stderr);
	return -E_USAGE;
}

const char *arg_next(struct args *a)
{
	if (a->argc <= 0)
		return NULL;
	a->argc--;
	return *a->argv++;
}

/* Exact keywords only: iproute2 is moving away from prefix matching. */
bool arg_is(struct args *a, const char *keyword)
{
	if (a->argc <= 0 || strcmp(a->argv[0], keyword))
		return false;
	arg_next(a);
	return true;
}

int arg_value(struct args *a, const char *keyword, const char **value)
{
	*value = arg_next(a);
	if (!*value)
		return usage_err("\"%s\" needs a value", keyword);
	return 0;
}

int arg_u32(struct args *a, const char *keyword, unsigned int max, unsigned int *value)
{
	unsigned long v;
	const char *s;
	char *end;
	int ret;

	ret = arg_value(a, keyword, &s);
	if (ret)
		return ret;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || *s == '-' || v > max)
		return usage_err("\"%s\" takes a number from 0 to %u, not \"%s\"", keyword, max, s);
	*value = v;
	return 0;
}

int arg_end(const struct args *a)
{
	if (a->argc > 0)
		return usage_err("unexpected argument \"%s\"", a->argv[0]);
	return 0;
}

int out_emit(const struct tcctl *t, json_t *doc, text_printer print_text)
{
	if (!doc) {
		err("out of memory");
		return -ENOMEM;
	}
	if (t->json) {
		json_dumpf(doc, stdout, (t->pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		print_text(doc);
	}
	json_decref(doc);
	return fflush(stdout) ? -errno : 0;
}
