/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The netlink layer, over libmnl: clsact qdiscs, cls_bpf filters and XDP on
 * links. Every request asks for an ACK with extended acks on, and a failed
 * request leaves the kernel's own message (extack) in nl->errmsg, so callers
 * can print what the kernel said rather than a bare errno.
 */
#ifndef TCCTL_NL_H
#define TCCTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#define NL_BUF_SIZE 32768

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char errmsg[256]; /* the last request's extack, "" if none */
	char buf[NL_BUF_SIZE];
};

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);
/* strerror(-err), or the kernel's extack message when it sent one */
const char *nl_strerror(const struct nl *nl, int err);

enum tc_dir {
	TC_DIR_INGRESS,
	TC_DIR_EGRESS,
};

const char *tc_dir_name(enum tc_dir dir);

/* qdiscs: the kind at the ingress/clsact slot ("clsact", "ingress" or "") */
int nl_qdisc_ingress_kind(struct nl *nl, int ifindex, char *kind, size_t len);
int nl_clsact_add(struct nl *nl, int ifindex);
int nl_clsact_del(struct nl *nl, int ifindex);

/* cls_bpf filters under clsact */
struct tc_filter {
	uint32_t prio;
	uint32_t handle;
	uint16_t protocol; /* network order, ETH_P_ALL for every frame */
	char kind[16];
	char name[256]; /* TCA_BPF_NAME */
	uint32_t prog_id;
	bool direct_action;
};

/* a non-zero return ends the walk and is returned by the dump */
typedef int (*tc_filter_cb)(const struct tc_filter *f, void *data);

int nl_filter_dump(struct nl *nl, int ifindex, enum tc_dir dir, tc_filter_cb cb, void *data);
int nl_filter_set(struct nl *nl, int ifindex, enum tc_dir dir, uint32_t prio, uint32_t handle,
		  int prog_fd, const char *name, bool replace);
int nl_filter_del(struct nl *nl, int ifindex, enum tc_dir dir, uint32_t prio, uint32_t handle);

/* links and their XDP programs */
struct link_info {
	int ifindex;
	char name[16];
	uint8_t xdp_attached; /* XDP_ATTACHED_* */
	uint32_t xdp_drv_id;
	uint32_t xdp_skb_id;
	uint32_t xdp_hw_id;
};

typedef int (*link_cb)(const struct link_info *l, void *data);

int nl_link_dump(struct nl *nl, link_cb cb, void *data);
int nl_link_get(struct nl *nl, int ifindex, struct link_info *l);
/* fd -1 detaches; expected_fd >= 0 makes it an atomic replace of that program */
int nl_xdp_set(struct nl *nl, int ifindex, int fd, uint32_t flags, int expected_fd);

#endif /* TCCTL_NL_H */
