// SPDX-License-Identifier: GPL-2.0-only
/* Set members in the tries, in batches; set slots in fw_setmeta. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "fw_set.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's, not in the uapi headers */
#endif

/* a batch call per this many members: big enough to amortise, small enough to retry */
#define BATCH 16384

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *bigger;
	size_t want;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : 1024;
	bigger = realloc(*v, want * size);
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	*cap = want;
	return 0;
}

int fw_members_add(struct fw_members *mb, const struct cidr *c)
{
	int ret;

	if (c->family == 4) {
		ret = grow((void **)&mb->v4, &mb->cap4, mb->n4, sizeof(*mb->v4));
		if (ret)
			return ret;
		mb->v4[mb->n4] = (struct fw_set4_key){ .prefixlen = 32 + c->len };
		memcpy(mb->v4[mb->n4++].addr, c->addr, 4);
	} else {
		ret = grow((void **)&mb->v6, &mb->cap6, mb->n6, sizeof(*mb->v6));
		if (ret)
			return ret;
		mb->v6[mb->n6] = (struct fw_set6_key){ .prefixlen = 32 + c->len };
		memcpy(mb->v6[mb->n6++].addr, c->addr, 16);
	}
	return 0;
}

void fw_members_free(struct fw_members *mb)
{
	free(mb->v4);
	free(mb->v6);
	free(mb->hits4);
	free(mb->hits6);
	memset(mb, 0, sizeof(*mb));
}

struct cidr fw_member_cidr4(const struct fw_set4_key *k)
{
	struct cidr c = { .family = 4, .len = k->prefixlen - 32 };

	memcpy(c.addr, k->addr, 4);
	return c;
}

struct cidr fw_member_cidr6(const struct fw_set6_key *k)
{
	struct cidr c = { .family = 6, .len = k->prefixlen - 32 };

	memcpy(c.addr, k->addr, 16);
	return c;
}

/*
 * keys[0..n) of key_size bytes, their slot set, updated or deleted in
 * batches; kernels without batch ops on tries get one call per key. *done
 * says how many went through, also on failure.
 */
static int write_keys(int fd, void *keys, size_t n, size_t key_size, uint32_t slot, bool del,
		      size_t *done_out)
{
	struct fw_set_elem *zeros = calloc(BATCH, sizeof(*zeros));
	size_t done = 0;
	int ret = 0;

	*done_out = 0;
	if (!zeros)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		memcpy((char *)keys + i * key_size + 4, &(uint32_t){ htonl(slot) }, 4);
	while (done < n && !ret) {
		__u32 count = n - done < BATCH ? n - done : BATCH;
		char *k = (char *)keys + done * key_size;

		if (del)
			ret = bpf_map_delete_batch(fd, k, &count, NULL);
		else
			ret = bpf_map_update_batch(fd, k, zeros, &count, NULL);
		if (ret && (errno == EINVAL || errno == ENOTSUPP || errno == EOPNOTSUPP)) {
			/* no batch op here: one at a time, same result */
			for (count = 0, ret = 0; count < BATCH && done + count < n && !ret; count++)
				ret = del ? bpf_map_delete_elem(fd, k + count * key_size) :
					    bpf_map_update_elem(fd, k + count * key_size, zeros, 0);
			if (ret)
				count--;
		}
		if (ret)
			ret = -errno;
		done += count;
	}
	*done_out = done;
	free(zeros);
	return ret;
}

/* address order (the slot is the same for all): prefixlen, at offset 0, decides last */
static int cmp_key4(const void *a, const void *b)
{
	const struct fw_set4_key *x = a, *y = b;

	return memcmp(x->addr, y->addr, 4) ?: (int)x->prefixlen - (int)y->prefixlen;
}

static int cmp_key6(const void *a, const void *b)
{
	const struct fw_set6_key *x = a, *y = b;

	return memcmp(x->addr, y->addr, 16) ?: (int)x->prefixlen - (int)y->prefixlen;
}

/* sorted, duplicates dropped: what the trie would hold */
static void sort_unique(struct fw_members *mb)
{
	size_t k = 0;

	qsort(mb->v4, mb->n4, sizeof(*mb->v4), cmp_key4);
	for (size_t i = 0; i < mb->n4; i++)
		if (!k || cmp_key4(&mb->v4[k - 1], &mb->v4[i]))
			mb->v4[k++] = mb->v4[i];
	mb->n4 = k;
	k = 0;
	qsort(mb->v6, mb->n6, sizeof(*mb->v6), cmp_key6);
	for (size_t i = 0; i < mb->n6; i++)
		if (!k || cmp_key6(&mb->v6[k - 1], &mb->v6[i]))
			mb->v6[k++] = mb->v6[i];
	mb->n6 = k;
}

