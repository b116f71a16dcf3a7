// SPDX-License-Identifier: GPL-2.0-only
/*
 * chain: the root program of a device's XDP chain (abi/chain.h). tcctl loads
 * one per device, with chain_id set in .rodata, and attaches it in place of
 * the device's single program. A chain that ends early passes the packet.
 */
#include "lib/chain.h"

const volatile __u32 chain_id;

SEC("xdp")
int chain_xdp(struct xdp_md *ctx)
{
	__u32 id = chain_id;
	struct chain_head *head;

	head = bpf_map_lookup_elem(&chain_heads, &id);
	/*
	 * A freed chain keeps its first slot: a packet that got here as the root
	 * was being detached still meets the programs it was meant for.
	 */
	if (!head)
		return XDP_PASS;
	return chain_run(ctx, head->first);
}

char LICENSE[] SEC("license") = "GPL";
