// SPDX-License-Identifier: GPL-2.0-only
/* fw: verdicts per IP protocol, at XDP (sec xdp) and tc (sec tc). */
#include "lib/fw.h"

SEC("xdp")
int fw_xdp(struct xdp_md *ctx)
{
	struct pkt p = pkt_from_xdp(ctx);

	return ctx_verdict_xdp(fw_process(&p));
}

SEC("tc")
int fw_tc(struct __sk_buff *skb)
{
	struct pkt p = pkt_from_skb(skb);

	return ctx_verdict_skb(fw_process(&p));
}

char LICENSE[] SEC("license") = "GPL";
