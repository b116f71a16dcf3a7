// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl stats ports and stats flows: the service ports and the flows of
 * the stats object, biggest first (bytes, then packets; flows can rank by
 * packets instead), the first N of them with top N.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "tcctl.h"
#include "netdev.h"
#include "stats_cmds.h"

const char *stats_addr_str(const __u8 addr[16], char *buf, size_t len)
{
	static const __u8 mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (!memcmp(addr, mapped, sizeof(mapped)))
		return inet_ntop(AF_INET, addr + 12, buf, len);
	return inet_ntop(AF_INET6, addr, buf, len);
}

static const char *hook_name(unsigned int hook)
{
	return hook < STATS_HOOKS ? stats_hook_names[hook] : "?";
}

/* the packets a map had no room for, in the shape stats show gives them */
static int overflow_append(json_t *rows, unsigned int index)
{
	struct stats_counter o[STATS_OVERFLOW_ENTRIES];
	int ret;

	ret = stats_read_overflow(o);
	if (!ret && o[index].packets)
		json_array_append_new(rows, json_pack("{s:s, s:I, s:I}", "proto", "overflow",
						      "packets", (json_int_t)o[index].packets,
						      "bytes", (json_int_t)o[index].bytes));
	return ret;
}

/* --- ports --------------------------------------------------------------- */

static void print_ports(json_t *rows)
{
	json_t *r;
	size_t i;

	printf("%-15s %-7s %-8s %5s %12s %14s\n", "dev", "hook", "proto", "port", "packets",
	       "bytes");
	json_array_foreach(rows, i, r)
	{
		unsigned long long packets = json_integer_value(json_object_get(r, "packets"));
		unsigned long long bytes = json_integer_value(json_object_get(r, "bytes"));

		if (!json_object_get(r, "dev")) {
			printf("%-38s %12llu %14llu\n", "overflow (stats_ports was full)", packets,
			       bytes);
			continue;
		}
		printf("%-15s %-7s %-8s %5lld %12llu %14llu\n",
		       json_string_value(json_object_get(r, "dev")),
		       json_string_value(json_object_get(r, "hook")),
		       json_string_value(json_object_get(r, "proto")),
		       json_integer_value(json_object_get(r, "port")), packets, bytes);
	}
}

int stats_ports(struct tcctl *t, const struct stats_opts *o)
{
	char dev[IF_NAMESIZE], proto[16];
	struct stats_table tab;
	json_t *rows;
	size_t n;
	int ret;

	ret = stats_read_ports(&o->f, &tab);
	if (ret)
		return ret;
	stats_sort_ports(&tab);
	n = o->top && o->top < tab.n ? o->top : tab.n;
	rows = json_array();
	for (size_t i = 0; rows && i < n; i++) {
		const struct stats_port_row *r = &tab.ports[i];

		json_array_append_new(
		    rows, json_pack("{s:s, s:I, s:s, s:s, s:i, s:I, s:I}", "dev",
				    dev_name(r->key.ifindex, dev), "ifindex",
				    (json_int_t)r->key.ifindex, "hook", hook_name(r->key.hook),
				    "proto", stats_proto_name(r->key.proto, proto, sizeof(proto)),
				    "port", r->key.port, "packets", (json_int_t)r->sum.packets,
				    "bytes", (json_int_t)r->sum.bytes));
	}
	stats_table_free(&tab);
	ret = rows ? overflow_append(rows, STATS_OVERFLOW_PORTS) : 0;
	if (ret) {
		json_decref(rows);
		return ret;
	}
	return out_emit(t, rows, print_ports);
}

/* --- flows --------------------------------------------------------------- */

/* "10.0.0.1:80", "[fd00::1]:80", or the address alone without ports (ICMP) */
static void endpoint_str(const char *addr, long long port, bool ports, bool v6, char *buf,
			 size_t len)
{
	if (!ports)
		snprintf(buf, len, "%s", addr);
	else if (v6)
		snprintf(buf, len, "[%s]:%lld", addr, port);
	else
		snprintf(buf, len, "%s:%lld", addr, port);
}

