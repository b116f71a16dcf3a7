// SPDX-License-Identifier: GPL-2.0-only
/* lb: L4 load balancer with NAT, at tc only (sec tc): it rewrites with skb helpers. */
#include "lib/lb.h"

SEC("tc")
int lb_tc(struct __sk_buff *skb)
{
	struct pkt p = pkt_from_skb(skb);

	return ctx_verdict_skb(lb_process(skb, &p));
}

char LICENSE[] SEC("license") = "GPL";