bool fw_members_same(struct fw_members *a, struct fw_members *b)
{
	sort_unique(a);
	sort_unique(b);
	return a->n4 == b->n4 && a->n6 == b->n6 &&
	       !memcmp(a->v4, b->v4, a->n4 * sizeof(*a->v4)) &&
	       !memcmp(a->v6, b->v6, a->n6 * sizeof(*a->v6));
}

/*
 * Sorted first: inserting in address order walks the trie along warm paths,
 * three times faster than random order for a million members.
 */
int fw_set_write(const struct fw_rule_maps *m, uint32_t slot, struct fw_members *mb)
{
	size_t done;

	qsort(mb->v4, mb->n4, sizeof(*mb->v4), cmp_key4);
	qsort(mb->v6, mb->n6, sizeof(*mb->v6), cmp_key6);

	return write_keys(m->set4, mb->v4, mb->n4, sizeof(*mb->v4), slot, false, &done) ?:
	       write_keys(m->set6, mb->v6, mb->n6, sizeof(*mb->v6), slot, false, &done);
}

int fw_set_delete(const struct fw_rule_maps *m, uint32_t slot, const struct fw_members *mb)
{
	size_t done4 = 0, done6 = 0, ignored;
	int ret;

	ret = write_keys(m->set4, mb->v4, mb->n4, sizeof(*mb->v4), slot, true, &done4) ?:
	      write_keys(m->set6, mb->v6, mb->n6, sizeof(*mb->v6), slot, true, &done6);
	if (ret) {
		/* all or nothing: what went before the failure comes back */
		write_keys(m->set4, mb->v4, done4, sizeof(*mb->v4), slot, false, &ignored);
		write_keys(m->set6, mb->v6, done6, sizeof(*mb->v6), slot, false, &ignored);
	}
	return ret;
}

typedef int (*visit_fn)(const void *key, const struct fw_set_elem *v, void *arg);

/* one key at a time: for kernels without batch lookups on tries */
static int walk_keys(int fd, size_t key_size, visit_fn visit, void *arg)
{
	uint8_t key[24], next[24];
	struct fw_set_elem v = {};
	void *prev = NULL;
	int ret;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, &v))
			continue; /* deleted meanwhile */
		ret = visit(key, &v, arg);
		if (ret)
			return ret;
	}
	return errno == ENOENT ? 0 : -errno;
}

/*
 * Every key of a trie, handed to visit with its value, BATCH at a time: a
 * million one-key syscalls take seconds here and minutes under emulation.
 */
