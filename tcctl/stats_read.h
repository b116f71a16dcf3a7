/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reader of the stats object's counting maps, shared by tcctl stats,
 * tcctl top and the Prometheus output so that the three always agree: each
 * map is walked once into an array sorted by key (per-CPU values summed, and
 * kept per CPU on request), filtered by device, hook and protocol.
 *
 * Walks are bounded and survive keys deleted under them (a program's new
 * flows evicting old ones, a reset): a row that went away meanwhile is left
 * out, never read as zeros.
 */
#ifndef TCCTL_STATS_READ_H
#define TCCTL_STATS_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "abi/events.h"
#include "abi/stats.h"

struct stats_filter {
	int ifindex; /* 0: every device */
	int hook;    /* enum stats_hook, or -1: every hook */
	int proto;   /* IP protocol (ports only), or -1: every protocol */
};

#define STATS_FILTER_ALL ((struct stats_filter){.ifindex = 0, .hook = -1, .proto = -1})

struct stats_proto_row {
	struct stats_key key;
	struct stats_counter sum;
	struct stats_counter *cpus; /* ncpus values, with percpu; else NULL */
};

struct stats_port_row {
	struct stats_port_key key;
	struct stats_counter sum;
};

struct stats_flow_row {
	struct stats_flow_key key;
	struct stats_flow val;
};

/* one read of a map: rows sorted by key, rows with no packets left out */
struct stats_table {
	size_t n;
	int ncpus; /* possible CPUs, the length of a per-CPU value */
	union {
		struct stats_proto_row *proto;
		struct stats_port_row *ports;
		struct stats_flow_row *flows;
		void *rows;
	};
	struct stats_counter *cpus; /* the storage proto rows' cpus point into */
};

extern const char *const stats_hook_names[STATS_HOOKS];

/* Each prints its own error; a map that is not pinned is an error. */
int stats_read_proto(const struct stats_filter *f, bool percpu, struct stats_table *t);
int stats_read_ports(const struct stats_filter *f, struct stats_table *t);
int stats_read_flows(const struct stats_filter *f, struct stats_table *t);
/* the overflow counters, all STATS_OVERFLOW_ENTRIES of them, summed */
int stats_read_overflow(struct stats_counter out[STATS_OVERFLOW_ENTRIES]);
void stats_table_free(struct stats_table *t);

/* events_count summed over the CPUs; -ENOENT, quietly, when events are not pinned */
int stats_read_events(struct events_counter out[EVENT_KINDS]);

/* for top N: biggest first, by bytes, then packets, then key (a stable order) */
void stats_sort_ports(struct stats_table *t);
void stats_sort_flows(struct stats_table *t, bool by_packets);

/* a row of a table as read (sorted by key), by its key; NULL when absent */
const struct stats_proto_row *stats_find_proto(const struct stats_table *t,
					       const struct stats_key *k);
const struct stats_port_row *stats_find_port(const struct stats_table *t,
					     const struct stats_port_key *k);
const struct stats_flow_row *stats_find_flow(const struct stats_table *t,
					     const struct stats_flow_key *k);

/* every map stats reset changes is pinned with this tcctl's layout (prints why not) */
int stats_maps_check(void);
/* the keys of one map that the filter selects, deleted: for stats reset */
int stats_delete_proto(const struct stats_filter *f);
int stats_delete_ports(const struct stats_filter *f);
int stats_delete_flows(const struct stats_filter *f);

/* CLOCK_MONOTONIC in ns, the clock of first_ns and last_ns */
unsigned long long stats_now_ns(void);

#endif /* TCCTL_STATS_READ_H */
