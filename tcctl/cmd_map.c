// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl map { show | dump | lookup | update | delete }: any pinned map, its
 * keys and values by their BTF types (map_view.c). Writers hold the pins
 * lock, as every tcctl writer does, so an update does not land in the
 * middle of a tcctl fw change.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf_json.h"
#include "lock.h"
#include "map_view.h"
#include "obj.h"

static json_t *btf_name(const struct btf *btf, __u32 id)
{
	char buf[256];

	return btf && id ? json_string(btf_json_type_name(btf, id, buf, sizeof(buf))) : json_null();
}

static json_t *map_desc(const struct map_ref *m, const char *pin)
{
	const struct bpf_map_info *i = &m->info;
	struct btf *btf = i->btf_id ? btf__load_from_kernel_by_id(i->btf_id) : NULL;
	json_t *d;

	d = json_pack(
	    "{s:s, s:s?, s:I, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "name", m->name, "pinned", pin,
	    "id", (json_int_t)i->id, "type", libbpf_bpf_map_type_str(i->type) ?: "unknown",
	    "key_size", (json_int_t)i->key_size, "value_size", (json_int_t)i->value_size,
	    "max_entries", (json_int_t)i->max_entries, "flags", (json_int_t)i->map_flags, "btf_key",
	    btf_name(btf, i->btf_key_type_id), "btf_value", btf_name(btf, i->btf_value_type_id));
	btf__free(btf);
	return d;
}

static void print_show(json_t *doc)
{
	size_t n;
	json_t *d;

	json_array_foreach(doc, n, d)
	{
		printf("%s: id %lld %s key %lld value %lld max_entries %lld flags 0x%llx",
		       json_string_value(json_object_get(d, "name")),
		       json_integer_value(json_object_get(d, "id")),
		       json_string_value(json_object_get(d, "type")),
		       json_integer_value(json_object_get(d, "key_size")),
		       json_integer_value(json_object_get(d, "value_size")),
		       json_integer_value(json_object_get(d, "max_entries")),
		       json_integer_value(json_object_get(d, "flags")));
		if (json_is_string(json_object_get(d, "btf_key")) ||
		    json_is_string(json_object_get(d, "btf_value")))
			printf(" btf %s -> %s",
			       json_string_value(json_object_get(d, "btf_key")) ?: "(none)",
			       json_string_value(json_object_get(d, "btf_value")) ?: "(none)");
		fputc('\n', stdout);
	}
}

static int skip_dots(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* every map pinned in pin_dir(), by name; programs and links pinned there are not maps */
static int show_all(json_t *doc)
{
	struct dirent **names;
	char path[PATH_MAX];
	struct map_ref m;
	int n, ret = 0;

	n = scandir(pin_dir(), &names, skip_dots, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : (err("%s: %s", pin_dir(), strerror(errno)), -errno);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir(), names[i]->d_name);
		if (!ret && !map_ref_open_pin(path, names[i]->d_name, &m, true)) {
			if (json_array_append_new(doc, map_desc(&m, path)))
				ret = -ENOMEM;
			map_ref_close(&m);
		}
		free(names[i]);
	}
	free(names);
	if (ret)
		err("out of memory");
	return ret;
}

/* show [ MAP ] */
static int map_show(struct tcctl *t, struct args *a)
{
	json_t *doc = json_array();
	struct map_ref m;
	int ret;

	if (!doc) {
		err("out of memory");
		return -ENOMEM;
	}
	if (!arg_peek(a)) {
		ret = bpffs_check() ?: show_all(doc);
	} else {
		ret = map_ref_open(a, &m) ?: arg_end(a);
		if (!ret && json_array_append_new(doc, map_desc(&m, *m.pin ? m.pin : NULL)))
			ret = -ENOMEM;
		map_ref_close(&m);
	}
	if (ret) {
		json_decref(doc);
		return ret;
	}
	return out_emit(t, doc, print_show);
}

