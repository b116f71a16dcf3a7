/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hand-built frames for the unit tests that run objects through
 * BPF_PROG_TEST_RUN: Ethernet, VLAN tags, IPv4 and IPv6 (with extension
 * headers), ICMP, UDP, TCP and ARP, put one after the other into a
 * struct frame, which keeps where its IP and upper-layer headers start.
 * frame_done() fills in lengths and checksums once the frame is complete.
 */
#ifndef TCCTL_SELFTESTS_FRAME_H
#define TCCTL_SELFTESTS_FRAME_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>

#define FRAME_MAX 512

struct frame {
	__u32 len;
	__u32 l3; /* offset of the IP header, 0 when there is none */
	__u32 l4; /* offset of what follows the IP header (and IPv6 extension headers) */
	/* data starts 2 bytes in so that, as with NET_IP_ALIGN, IP headers are aligned */
	__u8 buf[2 + FRAME_MAX] __attribute__((aligned(8)));
};

static inline __u8 *frame_data(const struct frame *f)
{
	return (__u8 *)f->buf + 2;
}

/* Appends len zeroed bytes to the frame. */
static inline void *put(struct frame *f, __u32 len)
{
	void *p = frame_data(f) + f->len;

	if (f->len + len > FRAME_MAX) {
		fprintf(stderr, "    test bug: frame over %d bytes\n", FRAME_MAX);
		exit(2);
	}
	memset(p, 0, len);
	f->len += len;
	return p;
}