static int walk(int fd, size_t key_size, visit_fn visit, void *arg)
{
	struct fw_set_elem *vals = malloc(BATCH * sizeof(*vals));
	uint8_t *keys = malloc(BATCH * key_size), in[24], out[24];
	bool first = true, done = false;
	int ret = 0;

	if (!keys || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	while (!done && !ret) {
		__u32 count = BATCH;

		if (bpf_map_lookup_batch(fd, first ? NULL : in, out, keys, vals, &count, NULL)) {
			if (first && (errno == EINVAL || errno == ENOTSUPP || errno == EOPNOTSUPP)) {
				ret = walk_keys(fd, key_size, visit, arg);
				break;
			}
			if (errno != ENOENT) {
				ret = -errno;
				break;
			}
			done = true; /* the last, perhaps partial, batch */
		}
		for (__u32 i = 0; i < count && !ret; i++)
			ret = visit(keys + i * key_size, &vals[i], arg);
		memcpy(in, out, key_size);
		first = false;
	}
out:
	free(keys);
	free(vals);
	return ret;
}

static uint32_t key_slot(const void *key)
{
	uint32_t slot;

	memcpy(&slot, (const char *)key + 4, 4);
	return ntohl(slot);
}

struct read_ctx {
	uint32_t slot;
	bool all;		 /* every slot, into out[slot] */
	struct fw_members *out; /* or slot's alone, into out[0] */
	bool v6;
};

static int collect(const void *key, const struct fw_set_elem *v, void *arg)
{
	struct read_ctx *r = arg;
	uint32_t slot = key_slot(key);
	struct fw_members *mb;
	int ret;

	if (r->all ? slot >= FW_MAX_SETS : slot != r->slot)
		return 0;
	mb = r->all ? &r->out[slot] : r->out;
	if (!r->v6) {
		ret = grow((void **)&mb->v4, &mb->cap4, mb->n4, sizeof(*mb->v4));
		if (!ret && mb->hits4)
			ret = (mb->hits4 = realloc(mb->hits4, mb->cap4 * sizeof(*mb->hits4))) ?
				      0 : -ENOMEM;
		if (ret)
			return ret;
		if (mb->hits4)
			mb->hits4[mb->n4] = v->hits;
		memcpy(&mb->v4[mb->n4++], key, sizeof(*mb->v4));
	} else {
		ret = grow((void **)&mb->v6, &mb->cap6, mb->n6, sizeof(*mb->v6));
		if (!ret && mb->hits6)
			ret = (mb->hits6 = realloc(mb->hits6, mb->cap6 * sizeof(*mb->hits6))) ?
				      0 : -ENOMEM;
		if (ret)
			return ret;
		if (mb->hits6)
			mb->hits6[mb->n6] = v->hits;
		memcpy(&mb->v6[mb->n6++], key, sizeof(*mb->v6));
	}
	return 0;
}

int fw_set_read(const struct fw_rule_maps *m, uint32_t slot, bool hits, struct fw_members *out)
{
	struct read_ctx r = { .slot = slot, .out = out };
	int ret;

	memset(out, 0, sizeof(*out));
	if (hits) {
		out->hits4 = malloc(sizeof(*out->hits4));
		out->hits6 = malloc(sizeof(*out->hits6));
		if (!out->hits4 || !out->hits6)
			return -ENOMEM;
	}
	ret = walk(m->set4, sizeof(struct fw_set4_key), collect, &r);
	r.v6 = true;
	return ret ?: walk(m->set6, sizeof(struct fw_set6_key), collect, &r);
}

int fw_set_read_all(const struct fw_rule_maps *m, struct fw_members out[FW_MAX_SETS])
{
	struct read_ctx r = { .all = true, .out = out };
	int ret;

	memset(out, 0, FW_MAX_SETS * sizeof(*out));
	ret = walk(m->set4, sizeof(struct fw_set4_key), collect, &r);
	r.v6 = true;
	return ret ?: walk(m->set6, sizeof(struct fw_set6_key), collect, &r);
}

static int count_one(const void *key, const struct fw_set_elem *v, void *arg)
{
	size_t *n = arg;
	uint32_t slot = key_slot(key);

	(void)v;
	if (slot < FW_MAX_SETS)
		n[slot]++;
	return 0;
}

int fw_set_count(const struct fw_rule_maps *m, size_t n4[FW_MAX_SETS], size_t n6[FW_MAX_SETS])
{
	memset(n4, 0, FW_MAX_SETS * sizeof(*n4));
	memset(n6, 0, FW_MAX_SETS * sizeof(*n6));
	return walk(m->set4, sizeof(struct fw_set4_key), count_one, n4) ?:
	       walk(m->set6, sizeof(struct fw_set6_key), count_one, n6);
}

int fw_slot_alloc(const struct fw_rule_maps *m, const char *name, uint32_t flags, uint32_t *slot)
{
	struct fw_set_meta meta;

	for (uint32_t i = 0; i < FW_MAX_SETS; i++) {
		if (bpf_map_lookup_elem(m->setmeta, &i, &meta))
			return -errno;
		if (meta.flags & FW_SET_USED)
			continue;
		memset(&meta, 0, sizeof(meta));
		strncpy(meta.name, name, sizeof(meta.name) - 1);
		meta.flags = flags | FW_SET_USED; /* in no bank yet: loading */
		if (bpf_map_update_elem(m->setmeta, &i, &meta, 0))
			return -errno;
		*slot = i;
		return 0;
	}
	return -ENOSPC;
}

int fw_slot_free(const struct fw_rule_maps *m, uint32_t slot)
{
	struct fw_set_meta none = {};
	struct fw_members mb;
	int ret;

	ret = fw_set_read(m, slot, false, &mb);
	ret = ret ?: fw_set_delete(m, slot, &mb);
	fw_members_free(&mb);
	if (!ret && bpf_map_update_elem(m->setmeta, &slot, &none, 0))
		ret = -errno;
	return ret;
}
