/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where an object goes among the others on a hook: first, last, before or
 * after another object. The same words order tc filters (by prio), tcx
 * links (BPF_F_BEFORE/AFTER) and XDP chains (slots).
 */
#ifndef TCCTL_POSITION_H
#define TCCTL_POSITION_H

#include "obj.h"

struct args;

enum pos_kind {
	POS_KEEP,  /* none given: where it is, or the hook's default */
	POS_FIRST,
	POS_LAST,
	POS_BEFORE,
	POS_AFTER,
};

struct position {
	enum pos_kind kind;
	const struct object_desc *rel; /* for before and after */
};

/* parses one position keyword if the next argument is one: 1 if so, 0 if not, or an error */
int arg_position(struct args *a, struct position *pos);
bool position_relative(const struct position *pos);
const char *position_word(const struct position *pos);

/*
 * The index object o takes in a run order of n objects that does not hold o
 * (others[]); keep_at is where o was, or -1. -ENOENT (printed) when the
 * object to go before or after is not there.
 */
int position_index(const struct position *pos, const struct object_desc *const *others, int n,
		   int keep_at, const char *where);

#endif /* TCCTL_POSITION_H */
