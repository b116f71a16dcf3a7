/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * redir's per-packet logic: a same-host port redirect by socket assignment.
 *
 * At tc ingress, a TCP or UDP packet for port A that a redirect names is
 * handed to the socket on port B with bpf_sk_assign, headers untouched: the
 * stack then delivers it to that socket instead of looking one up. A TCP
 * listener on B accepts a connection whose local port is A (the packet's),
 * so the accepted socket answers from A and the rest of the connection
 * finds that socket by its own tuple; those packets are left to the stack.
 * A UDP socket on B answers from B: the flow is remembered (redir_flows,
 * keyed by the reply's tuple) and, at tc egress, the reply's source port is
 * set back to A, its checksum adjusted.
 *
 * redir fails open: a packet it cannot parse (non-IP, truncated, malformed),
 * a fragment (no ports, or not the whole datagram), a protocol other than
 * TCP and UDP, and a packet for A with no socket on B that takes it all go
 * on unchanged (the last counted as a miss). Layouts: ../abi/redir.h.
 */
#ifndef TCCTL_LIB_REDIR_H
#define TCCTL_LIB_REDIR_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <stddef.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "../abi/redir.h"
#include "ctx.h"
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, REDIR_MAX_RULES);
	__type(key, struct redir_key);
	__type(value, struct redir_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} redir_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, REDIR_MAX_RULES);
	__type(key, __u32);
	__type(value, struct redir_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} redir_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, REDIR_FLOWS);
	__type(key, struct redir_flow);
	__type(value, struct redir_nat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} redir_flows SEC(".maps");

/* a TCP or UDP packet as redir sees it */
struct redir_pkt {
	struct bpf_sock_tuple tuple; /* source -> destination, as the lookups want it */
	__u32 l4off; /* from data to the TCP or UDP header */
	__u8 family; /* enum redir_family */
	__u8 proto;
};

/* 0 for a whole TCP or UDP datagram whose ports are in r; -1: leave it alone */
static __always_inline int redir_parse(struct pkt *p, struct redir_pkt *r)
{
	struct l3 l3 = {};
	__be16 *ports;
	__u32 off;
	void *hdr;

	if (parse_l3(p, &l3) != PARSE_IP)
		return -1; /* redir fails open: non-IP, truncated and malformed pass */
	if (l3.frag != L3_FRAG_NONE)
		return -1; /* fragments pass: later ones have no ports, the first is not all */
	if (l3.l4proto != IPPROTO_TCP && l3.l4proto != IPPROTO_UDP)
		return -1;
	off = l3.l4off;
	if (off > 1023)
		return -1;
	/* the mask bounds the register the access uses; the asm keeps clang from dropping it */
	asm volatile("" : "+r"(off));
	hdr = p->data + (off & 1023);
	if (l3.l4proto == IPPROTO_TCP) {
		struct tcphdr *th = hdr;

		if ((void *)(th + 1) > p->data_end)
			return -1; /* a TCP header cut short passes */
	} else {
		if (hdr + sizeof(struct udphdr) > p->data_end)
			return -1;
	}
	ports = hdr;
	r->l4off = off & 1023;
	r->proto = l3.l4proto;
	if (l3.proto == ETH_P_IP) {
		struct iphdr *iph = l3.hdr;

		if ((void *)(iph + 1) > p->data_end)
			return -1;
		r->family = REDIR_FAMILY_IPV4;
		r->tuple.ipv4.saddr = iph->saddr;
		r->tuple.ipv4.daddr = iph->daddr;
		r->tuple.ipv4.sport = ports[0];
		r->tuple.ipv4.dport = ports[1];
	} else {
		struct ipv6hdr *ip6h = l3.hdr;

		if ((void *)(ip6h + 1) > p->data_end)
			return -1;
		r->family = REDIR_FAMILY_IPV6;
		__builtin_memcpy(r->tuple.ipv6.saddr, &ip6h->saddr, 16);
		__builtin_memcpy(r->tuple.ipv6.daddr, &ip6h->daddr, 16);
		r->tuple.ipv6.sport = ports[0];
		r->tuple.ipv6.dport = ports[1];
	}
	return 0;
}

static __always_inline __be16 *redir_sport(struct redir_pkt *r)
{
	return r->family == REDIR_FAMILY_IPV4 ? &r->tuple.ipv4.sport : &r->tuple.ipv6.sport;
}

static __always_inline __be16 *redir_dport(struct redir_pkt *r)
{
	return r->family == REDIR_FAMILY_IPV4 ? &r->tuple.ipv4.dport : &r->tuple.ipv6.dport;
}