/* opens MAP, reads its layout, and gets buffers for one key and one value */
static int map_begin(struct args *a, struct map_ref *m, struct map_view *v, void **key,
		     void **value)
{
	int ret;

	*key = *value = NULL;
	v->btf = NULL;
	v->id_fd = -1;
	ret = map_ref_open(a, m) ?: map_view_init(v, m);
	if (ret)
		return ret;
	*key = calloc(1, m->info.key_size);
	*value = calloc(1, v->value_len);
	if (!*key || !*value) {
		err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void map_end(struct map_ref *m, struct map_view *v, void *key, void *value)
{
	free(key);
	free(value);
	map_view_free(v);
	map_ref_close(m);
}

/* the key back as text, for errors about it */
static void key_text(const struct map_view *v, const void *key, char *buf, size_t len)
{
	json_t *j = map_view_key(v, key);
	char *s = j ? json_line(j) : NULL;

	snprintf(buf, len, "%s", s ?: "?");
	free(s);
	json_decref(j);
}

static const struct map_view *text_view; /* for the text printers: out_emit passes the doc only */

static void print_entries(json_t *doc)
{
	size_t n;
	json_t *e;

	json_array_foreach(doc, n, e) map_view_print(text_view, e);
}

static void print_entry(json_t *doc)
{
	map_view_print(text_view, doc);
}

/* dump MAP */
static int map_dump(struct tcctl *t, struct args *a)
{
	void *key, *value, *next = NULL;
	struct map_view v;
	struct map_ref m;
	json_t *doc = NULL;
	bool first = true;
	int ret;

	ret = map_begin(a, &m, &v, &key, &value) ?: arg_end(a);
	if (!ret) {
		next = calloc(1, m.info.key_size);
		doc = json_array();
		ret = next && doc ? 0 : (err("out of memory"), -ENOMEM);
	}
	while (!ret) {
		if (bpf_map_get_next_key(m.fd, first ? NULL : key, next)) {
			ret = errno == ENOENT ? 1 : -errno; /* 1: past the last key, done */
			if (ret < 0)
				err("%s: reading the keys: %s", m.label, strerror(-ret));
			break;
		}
		first = false;
		memcpy(key, next, m.info.key_size);
		/* an entry deleted since we saw its key is gone: not an error */
		if (bpf_map_lookup_elem(m.fd, key, value)) {
			if (errno == ENOENT)
				continue;
			ret = -errno;
			err("%s: lookup: %s", m.label, strerror(-ret));
			break;
		}
		if (json_array_append_new(doc, map_view_entry(&v, key, value)))
			ret = (err("out of memory"), -ENOMEM);
	}
	if (ret == 1) {
		text_view = &v;
		ret = out_emit(t, doc, print_entries);
		doc = NULL;
	}
	json_decref(doc);
	free(next);
	map_end(&m, &v, key, value);
	return ret;
}

static int expect_key(struct args *a)
{
	return arg_is(a, "key") ? 0 : usage_err("expected \"key KEY\" after the map");
}

/* lookup MAP key KEY */
static int map_lookup(struct tcctl *t, struct args *a)
{
	char text[512];
	struct map_view v;
	struct map_ref m;
	void *key, *value;
	int ret;

	ret = map_begin(a, &m, &v, &key, &value) ?: expect_key(a) ?: map_view_parse_key(&v, a, key) ?:
										  arg_end(a);
	if (!ret && bpf_map_lookup_elem(m.fd, key, value)) {
		ret = -errno;
		key_text(&v, key, text, sizeof(text));
		if (ret == -ENOENT)
			err("%s: no entry for key %s", m.label, text);
		else
			err("%s: lookup of key %s: %s", m.label, text, strerror(-ret));
	}
	if (!ret) {
		text_view = &v;
		ret = out_emit(t, map_view_entry(&v, key, value), print_entry);
	}
	map_end(&m, &v, key, value);
	return ret;
}

static int parse_update_flag(struct args *a, __u64 *flags)
{
	*flags = BPF_ANY;
	if (arg_is(a, "exist"))
		*flags = BPF_EXIST;
	else if (arg_is(a, "noexist"))
		*flags = BPF_NOEXIST;
	else
		arg_is(a, "any");
	return arg_end(a);
}

/* update MAP key KEY value VALUE [ any | exist | noexist ] */
static int map_update(struct tcctl *t, struct args *a)
{
	char text[512];
	struct map_view v;
	struct map_ref m;
	void *key, *value;
	__u64 flags;
	int ret;

	(void)t;
	ret = map_begin(a, &m, &v, &key, &value) ?: expect_key(a) ?: map_view_parse_key(&v, a, key);
	if (!ret && !arg_is(a, "value"))
		ret = usage_err("expected \"value VALUE\" after the key");
	ret = ret ?: map_view_parse_value(&v, a, value) ?: parse_update_flag(a, &flags);
	ret = ret ?: pins_lock();
	if (ret) {
		map_end(&m, &v, key, value);
		return ret;
	}
	if (bpf_map_update_elem(m.fd, key, value, flags)) {
		ret = -errno;
		key_text(&v, key, text, sizeof(text));
		if (ret == -EEXIST && flags == BPF_NOEXIST)
			err("%s: key %s has an entry already (noexist)", m.label, text);
		else if (ret == -ENOENT && flags == BPF_EXIST)
			err("%s: no entry for key %s (exist)", m.label, text);
		else if (ret == -E2BIG)
			err("%s: full (%u entries), or key %s is past the end", m.label,
			    m.info.max_entries, text);
		else
			err("%s: update of key %s: %s", m.label, text, strerror(-ret));
	}
	pins_unlock();
	map_end(&m, &v, key, value);
	return ret;
}

/* delete MAP key KEY */
static int map_delete(struct tcctl *t, struct args *a)
{
	char text[512];
	struct map_view v;
	struct map_ref m;
	void *key, *value;
	int ret;

	(void)t;
	ret = map_begin(a, &m, &v, &key, &value);
	if (!ret && (m.info.type == BPF_MAP_TYPE_ARRAY || m.info.type == BPF_MAP_TYPE_PERCPU_ARRAY))
		ret = usage_err("%s: an array's entries cannot be deleted: update them instead",
				m.label);
	ret = ret ?: expect_key(a) ?: map_view_parse_key(&v, a, key) ?: arg_end(a);
	ret = ret ?: pins_lock();
	if (ret) {
		map_end(&m, &v, key, value);
		return ret;
	}
	if (bpf_map_delete_elem(m.fd, key)) {
		ret = -errno;
		key_text(&v, key, text, sizeof(text));
		if (ret == -ENOENT)
			err("%s: no entry for key %s", m.label, text);
		else
			err("%s: delete of key %s: %s", m.label, text, strerror(-ret));
	}
	pins_unlock();
	map_end(&m, &v, key, value);
	return ret;
}

int cmd_map(struct tcctl *t, struct args *a)
{
	static const struct {
		const char *name;
		int (*run)(struct tcctl *t, struct args *a);
	} subs[] = {
	    {"show", map_show},	    {"dump", map_dump},	    {"lookup", map_lookup},
	    {"update", map_update}, {"delete", map_delete},
	};
	const char *sub = arg_next(a);

	if (!sub)
		return usage_err("map needs a command: show, dump, lookup, update or delete");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(sub, subs[i].name))
			return subs[i].run(t, a);
	return usage_err("unknown map command \"%s\"", sub);
}