/* The Internet checksum (RFC 1071), in network order. */
static inline __be16 csum(const void *data, __u32 len)
{
	const __u8 *p = data;
	__u32 sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* Starts a frame: dst 02::02, src 02::01. */
static inline void put_eth(struct frame *f, __u16 proto)
{
	static const __u8 dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const __u8 src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct ethhdr *eth;

	memset(f, 0, sizeof(*f));
	eth = put(f, sizeof(*eth));
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(proto);
}

/* An 802.1Q or 802.1ad tag (which one is the previous header's type). */
static inline void put_vlan(struct frame *f, __u16 vid, __u16 proto)
{
	__be16 *tag = put(f, 2 * sizeof(*tag));

	tag[0] = htons(vid);
	tag[1] = htons(proto);
}

/* 10.0.0.1 > 10.0.0.2; frame_done() fills in the length and checksum. */
static inline void put_ipv4(struct frame *f, __u8 proto)
{
	struct iphdr *iph;

	f->l3 = f->len;
	iph = put(f, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->id = htons(0x4242);
	iph->frag_off = htons(0x4000); /* DF */
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = htonl(0x0a000001);
	iph->daddr = htonl(0x0a000002);
	f->l4 = f->len;
}

/* fd00::1 > fd00::2; frame_done() fills in the payload length. */
static inline void put_ipv6(struct frame *f, __u8 nexthdr)
{
	struct ipv6hdr *ip6h;

	f->l3 = f->len;
	ip6h = put(f, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->nexthdr = nexthdr;
	ip6h->hop_limit = 64;
	ip6h->saddr.s6_addr[0] = ip6h->daddr.s6_addr[0] = 0xfd;
	ip6h->saddr.s6_addr[15] = 1;
	ip6h->daddr.s6_addr[15] = 2;
	f->l4 = f->len;
}

/* A hop-by-hop or destination options header of (hdrlen + 1) * 8 bytes, all padding. */
static inline void put_ipv6_opts(struct frame *f, __u8 nexthdr, __u8 hdrlen)
{
	__u32 len = (hdrlen + 1) * 8;
	struct ipv6_opt_hdr *opt = put(f, len);
	__u8 *padn = (__u8 *)(opt + 1);

	opt->nexthdr = nexthdr;
	opt->hdrlen = hdrlen;
	padn[0] = 1; /* PadN, over the rest of the header */
	padn[1] = len - sizeof(*opt) - 2;
	f->l4 = f->len;
}

/* A type 2 routing header (Mobile IPv6), 24 bytes. */
static inline void put_ipv6_routing(struct frame *f, __u8 nexthdr)
{
	struct rt2_hdr *rt = put(f, sizeof(*rt));

	rt->rt_hdr.nexthdr = nexthdr;
	rt->rt_hdr.hdrlen = sizeof(*rt) / 8 - 1;
	rt->rt_hdr.type = 2;
	rt->rt_hdr.segments_left = 1;
	rt->addr.s6_addr[0] = 0xfd;
	rt->addr.s6_addr[15] = 3;
	f->l4 = f->len;
}

/* The fragment header of a first fragment; uapi has no struct for it. */
static inline void put_ipv6_frag(struct frame *f, __u8 nexthdr)
{
	struct {
		__u8 nexthdr;
		__u8 reserved;
		__be16 frag_off;
		__be32 identification;
	} *frag = put(f, 8);

	frag->nexthdr = nexthdr;
	frag->frag_off = htons(1); /* offset 0, more fragments */
	frag->identification = htonl(0xfeed);
	f->l4 = f->len;
}

static inline void put_payload(struct frame *f, __u32 len)
{
	__u8 *p = put(f, len);
	__u32 i;

	for (i = 0; i < len; i++)
		p[i] = 'a' + i % 26;
}

/* frame_done() computes its checksum; ICMPv6's needs the pseudo-header, fw none. */
static inline void put_icmp_echo(struct frame *f)
{
	struct icmphdr *icmp = put(f, sizeof(*icmp));

	icmp->type = ICMP_ECHO;
	icmp->un.echo.id = htons(0x7e57);
	icmp->un.echo.sequence = htons(1);
	put_payload(f, 56);
}

static inline void put_icmpv6_echo(struct frame *f)
{
	struct icmp6hdr *icmp6 = put(f, sizeof(*icmp6));

	icmp6->icmp6_type = ICMPV6_ECHO_REQUEST;
	icmp6->icmp6_identifier = htons(0x7e57);
	icmp6->icmp6_sequence = htons(1);
	put_payload(f, 56);
}

/* Checksum 0: none, as IPv4 allows (fw reads no transport header). */
static inline void put_udp(struct frame *f)
{
	struct udphdr *udp = put(f, sizeof(*udp));

	udp->source = htons(40000);
	udp->dest = htons(53);
	udp->len = htons(sizeof(*udp) + 32);
	put_payload(f, 32);
}

/* A SYN; checksum 0, as in put_udp(). */
static inline void put_tcp(struct frame *f)
{
	struct tcphdr *tcp = put(f, sizeof(*tcp));

	tcp->source = htons(40000);
	tcp->dest = htons(80);
	tcp->seq = htonl(1);
	tcp->doff = sizeof(*tcp) / 4;
	tcp->syn = 1;
	tcp->window = htons(64240);
}

/* Fills in the IP lengths and the IPv4 and ICMP checksums. */
static inline void frame_done(struct frame *f)
{
	__u8 *l3 = frame_data(f) + f->l3;

	if (!f->l3)
		return;
	if (l3[0] >> 4 == 4) {
		struct iphdr *iph = (struct iphdr *)l3;

		iph->tot_len = htons(f->len - f->l3);
		iph->check = 0;
		iph->check = csum(iph, iph->ihl * 4);
		if (iph->protocol == IPPROTO_ICMP) {
			struct icmphdr *icmp = (struct icmphdr *)(frame_data(f) + f->l4);

			icmp->checksum = 0;
			icmp->checksum = csum(icmp, f->len - f->l4);
		}
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)l3;

		ip6h->payload_len = htons(f->len - f->l3 - sizeof(*ip6h));
	}
}

/* An ICMP echo request in IPv4 after the given VLAN tags (TPIDs, outermost first). */
static inline void icmp4_frame(struct frame *f, const __u16 *tpids, int ntags)
{
	int i;

	put_eth(f, ntags ? tpids[0] : ETH_P_IP);
	for (i = 0; i < ntags; i++)
		put_vlan(f, 100 + i, i + 1 < ntags ? tpids[i + 1] : ETH_P_IP);
	put_ipv4(f, IPPROTO_ICMP);
	put_icmp_echo(f);
	frame_done(f);
}

static inline void tcp4_frame(struct frame *f)
{
	put_eth(f, ETH_P_IP);
	put_ipv4(f, IPPROTO_TCP);
	put_tcp(f);
	frame_done(f);
}

static inline void udp4_frame(struct frame *f)
{
	put_eth(f, ETH_P_IP);
	put_ipv4(f, IPPROTO_UDP);
	put_udp(f);
	frame_done(f);
}

static inline void icmp6_frame(struct frame *f)
{
	put_eth(f, ETH_P_IPV6);
	put_ipv6(f, IPPROTO_ICMPV6);
	put_icmpv6_echo(f);
	frame_done(f);
}

/* IPv6, then n extension headers (n <= 7) in the order RFC 8200 recommends, then UDP. */
static inline void ext_chain_frame(struct frame *f, int n)
{
	static const __u8 chain[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,
				      IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				      IPPROTO_DSTOPTS };
	int i;

	put_eth(f, ETH_P_IPV6);
	put_ipv6(f, n ? chain[0] : IPPROTO_UDP);
	for (i = 0; i < n; i++) {
		__u8 next = i + 1 < n ? chain[i + 1] : IPPROTO_UDP;

		if (chain[i] == IPPROTO_ROUTING)
			put_ipv6_routing(f, next);
		else if (chain[i] == IPPROTO_FRAGMENT)
			put_ipv6_frag(f, next);
		else
			put_ipv6_opts(f, next, 0);
	}
	put_udp(f);
	frame_done(f);
}

/* 42 bytes: a who-has 10.0.0.2 from 10.0.0.1. */
static inline void arp_frame(struct frame *f)
{
	struct arphdr *arp;
	__u8 *addrs;

	put_eth(f, ETH_P_ARP);
	memset(frame_data(f), 0xff, ETH_ALEN); /* broadcast */
	arp = put(f, sizeof(*arp));
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons(ARPOP_REQUEST);
	addrs = put(f, 2 * (ETH_ALEN + 4));
	memcpy(addrs, frame_data(f) + ETH_ALEN, ETH_ALEN);
	memcpy(addrs + ETH_ALEN, "\x0a\x00\x00\x01", 4);
	memcpy(addrs + 2 * ETH_ALEN + 4, "\x0a\x00\x00\x02", 4);
}

#endif /* TCCTL_SELFTESTS_FRAME_H */
