// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw: the firewall's run-time configuration and counters, through its pinned
 * maps. Works the same whoever loaded fw.o: tc, ip or tcctl attach.
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
#include "abi/fw.h"
#include "hook.h"
#include "netdev.h"
#include "obj.h"
#include "proto.h"
#include "fw_cmds.h"

static const char *const verdict_names[FW_VERDICTS] = { "pass", "drop" };
static const char *const fw_hook_names[FW_HOOKS] = { "xdp", "ingress", "egress" };

static int open_verdicts(void)
{
	return pinned_map_open_checked(FW_MAP_VERDICTS, sizeof(__u32), sizeof(__u32),
				       FW_VERDICTS_ENTRIES);
}

static int open_counters(void)
{
	return pinned_map_open_checked(FW_MAP_COUNTERS, sizeof(__u32), sizeof(struct fw_counter),
				       FW_COUNTERS_ENTRIES);
}

static int open_ifaces(void)
{
	return pinned_map_open_checked(FW_MAP_IFACES, sizeof(struct fw_iface_key),
				       sizeof(struct fw_iface), FW_MAX_IFACES);
}

/* "[ table N ]": one table, or every table when absent */
static int arg_tables(struct args *a, unsigned int *first, unsigned int *last)
{
	unsigned int table;
	int ret;

	*first = 0;
	*last = FW_MAX_TABLES - 1;
	if (arg_is(a, "table")) {
		ret = arg_u32(a, "table", FW_MAX_TABLES - 1, &table);
		if (ret)
			return ret;
		*first = *last = table;
	}
	return arg_end(a);
}

static int map_error(const char *map, int ret)
{
	err("%s/%s: %s", pin_dir(), map, strerror(-ret));
	return ret;
}

/* --- fw proto PROTO { drop | pass } [ table N ] --------------------------- */

static int fw_proto(struct args *a)
{
	unsigned int table = 0;
	const char *name, *verdict;
	__u32 idx, value;
	int slot, fd, ret;

	ret = arg_value(a, "proto", &name);
	if (ret)
		return ret;
	slot = proto_slot(name);
	if (slot < 0)
		return usage_err("unknown protocol \"%s\": give a name (icmp, tcp, udp, icmpv6, ...), a number from 0 to 255, non-ip or malformed",
				 name);
	verdict = arg_next(a);
	if (!verdict || (strcmp(verdict, "drop") && strcmp(verdict, "pass")))
		return usage_err("fw proto %s: expected drop or pass%s%s", name,
				 verdict ? ", not " : "", verdict ? verdict : "");
	value = !strcmp(verdict, "drop") ? FW_DROP : FW_PASS;
	if (arg_is(a, "table"))
		ret = arg_u32(a, "table", FW_MAX_TABLES - 1, &table);
	ret = ret ?: arg_end(a);
	if (ret)
		return ret;

	fd = open_verdicts();
	if (fd < 0)
		return fd;
	idx = fw_verdict_index(table, slot);
	ret = bpf_map_update_elem(fd, &idx, &value, BPF_ANY) ? -errno : 0;
	if (ret)
		map_error(FW_MAP_VERDICTS, ret);
	close(fd);
	return ret;
}

/* --- fw show [ table N ] -------------------------------------------------- */

static int bindings_json(int fd, json_t *bindings, bool *bound)
{
	struct fw_iface_key key, next, *prev = NULL;
	struct fw_iface val;
	char name[IF_NAMESIZE];

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue; /* deleted meanwhile */
		if (val.table < FW_MAX_TABLES)
			bound[val.table] = true;
		json_array_append_new(
			bindings,
			json_pack("{s:s, s:I, s:s, s:I}", "dev", dev_name(key.ifindex, name),
				  "ifindex", (json_int_t)key.ifindex, "hook",
				  key.hook < FW_HOOKS ? fw_hook_names[key.hook] : "?", "table",
				  (json_int_t)val.table));
	}
	return errno == ENOENT ? 0 : -errno;
}

