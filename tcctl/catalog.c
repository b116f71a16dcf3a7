// SPDX-License-Identifier: GPL-2.0-only
/* The objects tcctl knows by name, and how to find their files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"
#include "abi/chain.h"
#include "abi/events.h"
#include "abi/fw.h"
#include "abi/fw_rules.h"
#include "abi/redir.h"
#include "abi/lb.h"
#include "abi/stats.h"

static const struct object_desc objects[] = {
	{
		.name = "fw",
		.file = "fw.o",
		.xdp_prog = "fw_xdp",
		.tc_prog = "fw_tc",
		.xdp_sec = "xdp",
		.tc_sec = "tc",
		.tc_prio = 10,
		.maps = { FW_MAP_VERDICTS, FW_MAP_COUNTERS, FW_MAP_IFACES, FW_MAP_STATE,
			  FW_MAP_TABLES, FW_MAP_RULES, FW_MAP_RCOUNT, FW_MAP_NET4, FW_MAP_NET6,
			  FW_MAP_PORTS, FW_MAP_PROTOS, FW_MAP_ICMP, FW_MAP_SET4, FW_MAP_SET6,
			  FW_MAP_SETMETA, FW_MAP_RLRULE, FW_MAP_RLSRC },
	},
	{
		.name = "stats",
		.file = "stats.o",
		.xdp_prog = "stats_xdp",
		.tc_prog = "stats_tc",
		.xdp_sec = "xdp",
		.tc_sec = "tc",
		/* after fw by default: it counts what fw let through */
		.tc_prio = 20,
		.maps = { STATS_MAP_PROTO, STATS_MAP_OVERFLOW, STATS_MAP_PORTS, STATS_MAP_FLOWS },
	},
	{
		.name = "redir",
		.file = "redir.o",
		.tc_prog = "redir_tc",
		.tc_sec = "tc",
		/* after fw: what fw drops is not redirected; before stats, which still counts */
		.tc_prio = 15,
		.maps = { REDIR_MAP_RULES, REDIR_MAP_STATS, REDIR_MAP_FLOWS },
	},
	{
		/* tc only: NAT rewrites with skb helpers; after fw and stats by default */
		.name = "lb",
		.file = "lb.o",
		.tc_prog = "lb_tc",
		.tc_sec = "tc",
		.tc_prio = 30,
		.maps = { LB_MAP_SERVICES, LB_MAP_BACKENDS, LB_MAP_RINGS, LB_MAP_CONNS,
			  LB_MAP_REVERSE, LB_MAP_STATS, LB_MAP_COUNTERS },
	},
	{
		.name = "chain",
		.file = "chain.o",
		.xdp_prog = "chain_xdp",
		.xdp_sec = "xdp",
		.internal = true,
		.maps = { CHAIN_MAP_PROGS, CHAIN_MAP_HEADS, CHAIN_MAP_CURSOR },
	},
	{
		/* the events ring and its settings, which fw.o and stats.o both define */
		.name = "events",
		.internal = true,
		.maps = { EVENTS_MAP_RING, EVENTS_MAP_CONFIG, EVENTS_MAP_BUDGET, EVENTS_MAP_COUNT },
	},
};

#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

const struct object_desc *object_find(const char *name)
{
	for (size_t i = 0; i < N_OBJECTS; i++)
		if (!objects[i].internal && !strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

const struct object_desc *object_chain(void)
{
	for (size_t i = 0; i < N_OBJECTS; i++)
		if (!strcmp(objects[i].name, "chain"))
			return &objects[i];
	return NULL;
}

const struct object_desc *object_by_prog(const char *prog_name)
{
	for (size_t i = 0; i < N_OBJECTS; i++) {
		const struct object_desc *o = &objects[i];

		if ((o->xdp_prog && !strcmp(o->xdp_prog, prog_name)) ||
		    (o->tc_prog && !strcmp(o->tc_prog, prog_name)))
			return o;
	}
	return NULL;
}

/* the catalogue in order, NULL past its end: for commands that look at every object */
const struct object_desc *object_at(size_t i)
{
	return i < N_OBJECTS ? &objects[i] : NULL;
}

/* "fw, stats": for usage errors, built from the table so it cannot fall behind */
const char *object_names(void)
{
	static char names[256];
	size_t len = 0;

	if (names[0])
		return names;
	for (size_t i = 0; i < N_OBJECTS && len < sizeof(names); i++)
		if (!objects[i].internal)
			len += snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
					objects[i].name);
	return names;
}

const char *object_dir(void)
{
	const char *dir = getenv("TCCTL_BPF_DIR");

	return dir && *dir ? dir : tcctl_bpf_dir;
}
