// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats: the stats object's counters, read and reset through its pinned
 * maps, whoever loaded stats.o (tc, ip or tcctl attach, at any hook).
 *
 *	stats show [ dev DEV ] [ hook HOOK ] [ percpu ]
 *	stats ports [ dev DEV ] [ hook HOOK ] [ proto PROTO ] [ top N ]
 *	stats flows [ dev DEV ] [ hook HOOK ] [ top N ] [ sort { bytes | packets } ]
 *	stats reset [ dev DEV ]
 *	stats prometheus [ file PATH ]
 *
 * show's rows are sorted by device, hook, family and protocol, so two shows
 * of the same counters print the same lines; ports and flows rank by bytes.
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
#include "hook.h"
#include "lock.h"
#include "netdev.h"
#include "obj.h"
#include "proto.h"
#include "stats_cmds.h"

const char *stats_family_name(unsigned int family)
{
	if (family == STATS_FAMILY_IPV4)
		return "ip";
	if (family == STATS_FAMILY_IPV6)
		return "ip6";
	return NULL;
}

const char *stats_proto_name(unsigned int proto, char *buf, int len)
{
	return proto_name(proto, buf, len);
}

static json_t *cpus_json(const struct stats_counter *cpus, int ncpus)
{
	json_t *a = json_array();

	for (int cpu = 0; a && cpu < ncpus; cpu++)
		json_array_append_new(a, json_pack("{s:I, s:I}", "packets",
						   (json_int_t)cpus[cpu].packets, "bytes",
						   (json_int_t)cpus[cpu].bytes));
	return a;
}

static json_t *row_json(const struct stats_proto_row *r, int ncpus)
{
	const char *family = stats_family_name(r->key.family);
	char dev[IF_NAMESIZE], buf[16];
	json_t *row;

	row = json_pack("{s:s, s:I, s:s, s:o, s:s, s:i, s:I, s:I}", "dev",
			dev_name(r->key.ifindex, dev), "ifindex", (json_int_t)r->key.ifindex,
			"hook", r->key.hook < STATS_HOOKS ? stats_hook_names[r->key.hook] : "?",
			"family", family ? json_string(family) : json_null(), "proto",
			proto_name(r->key.slot, buf, sizeof(buf)), "slot", r->key.slot, "packets",
			(json_int_t)r->sum.packets, "bytes", (json_int_t)r->sum.bytes);
	if (row && r->cpus)
		json_object_set_new(row, "cpus", cpus_json(r->cpus, ncpus));
	return row;
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
	json_t *r, *cpus = NULL, *c;
	const char *family;
	size_t i, j;

	/* percpu: the first row with cpus tells how many columns */
	json_array_foreach(rows, i, r) if ((cpus = json_object_get(r, "cpus"))) break;
	printf("%-15s %-7s %-6s %-12s %12s %14s", "dev", "hook", "family", "proto", "packets",
	       "bytes");
	json_array_foreach(cpus, j, c)
	{
		char name[32];

		snprintf(name, sizeof(name), "cpu%zu", j);
		printf(" %10s", name);
	}
	putchar('\n');
	json_array_foreach(rows, i, r)
	{
		unsigned long long packets = json_integer_value(json_object_get(r, "packets"));
		unsigned long long bytes = json_integer_value(json_object_get(r, "bytes"));

		if (!json_object_get(r, "dev")) {
			printf("%-42s %12llu %14llu\n", "overflow (stats_proto was full)", packets,
			       bytes);
			continue;
		}
		family = json_string_value(json_object_get(r, "family"));
		printf("%-15s %-7s %-6s %-12s %12llu %14llu",
		       json_string_value(json_object_get(r, "dev")),
		       json_string_value(json_object_get(r, "hook")), family ? family : "-",
		       json_string_value(json_object_get(r, "proto")), packets, bytes);
		json_array_foreach(json_object_get(r, "cpus"), j, c)
		    printf(" %10llu",
			   (unsigned long long)json_integer_value(json_object_get(c, "packets")));
		putchar('\n');
	}
}

static int stats_show(struct tcctl *t, const struct stats_opts *o)
{
	struct stats_counter overflow[STATS_OVERFLOW_ENTRIES];
	struct stats_table tab;
	json_t *rows;
	int ret;

	ret = stats_read_proto(&o->f, o->percpu, &tab);
	if (ret)
		return ret;
	/* not one device's, but a filtered show must not hide that counts are missing */
	ret = stats_read_overflow(overflow);
	if (ret) {
		stats_table_free(&tab);
		return ret;
	}
	rows = json_array();
	for (size_t i = 0; rows && i < tab.n; i++)
		json_array_append_new(rows, row_json(&tab.proto[i], tab.ncpus));
	if (rows && overflow[STATS_OVERFLOW_PROTO].packets)
		json_array_append_new(rows, overflow_json(&overflow[STATS_OVERFLOW_PROTO]));
	stats_table_free(&tab);
	return out_emit(t, rows, print_rows);
}

/*
 * Every counting map: the rows of the device, or all. Without dev, the
 * overflow counts go too. events_count stays: it belongs to the events
 * (tcctl events), which fw writes to as well.
 */
