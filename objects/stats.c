// SPDX-License-Identifier: GPL-2.0-only
/* stats: counts packets, never judges them; at XDP (sec xdp; chainable) and tc (sec tc). */
#include "lib/chain.h"
#include "lib/stats.h"

SEC("xdp")
int stats_xdp(struct xdp_md *ctx)
{
	struct pkt p = pkt_from_xdp(ctx);

	stats_count(&p);
	return chain_xdp_verdict(ctx, XDP_PASS);
}

SEC("tc")
int stats_tc(struct __sk_buff *skb)
{
	struct pkt p = pkt_from_skb(skb);

	stats_count(&p);
	return TC_ACT_UNSPEC; /* the next filter on the hook runs, as after fw's pass */
}

char LICENSE[] SEC("license") = "GPL";