static void print_show(json_t *doc)
{
	json_t *t, *p, *b;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "tables"), i, t) {
		printf("table %lld: drop", json_integer_value(json_object_get(t, "table")));
		if (!json_array_size(json_object_get(t, "drop")))
			printf(" nothing");
		json_array_foreach(json_object_get(t, "drop"), j, p)
			printf(" %s", json_string_value(p));
		putchar('\n');
	}
	json_array_foreach(json_object_get(doc, "bindings"), i, b)
		printf("dev %s %s: table %lld\n", json_string_value(json_object_get(b, "dev")),
		       json_string_value(json_object_get(b, "hook")),
		       json_integer_value(json_object_get(b, "table")));
}

static int fw_show(struct tcctl *t, struct args *a)
{
	bool bound[FW_MAX_TABLES] = { [0] = true };
	unsigned int first, last;
	json_t *tables, *bindings, *drops;
	int vfd, ifd = -1, ret;
	char buf[16];

	ret = arg_tables(a, &first, &last);
	if (ret)
		return ret;
	vfd = open_verdicts();
	if (vfd < 0)
		return vfd;
	ifd = open_ifaces();
	if (ifd < 0) {
		close(vfd);
		return ifd;
	}
	tables = json_array();
	bindings = json_array();
	ret = bindings_json(ifd, bindings, bound);
	if (ret) {
		map_error(FW_MAP_IFACES, ret);
		goto out;
	}
	for (unsigned int table = first; table <= last; table++) {
		drops = json_array();
		for (int slot = 0; slot < FW_SLOTS; slot++) {
			__u32 idx = fw_verdict_index(table, slot), v;

			if (bpf_map_lookup_elem(vfd, &idx, &v)) {
				ret = map_error(FW_MAP_VERDICTS, -errno);
				json_decref(drops);
				goto out;
			}
			if (v == FW_DROP)
				json_array_append_new(drops,
						      json_string(proto_name(slot, buf, sizeof(buf))));
		}
		if (first == last || bound[table] || json_array_size(drops))
			json_array_append_new(tables, json_pack("{s:I, s:o}", "table",
								(json_int_t)table, "drop", drops));
		else
			json_decref(drops);
	}
out:
	close(vfd);
	close(ifd);
	if (ret) {
		json_decref(tables);
		json_decref(bindings);
		return ret;
	}
	return out_emit(t, json_pack("{s:o, s:o}", "tables", tables, "bindings", bindings),
			print_show);
}

/* --- fw counters [ table N ] and fw reset [ table N ] --------------------- */

static void print_counters(json_t *doc)
{
	json_t *c;
	size_t i;

	printf("%-6s %-12s %-7s %12s %14s\n", "table", "proto", "verdict", "packets", "bytes");
	json_array_foreach(doc, i, c)
		printf("%-6lld %-12s %-7s %12llu %14llu\n",
		       json_integer_value(json_object_get(c, "table")),
		       json_string_value(json_object_get(c, "proto")),
		       json_string_value(json_object_get(c, "verdict")),
		       (unsigned long long)json_integer_value(json_object_get(c, "packets")),
		       (unsigned long long)json_integer_value(json_object_get(c, "bytes")));
}

