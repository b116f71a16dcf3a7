/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Header parsing shared by the objects: from the Ethernet header, through at
 * most two VLAN tags (802.1Q, 802.1ad), to the IPv4 or IPv6 header and the
 * upper-layer protocol behind IPv6 extension headers. Every step is bounds
 * checked against data_end; the result says what the caller may rely on.
 */
#ifndef TCCTL_LIB_PARSE_H
#define TCCTL_LIB_PARSE_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <stdbool.h>
#include <bpf/bpf_endian.h>

#include "ctx.h"

#define PARSE_MAX_VLANS	  2
#define PARSE_MAX_EXTHDRS 6

/* IPv4 frag_off, host order (the uapi headers leave them to the kernel's) */
#define PARSE_IP_MF	0x2000
#define PARSE_IP_OFFSET 0x1fff

enum parse_result {
	PARSE_IP,	 /* l3 and l4proto are valid */
	PARSE_NON_IP,	 /* a well-formed frame that carries no IP */
	PARSE_MALFORMED, /* truncated, or an IP header that is not one */
};

enum l3_frag {
	L3_FRAG_NONE,  /* a whole datagram */
	L3_FRAG_FIRST, /* the first fragment: it carries the upper-layer header */
	L3_FRAG_LATER, /* a later fragment: no upper-layer header */
};

struct l3 {
	void *hdr; /* the IPv4 or IPv6 header */
	__u16 proto; /* ETH_P_IP or ETH_P_IPV6, host order */
	__u8 l4proto;
	__u8 frag; /* enum l3_frag */
	__u16 l4off; /* from data to the upper-layer header */
};

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

static __always_inline int parse_eth(struct pkt *p, __u16 *proto, void **next)
{
	struct ethhdr *eth = p->data;
	struct vlan_tag *tag;
	__u16 type;
	int i;

	if ((void *)(eth + 1) > p->data_end)
		return PARSE_MALFORMED;
	type = bpf_ntohs(eth->h_proto);
	tag = (void *)(eth + 1);

#pragma unroll
	for (i = 0; i < PARSE_MAX_VLANS; i++) {
		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			break;
		if ((void *)(tag + 1) > p->data_end)
			return PARSE_MALFORMED;
		type = bpf_ntohs(tag->proto);
		tag++;
	}
	*proto = type;
	*next = tag;
	return type == ETH_P_IP || type == ETH_P_IPV6 ? PARSE_IP : PARSE_NON_IP;
}

static __always_inline int parse_ipv4(struct pkt *p, struct iphdr *iph, struct l3 *l3)
{
	__u32 hlen;

	if ((void *)(iph + 1) > p->data_end)
		return PARSE_MALFORMED;
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph))
		return PARSE_MALFORMED;
	if ((void *)iph + hlen > p->data_end)
		return PARSE_MALFORMED; /* options cut short */
	l3->l4proto = iph->protocol;
	l3->l4off = (void *)iph + hlen - p->data;
	if (iph->frag_off & bpf_htons(PARSE_IP_OFFSET))
		l3->frag = L3_FRAG_LATER;
	else if (iph->frag_off & bpf_htons(PARSE_IP_MF))
		l3->frag = L3_FRAG_FIRST;
	else
		l3->frag = L3_FRAG_NONE;
	return PARSE_IP;
}

