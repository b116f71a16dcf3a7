// SPDX-License-Identifier: GPL-2.0-only
/* Reading a map whole and writing it into another (see map_snap.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "map_snap.h"

/* entries per batch call: hash batches fail with ENOSPC on a bucket larger than this */
#define SNAP_CHUNK 1024
/* the kernel's own "not supported", which user headers lack */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

bool map_snap_copyable(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
		return true;
	default:
		return false;
	}
}

bool map_snap_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_array(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static int grow(struct map_snap *s, size_t want, size_t *cap)
{
	size_t ncap = *cap ? *cap : SNAP_CHUNK;
	void *k, *v;

	if (want <= *cap)
		return 0;
	while (ncap < want)
		ncap *= 2;
	k = realloc(s->keys, ncap * s->key_size);
	if (!k)
		return -ENOMEM;
	s->keys = k;
	v = realloc(s->values, ncap * s->value_size);
	if (!v)
		return -ENOMEM;
	s->values = v;
	*cap = ncap;
	return 0;
}

/* one batch call after another; -EINVAL or -ENOTSUPP when the kernel has none for this kind */
static int read_batch(int fd, struct map_snap *s, size_t *cap)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint64_t in[8], out[8]; /* the batch token: a key for arrays, a bucket for hashes */
	bool first = true;
	__u32 count;
	int ret;

	if (s->key_size > sizeof(in))
		return -EINVAL;
	for (;;) {
		ret = grow(s, s->n + SNAP_CHUNK, cap);
		if (ret)
			return ret;
		count = SNAP_CHUNK;
		ret = bpf_map_lookup_batch(fd, first ? NULL : in, out,
					   (char *)s->keys + s->n * s->key_size,
					   (char *)s->values + s->n * s->value_size, &count, &opts);
		if (ret && errno != ENOENT)
			return -errno;
		s->n += count;
		if (ret)
			return 0; /* ENOENT: the last batch */
		memcpy(in, out, sizeof(in));
		first = false;
	}
}

static int read_by_key(int fd, struct map_snap *s, size_t *cap)
{
	uint64_t prev[8];
	bool first = true;

	if (s->key_size > sizeof(prev))
		return -EINVAL;
	s->n = 0;
	for (;;) {
		void *key;
		int ret = grow(s, s->n + 1, cap);

		if (ret)
			return ret;
		key = (char *)s->keys + s->n * s->key_size;
		if (bpf_map_get_next_key(fd, first ? NULL : prev, key))
			return errno == ENOENT ? 0 : -errno;
		memcpy(prev, key, s->key_size);
		first = false;
		/* an entry gone between the two calls is simply not there */
		if (bpf_map_lookup_elem(fd, key, (char *)s->values + s->n * s->value_size)) {
			if (errno != ENOENT)
				return -errno;
			continue;
		}
		s->n++;
	}
}

int map_snap_read(int fd, const struct bpf_map_info *info, struct map_snap *s)
{
	size_t cap = 0;
	int ncpus = 1, ret;

	memset(s, 0, sizeof(*s));
	s->type = info->type;
	s->key_size = info->key_size;
	s->value_size = info->value_size;
	if (map_snap_percpu(info->type)) {
		ncpus = libbpf_num_possible_cpus();
		if (ncpus < 1)
			return ncpus ?: -EINVAL;
		s->value_size = ((info->value_size + 7) & ~7UL) * ncpus;
	}
	if (!map_snap_copyable(info->type))
		return -EOPNOTSUPP;
	ret = read_batch(fd, s, &cap);
	if (ret == -EINVAL || ret == -ENOTSUPP || ret == -EOPNOTSUPP || ret == -ENOSPC) {
		s->n = 0;
		ret = read_by_key(fd, s, &cap);
	}
	if (ret)
		map_snap_free(s);
	return ret;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	return !len || (!c[0] && !memcmp(c, c + 1, len - 1));
}

int map_snap_write(int fd, const struct map_snap *s)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	bool batch = true;
	size_t i = 0;

	while (i < s->n) {
		char keys[SNAP_CHUNK * 64], *k = keys;
		__u32 count = 0;
		void *values;
		char *v;

		if (s->key_size > 64)
			batch = false;
		if (!batch) {
			const void *key = map_snap_key(s, i), *val = map_snap_value(s, i);

			i++;
			if (is_array(s->type) && all_zero(val, s->value_size))
				continue;
			if (bpf_map_update_elem(fd, key, val, BPF_ANY))
				return -errno;
			continue;
		}
		values = malloc(SNAP_CHUNK * s->value_size);
		if (!values)
			return -ENOMEM;
		v = values;
		for (; i < s->n && count < SNAP_CHUNK; i++) {
			const void *val = map_snap_value(s, i);

			/* a fresh array is all zeroes already: most of a large one stays so */
			if (is_array(s->type) && all_zero(val, s->value_size))
				continue;
			memcpy(k, map_snap_key(s, i), s->key_size);
			memcpy(v, val, s->value_size);
			k += s->key_size;
			v += s->value_size;
			count++;
		}
		if (count && bpf_map_update_batch(fd, keys, values, &count, &opts)) {
			int e = errno;

			free(values);
			if (e != EINVAL && e != ENOTSUPP && e != EOPNOTSUPP)
				return -e;
			/* no batch for this kind here: this chunk again, one by one */
			batch = false;
			i = 0; /* updates are idempotent: the whole map again, one by one */
			continue;
		}
		free(values);
	}
	return 0;
}

const void *map_snap_find(const struct map_snap *s, const void *key, size_t hint)
{
	if (hint < s->n && !memcmp(map_snap_key(s, hint), key, s->key_size))
		return map_snap_value(s, hint);
	for (size_t i = 0; i < s->n; i++)
		if (!memcmp(map_snap_key(s, i), key, s->key_size))
			return map_snap_value(s, i);
	return NULL;
}

void map_snap_free(struct map_snap *s)
{
	free(s->keys);
	free(s->values);
	s->keys = s->values = NULL;
	s->n = 0;
}
