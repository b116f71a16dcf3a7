// SPDX-License-Identifier: GPL-2.0-only
/* fw: the firewall, at XDP (sec xdp; chainable) and tc (sec tc). */
#include "lib/chain.h"
#include "lib/fw.h"

/*
 * Global functions: the verifier checks each once, on its own, whatever
 * state the caller is in (see fw_report). They are called only when drop
 * events are on: otherwise a drop costs one array lookup more.
 */
__attribute__((noinline)) int fw_report_xdp(struct xdp_md *ctx, __u32 table, __u32 reason,
					    __u32 rule)
{
	struct fw_drop why = { .table = table, .reason = reason, .rule = rule };
	struct pkt p = pkt_from_xdp(ctx);

	fw_report(&p, &why);
	return 0;
}

__attribute__((noinline)) int fw_report_skb(struct __sk_buff *skb, __u32 table, __u32 reason,
					    __u32 rule)
{
	struct fw_drop why = { .table = table, .reason = reason, .rule = rule };
	struct pkt p = pkt_from_skb(skb);

	fw_report(&p, &why);
	return 0;
}

SEC("xdp")
int fw_xdp(struct xdp_md *ctx)
{
	struct pkt p = pkt_from_xdp(ctx);
	struct fw_drop why;

	if (fw_process(&p, &why) == CTX_PASS)
		return chain_xdp_verdict(ctx, XDP_PASS);
	if (events_drops_on())
		fw_report_xdp(ctx, why.table, why.reason, why.rule);
	return XDP_DROP;
}

SEC("tc")
int fw_tc(struct __sk_buff *skb)
{
	struct pkt p = pkt_from_skb(skb);
	struct fw_drop why;

	if (fw_process(&p, &why) == CTX_PASS)
		return ctx_verdict_skb(CTX_PASS);
	if (events_drops_on())
		fw_report_skb(skb, why.table, why.reason, why.rule);
	return ctx_verdict_skb(CTX_DROP);
}

char LICENSE[] SEC("license") = "GPL";
