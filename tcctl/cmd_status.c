// SPDX-License-Identifier: GPL-2.0-only
/*
 * status: every XDP program, tcx program and clsact filter on every
 * interface of the namespace, ours and others', in run order, with the
 * object each of ours belongs to, whether it shares the pinned maps that
 * tcctl configures, whether a bpf_link holds it, and an XDP chain's members.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "tcctl.h"
#include "chain.h"
#include "hook.h"
#include "netdev.h"
#include "nl.h"
#include "obj.h"
#include "tcx.h"

struct status {
	struct nl *nl;
	int only_ifindex; /* 0: all */
	json_t *links;
	int ret;
};

static void add_owner(json_t *entry, uint32_t prog_id)
{
	struct prog_owner owner;

	if (!prog_id || prog_identify(prog_id, &owner))
		return;
	json_object_set_new(entry, "prog", json_string(owner.prog_name));
	if (owner.object) {
		json_object_set_new(entry, "object", json_string(owner.object->name));
		json_object_set_new(entry, "pinned", json_boolean(owner.maps_pinned));
	}
}

/* whether a bpf_link (ours or anyone's) holds the program on the device */
static bool xdp_via_link(int ifindex, uint32_t prog_id)
{
	struct bpf_link_info info;
	uint32_t id = 0, len;
	bool found = false;
	int fd;

	while (!found && !bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		found = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
			info.type == BPF_LINK_TYPE_XDP && info.xdp.ifindex == (uint32_t)ifindex &&
			info.prog_id == prog_id;
		close(fd);
	}
	return found;
}

/* a chain root's members, in run order */
static void add_chain(json_t *e, uint32_t root_id)
{
	struct chain_maps cm;
	struct chain c;
	json_t *members;

	if (chain_maps_open(&cm))
		return;
	if (!chain_read(&cm, root_id, &c)) {
		members = json_array();
		for (uint32_t i = 0; i < c.n; i++) {
			json_t *m = json_pack("{s:I}", "id", (json_int_t)c.prog_ids[i]);

			add_owner(m, c.prog_ids[i]);
			json_array_append_new(members, m);
		}
		json_object_set_new(e, "chain", members);
	}
	chain_maps_close(&cm);
}

static void add_xdp(json_t *xdp, int ifindex, const char *mode, uint32_t id)
{
	json_t *e;

	if (!id)
		return;
	e = json_pack("{s:s, s:I, s:b}", "mode", mode, "id", (json_int_t)id, "link",
		      xdp_via_link(ifindex, id));
	add_owner(e, id);
	if (chain_is_root(id))
		add_chain(e, id);
	json_array_append_new(xdp, e);
}

struct filter_list {
	json_t *tc;
	const char *dir;
};

static int status_filter_cb(const struct tc_filter *f, void *data)
{
	struct filter_list *list = data;
	json_t *e;

	e = json_pack("{s:s, s:I, s:I, s:s}", "direction", list->dir, "prio", (json_int_t)f->prio,
		      "handle", (json_int_t)f->handle, "kind", f->kind);
	if (!strcmp(f->kind, "bpf")) {
		json_object_set_new(e, "name", json_string(f->name));
		json_object_set_new(e, "id", json_integer(f->prog_id));
		json_object_set_new(e, "direct_action", json_boolean(f->direct_action));
		add_owner(e, f->prog_id);
	}
	json_array_append_new(list->tc, e);
	return 0;
}

static int status_link_cb(const struct link_info *l, void *data)
{
	struct status *s = data;
	json_t *link, *xdp, *tc;

	if (s->only_ifindex && l->ifindex != s->only_ifindex)
		return 0;
	xdp = json_array();
	add_xdp(xdp, l->ifindex, "native", l->xdp_drv_id);
	add_xdp(xdp, l->ifindex, "generic", l->xdp_skb_id);
	add_xdp(xdp, l->ifindex, "offload", l->xdp_hw_id);
	tc = json_array();
	link = json_pack("{s:s, s:i, s:o, s:o}", "dev", l->name, "ifindex", l->ifindex, "xdp", xdp,
			 "tc", tc);
	json_array_append_new(s->links, link);
	return 0;
}

/* in run order; "tcctl_link" marks the program tcctl's pinned link holds */
static int add_tcx(json_t *link)
{
	int ifindex = json_integer_value(json_object_get(link, "ifindex"));
	const char *dev = json_string_value(json_object_get(link, "dev"));
	json_t *tcx = json_array();
	uint32_t ids[64], n;
	int ret;

	json_object_set_new(link, "tcx", tcx);
	for (int dir = TC_DIR_INGRESS; dir <= TC_DIR_EGRESS; dir++) {
		n = sizeof(ids) / sizeof(ids[0]);
		ret = tcx_prog_ids(ifindex, dir, ids, &n);
		if (ret) {
			err("%s %s: cannot list tcx programs: %s", dev, tc_dir_name(dir),
			    strerror(-ret));
			return ret;
		}
		for (uint32_t i = 0; i < n; i++) {
			struct prog_owner po;
			bool ours = !prog_identify(ids[i], &po) && po.object &&
				    tcx_our_prog(ifindex, dir, po.object) == ids[i];
			json_t *e = json_pack("{s:s, s:I, s:b}", "direction", tc_dir_name(dir),
					      "id", (json_int_t)ids[i], "tcctl_link", ours);

			add_owner(e, ids[i]);
			json_array_append_new(tcx, e);
		}
	}
	return 0;
}

