// SPDX-License-Identifier: GPL-2.0-only
/* tcctl -b FILE: reading, splitting and running a batch's lines (see batch.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "obj.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* one word from *rp, written at w (never ahead of *rp); its end, or NULL with *why */
static char *split_word(char **rp, char *w, const char **why)
{
	char *r = *rp;

	while (*r && !is_blank(*r)) {
		char q = *r;

		if (q == '\'' || q == '"') {
			r++;
			while (*r && *r != q) {
				if (q == '"' && *r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*w++ = *r++;
			}
			if (!*r) {
				*why = q == '"' ? "a double quote is not closed" :
						  "a single quote is not closed";
				return NULL;
			}
			r++;
		} else if (q == '\\' && r[1]) {
			r++;
			*w++ = *r++;
		} else {
			*w++ = *r++;
		}
	}
	*rp = r;
	return w;
}

int batch_split(char *line, char ***words, int *cap, const char **why)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		while (is_blank(*r))
			r++;
		if (!*r || *r == '#')
			return n;
		if (n + 1 >= *cap) {
			int ncap = *cap ? *cap * 2 : 16;
			char **nw = realloc(*words, ncap * sizeof(**words));

			if (!nw) {
				*why = "out of memory";
				return -ENOMEM;
			}
			*words = nw;
			*cap = ncap;
		}
		w = r;
		(*words)[n++] = w;
		w = split_word(&r, w, why);
		if (!w)
			return -E_USAGE;
		/* r is at a blank or the end; w is at or before it */
		if (*r)
			r++;
		*w = 0;
		(*words)[n] = NULL;
	}
}

/* a line ending in an odd number of backslashes goes on on the next one */
static bool continues(const char *line, size_t len)
{
	size_t n = 0;

	while (n < len && line[len - 1 - n] == '\\')
		n++;
	return n % 2;
}

static size_t chomp(char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = 0;
	return len;
}

static bool is_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '#';
}

/*
 * The next command into *buf: a line, with the lines its trailing
 * backslashes join to it (a comment line joins nothing). 1, 0 at the end, or
 * -errno. b->lineno becomes the line it starts on.
 */
static int read_command(FILE *f, char **buf, size_t *cap, struct batch *b, unsigned long *lines)
{
	char *part = NULL;
	size_t pcap = 0, len = 0;
	ssize_t n;
	int ret = 0;

	errno = 0;
	n = getline(buf, cap, f);
	if (n < 0)
		return errno ? -errno : 0;
	b->lineno = ++*lines;
	len = chomp(*buf, n);
	while (!is_comment(*buf) && continues(*buf, len)) {
		(*buf)[--len] = 0;
		errno = 0;
		n = getline(&part, &pcap, f);
		if (n < 0) {
			ret = errno ? -errno : 0;
			break;
		}
		++*lines;
		n = chomp(part, n);
		if (len + n + 1 > *cap) {
			char *nb = realloc(*buf, len + n + 1);

			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			*buf = nb;
			*cap = len + n + 1;
		}
		memcpy(*buf + len, part, n + 1);
		len += n;
	}
	free(part);
	return ret ?: 1;
}

/* one line: its words, then the command with its errors under the line's prefix */
static int run_one(const struct tcctl *t, struct batch *b, char *line, char ***words, int *cap)
{
	const char *why;
	size_t mark;
	int n, code;

	err_context("%s:%lu: ", b->name, b->lineno);
	n = batch_split(line, words, cap, &why);
	if (n == -E_USAGE) {
		usage_err("%s", why);
		code = EXIT_USAGE;
	} else if (n < 0) {
		err("%s", why);
		code = EXIT_FAIL;
	} else if (!n) {
		code = EXIT_OK;
	} else if (b->check && b->check(n, *words)) {
		code = EXIT_USAGE;
	} else {
		mark = err_context_push();
		code = tcctl_run_line(t, n, *words);
		err_context_pop(mark);
	}
	err_context(NULL);
	fflush(stdout); /* a line's output before the next line's errors */
	return code;
}

int batch_run(const struct tcctl *defaults, const char *path, bool force)
{
	return batch_run_checked(defaults, path, force, NULL);
}

int batch_run_checked(const struct tcctl *defaults, const char *path, bool force,
		      int (*check)(int argc, char **argv))
{
	struct batch b = {
		.name = strcmp(path, "-") ? path : "stdin",
		.force = force,
		.check = check,
	};
	struct tcctl t = *defaults;
	unsigned long lines = 0;
	char *buf = NULL, **words = NULL;
	size_t cap = 0;
	int ret, code = EXIT_OK, wcap = 0;
	FILE *f;

	t.batch = &b;
	/* a program the lines attach many times is loaded and verified once */
	obj_cache_enable(true);
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		err("cannot open %s: %s", path, strerror(errno));
		tcctl_batch_end(&b);
		return EXIT_FAIL;
	}
	while ((ret = read_command(f, &buf, &cap, &b, &lines)) > 0) {
		code = run_one(&t, &b, buf, &words, &wcap);
		if (code && !force)
			break;
		if (code)
			b.failed++;
		code = EXIT_OK;
	}
	if (ret < 0) {
		err("cannot read %s: %s", path, strerror(-ret));
		code = EXIT_FAIL;
	}
	tcctl_batch_end(&b);
	if (f != stdin)
		fclose(f);
	free(buf);
	free(words);
	if (!code && b.failed)
		code = EXIT_FAIL;
	return code;
}

void tcctl_batch_end(struct batch *b)
{
	(void)b;
	obj_cache_enable(false);
}
