// SPDX-License-Identifier: GPL-2.0-only
/* The counters a dry-run packet moved (see dryrun_moved.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dryrun_moved.h"
#include "map_view.h"

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	return !len || (!c[0] && !memcmp(c, c + 1, len - 1));
}

static bool counting(uint32_t type)
{
	return map_snap_percpu(type) || type == BPF_MAP_TYPE_LRU_HASH;
}

int moved_begin(struct moved_set *s, const struct object_desc *o)
{
	char path[PATH_MAX];
	int ret;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < OBJ_MAX_MAPS && o->maps[i]; i++) {
		struct moved_map *mm = &s->maps[s->n];

		snprintf(path, sizeof(path), "%s/%s", pin_dir(), o->maps[i]);
		if (map_ref_open_pin(path, o->maps[i], &mm->m, true))
			continue;
		if (!counting(mm->m.info.type)) {
			map_ref_close(&mm->m);
			continue;
		}
		ret = map_snap_read(mm->m.fd, &mm->m.info, &mm->before);
		if (ret) {
			err("cannot read %s: %s", path, strerror(-ret));
			map_ref_close(&mm->m);
			moved_free(s);
			return ret;
		}
		s->n++;
	}
	return 0;
}

static int add_entry(json_t *list, const struct map_view *v, const char *name, const void *key,
		     const void *value, int cpu)
{
	json_t *e = map_view_entry(v, key, value), *val, *out;

	if (!e)
		return -ENOMEM;
	if (cpu >= 0) {
		val = json_object_get(json_array_get(json_object_get(e, "values"), cpu), "value");
		json_incref(val);
		json_object_del(e, "values");
		json_object_set_new(e, "cpu", json_integer(cpu));
		json_object_set_new(e, "value", val);
	}
	/* the map's name first, as a reader looks for it */
	out = json_pack("{s:s}", "map", name);
	if (!out || json_object_update(out, e)) {
		json_decref(out);
		json_decref(e);
		return -ENOMEM;
	}
	json_decref(e);
	return json_array_append_new(list, out) ? -ENOMEM : 0;
}

/* the entries of one map that differ from before */
static int diff_map(json_t *list, struct moved_map *mm)
{
	struct map_snap after;
	struct map_view v;
	int ret = map_snap_read(mm->m.fd, &mm->m.info, &after);

	if (ret)
		return ret;
	ret = map_view_init(&v, &mm->m);
	for (size_t i = 0; !ret && i < after.n; i++) {
		const void *key = map_snap_key(&after, i), *val = map_snap_value(&after, i);
		const void *was = map_snap_find(&mm->before, key, i);

		if (was && !memcmp(was, val, after.value_size))
			continue;
		if (!v.percpu) {
			ret = add_entry(list, &v, mm->m.name, key, val, -1);
			continue;
		}
		for (int cpu = 0; !ret && cpu < v.ncpus; cpu++) {
			size_t off = cpu * v.stride;

			/* a new key's CPUs that still hold zero did not move */
			if (was ? memcmp((const char *)was + off, (const char *)val + off, v.stride) :
				  !all_zero((const char *)val + off, v.stride))
				ret = add_entry(list, &v, mm->m.name, key, val, cpu);
		}
	}
	map_view_free(&v);
	map_snap_free(&after);
	return ret;
}

json_t *moved_end(struct moved_set *s)
{
	json_t *list = json_array();

	for (int i = 0; list && i < s->n; i++) {
		if (diff_map(list, &s->maps[i])) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

void moved_free(struct moved_set *s)
{
	for (int i = 0; i < s->n; i++) {
		map_snap_free(&s->maps[i].before);
		map_ref_close(&s->maps[i].m);
	}
	s->n = 0;
}