/* filters are dumped after the link dump: netlink allows one dump at a time */
static int add_filters(struct status *s, json_t *link)
{
	int ifindex = json_integer_value(json_object_get(link, "ifindex"));
	json_t *tc = json_object_get(link, "tc");
	const char *dev = json_string_value(json_object_get(link, "dev"));
	char kind[16];
	int ret;

	ret = nl_qdisc_ingress_kind(s->nl, ifindex, kind, sizeof(kind));
	if (ret) {
		err("%s: cannot list qdiscs: %s", dev, nl_strerror(s->nl, ret));
		return ret;
	}
	json_object_set_new(link, "qdisc", kind[0] ? json_string(kind) : json_null());
	if (!kind[0])
		return 0;
	for (int dir = TC_DIR_INGRESS; dir <= TC_DIR_EGRESS; dir++) {
		struct filter_list list = { tc, tc_dir_name(dir) };

		if (dir == TC_DIR_EGRESS && strcmp(kind, "clsact"))
			break; /* an ingress qdisc has no egress side */
		ret = nl_filter_dump(s->nl, ifindex, dir, status_filter_cb, &list);
		if (ret < 0) {
			err("%s %s: cannot list filters: %s", dev, tc_dir_name(dir),
			    nl_strerror(s->nl, ret));
			return ret;
		}
	}
	return 0;
}

static void print_owner(json_t *e)
{
	json_t *object = json_object_get(e, "object");

	if (json_object_get(e, "prog"))
		printf(" %s", json_string_value(json_object_get(e, "prog")));
	if (object)
		printf("  tcctl %s%s", json_string_value(object),
		       json_is_true(json_object_get(e, "pinned")) ? "" : " (maps not pinned)");
}

static void print_status(json_t *doc)
{
	size_t i, j;
	json_t *link, *e;

	json_array_foreach(doc, i, link) {
		json_t *xdp = json_object_get(link, "xdp"), *tc = json_object_get(link, "tc");
		json_t *tcx = json_object_get(link, "tcx"), *qdisc = json_object_get(link, "qdisc");

		if (!json_array_size(xdp) && !json_array_size(tc) && !json_array_size(tcx) &&
		    !json_is_string(qdisc) && json_array_size(doc) > 1)
			continue;
		printf("%s (%lld)", json_string_value(json_object_get(link, "dev")),
		       json_integer_value(json_object_get(link, "ifindex")));
		if (json_is_string(qdisc))
			printf("  qdisc %s", json_string_value(qdisc));
		putchar('\n');
		json_array_foreach(xdp, j, e) {
			json_t *m;
			size_t k;

			printf("    xdp %-7s id %lld", json_string_value(json_object_get(e, "mode")),
			       json_integer_value(json_object_get(e, "id")));
			print_owner(e);
			if (json_is_true(json_object_get(e, "link")))
				printf(" (link)");
			putchar('\n');
			json_array_foreach(json_object_get(e, "chain"), k, m) {
				printf("        %zu. id %lld", k + 1,
				       json_integer_value(json_object_get(m, "id")));
				print_owner(m);
				putchar('\n');
			}
		}
		json_array_foreach(tcx, j, e) {
			printf("    tcx %-7s id %lld", json_string_value(json_object_get(e, "direction")),
			       json_integer_value(json_object_get(e, "id")));
			print_owner(e);
			if (json_is_true(json_object_get(e, "tcctl_link")))
				printf(" (pinned link)");
			putchar('\n');
		}
		json_array_foreach(tc, j, e) {
			printf("    tc %-7s prio %lld handle 0x%llx %s",
			       json_string_value(json_object_get(e, "direction")),
			       json_integer_value(json_object_get(e, "prio")),
			       (unsigned long long)json_integer_value(json_object_get(e, "handle")),
			       json_string_value(json_object_get(e, "kind")));
			if (json_object_get(e, "id"))
				printf(" %s id %lld%s", json_string_value(json_object_get(e, "name")),
				       json_integer_value(json_object_get(e, "id")),
				       json_is_true(json_object_get(e, "direct_action")) ? " da" : "");
			print_owner(e);
			putchar('\n');
		}
	}
}

int cmd_status(struct tcctl *t, struct args *a)
{
	struct status s = {};
	const char *dev;
	struct nl nl;
	json_t *link;
	size_t i;
	int ret;

	if (arg_peek(a)) {
		ret = arg_dev(a, &s.only_ifindex, &dev) ?: arg_end(a);
		if (ret)
			return ret;
	}
	ret = nl_open(&nl);
	if (ret) {
		err("netlink: %s", strerror(-ret));
		return ret;
	}
	s.nl = &nl;
	s.links = json_array();
	ret = nl_link_dump(&nl, status_link_cb, &s);
	if (ret)
		err("cannot list links: %s", nl_strerror(&nl, ret));
	json_array_foreach(s.links, i, link) {
		if (ret)
			break;
		ret = add_tcx(link) ?: add_filters(&s, link);
	}
	nl_close(&nl);
	if (ret) {
		json_decref(s.links);
		return ret;
	}
	return out_emit(t, s.links, print_status);
}