struct ipv6_opt {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

/* the extension headers IPv4 carries as options or flags */
static __always_inline bool ipv6_is_exthdr(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS;
}

/*
 * Walks at most PARSE_MAX_EXTHDRS extension headers. AH and ESP are
 * protocols in both families, so they end the walk as they end an IPv4
 * header. A header that runs past the frame makes the packet malformed,
 * like IPv4 options cut short.
 */
static __always_inline int parse_ipv6(struct pkt *p, struct ipv6hdr *ip6h, struct l3 *l3)
{
	struct ipv6_opt *opt;
	__u8 nexthdr, hdr;
	int i;

	if ((void *)(ip6h + 1) > p->data_end)
		return PARSE_MALFORMED;
	if (ip6h->version != 6)
		return PARSE_MALFORMED;
	nexthdr = ip6h->nexthdr;
	opt = (void *)(ip6h + 1);
	l3->frag = L3_FRAG_NONE;

#pragma unroll
	for (i = 0; i < PARSE_MAX_EXTHDRS; i++) {
		if (!ipv6_is_exthdr(nexthdr))
			break;
		if ((void *)(opt + 1) > p->data_end)
			return PARSE_MALFORMED;
		hdr = nexthdr;
		nexthdr = opt->nexthdr;
		if (hdr == IPPROTO_FRAGMENT) {
			struct frag_hdr *fh = (void *)opt;

			if ((void *)(fh + 1) > p->data_end)
				return PARSE_MALFORMED;
			/* offset in the top 13 bits, M in the lowest */
			l3->frag = fh->frag_off & bpf_htons(0xfff8) ? L3_FRAG_LATER :
				   fh->frag_off & bpf_htons(1)	     ? L3_FRAG_FIRST :
								       l3->frag;
		}
		/* the fragment header's second byte is reserved: it is always 8 bytes */
		opt = (void *)opt + (hdr == IPPROTO_FRAGMENT ? 8 : (opt->hdrlen + 1) * 8);
		if ((void *)opt > p->data_end)
			return PARSE_MALFORMED;
	}
	if (ipv6_is_exthdr(nexthdr))
		return PARSE_MALFORMED; /* a longer chain than any sane sender builds */
	l3->l4proto = nexthdr;
	l3->l4off = (void *)opt - p->data;
	return PARSE_IP;
}

static __always_inline int parse_l3(struct pkt *p, struct l3 *l3)
{
	void *next;
	int ret;

	ret = parse_eth(p, &l3->proto, &next);
	if (ret != PARSE_IP)
		return ret;
	l3->hdr = next;
	if (l3->proto == ETH_P_IP)
		return parse_ipv4(p, next, l3);
	return parse_ipv6(p, next, l3);
}

/*
 * The IP family of a frame by its ethertype, 4 or 6, else 0: parse_eth sets
 * the ethertype before any IP header is read, so a malformed IP frame keeps
 * its family.
 */
static __always_inline __u8 parse_family(const struct l3 *l3)
{
	switch (l3->proto) {
	case ETH_P_IP:
		return 4;
	case ETH_P_IPV6:
		return 6;
	default:
		return 0;
	}
}

/*
 * The slot a parse result classifies a packet into (abi/fw.h enum fw_slot):
 * the IP protocol, or a pseudo-protocol for frames without IP and frames
 * that do not parse. Every object that counts or judges by protocol uses it,
 * so that fw and stats agree on what a packet is.
 */
static __always_inline __u32 parse_slot(int parsed, const struct l3 *l3)
{
	switch (parsed) {
	case PARSE_IP:
		return l3->l4proto;
	case PARSE_NON_IP:
		return FW_SLOT_NON_IP;
	default:
		return FW_SLOT_MALFORMED;
	}
}

/*
 * IPv4 in a 16-byte address field, as every object's maps store it:
 * IPv4-mapped IPv6 (::ffff:a.b.c.d), so tcctl and bpftool show the address
 * and 10.0.0.1 never equals the IPv6 address 10.0.0.1::.
 */
static __always_inline void addr_ipv4_mapped(__u8 *dst, __be32 addr)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &addr, 4);
}

/* what rules match on above IP: ports, or the ICMP type */
struct l4 {
	__u16 sport, dport; /* host order, with has_ports */
	__u8 has_ports;
	__u8 has_icmp;
	__u8 icmp_type;
};

static __always_inline bool l4_has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_SCTP;
}

/*
 * Later fragments carry no upper-layer header, and a header cut short is no
 * header: both leave has_ports and has_icmp clear, so rules that name ports
 * or ICMP types do not match them (documented in objects.md).
 */
static __always_inline void parse_l4(struct pkt *p, const struct l3 *l3, struct l4 *l4)
{
	__u32 off = l3->l4off;
	__u8 *hdr;

	l4->has_ports = 0;
	l4->has_icmp = 0;
	if (l3->frag == L3_FRAG_LATER || off > 1023)
		return;
	/*
	 * The mask is the bound the verifier needs on the register the access
	 * uses; the empty asm stops clang from dropping it as redundant.
	 */
	asm volatile("" : "+r"(off));
	hdr = p->data + (off & 1023);
	if (l4_has_ports(l3->l4proto)) {
		__be16 *ports = (__be16 *)hdr;

		if ((void *)(ports + 2) > p->data_end)
			return;
		l4->sport = bpf_ntohs(ports[0]);
		l4->dport = bpf_ntohs(ports[1]);
		l4->has_ports = 1;
	} else if (l3->l4proto == IPPROTO_ICMP || l3->l4proto == IPPROTO_ICMPV6) {
		if ((void *)(hdr + 1) > p->data_end)
			return;
		l4->icmp_type = *hdr;
		l4->has_icmp = 1;
	}
}

#endif /* TCCTL_LIB_PARSE_H */