static int fw_counters(struct tcctl *t, struct args *a, bool reset)
{
	int ncpus = libbpf_num_possible_cpus();
	struct fw_counter *percpu;
	unsigned int first, last;
	json_t *rows = NULL;
	int fd, ret;
	char buf[16];

	ret = arg_tables(a, &first, &last);
	if (ret)
		return ret;
	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	fd = open_counters();
	if (fd < 0)
		return fd;
	percpu = calloc(ncpus, sizeof(*percpu));
	rows = json_array();
	for (unsigned int table = first; percpu && table <= last; table++) {
		for (int slot = 0; slot < FW_SLOTS; slot++) {
			for (int v = 0; v < FW_VERDICTS; v++) {
				__u32 idx = fw_counter_index(table, slot, v);
				struct fw_counter sum = {};

				if (reset) {
					memset(percpu, 0, ncpus * sizeof(*percpu));
					if (bpf_map_update_elem(fd, &idx, percpu, BPF_ANY))
						goto map_fail;
					continue;
				}
				if (bpf_map_lookup_elem(fd, &idx, percpu))
					goto map_fail;
				for (int cpu = 0; cpu < ncpus; cpu++) {
					sum.packets += percpu[cpu].packets;
					sum.bytes += percpu[cpu].bytes;
				}
				if (!sum.packets)
					continue;
				json_array_append_new(
					rows,
					json_pack("{s:I, s:s, s:i, s:s, s:I, s:I}", "table",
						  (json_int_t)table, "proto",
						  proto_name(slot, buf, sizeof(buf)), "slot", slot,
						  "verdict", verdict_names[v], "packets",
						  (json_int_t)sum.packets, "bytes",
						  (json_int_t)sum.bytes));
			}
		}
	}
	if (!percpu) {
		ret = -ENOMEM;
		err("out of memory");
		goto out;
	}
	ret = reset ? 0 : out_emit(t, rows, print_counters);
	rows = NULL;
	goto out;
map_fail:
	ret = map_error(FW_MAP_COUNTERS, -errno);
out:
	json_decref(rows);
	free(percpu);
	close(fd);
	return ret;
}

/* --- fw bind / unbind ----------------------------------------------------- */

static int arg_fw_hook(struct args *a, struct fw_iface_key *key)
{
	struct hook hook;
	int ret, ifindex;
	const char *dev;

	ret = arg_dev(a, &ifindex, &dev) ?: arg_hook(a, &hook, false);
	if (ret)
		return ret;
	key->ifindex = ifindex;
	key->hook = hook.type == HOOK_XDP	    ? FW_HOOK_XDP :
		    hook.dir == TC_DIR_INGRESS ? FW_HOOK_TC_INGRESS :
						   FW_HOOK_TC_EGRESS;
	return 0;
}

static int fw_bind(struct args *a, bool bind)
{
	struct fw_iface_key key = {};
	struct fw_iface val = {};
	int fd, ret;

	ret = arg_fw_hook(a, &key);
	if (!ret && bind) {
		if (!arg_is(a, "table"))
			return usage_err("fw bind: expected \"table TABLE\"");
		ret = arg_u32(a, "table", FW_MAX_TABLES - 1, &val.table);
	}
	ret = ret ?: arg_end(a);
	if (ret)
		return ret;
	fd = open_ifaces();
	if (fd < 0)
		return fd;
	if (bind)
		ret = bpf_map_update_elem(fd, &key, &val, BPF_ANY) ? -errno : 0;
	else
		ret = bpf_map_delete_elem(fd, &key) && errno != ENOENT ? -errno : 0;
	if (ret)
		map_error(FW_MAP_IFACES, ret);
	close(fd);
	return ret;
}

int cmd_fw(struct tcctl *t, struct args *a)
{
	if (arg_is(a, "proto"))
		return fw_proto(a);
	if (arg_is(a, "show"))
		return fw_show(t, a);
	if (arg_is(a, "counters"))
		return fw_counters(t, a, false);
	if (arg_is(a, "reset"))
		return fw_counters(t, a, true);
	if (arg_is(a, "bind"))
		return fw_bind(a, true);
	if (arg_is(a, "unbind"))
		return fw_bind(a, false);
	if (arg_is(a, "rule"))
		return fw_cmd_rule(t, a);
	if (arg_is(a, "set"))
		return fw_cmd_set(t, a);
	if (arg_is(a, "policy"))
		return fw_cmd_policy(a);
	if (arg_is(a, "save"))
		return fw_cmd_save(a);
	if (arg_is(a, "load"))
		return fw_cmd_load(a);
	return usage_err("fw: expected proto, rule, set, policy, save, load, show, counters, reset, bind or unbind%s%s",
			 arg_peek(a) ? ", not " : "", arg_peek(a) ? arg_peek(a) : "");
}