static int stats_reset(const struct stats_filter *f)
{
	struct stats_counter *zero = NULL;
	int ncpus, fd, ret;

	ret = stats_maps_check();
	if (ret)
		return ret;
	ret = pins_lock();
	if (ret)
		return ret;
	ret = stats_delete_proto(f) ?: stats_delete_ports(f) ?: stats_delete_flows(f);
	if (ret || f->ifindex)
		goto out;
	ncpus = libbpf_num_possible_cpus();
	zero = ncpus > 0 ? calloc(ncpus, sizeof(*zero)) : NULL;
	if (!zero) {
		err("out of memory");
		ret = -ENOMEM;
		goto out;
	}
	fd = pinned_map_open_checked(STATS_MAP_OVERFLOW, sizeof(__u32), sizeof(*zero),
				     STATS_OVERFLOW_ENTRIES);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	for (__u32 i = 0; !ret && i < STATS_OVERFLOW_ENTRIES; i++)
		if (bpf_map_update_elem(fd, &i, zero, BPF_ANY)) {
			ret = -errno;
			err("%s/%s: %s", pin_dir(), STATS_MAP_OVERFLOW, strerror(-ret));
		}
	close(fd);
out:
	pins_unlock();
	free(zero);
	return ret;
}

static int stats_hook(const struct hook *h)
{
	if (h->type == HOOK_XDP)
		return STATS_HOOK_XDP;
	return h->dir == TC_DIR_INGRESS ? STATS_HOOK_TC_INGRESS : STATS_HOOK_TC_EGRESS;
}

/* the keywords a view takes */
enum {
	OPT_DEV = 1 << 0,
	OPT_HOOK = 1 << 1,
	OPT_PERCPU = 1 << 2,
	OPT_PROTO = 1 << 3,
	OPT_TOP = 1 << 4,
	OPT_SORT = 1 << 5,
};

static int arg_proto_ports(struct args *a, int *proto)
{
	const char *name;
	int ret, slot;

	ret = arg_value(a, "proto", &name);
	if (ret)
		return ret;
	slot = proto_slot(name);
	if (slot != 6 && slot != 17 && slot != 132 && slot != 136)
		return usage_err(
		    "\"proto\" takes a protocol with ports (tcp, udp, sctp, udplite), not \"%s\"",
		    name);
	*proto = slot;
	return 0;
}

static int arg_top(struct args *a, unsigned int *top)
{
	const char *s = arg_peek(a);
	int ret;

	ret = arg_u32(a, "top", STATS_TOP_MAX, top);
	if (!ret && !*top)
		return usage_err("\"top\" takes a number from 1 to %u, not \"%s\"", STATS_TOP_MAX,
				 s);
	return ret;
}

static int arg_sort(struct args *a, bool *by_packets)
{
	const char *s;
	int ret;

	ret = arg_value(a, "sort", &s);
	if (ret)
		return ret;
	if (strcmp(s, "bytes") && strcmp(s, "packets"))
		return usage_err("\"sort\" takes bytes or packets, not \"%s\"", s);
	*by_packets = !strcmp(s, "packets");
	return 0;
}

/* the keywords in allowed, in any order, each at most once */
static int arg_opts(struct args *a, unsigned int allowed, struct stats_opts *o)
{
	unsigned int seen = 0;
	const char *dev;
	struct hook h;
	int ret = 0;

	while (!ret && arg_peek(a)) {
		const char *w = arg_peek(a);
		unsigned int bit = !strcmp(w, "dev")	  ? OPT_DEV
				   : !strcmp(w, "hook")	  ? OPT_HOOK
				   : !strcmp(w, "percpu") ? OPT_PERCPU
				   : !strcmp(w, "proto")  ? OPT_PROTO
				   : !strcmp(w, "top")	  ? OPT_TOP
				   : !strcmp(w, "sort")	  ? OPT_SORT
							  : 0;

		if (!(bit & allowed) || (bit & seen))
			return arg_end(a);
		seen |= bit;
		if (bit != OPT_DEV) /* arg_dev reads its keyword itself */
			arg_next(a);
		switch (bit) {
		case OPT_DEV:
			ret = arg_dev(a, &o->f.ifindex, &dev);
			break;
		case OPT_HOOK:
			ret = arg_hook(a, &h, false);
			if (!ret)
				o->f.hook = stats_hook(&h);
			break;
		case OPT_PERCPU:
			o->percpu = true;
			break;
		case OPT_PROTO:
			ret = arg_proto_ports(a, &o->f.proto);
			break;
		case OPT_TOP:
			ret = arg_top(a, &o->top);
			break;
		case OPT_SORT:
			ret = arg_sort(a, &o->by_packets);
			break;
		}
	}
	return ret;
}

int cmd_stats(struct tcctl *t, struct args *a)
{
	struct stats_opts o = {.f = STATS_FILTER_ALL};
	int ret;

	if (arg_is(a, "show")) {
		ret = arg_opts(a, OPT_DEV | OPT_HOOK | OPT_PERCPU, &o);
		return ret ?: stats_show(t, &o);
	}
	if (arg_is(a, "ports")) {
		ret = arg_opts(a, OPT_DEV | OPT_HOOK | OPT_PROTO | OPT_TOP, &o);
		return ret ?: stats_ports(t, &o);
	}
	if (arg_is(a, "flows")) {
		o.top = STATS_FLOWS_TOP_DEF;
		ret = arg_opts(a, OPT_DEV | OPT_HOOK | OPT_TOP | OPT_SORT, &o);
		return ret ?: stats_flows(t, &o);
	}
	if (arg_is(a, "reset")) {
		ret = arg_opts(a, OPT_DEV, &o);
		return ret ?: stats_reset(&o.f);
	}
	if (arg_is(a, "prometheus"))
		return stats_prometheus(a);
	return usage_err("stats: expected show, ports, flows, reset or prometheus%s%s",
			 arg_peek(a) ? ", not " : "", arg_peek(a) ? arg_peek(a) : "");
}
