// SPDX-License-Identifier: GPL-2.0-only
/*
 * redir: same-host port redirect (sec tc; ingress, and egress for UDP replies).
 * tc only: bpf_sk_assign exists at tc ingress, not at XDP.
 */
#include "lib/redir.h"

SEC("tc")
int redir_tc(struct __sk_buff *skb)
{
	redir_run(skb);
	return TC_ACT_UNSPEC; /* always a pass: the next filter on the hook runs */
}

char LICENSE[] SEC("license") = "GPL";
