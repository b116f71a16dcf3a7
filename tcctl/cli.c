// SPDX-License-Identifier: GPL-2.0-only
/* Global options, the command table, and the mapping of errors to exit codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcctl.h"
#include "netdev.h"

static const char usage_text[] =
	"Usage: tcctl [ OPTIONS ] COMMAND [ ARGS ]\n"
	"OPTIONS := { -j[son] | -p[retty] | -n[etns] NETNS | -V[ersion] | -h[elp] }\n"
	"\n"
	"  tcctl qdisc { add | del | show } dev DEV\n"
	"  tcctl attach dev DEV HOOK OBJECT [ obj FILE ] [ prio PRIO ] [ handle HANDLE ] [ force ]\n"
	"               [ tcx ]\n"
	"  tcctl detach dev DEV HOOK [ OBJECT ] [ prio PRIO handle HANDLE ] [ force ]\n"
	"  tcctl status [ dev DEV ]\n"
	"  tcctl pin OBJECT [ obj FILE ]\n"
	"  tcctl unpin OBJECT\n"
	"  tcctl pins [ show ]\n"
	"  tcctl pins prune [ dry-run ]\n"
	"  tcctl fw proto PROTO { drop | pass } [ table TABLE ]\n"
	"  tcctl fw show [ table TABLE ]\n"
	"  tcctl fw counters [ table TABLE ]\n"
	"  tcctl fw reset [ table TABLE ]\n"
	"  tcctl fw bind dev DEV { xdp | ingress | egress } table TABLE\n"
	"  tcctl fw unbind dev DEV { xdp | ingress | egress }\n"
	"  tcctl fw rule add [ table TABLE ] [ at POS ] [ id ID ] MATCH... ACTION\n"
	"  tcctl fw rule { del | move } [ table TABLE ] ID [ POS ]\n"
	"  tcctl fw rule { list | flush } [ table TABLE ]\n"
	"  tcctl fw policy [ table TABLE ] { drop | pass }\n"
	"  tcctl fw set { create NAME [ counters ] | destroy NAME | flush NAME }\n"
	"  tcctl fw set { add | del } NAME CIDR...\n"
	"  tcctl fw set load NAME FILE [ counters ]\n"
	"  tcctl fw set list [ NAME [ members ] ]\n"
	"  tcctl fw save [ FILE ]\n"
	"  tcctl fw load FILE\n"
	"  tcctl stats show [ dev DEV ] [ hook { xdp | ingress | egress } ]\n"
	"  tcctl stats reset [ dev DEV ]\n"
	"  tcctl feature [ show | FEATURE... ]\n"
	"  tcctl map show [ MAP ]\n"
	"  tcctl map dump MAP\n"
	"  tcctl map lookup MAP key KEY\n"
	"  tcctl map update MAP key KEY value VALUE [ any | exist | noexist ]\n"
	"  tcctl map delete MAP key KEY\n"
	"\n"
	"HOOK   := { xdp | xdpdrv | xdpgeneric | ingress | egress }\n"
	"OBJECT := { fw | stats }\n"
	"PROTO  := { NUMBER | icmp | tcp | udp | icmpv6 | gre | esp | ah | sctp | ... |\n"
	"            non-ip | malformed }\n"
	"MATCH  := { family { ip | ip6 } | dir { in | out } | src { CIDR | @SET } |\n"
	"            dst { CIDR | @SET } | proto PROTO | sport PORT[-PORT] | dport PORT[-PORT] |\n"
	"            icmp-type TYPE }\n"
	"MAP    := { NAME | pinned PATH | id ID }   (NAME: a pin in /sys/fs/bpf/tc/globals)\n"
	"KEY, VALUE := { JSON | TEXT | hex BYTE... }\n"
	"ACTION := { drop | pass | count | rate [ pps N [ burst N ] ] [ bytes N [ burst-bytes N ] ]\n"
	"            [ per-source ] }\n"
	"\n"
	"Exit status: 0 done, 1 failed (nothing changed), 2 bad arguments.\n"
	"See tcctl(8).\n";

static int cmd_help(struct tcctl *t, struct args *a)
{
	(void)t;
	(void)a;
	fputs(usage_text, stdout);
	return 0;
}

static const struct command {
	const char *name;
	int (*run)(struct tcctl *t, struct args *a);
} commands[] = {
	{ "qdisc", cmd_qdisc },
	{ "attach", cmd_attach },
	{ "detach", cmd_detach },
	{ "status", cmd_status },
	{ "pin", cmd_pin },
	{ "unpin", cmd_unpin },
	{ "pins", cmd_pins },
	{ "fw", cmd_fw },
	{ "stats", cmd_stats },
	{ "feature", cmd_feature },
	{ "map", cmd_map },
	{ "help", cmd_help },
};

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

int tcctl_run(int argc, char **argv)
{
	struct netns_saved saved = { .fd = -1 };
	struct args a = { argc, argv };
	struct tcctl t = {};
	const char *netns = NULL, *name;
	int ret;

	while (arg_peek(&a) && arg_peek(&a)[0] == '-') {
		const char *opt = arg_next(&a);

		if (is_opt(opt, "-j", "-json")) {
			t.json = true;
		} else if (is_opt(opt, "-p", "-pretty")) {
			t.pretty = true;
		} else if (is_opt(opt, "-n", "-netns")) {
			ret = arg_value(&a, opt, &netns);
			if (ret)
				return exit_code(ret);
		} else if (is_opt(opt, "-V", "-version")) {
			printf("tcctl %s\n", TCCTL_VERSION);
			return EXIT_OK;
		} else if (is_opt(opt, "-h", "-help")) {
			return exit_code(cmd_help(&t, &a));
		} else {
			return exit_code(usage_err("unknown option \"%s\"", opt));
		}
	}

	name = arg_next(&a);
	if (!name) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name))
			continue;
		if (netns) {
			ret = netns_enter(netns, &saved);
			if (ret)
				return exit_code(ret);
		}
		ret = commands[i].run(&t, &a);
		netns_restore(&saved);
		return exit_code(ret);
	}
	return exit_code(usage_err("unknown command \"%s\"", name));
}