static void print_flows(json_t *rows)
{
	char src[INET6_ADDRSTRLEN + 8], dst[INET6_ADDRSTRLEN + 8];
	json_t *r;
	size_t i;

	/* IPv6 endpoints run over their column, as in ss(8): IPv4 is the common case */
	printf("%-15s %-7s %-6s %-22s    %-22s %12s %14s %8s %8s\n", "dev", "hook", "proto", "src",
	       "dst", "packets", "bytes", "age", "idle");
	json_array_foreach(rows, i, r)
	{
		unsigned long long packets = json_integer_value(json_object_get(r, "packets"));
		unsigned long long bytes = json_integer_value(json_object_get(r, "bytes"));
		bool ports = json_object_get(r, "sport") != NULL;
		bool v6 = !strcmp(json_string_value(json_object_get(r, "family")) ?: "", "ip6");

		if (!json_object_get(r, "dev")) {
			printf("%-78s %12llu %14llu\n", "overflow (stats_flows was full)", packets,
			       bytes);
			continue;
		}
		endpoint_str(json_string_value(json_object_get(r, "src")),
			     json_integer_value(json_object_get(r, "sport")), ports, v6, src,
			     sizeof(src));
		endpoint_str(json_string_value(json_object_get(r, "dst")),
			     json_integer_value(json_object_get(r, "dport")), ports, v6, dst,
			     sizeof(dst));
		printf("%-15s %-7s %-6s %-22s -> %-22s %12llu %14llu %7.1fs %7.1fs\n",
		       json_string_value(json_object_get(r, "dev")),
		       json_string_value(json_object_get(r, "hook")),
		       json_string_value(json_object_get(r, "proto")), src, dst, packets, bytes,
		       json_integer_value(json_object_get(r, "age_ms")) / 1000.0,
		       json_integer_value(json_object_get(r, "idle_ms")) / 1000.0);
	}
}

/* ms from ns to now; the program's coarse clock may lag the precise one by a tick */
static json_int_t ms_since(unsigned long long now, unsigned long long ns)
{
	return now > ns ? (json_int_t)((now - ns) / 1000000) : 0;
}

static json_t *flow_json(const struct stats_flow_row *r, unsigned long long now)
{
	char dev[IF_NAMESIZE], proto[16], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const char *family = stats_family_name(r->key.family);
	json_t *row;

	row = json_pack("{s:s, s:I, s:s, s:o, s:s, s:s, s:s}", "dev", dev_name(r->key.ifindex, dev),
			"ifindex", (json_int_t)r->key.ifindex, "hook", hook_name(r->key.hook),
			"family", family ? json_string(family) : json_null(), "proto",
			stats_proto_name(r->key.proto, proto, sizeof(proto)), "src",
			stats_addr_str(r->key.saddr, src, sizeof(src)) ?: "?", "dst",
			stats_addr_str(r->key.daddr, dst, sizeof(dst)) ?: "?");
	if (!row)
		return NULL;
	/* ports only where the packets had them: 0 stands for none in the key */
	if (r->key.sport || r->key.dport) {
		json_object_set_new(row, "sport", json_integer(r->key.sport));
		json_object_set_new(row, "dport", json_integer(r->key.dport));
	}
	json_object_set_new(row, "packets", json_integer(r->val.packets));
	json_object_set_new(row, "bytes", json_integer(r->val.bytes));
	json_object_set_new(row, "first_ns", json_integer(r->val.first_ns));
	json_object_set_new(row, "last_ns", json_integer(r->val.last_ns));
	json_object_set_new(row, "age_ms", json_integer(ms_since(now, r->val.first_ns)));
	json_object_set_new(row, "idle_ms", json_integer(ms_since(now, r->val.last_ns)));
	return row;
}

int stats_flows(struct tcctl *t, const struct stats_opts *o)
{
	struct stats_table tab;
	unsigned long long now;
	json_t *rows;
	size_t n;
	int ret;

	ret = stats_read_flows(&o->f, &tab);
	if (ret)
		return ret;
	now = stats_now_ns();
	stats_sort_flows(&tab, o->by_packets);
	n = o->top && o->top < tab.n ? o->top : tab.n;
	rows = json_array();
	for (size_t i = 0; rows && i < n; i++)
		json_array_append_new(rows, flow_json(&tab.flows[i], now));
	stats_table_free(&tab);
	ret = rows ? overflow_append(rows, STATS_OVERFLOW_FLOWS) : 0;
	if (ret) {
		json_decref(rows);
		return ret;
	}
	return out_emit(t, rows, print_flows);
}
