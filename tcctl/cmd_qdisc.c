// SPDX-License-Identifier: GPL-2.0-only
/* qdisc: the clsact qdisc that tc filters of every object hang from. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcctl.h"
#include "netdev.h"
#include "nl.h"

static void print_qdisc(json_t *doc)
{
	const char *kind = json_string_value(json_object_get(doc, "qdisc"));

	printf("%s: %s\n", json_string_value(json_object_get(doc, "dev")),
	       kind ? kind : "no clsact qdisc");
}

int cmd_qdisc(struct tcctl *t, struct args *a)
{
	enum { ADD, DEL, SHOW } op;
	char kind[16];
	const char *dev;
	int ifindex, ret;
	struct nl nl;

	if (arg_is(a, "add"))
		op = ADD;
	else if (arg_is(a, "del"))
		op = DEL;
	else if (arg_is(a, "show"))
		op = SHOW;
	else
		return usage_err("qdisc: expected add, del or show");
	ret = arg_dev(a, &ifindex, &dev) ?: arg_end(a);
	if (ret)
		return ret;
	ret = nl_open(&nl);
	if (ret) {
		err("netlink: %s", strerror(-ret));
		return ret;
	}

	ret = nl_qdisc_ingress_kind(&nl, ifindex, kind, sizeof(kind));
	if (ret) {
		err("%s: cannot list qdiscs: %s", dev, nl_strerror(&nl, ret));
		goto out;
	}
	switch (op) {
	case ADD:
		/* idempotent; but an ingress qdisc is not a clsact one */
		if (!strcmp(kind, "clsact"))
			break;
		ret = nl_clsact_add(&nl, ifindex);
		if (ret)
			err("%s: cannot add clsact qdisc: %s", dev, nl_strerror(&nl, ret));
		break;
	case DEL:
		if (!kind[0]) {
			err("%s has no clsact qdisc", dev);
			ret = -ENOENT;
			break;
		}
		if (strcmp(kind, "clsact")) {
			err("%s has an %s qdisc, not clsact: left alone", dev, kind);
			ret = -EINVAL;
			break;
		}
		ret = nl_clsact_del(&nl, ifindex);
		if (ret)
			err("%s: cannot delete clsact qdisc: %s", dev, nl_strerror(&nl, ret));
		break;
	case SHOW: {
		json_t *doc = json_pack("{s:s, s:s?}", "dev", dev, "qdisc", kind[0] ? kind : NULL);

		ret = out_emit(t, doc, print_qdisc);
		break;
	}
	}
out:
	nl_close(&nl);
	return ret;
}
