// SPDX-License-Identifier: GPL-2.0-only
/* tcctl's pins: link pins with their link info, object maps with their users. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "kernel_compat.h"
#include "pins.h"

static void prog_name(uint32_t id, char name[16])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	name[0] = '\0';
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(name, 16, "%s", info.name);
	close(fd);
}

static int link_read(struct pin_link *l)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd, ret = 0;

	fd = bpf_obj_get(l->path);
	if (fd < 0) {
		ret = -errno;
		err("cannot open %s: %s", l->path, strerror(-ret));
		return ret;
	}
	l->is_link = bpf_fd_is(fd, "anon_inode:bpf-link");
	if (!l->is_link)
		goto out;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		ret = -errno;
		err("cannot read the link info of %s: %s", l->path, strerror(-ret));
		goto out;
	}
	l->link_id = info.id;
	l->type = info.type;
	l->prog_id = info.prog_id;
	/*
	 * xdp's and tcx's info start with the ifindex, which the kernel sets
	 * to 0 once the device (or its namespace) is gone; tcx's attach type
	 * follows it, where netns's sits in the 6.1 headers.
	 */
	l->ifindex = info.xdp.ifindex;
	if (info.type == TCCTL_BPF_LINK_TYPE_TCX)
		l->attach_type = info.netns.attach_type;
	l->attached = l->ifindex != 0;
	prog_name(l->prog_id, l->prog_name);
out:
	close(fd);
	return ret;
}

static int cmp_links(const void *a, const void *b)
{
	return strcmp(((const struct pin_link *)a)->path, ((const struct pin_link *)b)->path);
}

static int scan_links(struct pins *p)
{
	struct dirent *de;
	size_t room = 0;
	int ret = 0;
	DIR *dir;

	dir = opendir(LINK_DIR);
	if (!dir) {
		if (errno == ENOENT)
			return 0; /* tcctl never pinned a link here */
		ret = -errno;
		err("cannot read %s: %s", LINK_DIR, strerror(-ret));
		return ret;
	}
	while (!ret && (de = readdir(dir))) {
		struct pin_link *l;

		if (de->d_type != DT_REG)
			continue; /* . and .., and directories: tcctl makes none there */
		if (p->n_links == room) {
			room = room ? room * 2 : 16;
			l = realloc(p->links, room * sizeof(*l));
			if (!l) {
				ret = -ENOMEM;
				err("out of memory");
				break;
			}
			p->links = l;
		}
		l = &p->links[p->n_links++];
		memset(l, 0, sizeof(*l));
		snprintf(l->path, sizeof(l->path), "%s/%s", LINK_DIR, de->d_name);
		ret = link_read(l);
		if (ret == -ENOENT) { /* removed since readdir: not ours to list */
			p->n_links--;
			ret = 0;
		}
	}
	closedir(dir);
	if (p->n_links)
		qsort(p->links, p->n_links, sizeof(*p->links), cmp_links);
	return ret;
}

