// SPDX-License-Identifier: GPL-2.0-only
/* make bench's floor: programs that only return, to set beside fw's cost. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_xdp_pass(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_PASS;
}

SEC("tc")
int bench_tc_pass(struct __sk_buff *skb __attribute__((unused)))
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
