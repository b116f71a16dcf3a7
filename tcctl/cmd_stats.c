// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats: the stats object's counters, read and reset through its pinned
 * maps, whoever loaded stats.o (tc, ip or tcctl attach, at any hook).
 *
 *	stats show [ dev DEV ] [ hook HOOK ]
 *	stats reset [ dev DEV ]
 *
 * Per-CPU values are summed here. Rows are sorted by device, hook, family
 * and protocol, so two shows of the same counters print the same lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "abi/stats.h"
#include "hook.h"
#include "lock.h"
#include "netdev.h"
#include "obj.h"
#include "proto.h"

static const char *const hook_names[STATS_HOOKS] = { "xdp", "ingress", "egress" };

struct stats_filter {
	int ifindex; /* 0: every device */
	int hook;    /* enum stats_hook, or -1: every hook */
};

static int open_proto(void)
{
	return pinned_map_open_checked(STATS_MAP_PROTO, sizeof(struct stats_key),
				       sizeof(struct stats_counter), STATS_PROTO_ENTRIES);
}

static int open_overflow(void)
{
	return pinned_map_open_checked(STATS_MAP_OVERFLOW, sizeof(__u32),
				       sizeof(struct stats_counter), STATS_OVERFLOW_ENTRIES);
}

/* both maps, once the CPUs that per-CPU values have are known */
static int open_maps(int ncpus, int *pfd, int *ofd)
{
	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	*pfd = open_proto();
	if (*pfd < 0)
		return *pfd;
	*ofd = open_overflow();
	if (*ofd < 0) {
		close(*pfd);
		return *ofd;
	}
	return 0;
}

static int map_error(const char *map, int ret)
{
	err("%s/%s: %s", pin_dir(), map, strerror(-ret));
	return ret;
}

static int key_cmp(const void *a, const void *b)
{
	const struct stats_key *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->hook != y->hook)
		return x->hook - y->hook;
	if (x->family != y->family)
		return x->family - y->family;
	return x->slot - y->slot;
}

static bool key_selected(const struct stats_filter *f, const struct stats_key *k)
{
	return (!f->ifindex || k->ifindex == (__u32)f->ifindex) &&
	       (f->hook < 0 || k->hook == f->hook);
}

/*
 * The keys of stats_proto that f selects, sorted and without duplicates: a
 * key deleted under the walk restarts it from the first. The walk is bounded,
 * so one that programs and resets keep changing still ends.
 */
static int keys_collect(int fd, const struct stats_filter *f, struct stats_key **keys, size_t *n)
{
	size_t got = 0, out = 0, steps = 0;
	struct stats_key cur, next, *k;
	int ret = 0;

	k = calloc(STATS_PROTO_ENTRIES, sizeof(*k));
	if (!k) {
		err("out of memory");
		return -ENOMEM;
	}
	for (;;) {
		if (got == STATS_PROTO_ENTRIES || steps++ == 4 * STATS_PROTO_ENTRIES)
			break;
		if (bpf_map_get_next_key(fd, steps == 1 ? NULL : &cur, &next)) {
			if (errno != ENOENT)
				ret = map_error(STATS_MAP_PROTO, -errno);
			break;
		}
		cur = next;
		if (key_selected(f, &cur))
			k[got++] = cur;
	}
	if (ret) {
		free(k);
		return ret;
	}
	qsort(k, got, sizeof(*k), key_cmp);
	for (size_t i = 0; i < got; i++)
		if (!out || key_cmp(&k[out - 1], &k[i]))
			k[out++] = k[i];
	*keys = k;
	*n = out;
	return 0;
}

/* one map value summed over the CPUs; -ENOENT when the key went meanwhile */
static int counter_sum(int fd, const void *key, struct stats_counter *percpu, int ncpus,
		       struct stats_counter *sum)
{
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(fd, key, percpu))
		return -errno;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		sum->packets += percpu[cpu].packets;
		sum->bytes += percpu[cpu].bytes;
	}
	return 0;
}

static json_t *row_json(const struct stats_key *k, const struct stats_counter *c)
{
	char dev[IF_NAMESIZE], buf[16];
	json_t *family;

	if (k->family == STATS_FAMILY_IPV4)
		family = json_string("ip");
	else if (k->family == STATS_FAMILY_IPV6)
		family = json_string("ip6");
	else
		family = json_null();
	return json_pack("{s:s, s:I, s:s, s:o, s:s, s:i, s:I, s:I}", "dev",
			 dev_name(k->ifindex, dev), "ifindex", (json_int_t)k->ifindex, "hook",
			 k->hook < STATS_HOOKS ? hook_names[k->hook] : "?", "family", family,
			 "proto", proto_name(k->slot, buf, sizeof(buf)), "slot", k->slot, "packets",
			 (json_int_t)c->packets, "bytes", (json_int_t)c->bytes);
}

/*
 * What no (device, hook, protocol) row holds: the packets stats_proto had no
 * room for. Only proto, packets and bytes: a row's other fields do not apply.
 */
static json_t *overflow_json(const struct stats_counter *c)
{
	return json_pack("{s:s, s:I, s:I}", "proto", "overflow", "packets", (json_int_t)c->packets,
			 "bytes", (json_int_t)c->bytes);
}