/* the packet's source (remote) and destination (local) in the ABI's 16-byte form */
static __always_inline void redir_addrs(const struct redir_pkt *r, __u8 *src, __u8 *dst)
{
	if (r->family == REDIR_FAMILY_IPV4) {
		addr_ipv4_mapped(src, r->tuple.ipv4.saddr);
		addr_ipv4_mapped(dst, r->tuple.ipv4.daddr);
	} else {
		__builtin_memcpy(src, r->tuple.ipv6.saddr, 16);
		__builtin_memcpy(dst, r->tuple.ipv6.daddr, 16);
	}
}

/*
 * The socket lookups, each with a constant tuple size: the verifier wants
 * the length bounded, and one call per family gives it a constant.
 */
static __always_inline struct bpf_sock *redir_skc_lookup_tcp(struct __sk_buff *skb,
							     struct redir_pkt *r)
{
	if (r->family == REDIR_FAMILY_IPV4)
		return bpf_skc_lookup_tcp(skb, &r->tuple, sizeof(r->tuple.ipv4),
					  BPF_F_CURRENT_NETNS, 0);
	return bpf_skc_lookup_tcp(skb, &r->tuple, sizeof(r->tuple.ipv6), BPF_F_CURRENT_NETNS, 0);
}

static __always_inline struct bpf_sock *redir_sk_lookup_tcp(struct __sk_buff *skb,
							    struct redir_pkt *r)
{
	if (r->family == REDIR_FAMILY_IPV4)
		return bpf_sk_lookup_tcp(skb, &r->tuple, sizeof(r->tuple.ipv4),
					 BPF_F_CURRENT_NETNS, 0);
	return bpf_sk_lookup_tcp(skb, &r->tuple, sizeof(r->tuple.ipv6), BPF_F_CURRENT_NETNS, 0);
}

static __always_inline struct bpf_sock *redir_sk_lookup_udp(struct __sk_buff *skb,
							    struct redir_pkt *r)
{
	if (r->family == REDIR_FAMILY_IPV4)
		return bpf_sk_lookup_udp(skb, &r->tuple, sizeof(r->tuple.ipv4),
					 BPF_F_CURRENT_NETNS, 0);
	return bpf_sk_lookup_udp(skb, &r->tuple, sizeof(r->tuple.ipv6), BPF_F_CURRENT_NETNS, 0);
}

/* the redirect for the packet, the most specific first (abi/redir.h) */
static __always_inline struct redir_val *redir_find(const struct redir_pkt *r, const __u8 *local,
						    __u32 ifindex)
{
	struct redir_key k = {
		.ifindex = ifindex,
		.family = r->family,
		.proto = r->proto,
		.port = r->family == REDIR_FAMILY_IPV4 ? r->tuple.ipv4.dport : r->tuple.ipv6.dport,
	};
	struct redir_val *v;

	__builtin_memcpy(k.addr, local, 16);
	v = bpf_map_lookup_elem(&redir_rules, &k);
	if (v)
		return v;
	__builtin_memset(k.addr, 0, 16);
	v = bpf_map_lookup_elem(&redir_rules, &k);
	if (v)
		return v;
	k.ifindex = 0;
	__builtin_memcpy(k.addr, local, 16);
	v = bpf_map_lookup_elem(&redir_rules, &k);
	if (v)
		return v;
	__builtin_memset(k.addr, 0, 16);
	return bpf_map_lookup_elem(&redir_rules, &k);
}

enum redir_outcome {
	REDIR_DELIVERED, /* assigned, or already the flow's own socket's */
	REDIR_MISSED,	 /* no socket on B took it */
};

static __always_inline void redir_count(__u32 id, enum redir_outcome o, __u32 len)
{
	struct redir_counter *c = bpf_map_lookup_elem(&redir_stats, &id);

	if (!c)
		return;
	/* per-CPU: no other writer */
	if (o == REDIR_DELIVERED) {
		c->packets++;
		c->bytes += len;
	} else {
		c->misses++;
	}
}

/*
 * TCP. A packet whose own tuple has a socket that is not a listener belongs
 * to a connection that exists (accepted through an earlier assignment, or
 * in the handshake): the stack finds it, we leave it be. That includes a
 * SYN meeting a TIME_WAIT socket (the server closed first, and the client
 * reuses its port within 60 s): the listener could not take it, as its
 * request socket would clash with the TIME_WAIT one and be dropped
 * silently, over and over until the TIME_WAIT ends. Left to the stack, the
 * TIME_WAIT socket answers, the client resets it, and the client's next
 * SYN (a second later) is redirected. Anything else goes to the listener
 * on B, which must be listening.
 */