/* the map's id, 0 when it is not pinned (or the pin is no map) */
static int map_id(const char *name, uint32_t *id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, ret = 0;

	*id = 0;
	snprintf(path, sizeof(path), "%s/%s", pin_dir(), name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		err("cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	if (!bpf_fd_is(fd, "anon_inode:bpf-map"))
		goto out;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		ret = -errno;
		err("cannot read the map info of %s: %s", path, strerror(-ret));
		goto out;
	}
	*id = info.id;
out:
	close(fd);
	return ret;
}

static int scan_objects(struct pins *p)
{
	const struct object_desc *o;
	size_t n = 0;
	int ret;

	while (object_at(n))
		n++;
	p->objects = calloc(n ? n : 1, sizeof(*p->objects));
	if (!p->objects) {
		err("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; (o = object_at(i)); i++) {
		struct pin_object *po = &p->objects[p->n_objects];

		/* the slot of an object with nothing pinned is reused: start it afresh */
		memset(po, 0, sizeof(*po));
		po->o = o;
		for (int m = 0; m < OBJ_MAX_MAPS && o->maps[m]; m++) {
			uint32_t id;

			po->n_catalogued++;
			ret = map_id(o->maps[m], &id);
			if (ret)
				return ret;
			if (!id)
				continue;
			po->maps[po->n_maps].name = o->maps[m];
			po->maps[po->n_maps++].id = id;
		}
		if (po->n_maps)
			p->n_objects++;
	}
	return 0;
}

static bool orphan_holds(const struct pins *p, uint32_t prog_id)
{
	for (size_t i = 0; i < p->n_links; i++)
		if (p->links[i].is_link && !p->links[i].attached && p->links[i].prog_id == prog_id)
			return true;
	return false;
}

static int add_user(struct pins *p, struct pin_object *po, uint32_t id, const char *name)
{
	struct pin_prog *u;

	for (size_t i = 0; i < po->n_users; i++)
		if (po->users[i].id == id)
			return 0;
	u = realloc(po->users, (po->n_users + 1) * sizeof(*u));
	if (!u) {
		err("out of memory");
		return -ENOMEM;
	}
	po->users = u;
	u = &u[po->n_users++];
	u->id = id;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->held_by_orphan = orphan_holds(p, id);
	return 0;
}

/* one program's maps against every pinned map of ours */
static int prog_uses(struct pins *p, uint32_t prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), n = 64;
	uint32_t *ids = NULL;
	int fd, ret = 0;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* gone since the walk found it */
		ret = -errno;
		err("cannot open program %u: %s", prog_id, strerror(-ret));
		return ret;
	}
	for (;;) {
		uint32_t *more = realloc(ids, n * sizeof(*ids));

		if (!more) {
			err("out of memory");
			ret = -ENOMEM;
			goto out;
		}
		ids = more;
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = n;
		info.map_ids = (uintptr_t)ids;
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			ret = -errno;
			err("cannot read the info of program %u: %s", prog_id, strerror(-ret));
			goto out;
		}
		if (info.nr_map_ids <= n)
			break;
		n = info.nr_map_ids; /* the kernel says how many there are */
	}
	for (size_t i = 0; !ret && i < p->n_objects; i++) {
		struct pin_object *po = &p->objects[i];

		for (int m = 0; !ret && m < po->n_maps; m++)
			for (__u32 k = 0; k < info.nr_map_ids; k++)
				if (ids[k] == po->maps[m].id) {
					ret = add_user(p, po, prog_id, info.name);
					break;
				}
	}
out:
	free(ids);
	close(fd);
	return ret;
}

static int scan_progs(struct pins *p)
{
	uint32_t id = 0;
	int ret;

	if (!p->n_objects)
		return 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		ret = prog_uses(p, id);
		if (ret)
			return ret;
	}
	if (errno != ENOENT) {
		ret = -errno;
		err("cannot list the loaded programs: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

int pins_scan(struct pins *p)
{
	memset(p, 0, sizeof(*p));
	return bpffs_check() ?: scan_links(p) ?: scan_objects(p) ?: scan_progs(p);
}

void pins_free(struct pins *p)
{
	for (size_t i = 0; i < p->n_objects; i++)
		free(p->objects[i].users);
	free(p->objects);
	free(p->links);
	memset(p, 0, sizeof(*p));
}

static bool object_unused(const struct pin_object *po, bool orphans_go)
{
	for (size_t i = 0; i < po->n_users; i++)
		if (!orphans_go || !po->users[i].held_by_orphan)
			return false;
	return true;
}

static bool share_a_map(const struct object_desc *a, const struct object_desc *b)
{
	for (int i = 0; i < OBJ_MAX_MAPS && a->maps[i]; i++)
		for (int j = 0; j < OBJ_MAX_MAPS && b->maps[j]; j++)
			if (!strcmp(a->maps[i], b->maps[j]))
				return true;
	return false;
}

/*
 * Never a part of a set: an object whose map another object also lists
 * goes only when that object is unused too, or the other would be left
 * with a half set that loads back as an inconsistent configuration.
 * tcctl's internal objects (the XDP chain maps, which every chainable
 * object's file defines) go only when none of ours is in use.
 */
void pins_decide(struct pins *p, bool orphans_go)
{
	for (size_t i = 0; i < p->n_objects; i++) {
		struct pin_object *po = &p->objects[i];

		po->removable = object_unused(po, orphans_go);
		for (size_t j = 0; po->removable && j < p->n_objects; j++)
			if (j != i && (po->o->internal || share_a_map(po->o, p->objects[j].o)) &&
			    !object_unused(&p->objects[j], orphans_go))
				po->removable = false;
	}
}

void pins_wait_progs_gone(const uint32_t *ids, size_t n)
{
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	for (int t = 0; t < 100; t++) {
		size_t left = 0;

		for (size_t i = 0; i < n; i++) {
			int fd = ids[i] ? bpf_prog_get_fd_by_id(ids[i]) : -1;

			if (fd >= 0) {
				close(fd);
				left++;
			}
		}
		if (!left)
			return;
		nanosleep(&tick, NULL);
	}
}
