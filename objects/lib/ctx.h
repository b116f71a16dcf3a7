/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The context layer: what object logic sees of a packet, whichever hook it
 * runs at. Entry programs turn their hook's context into a struct pkt, call
 * the logic (written once, inlined into each entry) and turn its enum
 * ctx_verdict back into the hook's return code.
 */
#ifndef TCCTL_LIB_CTX_H
#define TCCTL_LIB_CTX_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "../abi/fw.h"

struct pkt {
	void *data;
	void *data_end;
	__u32 len;     /* whole frame, also the part tc keeps outside the linear area */
	__u32 ifindex; /* the interface the hook runs on */
	__u32 hook;    /* enum fw_hook */
};

enum ctx_verdict {
	CTX_PASS,
	CTX_DROP,
};

/*
 * Headers we may parse: Ethernet, two VLAN tags, the IPv6 header and a few
 * extension headers. tc sees only the linear part of an skb through data and
 * data_end; pulling this much up front keeps parsers free of pull-and-retry.
 */
#define CTX_PARSE_LEN 256

static __always_inline struct pkt pkt_from_xdp(struct xdp_md *ctx)
{
	struct pkt p = {
		.data = (void *)(long)ctx->data,
		.data_end = (void *)(long)ctx->data_end,
		.ifindex = ctx->ingress_ifindex,
		.hook = FW_HOOK_XDP,
	};

	p.len = p.data_end - p.data;
	return p;
}

static __always_inline struct pkt pkt_from_skb(struct __sk_buff *skb)
{
	__u32 linear = skb->data_end - skb->data;
	struct pkt p;

	if (linear < CTX_PARSE_LEN && skb->len > linear)
		bpf_skb_pull_data(skb, skb->len < CTX_PARSE_LEN ? skb->len : CTX_PARSE_LEN);

	p.data = (void *)(long)skb->data;
	p.data_end = (void *)(long)skb->data_end;
	p.len = skb->len;
	p.ifindex = skb->ifindex;
	/*
	 * __sk_buff says nothing of the direction. At ingress the kernel has
	 * just set skb_iif to this device; at egress skb_iif is 0 for local
	 * traffic or the device a forwarded packet came in on, which is this
	 * one only for a packet hairpinned back out where it arrived.
	 */
	p.hook = skb->ingress_ifindex == skb->ifindex ? FW_HOOK_TC_INGRESS : FW_HOOK_TC_EGRESS;
	return p;
}

static __always_inline int ctx_verdict_xdp(enum ctx_verdict v)
{
	return v == CTX_DROP ? XDP_DROP : XDP_PASS;
}

/*
 * TC_ACT_UNSPEC rather than TC_ACT_OK for a pass: the next filter on the hook
 * still runs (an object chained after this one), and with none left the
 * packet goes on as with TC_ACT_OK.
 */
static __always_inline int ctx_verdict_skb(enum ctx_verdict v)
{
	return v == CTX_DROP ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

#endif /* TCCTL_LIB_CTX_H */
