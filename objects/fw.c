// SPDX-License-Identifier: GPL-2.0-only
/* fw: the firewall, at XDP (sec xdp; chainable) and tc (sec tc). */
#include "lib/chain.h"
#include "lib/fw.h"

SEC("xdp")
int fw_xdp(struct xdp_md *ctx)
{
	struct pkt p = pkt_from_xdp(ctx);

	return chain_xdp_verdict(ctx, ctx_verdict_xdp(fw_process(&p)));
}

SEC("tc")
int fw_tc(struct __sk_buff *skb)
{
	struct pkt p = pkt_from_skb(skb);

	return ctx_verdict_skb(fw_process(&p));
}

char LICENSE[] SEC("license") = "GPL";