static __always_inline enum redir_outcome redir_tcp(struct __sk_buff *skb, struct redir_pkt *r,
						    __be16 port_b)
{
	struct bpf_sock *sk;
	long ret;

	sk = redir_skc_lookup_tcp(skb, r);
	if (sk) {
		bool own = sk->state != BPF_TCP_LISTEN;

		bpf_sk_release(sk);
		if (own)
			return REDIR_DELIVERED;
	}
	/*
	 * The listener on B, never a connection on B: a socket that a direct
	 * client (say, iperf3's in TIME_WAIT) still holds with this client's
	 * port would match the whole tuple first. No connection has source
	 * port 0, so the lookup falls through to the listeners, which it
	 * matches on the destination alone.
	 */
	*redir_dport(r) = port_b;
	*redir_sport(r) = 0;
	sk = redir_sk_lookup_tcp(skb, r);
	if (!sk)
		return REDIR_MISSED;
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return REDIR_MISSED;
	}
	ret = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	/* refused (before 6.5: a SO_REUSEPORT listener): the packet goes on to port A */
	return ret ? REDIR_MISSED : REDIR_DELIVERED;
}

/* UDP: the socket on B (connected to this client or not), and the flow for its replies */
static __always_inline enum redir_outcome redir_udp(struct __sk_buff *skb, struct redir_pkt *r,
						    const struct redir_val *v, const __u8 *remote,
						    const __u8 *local)
{
	struct redir_flow f = { .family = r->family };
	struct redir_nat nat = { .id = v->id }, *old;
	struct bpf_sock *sk;
	long ret;

	nat.port = *redir_dport(r);
	f.remote_port = *redir_sport(r);
	f.local_port = v->port;
	__builtin_memcpy(f.local, local, 16);
	__builtin_memcpy(f.remote, remote, 16);

	*redir_dport(r) = v->port;
	sk = redir_sk_lookup_udp(skb, r);
	if (!sk)
		return REDIR_MISSED;
	ret = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	if (ret)
		return REDIR_MISSED;
	/* written once per flow, not per packet: the LRU keeps it while it is used */
	old = bpf_map_lookup_elem(&redir_flows, &f);
	if (!old || old->port != nat.port || old->id != nat.id)
		bpf_map_update_elem(&redir_flows, &f, &nat, BPF_ANY);
	return REDIR_DELIVERED;
}

static __always_inline void redir_ingress(struct __sk_buff *skb, struct pkt *p,
					  struct redir_pkt *r)
{
	__u8 remote[16], local[16];
	enum redir_outcome o;
	struct redir_val *v;
	__be16 port_b;
	__u32 id;

	redir_addrs(r, remote, local);
	v = redir_find(r, local, p->ifindex);
	if (!v)
		return;
	id = v->id;
	port_b = v->port;
	if (r->proto == IPPROTO_TCP)
		o = redir_tcp(skb, r, port_b);
	else
		o = redir_udp(skb, r, v, remote, local);
	redir_count(id, o, p->len);
}

/* UDP replies from B for a flow assigned at ingress leave with source port A */
static __always_inline void redir_egress(struct __sk_buff *skb, struct redir_pkt *r)
{
	struct redir_flow f = { .family = r->family };
	struct redir_counter *c;
	struct redir_nat *nat;
	__be16 from, to;
	__u32 id;

	if (r->proto != IPPROTO_UDP)
		return; /* a TCP socket accepted through redir answers from A already */
	redir_addrs(r, f.local, f.remote);
	f.local_port = *redir_sport(r);
	f.remote_port = *redir_dport(r);
	nat = bpf_map_lookup_elem(&redir_flows, &f);
	if (!nat)
		return;
	from = f.local_port;
	to = nat->port;
	id = nat->id;
	/*
	 * A port is not in the pseudo-header: no BPF_F_PSEUDO_HDR. A zero UDP
	 * checksum (IPv4: none) stays zero, and a sum that comes out zero is
	 * written as 0xffff: BPF_F_MARK_MANGLED_0.
	 */
	if (bpf_l4_csum_replace(skb, r->l4off + offsetof(struct udphdr, check), from, to,
				BPF_F_MARK_MANGLED_0 | sizeof(to)))
		return;
	if (bpf_skb_store_bytes(skb, r->l4off + offsetof(struct udphdr, source), &to, sizeof(to),
				0))
		return;
	c = bpf_map_lookup_elem(&redir_stats, &id);
	if (c)
		c->replies++;
}

static __always_inline void redir_run(struct __sk_buff *skb)
{
	struct pkt p = pkt_from_skb(skb);
	struct redir_pkt r = {};

	if (redir_parse(&p, &r))
		return;
	if (p.hook == FW_HOOK_TC_INGRESS)
		redir_ingress(skb, &p, &r);
	else
		redir_egress(skb, &r);
}

#endif /* TCCTL_LIB_REDIR_H */
