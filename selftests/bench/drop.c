// SPDX-License-Identifier: GPL-2.0-only
/* make bench's ceiling for a drop: programs that only drop, to set beside fw's rate. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_xdp_drop(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_DROP;
}

SEC("tc")
int bench_tc_drop(struct __sk_buff *skb __attribute__((unused)))
{
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
