// SPDX-License-Identifier: GPL-2.0-only
/* A map's keys and values as JSON and text, through its BTF or in hex. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf_json.h"
#include "map_view.h"

int map_view_init(struct map_view *v, struct map_ref *m)
{
	const struct bpf_map_info *i = &m->info;

	memset(v, 0, sizeof(*v));
	v->m = m;
	v->id_fd = -1;
	v->ncpus = 1;
	v->stride = i->value_size;
	switch (i->type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		v->percpu = true;
		v->ncpus = libbpf_num_possible_cpus();
		if (v->ncpus < 1) {
			err("%s: cannot count the possible CPUs: %s", m->label,
			    strerror(-v->ncpus));
			return v->ncpus ?: -EINVAL;
		}
		/* the kernel copies each CPU's value to an 8-byte boundary */
		v->stride = (i->value_size + 7) & ~7UL;
		break;
	case BPF_MAP_TYPE_PROG_ARRAY:
		v->ids = MAP_IDS_PROG;
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		v->ids = MAP_IDS_MAP;
		break;
	case BPF_MAP_TYPE_LPM_TRIE:
		v->key_flags = BTF_JSON_LPM;
		break;
	default:
		break;
	}
	v->value_len = v->stride * v->ncpus;
	if (!i->key_size || !i->value_size)
		return usage_err("%s: a %s map has no keys and values to read or write", m->label,
				 libbpf_bpf_map_type_str(i->type) ?: "?");
	/* without its BTF (gone, or never given) a map still shows in hex */
	if (i->btf_id)
		v->btf = btf__load_from_kernel_by_id(i->btf_id);
	if (v->btf && btf_json_ok(v->btf, i->btf_key_type_id, i->key_size))
		v->key_id = i->btf_key_type_id;
	if (v->btf && !v->ids && btf_json_ok(v->btf, i->btf_value_type_id, i->value_size))
		v->value_id = i->btf_value_type_id;
	return 0;
}

void map_view_free(struct map_view *v)
{
	btf__free(v->btf);
	v->btf = NULL;
	if (v->id_fd >= 0)
		close(v->id_fd);
	v->id_fd = -1;
}

json_t *map_view_key(const struct map_view *v, const void *key)
{
	if (v->key_id)
		return btf_json_get(v->btf, v->key_id, key, v->key_flags);
	return hex_json_get(key, v->m->info.key_size);
}

static json_t *one_value(const struct map_view *v, const void *p)
{
	__u32 id;

	if (v->ids) {
		memcpy(&id, p, sizeof(id));
		return json_integer(id);
	}
	if (v->value_id)
		return btf_json_get(v->btf, v->value_id, p, 0);
	return hex_json_get(p, v->m->info.value_size);
}

json_t *map_view_entry(const struct map_view *v, const void *key, const void *value)
{
	json_t *list;

	if (!v->percpu)
		return json_pack("{s:o, s:o}", "key", map_view_key(v, key), "value",
				 one_value(v, value));
	list = json_array();
	for (int cpu = 0; list && cpu < v->ncpus; cpu++) {
		json_t *e = json_pack("{s:i, s:o}", "cpu", cpu, "value",
				      one_value(v, (const char *)value + cpu * v->stride));

		if (json_array_append_new(list, e)) {
			json_decref(list);
			list = NULL;
		}
	}
	return json_pack("{s:o, s:o}", "key", map_view_key(v, key), "values", list);
}

static void print_side(const json_t *j, bool hex)
{
	size_t i;
	json_t *b;
	char *s;

	if (hex && json_is_array(j)) {
		fputs("hex", stdout);
		json_array_foreach(j, i, b) printf(" %s", json_string_value(b) + 2); /* "0x0a" */
		return;
	}
	s = json_line(j);
	fputs(s ?: "?", stdout);
	free(s);
}

void map_view_print(const struct map_view *v, json_t *entry)
{
	fputs("key ", stdout);
	print_side(json_object_get(entry, "key"), !v->key_id);
	if (v->percpu) {
		fputs(" values ", stdout);
		print_side(json_object_get(entry, "values"), false);
	} else {
		fputs(" value ", stdout);
		print_side(json_object_get(entry, "value"), !v->value_id && !v->ids);
	}
	fputc('\n', stdout);
}

static bool is_keyword(const char *s)
{
	return !strcmp(s, "key") || !strcmp(s, "value") || !strcmp(s, "any") ||
	       !strcmp(s, "exist") || !strcmp(s, "noexist");
}

/* hex BYTE... (hex_toks set) or one JSON text; not JSON: the text is a string */
static int parse_text(struct args *a, const char *what, json_t **j, char ***hex, int *nhex)
{
	const char *s;

	*j = NULL;
	*hex = NULL;
	if (arg_is(a, "hex")) {
		*hex = a->argv;
		for (*nhex = 0; arg_peek(a) && !is_keyword(arg_peek(a)); (*nhex)++)
			arg_next(a);
		return *nhex ? 0 : usage_err("%s hex needs bytes: %s hex 0a 00 00 01", what, what);
	}
	if (arg_value(a, what, &s))
		return -E_USAGE;
	*j = json_loads(s, JSON_DECODE_ANY, NULL) ?: json_string(s);
	if (!*j)
		return usage_err("%s: \"%s\" is not UTF-8 text", what, s);
	return 0;
}

/* the kernel's E2BIG for an index past an array's end says less than we can */
static int index_check(const struct map_view *v, const void *key)
{
	const struct bpf_map_info *i = &v->m->info;
	__u32 index;

	if (i->key_size != 4 ||
	    (i->type != BPF_MAP_TYPE_ARRAY && i->type != BPF_MAP_TYPE_PERCPU_ARRAY &&
	     i->type != BPF_MAP_TYPE_PROG_ARRAY && i->type != BPF_MAP_TYPE_ARRAY_OF_MAPS))
		return 0;
	memcpy(&index, key, 4);
	if (index < i->max_entries)
		return 0;
	return usage_err("%s: bad key: %u is past the end (the array has %u entries)", v->m->label,
			 index, i->max_entries);
}

