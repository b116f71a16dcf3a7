// SPDX-License-Identifier: GPL-2.0-only
/* Positions on a hook, as given on the command line. */
#include <errno.h>
#include <string.h>

#include "tcctl.h"
#include "position.h"

int arg_position(struct args *a, struct position *pos)
{
	const char *rel;

	if (arg_is(a, "first")) {
		pos->kind = POS_FIRST;
		return 1;
	}
	if (arg_is(a, "last")) {
		pos->kind = POS_LAST;
		return 1;
	}
	if (!arg_peek(a) || (strcmp(arg_peek(a), "before") && strcmp(arg_peek(a), "after")))
		return 0;
	pos->kind = !strcmp(arg_next(a), "before") ? POS_BEFORE : POS_AFTER;
	rel = arg_next(a);
	pos->rel = rel ? object_find(rel) : NULL;
	if (!pos->rel)
		return usage_err("expected an object after \"%s\" (%s)", position_word(pos),
				 object_names());
	return 1;
}

bool position_relative(const struct position *pos)
{
	return pos->kind == POS_BEFORE || pos->kind == POS_AFTER;
}

const char *position_word(const struct position *pos)
{
	static const char *const words[] = { "", "first", "last", "before", "after" };

	return words[pos->kind];
}

int position_index(const struct position *pos, const struct object_desc *const *others, int n,
		   int keep_at, const char *where)
{
	switch (pos->kind) {
	case POS_KEEP:
		return keep_at >= 0 ? keep_at : n;
	case POS_FIRST:
		return 0;
	case POS_LAST:
		return n;
	case POS_BEFORE:
	case POS_AFTER:
		for (int i = 0; i < n; i++)
			if (others[i] == pos->rel)
				return pos->kind == POS_BEFORE ? i : i + 1;
		break;
	}
	err("%s does not run %s: nothing to go %s", where, pos->rel->name, position_word(pos));
	return -ENOENT;
}