static void print_rows(json_t *rows)
{
	const char *family;
	json_t *r;
	size_t i;

	printf("%-15s %-7s %-6s %-12s %12s %14s\n", "dev", "hook", "family", "proto", "packets",
	       "bytes");
	json_array_foreach(rows, i, r) {
		unsigned long long packets = json_integer_value(json_object_get(r, "packets"));
		unsigned long long bytes = json_integer_value(json_object_get(r, "bytes"));

		if (!json_object_get(r, "dev")) {
			printf("%-42s %12llu %14llu\n", "overflow (stats_proto was full)", packets,
			       bytes);
			continue;
		}
		family = json_string_value(json_object_get(r, "family"));
		printf("%-15s %-7s %-6s %-12s %12llu %14llu\n",
		       json_string_value(json_object_get(r, "dev")),
		       json_string_value(json_object_get(r, "hook")), family ? family : "-",
		       json_string_value(json_object_get(r, "proto")), packets, bytes);
	}
}

static int stats_show(struct tcctl *t, const struct stats_filter *f)
{
	int ncpus = libbpf_num_possible_cpus();
	struct stats_counter *percpu = NULL, sum;
	struct stats_key *keys = NULL;
	int pfd, ofd, ret;
	json_t *rows;
	size_t n = 0;
	__u32 idx;

	ret = open_maps(ncpus, &pfd, &ofd);
	if (ret)
		return ret;
	rows = json_array();
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!rows || !percpu) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	ret = keys_collect(pfd, f, &keys, &n);
	if (ret)
		goto out;
	for (size_t i = 0; i < n; i++) {
		ret = counter_sum(pfd, &keys[i], percpu, ncpus, &sum);
		if (ret == -ENOENT || (!ret && !sum.packets))
			continue; /* reset meanwhile */
		if (ret) {
			map_error(STATS_MAP_PROTO, ret);
			goto out;
		}
		json_array_append_new(rows, row_json(&keys[i], &sum));
	}
	/* not one device's, but a filtered show must not hide that counts are missing */
	idx = STATS_OVERFLOW_PROTO;
	ret = counter_sum(ofd, &idx, percpu, ncpus, &sum);
	if (ret) {
		map_error(STATS_MAP_OVERFLOW, ret);
		goto out;
	}
	if (sum.packets)
		json_array_append_new(rows, overflow_json(&sum));
	ret = out_emit(t, rows, print_rows);
	rows = NULL;
out:
	json_decref(rows);
	free(keys);
	free(percpu);
	close(ofd);
	close(pfd);
	return ret;
}

/*
 * Deletes the rows rather than zeroing them: a device that is gone frees its
 * slots. A packet counted between the walk and the delete is lost with its
 * row; that is what a reset means. Without dev, the overflow counts go too.
 */
static int stats_reset(const struct stats_filter *f)
{
	int ncpus = libbpf_num_possible_cpus();
	struct stats_counter *zero = NULL;
	struct stats_key *keys = NULL;
	int pfd, ofd, ret;
	size_t n = 0;

	ret = open_maps(ncpus, &pfd, &ofd);
	if (ret)
		return ret;
	ret = pins_lock();
	if (ret)
		goto out;
	ret = keys_collect(pfd, f, &keys, &n);
	for (size_t i = 0; !ret && i < n; i++)
		if (bpf_map_delete_elem(pfd, &keys[i]) && errno != ENOENT)
			ret = map_error(STATS_MAP_PROTO, -errno);
	if (!ret && !f->ifindex) {
		zero = calloc(ncpus, sizeof(*zero));
		if (!zero) {
			err("out of memory");
			ret = -ENOMEM;
		}
		for (__u32 i = 0; zero && !ret && i < STATS_OVERFLOW_ENTRIES; i++)
			if (bpf_map_update_elem(ofd, &i, zero, BPF_ANY))
				ret = map_error(STATS_MAP_OVERFLOW, -errno);
	}
	pins_unlock();
out:
	free(zero);
	free(keys);
	close(ofd);
	close(pfd);
	return ret;
}

static int stats_hook(const struct hook *h)
{
	if (h->type == HOOK_XDP)
		return STATS_HOOK_XDP;
	return h->dir == TC_DIR_INGRESS ? STATS_HOOK_TC_INGRESS : STATS_HOOK_TC_EGRESS;
}

/* [ dev DEV ] [ hook HOOK ], in either order, hook only where with_hook */
static int arg_filter(struct args *a, struct stats_filter *f, bool with_hook)
{
	const char *dev;
	struct hook h;
	int ret = 0;

	f->ifindex = 0;
	f->hook = -1;
	while (!ret && arg_peek(a)) {
		if (!f->ifindex && !strcmp(arg_peek(a), "dev")) {
			ret = arg_dev(a, &f->ifindex, &dev);
		} else if (with_hook && f->hook < 0 && arg_is(a, "hook")) {
			ret = arg_hook(a, &h, false);
			if (!ret)
				f->hook = stats_hook(&h);
		} else {
			ret = arg_end(a);
		}
	}
	return ret;
}

int cmd_stats(struct tcctl *t, struct args *a)
{
	struct stats_filter f;
	int ret;

	if (arg_is(a, "show")) {
		ret = arg_filter(a, &f, true);
		return ret ?: stats_show(t, &f);
	}
	if (arg_is(a, "reset")) {
		ret = arg_filter(a, &f, false);
		return ret ?: stats_reset(&f);
	}
	return usage_err("stats: expected show or reset%s%s", arg_peek(a) ? ", not " : "",
			 arg_peek(a) ? arg_peek(a) : "");
}
