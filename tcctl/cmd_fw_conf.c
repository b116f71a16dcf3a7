// SPDX-License-Identifier: GPL-2.0-only
/* tcctl fw save [ FILE ] and tcctl fw load FILE: the whole configuration. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw_cmds.h"
#include "fw_edit.h"
#include "fw_file.h"

/* written next to FILE and renamed over it: a reader never sees half a file */
int fw_cmd_save(struct args *a)
{
	const char *path = arg_next(a);
	char tmp[4096];
	struct fw_edit e;
	FILE *f = stdout;
	int ret;

	ret = arg_end(a);
	if (ret)
		return ret;
	if (!path)
		path = "-";
	ret = fw_edit_begin(&e, false);
	if (!ret && strcmp(path, "-")) {
		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid());
		f = fopen(tmp, "w");
		if (!f) {
			ret = -errno;
			err("cannot write %s: %s", tmp, strerror(-ret));
		}
	}
	if (!ret)
		ret = fw_config_write_file(f, &e.maps, e.prev);
	if (f && f != stdout) {
		if (fclose(f) && !ret) {
			ret = -errno;
			err("cannot write %s: %s", tmp, strerror(-ret));
		}
		if (!ret && rename(tmp, path)) {
			ret = -errno;
			err("cannot rename %s to %s: %s", tmp, path, strerror(-ret));
		}
		if (ret)
			unlink(tmp);
	} else if (!ret && fflush(stdout)) {
		ret = -errno;
	}
	fw_edit_end(&e);
	return ret;
}

/*
 * A set whose members did not change keeps its slot: no reload, and its
 * hit counters go on.
 */
static int keep_unchanged_sets(struct fw_edit *e, struct fw_config *c)
{
	struct fw_members *live = calloc(FW_MAX_SETS, sizeof(*live));
	int ret;

	if (!live) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = fw_set_read_all(&e->maps, live);
	if (ret)
		err("cannot read the sets' members: %s", strerror(-ret));
	for (int i = 0; i < c->nsets && !ret; i++) {
		struct fw_set_conf *s = &c->sets[i];
		int was = fw_config_set_find(e->prev, s->name);

		if (was < 0 || !fw_members_same(&s->members, &live[e->prev->sets[was].slot]))
			continue;
		s->slot = e->prev->sets[was].slot;
		s->reload = false;
		fw_members_free(&s->members);
	}
	for (int i = 0; i < FW_MAX_SETS; i++)
		fw_members_free(&live[i]);
	free(live);
	return ret;
}

/* parsed whole first: a bad line changes nothing */
int fw_cmd_load(struct args *a)
{
	struct fw_config *c = fw_config_new();
	const char *path;
	struct fw_edit e;
	int ret;

	if (!c) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = arg_value(a, "load", &path) ?: arg_end(a);
	ret = ret ?: fw_config_parse_file(path, c);
	if (ret) {
		fw_config_free(c);
		return ret;
	}
	ret = fw_edit_begin(&e, true);
	if (!ret) {
		c->bank = e.next->bank;
		c->version = e.next->version;
		fw_config_free(e.next);
		e.next = c;
		c = NULL;
		ret = keep_unchanged_sets(&e, e.next) ?: fw_edit_commit(&e);
	}
	fw_config_free(c);
	fw_edit_end(&e);
	return ret;
}