int map_view_parse_key(struct map_view *v, struct args *a, void *key)
{
	__u32 size = v->m->info.key_size;
	struct btf_json_err e;
	char **hex;
	json_t *j;
	int n, ret;

	ret = parse_text(a, "key", &j, &hex, &n);
	if (ret)
		return ret;
	if (hex)
		ret = hex_args_put(hex, n, key, size, &e);
	else if (v->key_id)
		ret = btf_json_put(v->btf, v->key_id, j, key, size, v->key_flags, &e);
	else
		ret = hex_json_put(j, key, size, &e);
	json_decref(j);
	return ret ? usage_err("%s: bad key: %s", v->m->label, e.msg) : index_check(v, key);
}

/* a prog or map id, as the fd the kernel wants in its place */
static int put_id(struct map_view *v, const json_t *j, void *value)
{
	const char *kind = v->ids == MAP_IDS_PROG ? "program" : "map";
	json_int_t id = json_integer_value(j);
	__u32 fd;

	if (json_is_string(j))
		id = strtoll(json_string_value(j), NULL, 0);
	if (id <= 0 || id > UINT32_MAX)
		return usage_err("%s: bad value: want a %s id", v->m->label, kind);
	v->id_fd = v->ids == MAP_IDS_PROG ? bpf_prog_get_fd_by_id(id) : bpf_map_get_fd_by_id(id);
	if (v->id_fd < 0 && errno == ENOENT)
		return usage_err("%s: bad value: no %s has id %lld", v->m->label, kind,
				 (long long)id);
	if (v->id_fd < 0) {
		err("%s: %s id %lld: %s", v->m->label, kind, (long long)id, strerror(errno));
		return -errno;
	}
	fd = v->id_fd;
	memcpy(value, &fd, sizeof(fd));
	return 0;
}

static int put_one(struct map_view *v, const json_t *j, void *p, struct btf_json_err *e)
{
	if (v->value_id)
		return btf_json_put(v->btf, v->value_id, j, p, v->m->info.value_size, 0, e);
	return hex_json_put(j, p, v->m->info.value_size, e);
}

/*
 * Per-CPU: the list dump prints ([{"cpu": 0, "value": V}, ...], CPUs not
 * named are zero), a list of one value per CPU when the value is no list
 * itself, or one value that every CPU gets.
 */
static int put_percpu(struct map_view *v, const json_t *j, __u8 *value, struct btf_json_err *e)
{
	const json_t *first = json_array_get(j, 0);
	bool list_type =
	    !v->value_id ||
	    btf_is_array(btf__type_by_id(v->btf, btf__resolve_type(v->btf, v->value_id)));
	size_t i;
	json_t *x;

	if (json_is_object(first) && json_object_get(first, "cpu")) {
		json_array_foreach(j, i, x)
		{
			json_int_t cpu = json_integer_value(json_object_get(x, "cpu"));

			if (!json_is_object(x) || json_object_size(x) != 2 ||
			    !json_is_integer(json_object_get(x, "cpu")) ||
			    !json_object_get(x, "value")) {
				snprintf(e->msg, sizeof(e->msg),
					 "element %zu is not {\"cpu\": N, \"value\": V}", i);
				return -EINVAL;
			}
			if (cpu < 0 || cpu >= v->ncpus) {
				snprintf(e->msg, sizeof(e->msg), "no CPU %lld: 0 to %d",
					 (long long)cpu, v->ncpus - 1);
				return -EINVAL;
			}
			if (put_one(v, json_object_get(x, "value"), value + cpu * v->stride, e))
				return -EINVAL;
		}
		return 0;
	}
	if (json_is_array(j) && !list_type) {
		if ((int)json_array_size(j) != v->ncpus) {
			snprintf(e->msg, sizeof(e->msg), "%zu values for %d CPUs",
				 json_array_size(j), v->ncpus);
			return -EINVAL;
		}
		json_array_foreach(j, i,
				   x) if (put_one(v, x, value + i * v->stride, e)) return -EINVAL;
		return 0;
	}
	if (put_one(v, j, value, e))
		return -EINVAL;
	for (int cpu = 1; cpu < v->ncpus; cpu++)
		memcpy(value + cpu * v->stride, value, v->m->info.value_size);
	return 0;
}

int map_view_parse_value(struct map_view *v, struct args *a, void *value)
{
	__u32 size = v->m->info.value_size;
	struct btf_json_err e;
	char **hex;
	json_t *j;
	int n, ret;

	ret = parse_text(a, "value", &j, &hex, &n);
	if (ret)
		return ret;
	memset(value, 0, v->value_len);
	if (v->ids) {
		ret = hex ? usage_err("%s: bad value: want a %s id, not bytes", v->m->label,
				      v->ids == MAP_IDS_PROG ? "program" : "map")
			  : put_id(v, j, value);
		json_decref(j);
		return ret;
	}
	if (hex) {
		ret = hex_args_put(hex, n, value, size, &e);
		for (int cpu = 1; !ret && cpu < v->ncpus; cpu++)
			memcpy((__u8 *)value + cpu * v->stride, value, size);
	} else if (v->percpu) {
		ret = put_percpu(v, j, value, &e);
	} else {
		ret = put_one(v, j, value, &e);
	}
	json_decref(j);
	return ret ? usage_err("%s: bad value: %s", v->m->label, e.msg) : 0;
}
