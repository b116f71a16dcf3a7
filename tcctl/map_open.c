// SPDX-License-Identifier: GPL-2.0-only
/* Resolving MAP: a pin by name or path, or a map id. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "map_open.h"
#include "obj.h"

static int map_info(struct map_ref *m)
{
	__u32 len = sizeof(m->info);
	int ret;

	memset(&m->info, 0, sizeof(m->info));
	if (bpf_obj_get_info_by_fd(m->fd, &m->info, &len)) {
		ret = -errno;
		err("%s: %s", m->label, strerror(-ret));
		return ret;
	}
	return 0;
}

/* a path in bpffs, with no ".." to climb out of it, and where it really leads still inside */
static int path_check(const char *path)
{
	char real[PATH_MAX];
	const char *p;
	size_t root = strlen(BPFFS_ROOT);

	if (strncmp(path, BPFFS_ROOT "/", root + 1))
		return usage_err("pinned %s: the path must be inside %s", path, BPFFS_ROOT);
	for (p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return usage_err("pinned %s: \"..\" is not allowed in the path", path);
	if (!realpath(path, real)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return usage_err("pinned %s: no such pin", path);
		err("pinned %s: %s", path, strerror(errno));
		return -errno;
	}
	if (strncmp(real, BPFFS_ROOT "/", root + 1))
		return usage_err("pinned %s: leads to %s, outside %s", path, real, BPFFS_ROOT);
	return 0;
}

int map_ref_open_pin(const char *path, const char *label, struct map_ref *m, bool quiet)
{
	const char *base = strrchr(path, '/');
	bool same = !strcmp(label, path); /* pinned PATH: the label is the path */
	struct stat st;
	int ret;

	snprintf(m->label, sizeof(m->label), "%s", label);
	snprintf(m->name, sizeof(m->name), "%s", base ? base + 1 : path);
	snprintf(m->pin, sizeof(m->pin), "%s", path);
	m->fd = bpf_obj_get(path);
	if (m->fd < 0) {
		ret = -errno;
		if (quiet)
			return ret;
		/* bpffs answers EACCES for a directory: say what it is */
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			return usage_err("%s%s%s is a directory, not a map", same ? "" : label,
					 same ? "" : ": ", path);
		if (ret == -ENOENT)
			return usage_err("%s: no such map (pinned at %s)", label, path);
		err("%s: cannot open %s: %s", label, path, strerror(-ret));
		return ret;
	}
	if (!bpf_fd_is(m->fd, "anon_inode:bpf-map")) {
		map_ref_close(m);
		return quiet ? -ENOTSUP
			     : usage_err("%s%s%s is not a map", same ? "" : label, same ? "" : ": ",
					 path);
	}
	ret = map_info(m);
	if (ret)
		map_ref_close(m);
	return ret;
}

static int open_id(const char *s, struct map_ref *m)
{
	unsigned long id;
	char *end;
	int ret;

	errno = 0;
	id = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || id == 0 || id > UINT32_MAX)
		return usage_err("map id takes a number from 1, not \"%s\"", s);
	snprintf(m->label, sizeof(m->label), "id %lu", id);
	m->pin[0] = '\0';
	m->fd = bpf_map_get_fd_by_id(id);
	if (m->fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			return usage_err("no map has id %lu", id);
		err("map id %lu: %s", id, strerror(-ret));
		return ret;
	}
	ret = map_info(m);
	if (ret) {
		map_ref_close(m);
		return ret;
	}
	snprintf(m->name, sizeof(m->name), "%s", m->info.name);
	return 0;
}

int map_ref_open(struct args *a, struct map_ref *m)
{
	char path[PATH_MAX];
	const char *v;
	int ret;

	m->fd = -1;
	if (!arg_peek(a))
		return usage_err("which map? MAP := { NAME | pinned PATH | id ID }");
	ret = bpffs_check();
	if (ret)
		return ret;
	if (arg_is(a, "id"))
		return arg_value(a, "id", &v) ?: open_id(v, m);
	if (arg_is(a, "pinned")) {
		ret = arg_value(a, "pinned", &v) ?: path_check(v);
		return ret ?: map_ref_open_pin(v, v, m, false);
	}
	v = arg_next(a);
	if (strchr(v, '/') || !strcmp(v, ".") || !strcmp(v, ".."))
		return usage_err("\"%s\" is not a map name in %s (pinned PATH for others)", v,
				 pin_dir());
	snprintf(path, sizeof(path), "%s/%s", pin_dir(), v);
	return map_ref_open_pin(path, v, m, false);
}

void map_ref_close(struct map_ref *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}
