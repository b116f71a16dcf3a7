// SPDX-License-Identifier: GPL-2.0-only
/* Netlink requests and dumps for qdiscs, filters and links, over libmnl. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "nl.h"

int nl_open(struct nl *nl)
{
	int one = 1;

	nl->errmsg[0] = '\0';
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	/* both are best effort: without them we still get errnos */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return ret;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

const char *nl_strerror(const struct nl *nl, int err)
{
	return nl->errmsg[0] ? nl->errmsg : strerror(-err);
}

const char *tc_dir_name(enum tc_dir dir)
{
	return dir == TC_DIR_INGRESS ? "ingress" : "egress";
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* One request in flight: libmnl hands the same pointer to every callback. */
struct nl_req {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

/* libmnl's own NLMSG_ERROR handling drops the extack; this one keeps it. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nl_req *req = data;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP; /* the ACK */

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&e->msg);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse(nlh, off, extack_attr_cb, req->nl);
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *req = data;

	return req->cb ? req->cb(nlh, req->data) : MNL_CB_OK;
}

/*
 * Sends one request and reads until its ACK (or NLMSG_DONE for a dump),
 * handing each reply to cb. Returns 0 or -errno, with the extack saved.
 * A dump is always read to its end, even when the caller has what it
 * wanted: the rest would otherwise greet the next request.
 */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb,
		[NLMSG_ERROR] = error_cb,
		/* with a control array, libmnl applies none of its defaults */
		[NLMSG_DONE] = done_cb,
	};
	struct nl_req req = { .nl = nl, .cb = cb, .data = data };
	unsigned int seq = ++nl->seq;
	int ret;

	nl->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		ret = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, ret, seq, nl->portid, data_cb, &req, ctl,
				  NLMSG_MIN_TYPE);
		if (ret <= MNL_CB_STOP)
			break;
	}
	return ret < 0 ? -errno : 0;
}

static struct tcmsg *tc_msg(struct nl *nl, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	return tcm;
}

/* --- qdiscs -------------------------------------------------------------- */

struct qdisc_query {
	int ifindex;
	char *kind;
	size_t len;
};

static int tc_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, TCA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = {};
	struct qdisc_query *q = data;

	if (tcm->tcm_ifindex != q->ifindex || tcm->tcm_parent != TC_H_CLSACT)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*tcm), tc_attr_cb, tb);
	if (tb[TCA_KIND] && mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) == 0)
		snprintf(q->kind, q->len, "%s", mnl_attr_get_str(tb[TCA_KIND]));
	return MNL_CB_OK;
}

/* clsact and the older ingress qdisc both sit at ffff:fff1 */
int nl_qdisc_ingress_kind(struct nl *nl, int ifindex, char *kind, size_t len)
{
	struct qdisc_query q = { .ifindex = ifindex, .kind = kind, .len = len };

	kind[0] = '\0';
	tc_msg(nl, RTM_GETQDISC, NLM_F_DUMP, ifindex);
	return nl_talk(nl, (struct nlmsghdr *)nl->buf, qdisc_cb, &q);
}

static int clsact_msg(struct nl *nl, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
	struct tcmsg *tcm = tc_msg(nl, type, flags, ifindex);

	tcm->tcm_parent = TC_H_CLSACT;
	tcm->tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_clsact_add(struct nl *nl, int ifindex)
{
	return clsact_msg(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex);
}

int nl_clsact_del(struct nl *nl, int ifindex)
{
	return clsact_msg(nl, RTM_DELQDISC, 0, ifindex);
}

/* --- filters ------------------------------------------------------------- */

static uint32_t clsact_parent(enum tc_dir dir)
{
	return TC_H_MAKE(TC_H_CLSACT, dir == TC_DIR_INGRESS ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
}

static int bpf_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, TCA_BPF_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

struct filter_dump {
	tc_filter_cb cb;
	void *data;
	int ret;
};

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = {};
	const struct nlattr *opt[TCA_BPF_MAX + 1] = {};
	struct filter_dump *d = data;
	struct tc_filter f = {};

	/* the first reply per prio describes the classifier, not a filter */
	if (!tcm->tcm_handle || d->ret)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*tcm), tc_attr_cb, tb);
	f.prio = TC_H_MAJ(tcm->tcm_info) >> 16;
	f.protocol = TC_H_MIN(tcm->tcm_info);
	f.handle = tcm->tcm_handle;
	if (tb[TCA_KIND] && mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) == 0)
		snprintf(f.kind, sizeof(f.kind), "%s", mnl_attr_get_str(tb[TCA_KIND]));
	if (!strcmp(f.kind, "bpf") && tb[TCA_OPTIONS]) {
		mnl_attr_parse_nested(tb[TCA_OPTIONS], bpf_attr_cb, opt);
		if (opt[TCA_BPF_NAME] &&
		    mnl_attr_validate(opt[TCA_BPF_NAME], MNL_TYPE_NUL_STRING) == 0)
			snprintf(f.name, sizeof(f.name), "%s", mnl_attr_get_str(opt[TCA_BPF_NAME]));
		if (opt[TCA_BPF_ID] && mnl_attr_validate(opt[TCA_BPF_ID], MNL_TYPE_U32) == 0)
			f.prog_id = mnl_attr_get_u32(opt[TCA_BPF_ID]);
		if (opt[TCA_BPF_FLAGS] && mnl_attr_validate(opt[TCA_BPF_FLAGS], MNL_TYPE_U32) == 0)
			f.direct_action = mnl_attr_get_u32(opt[TCA_BPF_FLAGS]) &
					  TCA_BPF_FLAG_ACT_DIRECT;
	}
	d->ret = d->cb(&f, d->data);
	return MNL_CB_OK;
}

