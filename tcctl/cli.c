// SPDX-License-Identifier: GPL-2.0-only
/*
 * Global options, the command table with each command's usage block, and
 * the mapping of errors to exit codes. A new command is one entry in
 * tcctl_commands[]: its name, its function and its usage lines (or a table
 * of subcommands with theirs); help and the global usage pick it up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcctl.h"
#include "batch.h"
#include "help.h"
#include "netdev.h"

static const struct subcommand fw_subs[] = {
	{ "proto", "  tcctl fw proto PROTO { drop | pass } [ table TABLE ]\n" },
	{ "show", "  tcctl fw show [ table TABLE ]\n" },
	{ "counters", "  tcctl fw counters [ table TABLE ]\n" },
	{ "reset", "  tcctl fw reset [ table TABLE ]\n" },
	{ "bind", "  tcctl fw bind dev DEV { xdp | ingress | egress } table TABLE\n" },
	{ "unbind", "  tcctl fw unbind dev DEV { xdp | ingress | egress }\n" },
	{ "rule", "  tcctl fw rule add [ table TABLE ] [ at POS ] [ id ID ] MATCH... ACTION\n"
		  "  tcctl fw rule { del | move } [ table TABLE ] ID [ POS ]\n"
		  "  tcctl fw rule { list | flush } [ table TABLE ]\n" },
	{ "policy", "  tcctl fw policy [ table TABLE ] { drop | pass }\n" },
	{ "set", "  tcctl fw set { create NAME [ counters ] | destroy NAME | flush NAME }\n"
		 "  tcctl fw set { add | del } NAME CIDR...\n"
		 "  tcctl fw set load NAME FILE [ counters ]\n"
		 "  tcctl fw set list [ NAME [ members ] ]\n" },
	{ "save", "  tcctl fw save [ FILE ]\n" },
	{ "load", "  tcctl fw load FILE\n" },
	{ NULL },
};

static const struct subcommand pins_subs[] = {
	{ "show", "  tcctl pins [ show ]\n" },
	{ "prune", "  tcctl pins prune [ dry-run ]\n" },
	{ NULL },
};

static const struct subcommand stats_subs[] = {
	{ "show", "  tcctl stats show [ dev DEV ] [ hook { xdp | ingress | egress } ] [ percpu ]\n" },
	{ "ports", "  tcctl stats ports [ dev DEV ] [ hook { xdp | ingress | egress } ] [ proto { tcp | udp | sctp | udplite } ] [ top N ]\n" },
	{ "flows", "  tcctl stats flows [ dev DEV ] [ hook { xdp | ingress | egress } ] [ top N ] [ sort { bytes | packets } ]\n" },
	{ "reset", "  tcctl stats reset [ dev DEV ]\n" },
	{ "prometheus", "  tcctl stats prometheus [ file PATH ]\n" },
	{ NULL },
};

static const struct subcommand map_subs[] = {
	{ "show", "  tcctl map show [ MAP ]\n" },
	{ "dump", "  tcctl map dump MAP\n" },
	{ "lookup", "  tcctl map lookup MAP key KEY\n" },
	{ "update", "  tcctl map update MAP key KEY value VALUE [ any | exist | noexist ]\n" },
	{ "delete", "  tcctl map delete MAP key KEY\n" },
	{ NULL },
};

static const struct subcommand lb_subs[] = {
	{ "service", "  tcctl lb service { add | delete } { tcp | udp } VIP:PORT\n" },
	{ "backend", "  tcctl lb backend add { tcp | udp } VIP:PORT ADDR:PORT [ weight W ]\n"
		     "  tcctl lb backend delete { tcp | udp } VIP:PORT ADDR:PORT\n"
		     "  tcctl lb backend set { tcp | udp } VIP:PORT ADDR:PORT { weight W | down | up }\n" },
	{ "show", "  tcctl lb show [ { tcp | udp } VIP:PORT ]\n" },
	{ "flush", "  tcctl lb flush\n" },
	{ NULL },
};

static const struct subcommand redir_subs[] = {
	{ "add", "  tcctl redir add { tcp | udp } PORT to PORT [ addr ADDR ] [ dev DEV ]\n" },
	{ "delete", "  tcctl redir delete { tcp | udp } PORT [ addr ADDR ] [ dev DEV ]\n" },
	{ "show", "  tcctl redir show [ -j ]\n" },
	{ "flush", "  tcctl redir flush\n" },
	{ NULL },
};

static const struct subcommand events_subs[] = {
	{ "show", "  tcctl events show\n" },
	{ "set", "  tcctl events set [ sample { N | off } ] [ drops { on | off } ] [ budget N ]\n" },
	{ NULL },
};

const struct command tcctl_commands[] = {
	{ "qdisc", cmd_qdisc, "  tcctl qdisc { add | del | show } dev DEV\n", NULL },
	{ "attach", cmd_attach,
	  "  tcctl attach dev DEV HOOK OBJECT [ obj FILE ] [ POSITION | prio PRIO ] [ handle HANDLE ]\n"
	  "               [ tcx | link ] [ force ]\n", NULL },
	{ "detach", cmd_detach,
	  "  tcctl detach dev DEV HOOK [ OBJECT ] [ prio PRIO handle HANDLE ] [ force ]\n", NULL },
	{ "status", cmd_status, "  tcctl status [ dev DEV ]\n", NULL },
	{ "pin", cmd_pin, "  tcctl pin OBJECT [ obj FILE ]\n", NULL },
	{ "unpin", cmd_unpin, "  tcctl unpin OBJECT\n", NULL },
	{ "pins", cmd_pins, NULL, pins_subs },
	{ "fw", cmd_fw, NULL, fw_subs },
	{ "stats", cmd_stats, NULL, stats_subs },
	{ "top", cmd_top,
	  "  tcctl top [ dev DEV ] [ hook { xdp | ingress | egress } ] [ interval SECS ] [ count N ]\n",
	  NULL },
	{ "map", cmd_map, NULL, map_subs },
	{ "redir", cmd_redir, NULL, redir_subs },
	{ "lb", cmd_lb, NULL, lb_subs },
	{ "events", cmd_events, NULL, events_subs },
	{ "monitor", cmd_monitor,
	  "  tcctl monitor [ dev DEV ] [ kind { sample | drop } ] [ count N ] [ duration SECS ]\n", NULL },
	{ "run", cmd_run,
	  "  tcctl run OBJECT { xdp | ingress | egress } [ dev DEV ] [ from { live | empty } ]\n"
	  "            [ config FILE ] [ -j ] PACKET\n", NULL },
	{ "replay", cmd_replay,
	  "  tcctl replay OBJECT { xdp | ingress | egress } [ dev DEV ] [ from { live | empty } ]\n"
	  "               [ config FILE ] [ write FILE ] [ verbose ] [ -j ] PCAP\n", NULL },
	{ "feature", cmd_feature, "  tcctl feature [ show | FEATURE... ]\n", NULL },
	{ "help", cmd_help, "  tcctl help [ COMMAND [ SUB ] ]\n", NULL },
	{ NULL },
};

/* printed after the blocks that name them, each once */
const struct usage_term tcctl_terms[] = {
	{ "HOOK", "HOOK   := { xdp | xdpdrv | xdpgeneric | ingress | egress }\n" },
	{ "OBJECT", "OBJECT := { fw | stats | redir | lb }\n" },
	{ "POSITION", "POSITION := { first | last | before OBJECT | after OBJECT }\n" },
	{ "MATCH", "MATCH  := { family { ip | ip6 } | dir { in | out } | src { CIDR | @SET } |\n"
		   "            dst { CIDR | @SET } | proto PROTO | sport PORT[-PORT] | dport PORT[-PORT] |\n"
		   "            icmp-type TYPE }\n" },
	{ "ACTION", "ACTION := { drop | pass | count | rate [ pps N [ burst N ] ] [ bytes N [ burst-bytes N ] ]\n"
		    "            [ per-source ] }\n" },
	{ "PROTO", "PROTO  := { NUMBER | icmp | tcp | udp | icmpv6 | gre | esp | ah | sctp | ... |\n"
		   "            non-ip | malformed }\n" },
	{ "PACKET", "PACKET := [ smac MAC ] [ dmac MAC ] [ vlan ID [ vlan ID ] ] proto PROTO src ADDR dst ADDR\n"
		    "            [ sport PORT ] [ dport PORT ] [ flags TCPFLAGS ] [ type N ] [ code N ]\n"
		    "            [ ttl N ] [ frag { first | later } ] [ len N ]\n"
		    "            (TCPFLAGS: tcpdump's letters S, SA, F, R, P, . or names syn,ack,...)\n" },
	{ "MAP", "MAP    := { NAME | pinned PATH | id ID }   (NAME: a pin in /sys/fs/bpf/tc/globals)\n" },
	{ "KEY", "KEY, VALUE := { JSON | TEXT | hex BYTE... }\n" },
	{ "VIP", "VIP:PORT, ADDR:PORT := { 10.0.0.1:80 | [2001:db8::1]:80 }   (weight W: 0 to 65535, 0 drains)\n" },
	{ NULL },
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = tcctl_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct subcommand *subcommand_find(const struct command *c, const char *name)
{
	for (const struct subcommand *s = c->subs; s && s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static bool is_opt(const char *arg, const char *shrt, const char *lng)
{
	return !strcmp(arg, shrt) || !strcmp(arg, lng) || (arg[0] == '-' && !strcmp(arg + 1, lng));
}

static int exit_code(int ret)
{
	if (!ret)
		return EXIT_OK;
	return ret == -E_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

/* what only the command line, not a batch line, may give */
struct batch_opts {
	const char *file;
	bool force;
};

/*
 * The options before the command, into t. bo is NULL for a batch line,
 * where -b and -force are refused: batches do not nest. Returns 1 when an
 * option was the whole job (-V, -h), 0 to go on, or -E_USAGE.
 */
static int parse_options(struct tcctl *t, struct args *a, struct batch_opts *bo)
{
	int ret;

	while (arg_peek(a) && arg_peek(a)[0] == '-') {
		const char *opt = arg_next(a);

		if (is_opt(opt, "-j", "-json")) {
			t->json = true;
		} else if (is_opt(opt, "-p", "-pretty")) {
			t->pretty = true;
		} else if (is_opt(opt, "-n", "-netns")) {
			ret = arg_value(a, opt, &t->netns);
			if (ret)
				return ret;
		} else if (is_opt(opt, "-b", "-batch")) {
			if (!bo)
				return usage_err("%s in a batch: batches do not nest", opt);
			ret = arg_value(a, opt, &bo->file);
			if (ret)
				return ret;
		} else if (is_opt(opt, "-force", "-force")) {
			if (!bo)
				return usage_err("%s in a batch: it goes on the command line", opt);
			bo->force = true;
		} else if (is_opt(opt, "-V", "-version")) {
			printf("tcctl %s\n", TCCTL_VERSION);
			return 1;
		} else if (is_opt(opt, "-h", "-help")) {
			help_print_all(stdout);
			return 1;
		} else {
			return usage_err("unknown option \"%s\"", opt);
		}
	}
	return 0;
}

/* "CMD help" and "CMD SUB help" print that block, whatever CMD would make of them */
static bool help_asked(const struct command *c, const struct args *a)
{
	const struct subcommand *s = NULL;

	if (a->argc == 2 && !strcmp(a->argv[1], "help"))
		s = subcommand_find(c, a->argv[0]);
	else if (a->argc != 1 || strcmp(a->argv[0], "help"))
		return false;
	if (a->argc == 2 && !s)
		return false;
	help_print(stdout, c, s);
	return true;
}

static int run_command(struct tcctl *t, struct args *a)
{
	struct netns_saved saved = { .fd = -1 };
	const struct command *c;
	const char *name;
	int ret;

	name = arg_next(a);
	c = command_find(name);
	if (!c)
		return exit_code(usage_err("unknown command \"%s\"", name));
	if (help_asked(c, a))
		return EXIT_OK;
	if (t->netns) {
		ret = netns_enter(t->netns, &saved);
		if (ret)
			return exit_code(ret);
	}
	ret = c->run(t, a);
	netns_restore(&saved);
	return exit_code(ret);
}

int tcctl_run_line(const struct tcctl *defaults, int argc, char **argv)
{
	struct args a = { argc, argv };
	struct tcctl t = *defaults; /* this line's options end with it */
	int ret;

	ret = parse_options(&t, &a, NULL);
	if (ret)
		return ret > 0 ? EXIT_OK : exit_code(ret);
	if (!arg_peek(&a))
		return exit_code(usage_err("expected a command after the options"));
	return run_command(&t, &a);
}

int tcctl_run(int argc, char **argv)
{
	struct batch_opts bo = {};
	struct args a = { argc, argv };
	struct tcctl t = {};
	int ret;

	/* the plugin runs many times in one tc: start clean every time */
	err_context_reset();
	ret = parse_options(&t, &a, &bo);
	if (ret)
		return ret > 0 ? EXIT_OK : exit_code(ret);
	if (bo.file) {
		if (arg_peek(&a))
			return exit_code(usage_err("-b FILE takes its commands from FILE, not \"%s\"",
						   arg_peek(&a)));
		return batch_run(&t, bo.file, bo.force);
	}
	if (bo.force)
		return exit_code(usage_err("-force goes with -b FILE"));
	if (!arg_peek(&a)) {
		help_print_all(stderr);
		return EXIT_USAGE;
	}
	return run_command(&t, &a);
}
