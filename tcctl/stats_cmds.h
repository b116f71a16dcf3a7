/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of tcctl stats share: the parsed options of a view and
 * the views themselves (cmd_stats.c parses and dispatches, stats_flows.c
 * prints ports and flows, stats_prom.c the Prometheus exposition).
 */
#ifndef TCCTL_STATS_CMDS_H
#define TCCTL_STATS_CMDS_H

#include "tcctl.h"
#include "stats_read.h"

#define STATS_TOP_MAX	    1000000
#define STATS_FLOWS_TOP_DEF 20

struct stats_opts {
	struct stats_filter f;
	bool percpu;	  /* show: one value per CPU */
	unsigned int top; /* ports, flows: the first N rows; 0: all */
	bool by_packets;  /* flows: sort packets */
};

int stats_ports(struct tcctl *t, const struct stats_opts *o);
int stats_flows(struct tcctl *t, const struct stats_opts *o);
int stats_prometheus(struct args *a);

/* "ip", "ip6" or NULL (no IP) */
const char *stats_family_name(unsigned int family);
/* "tcp" for 6, the number as text where proto.c has no name */
const char *stats_proto_name(unsigned int proto, char *buf, int len);
/* an address of a map (IPv4-mapped for IPv4) as text, IPv4 plain */
const char *stats_addr_str(const __u8 addr[16], char *buf, size_t len);

#endif /* TCCTL_STATS_CMDS_H */