int nl_filter_dump(struct nl *nl, int ifindex, enum tc_dir dir, tc_filter_cb cb, void *data)
{
	struct filter_dump d = { .cb = cb, .data = data };
	struct tcmsg *tcm = tc_msg(nl, RTM_GETTFILTER, NLM_F_DUMP, ifindex);
	int ret;

	tcm->tcm_parent = clsact_parent(dir);
	ret = nl_talk(nl, (struct nlmsghdr *)nl->buf, filter_cb, &d);
	return ret ?: d.ret;
}

static struct nlmsghdr *filter_msg(struct nl *nl, uint16_t type, uint16_t flags, int ifindex,
				   enum tc_dir dir, uint32_t prio, uint32_t handle)
{
	struct tcmsg *tcm = tc_msg(nl, type, flags, ifindex);
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;

	tcm->tcm_parent = clsact_parent(dir);
	tcm->tcm_handle = handle;
	tcm->tcm_info = TC_H_MAKE(prio << 16, htons(ETH_P_ALL));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	return nlh;
}

int nl_filter_set(struct nl *nl, int ifindex, enum tc_dir dir, uint32_t prio, uint32_t handle,
		  int prog_fd, const char *name, bool replace)
{
	uint16_t flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	struct nlmsghdr *nlh = filter_msg(nl, RTM_NEWTFILTER, flags, ifindex, dir, prio, handle);
	struct nlattr *opts;

	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, prog_fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, name);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_filter_del(struct nl *nl, int ifindex, enum tc_dir dir, uint32_t prio, uint32_t handle)
{
	struct nlmsghdr *nlh = filter_msg(nl, RTM_DELTFILTER, 0, ifindex, dir, prio, handle);

	return nl_talk(nl, nlh, NULL, NULL);
}

/* --- links and XDP ------------------------------------------------------- */

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int xdp_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_XDP_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static uint32_t xdp_u32(const struct nlattr **xdp, int type)
{
	if (!xdp[type] || mnl_attr_validate(xdp[type], MNL_TYPE_U32) < 0)
		return 0;
	return mnl_attr_get_u32(xdp[type]);
}

static void link_parse(const struct nlmsghdr *nlh, struct link_info *l)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	const struct nlattr *xdp[IFLA_XDP_MAX + 1] = {};
	uint32_t id;

	memset(l, 0, sizeof(*l));
	l->ifindex = ifm->ifi_index;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb);
	if (tb[IFLA_IFNAME] && mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) == 0)
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (!tb[IFLA_XDP])
		return;
	mnl_attr_parse_nested(tb[IFLA_XDP], xdp_attr_cb, xdp);
	if (xdp[IFLA_XDP_ATTACHED] && mnl_attr_validate(xdp[IFLA_XDP_ATTACHED], MNL_TYPE_U8) == 0)
		l->xdp_attached = mnl_attr_get_u8(xdp[IFLA_XDP_ATTACHED]);
	l->xdp_drv_id = xdp_u32(xdp, IFLA_XDP_DRV_PROG_ID);
	l->xdp_skb_id = xdp_u32(xdp, IFLA_XDP_SKB_PROG_ID);
	l->xdp_hw_id = xdp_u32(xdp, IFLA_XDP_HW_PROG_ID);
	/* with a single mode attached, the kernel sends only IFLA_XDP_PROG_ID */
	id = xdp_u32(xdp, IFLA_XDP_PROG_ID);
	if (l->xdp_attached == XDP_ATTACHED_DRV)
		l->xdp_drv_id = id;
	else if (l->xdp_attached == XDP_ATTACHED_SKB)
		l->xdp_skb_id = id;
	else if (l->xdp_attached == XDP_ATTACHED_HW)
		l->xdp_hw_id = id;
}

struct link_dump {
	link_cb cb;
	void *data;
	struct link_info *one;
	int ret;
};

static int link_cb_fn(const struct nlmsghdr *nlh, void *data)
{
	struct link_dump *d = data;
	struct link_info l;

	if (d->one) {
		link_parse(nlh, d->one);
		return MNL_CB_OK;
	}
	if (d->ret)
		return MNL_CB_OK;
	link_parse(nlh, &l);
	d->ret = d->cb(&l, d->data);
	return MNL_CB_OK;
}

static struct nlmsghdr *link_msg(struct nl *nl, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

int nl_link_dump(struct nl *nl, link_cb cb, void *data)
{
	struct link_dump d = { .cb = cb, .data = data };
	struct nlmsghdr *nlh = link_msg(nl, RTM_GETLINK, NLM_F_DUMP, 0);
	int ret;

	ret = nl_talk(nl, nlh, link_cb_fn, &d);
	return ret ?: d.ret;
}

int nl_link_get(struct nl *nl, int ifindex, struct link_info *l)
{
	struct link_dump d = { .one = l };
	struct nlmsghdr *nlh = link_msg(nl, RTM_GETLINK, 0, ifindex);

	return nl_talk(nl, nlh, link_cb_fn, &d);
}

int nl_xdp_set(struct nl *nl, int ifindex, int fd, uint32_t flags, int expected_fd)
{
	struct nlmsghdr *nlh = link_msg(nl, RTM_SETLINK, 0, ifindex);
	struct nlattr *xdp;

	if (expected_fd >= 0)
		flags |= XDP_FLAGS_REPLACE;
	xdp = mnl_attr_nest_start(nlh, IFLA_XDP);
	mnl_attr_put_u32(nlh, IFLA_XDP_FD, fd);
	mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, flags);
	if (expected_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_XDP_EXPECTED_FD, expected_fd);
	mnl_attr_nest_end(nlh, xdp);
	return nl_talk(nl, nlh, NULL, NULL);
}
