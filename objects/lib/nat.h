/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rewriting one side (source or destination) of a TCP or UDP packet's
 * address and port at tc, with the IPv4 header checksum and the TCP/UDP
 * checksum kept valid by incremental updates (RFC 1624) through the
 * kernel's helpers, which also keep skb->csum right for CHECKSUM_COMPLETE
 * packets and update only the pseudo-header sum for CHECKSUM_PARTIAL ones.
 *
 * Positions are offsets from skb->data, not pointers: every helper that
 * writes the packet invalidates packet pointers, and offsets survive.
 */
#ifndef TCCTL_LIB_NAT_H
#define TCCTL_LIB_NAT_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <stddef.h>
#include <bpf/bpf_helpers.h>

#include "../abi/types.h"

/* where a parsed packet's headers are, from skb->data */
struct nat_pos {
	__u16 l3off;
	__u16 l4off;
	__u16 csum_off; /* the TCP or UDP checksum */
	__u8 family;	/* 4 or 6 */
	__u8 proto;	/* IPPROTO_TCP or IPPROTO_UDP */
};

enum nat_side {
	NAT_SRC,
	NAT_DST,
};

/* an address as words, on the stack, 4-aligned: the verifier wants aligned stack reads */
union nat_addr {
	__be32 w[4];
	__u8 b[16];
};

/*
 * UDP: a zero checksum is "none" in IPv4 and must stay zero, and a sum that
 * comes out zero must be sent as 0xffff (BPF_F_MARK_MANGLED_0 does both).
 */
static __always_inline __u64 nat_l4_flags(const struct nat_pos *pos)
{
	return pos->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
}

static __always_inline long nat_addr4(struct __sk_buff *skb, const struct nat_pos *pos,
				      enum nat_side side, __be32 from, __be32 to)
{
	__u32 at = pos->l3off + (side == NAT_DST ? offsetof(struct iphdr, daddr) :
						   offsetof(struct iphdr, saddr));
	long ret;

	/* the address is in the TCP/UDP pseudo-header, and in the IPv4 header's sum */
	ret = bpf_l4_csum_replace(skb, pos->csum_off, from, to,
				  nat_l4_flags(pos) | BPF_F_PSEUDO_HDR | sizeof(to));
	if (ret)
		return ret;
	ret = bpf_l3_csum_replace(skb, pos->l3off + offsetof(struct iphdr, check), from, to,
				  sizeof(to));
	if (ret)
		return ret;
	return bpf_skb_store_bytes(skb, at, &to, sizeof(to), 0);
}

static __always_inline long nat_addr6(struct __sk_buff *skb, const struct nat_pos *pos,
				      enum nat_side side, union nat_addr *from, union nat_addr *to)
{
	__u32 at = pos->l3off + (side == NAT_DST ? offsetof(struct ipv6hdr, daddr) :
						   offsetof(struct ipv6hdr, saddr));
	__s64 diff;
	long ret;

	/* 16 bytes are more than the helper's 2 or 4: hand it the difference (size 0) */
	diff = bpf_csum_diff(from->w, sizeof(*from), to->w, sizeof(*to), 0);
	if (diff < 0)
		return diff;
	ret = bpf_l4_csum_replace(skb, pos->csum_off, 0, diff,
				  nat_l4_flags(pos) | BPF_F_PSEUDO_HDR);
	if (ret)
		return ret;
	/*
	 * For CHECKSUM_COMPLETE, the pseudo-header update above also takes
	 * the difference out of skb->csum, as is right for IPv4, whose header
	 * checksum moves with the address. IPv6 has no header checksum, so the
	 * address bytes themselves must go into skb->csum: RECOMPUTE_CSUM.
	 * (6.16's BPF_F_IPV6 says so instead, but 6.1 refuses the flag.)
	 */
	return bpf_skb_store_bytes(skb, at, to->w, sizeof(*to), BPF_F_RECOMPUTE_CSUM);
}

/*
 * Rewrites side's address (16 bytes, network order; IPv4 in the first 4)
 * and port from the given old values to the new ones. Returns 0 or the
 * failing helper's -errno; the packet may then be half rewritten, and the
 * caller must drop it.
 */
static __always_inline long nat_rewrite(struct __sk_buff *skb, const struct nat_pos *pos,
					enum nat_side side, const __u8 *old_addr,
					const __u8 *new_addr, __be16 old_port, __be16 new_port)
{
	__u32 at = pos->l4off + (side == NAT_DST ? offsetof(struct udphdr, dest) :
						   offsetof(struct udphdr, source));
	union nat_addr from, to;
	long ret;

	__builtin_memcpy(from.b, old_addr, sizeof(from));
	__builtin_memcpy(to.b, new_addr, sizeof(to));
	if (pos->family == 4)
		ret = nat_addr4(skb, pos, side, from.w[0], to.w[0]);
	else
		ret = nat_addr6(skb, pos, side, &from, &to);
	if (ret)
		return ret;
	if (old_port == new_port)
		return 0;
	/* ports are not in the pseudo-header (TCP and UDP have them in the same place) */
	ret = bpf_l4_csum_replace(skb, pos->csum_off, old_port, new_port,
				  nat_l4_flags(pos) | sizeof(new_port));
	if (ret)
		return ret;
	return bpf_skb_store_bytes(skb, at, &new_port, sizeof(new_port), 0);
}

#endif /* TCCTL_LIB_NAT_H */
