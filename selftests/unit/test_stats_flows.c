// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of stats' service ports (stats_ports) and flows (stats_flows)
 * through BPF_PROG_TEST_RUN on hand-built frames: a packet counts under the
 * lower of its two ports, in both directions; each direction of a flow is
 * one entry with exact packets and bytes and times from the coarse
 * monotonic clock; what has no ports (ICMP, later fragments, short headers)
 * has no port row; and the LRU keeps the latest flows when more come than
 * it holds.
 *
 * Usage: test_stats_flows, from the repository root, as root ($STATS_O).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/stats.h"
#include "bpf_obj.h"
#include "frame.h"
#include "test.h"

#define LO_IFINDEX 1

static struct {
	struct bpf_object *obj;
	int xdp, tc, ports, flows, overflow;
	int ncpus;
} st;

static int load(const char *path)
{
	st.obj = obj_open_load(path, false, NULL);
	if (!st.obj)
		return -EINVAL;
	st.xdp = obj_prog_fd(st.obj, "stats_xdp", "xdp");
	st.tc = obj_prog_fd(st.obj, "stats_tc", "tc");
	st.ports = obj_map_fd(st.obj, STATS_MAP_PORTS, sizeof(struct stats_port_key),
			      sizeof(struct stats_counter), STATS_PORTS_ENTRIES);
	st.flows = obj_map_fd(st.obj, STATS_MAP_FLOWS, sizeof(struct stats_flow_key),
			      sizeof(struct stats_flow), STATS_FLOWS_ENTRIES);
	st.overflow = obj_map_fd(st.obj, STATS_MAP_OVERFLOW, 4, sizeof(struct stats_counter),
				 STATS_OVERFLOW_ENTRIES);
	st.ncpus = libbpf_num_possible_cpus();
	return st.xdp < 0 || st.tc < 0 || st.ports < 0 || st.flows < 0 || st.overflow < 0 ?
		       -EINVAL : 0;
}

static int empty(int fd, size_t key_size)
{
	__u8 key[64];

	(void)key_size;
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return 0;
}

static int reset(void)
{
	return empty(st.ports, sizeof(struct stats_port_key)) ?:
		       empty(st.flows, sizeof(struct stats_flow_key));
}

static int count_keys(int fd)
{
	__u8 key[64], next[64];
	int n = 0;

	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, next); prev = key, n++)
		memcpy(key, next, sizeof(next));
	return n;
}

static bool run(const struct frame *f, __u32 repeat, bool xdp)
{
	struct __sk_buff skb = { .ifindex = LO_IFINDEX, .ingress_ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .repeat = repeat);

	if (!xdp) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	return ASSERT_OK(bpf_prog_test_run_opts(xdp ? st.xdp : st.tc, &opts), "test run") &&
	       ASSERT_EQ((int)opts.retval, xdp ? XDP_PASS : TC_ACT_UNSPEC, "stats passes");
}

/* a port row summed over the CPUs; packets 0 when there is none */
static struct stats_counter port_row(__u8 hook, __u8 proto, __u16 port)
{
	struct stats_port_key k = { .ifindex = LO_IFINDEX, .hook = hook, .proto = proto,
				    .port = port };
	struct stats_counter per[st.ncpus], sum = {};

	if (bpf_map_lookup_elem(st.ports, &k, per))
		return sum;
	for (int c = 0; c < st.ncpus; c++) {
		sum.packets += per[c].packets;
		sum.bytes += per[c].bytes;
	}
	return sum;
}

static void swap_ports(struct frame *f)
{
	__u8 *l4 = frame_data(f) + f->l4, tmp[2];

	memcpy(tmp, l4, 2);
	memcpy(l4, l4 + 2, 2);
	memcpy(l4 + 2, tmp, 2);
}

static void flow_key4(struct stats_flow_key *k, __u8 hook, __u8 proto, __u16 sport, __u16 dport,
		      __u32 saddr, __u32 daddr)
{
	memset(k, 0, sizeof(*k));
	k->ifindex = LO_IFINDEX;
	k->hook = hook;
	k->family = 4;
	k->proto = proto;
	k->sport = sport;
	k->dport = dport;
	k->saddr[10] = k->saddr[11] = k->daddr[10] = k->daddr[11] = 0xff;
	saddr = htonl(saddr);
	daddr = htonl(daddr);
	memcpy(k->saddr + 12, &saddr, 4);
	memcpy(k->daddr + 12, &daddr, 4);
}

static __u64 coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* --- tests ------------------------------------------------------------------- */

static void test_ports_both_directions(void)
{
	struct frame tcp = {}, udp = {};
	struct stats_counter c;

	tcp4_frame(&tcp); /* 40000 -> 80 */
	udp4_frame(&udp); /* 40000 -> 53 */
	if (!run(&tcp, 3, false) || !run(&udp, 2, true))
		return;
	swap_ports(&tcp); /* the reply: 80 -> 40000 */
	if (!run(&tcp, 4, false))
		return;
	c = port_row(STATS_HOOK_TC_INGRESS, IPPROTO_TCP, 80);
	ASSERT_EQ(c.packets, 7, "tcp 80: requests and replies");
	ASSERT_EQ(c.bytes, 7ULL * tcp.len, "tcp 80: bytes");
	c = port_row(STATS_HOOK_XDP, IPPROTO_UDP, 53);
	ASSERT_EQ(c.packets, 2, "udp 53 at xdp");
	ASSERT_EQ(c.bytes, 2ULL * udp.len, "udp 53: bytes");
	ASSERT_EQ(port_row(STATS_HOOK_TC_INGRESS, IPPROTO_TCP, 40000).packets, 0,
		  "no row for the client's port");
	ASSERT_EQ(count_keys(st.ports), 2, "two port rows in all");
}

static void test_no_ports(void)
{
	struct frame icmp = {}, later = {}, cut = {};
	struct iphdr *iph;

	icmp4_frame(&icmp, NULL, 0);
	udp4_frame(&later);
	iph = (struct iphdr *)(frame_data(&later) + later.l3);
	iph->frag_off = htons(100); /* a later fragment: what follows is payload */
	frame_done(&later);
	tcp4_frame(&cut);
	cut.len = cut.l4 + 2; /* half the ports */
	if (!run(&icmp, 1, true) || !run(&later, 1, true) || !run(&cut, 1, true))
		return;
	ASSERT_EQ(count_keys(st.ports), 0, "no port rows");
	/* flows: icmp and the fragment with ports 0; the cut tcp header too */
	ASSERT_EQ(count_keys(st.flows), 3, "three flows, ports 0");
}

static void test_flows_exact(void)
{
	struct stats_flow_key k;
	struct stats_flow f;
	struct frame tcp = {};
	__u64 t0, t1;

	tcp4_frame(&tcp);
	t0 = coarse_ns();
	if (!run(&tcp, 5, false))
		return;
	swap_ports(&tcp);
	{ /* and swap the addresses: the reply direction */
		struct iphdr *iph = (struct iphdr *)(frame_data(&tcp) + tcp.l3);
		__be32 a = iph->saddr;

		iph->saddr = iph->daddr;
		iph->daddr = a;
	}
	if (!run(&tcp, 2, false))
		return;
	t1 = coarse_ns();
	flow_key4(&k, STATS_HOOK_TC_INGRESS, IPPROTO_TCP, 40000, 80, 0x0a000001, 0x0a000002);
	if (!ASSERT_OK(bpf_map_lookup_elem(st.flows, &k, &f), "the request flow"))
		return;
	ASSERT_EQ(f.packets, 5, "request flow: packets");
	ASSERT_EQ(f.bytes, 5ULL * tcp.len, "request flow: bytes");
	ASSERT_TRUE(f.first_ns >= t0 && f.first_ns <= f.last_ns && f.last_ns <= t1,
		    "first and last seen within the run (coarse clock)");
	flow_key4(&k, STATS_HOOK_TC_INGRESS, IPPROTO_TCP, 80, 40000, 0x0a000002, 0x0a000001);
	if (!ASSERT_OK(bpf_map_lookup_elem(st.flows, &k, &f), "the reply flow"))
		return;
	ASSERT_EQ(f.packets, 2, "reply flow: packets");
	ASSERT_EQ(count_keys(st.flows), 2, "one entry per direction");
}

static void test_flow_ipv6(void)
{
	struct stats_flow_key k = { .ifindex = LO_IFINDEX, .hook = STATS_HOOK_XDP, .family = 6,
				    .proto = IPPROTO_UDP, .sport = 40000, .dport = 53 };
	struct stats_flow f;
	struct frame v6 = {};

	ext_chain_frame(&v6, 2);
	if (!run(&v6, 3, true))
		return;
	k.saddr[0] = k.daddr[0] = 0xfd;
	k.saddr[15] = 1;
	k.daddr[15] = 2;
	if (!ASSERT_OK(bpf_map_lookup_elem(st.flows, &k, &f), "the ipv6 flow behind extension headers"))
		return;
	ASSERT_EQ(f.packets, 3, "packets");
	ASSERT_EQ(f.bytes, 3ULL * v6.len, "bytes");
	ASSERT_EQ(port_row(STATS_HOOK_XDP, IPPROTO_UDP, 53).packets, 3, "udp 53 port row");
}

/* More flows than the table holds: it stays full, keeps the latest, overflows nothing. */
static void test_flows_lru(void)
{
	const int n = STATS_FLOWS_ENTRIES + 8192, last = 200;
	struct stats_counter over[st.ncpus];
	struct stats_flow_key k;
	struct stats_flow f;
	struct frame udp = {};
	__u32 idx = STATS_OVERFLOW_FLOWS;
	int kept = 0, held;
	__u64 overflowed = 0;
	__u8 *l4;

	udp4_frame(&udp);
	l4 = frame_data(&udp) + udp.l4;
	for (int i = 0; i < n; i++) {
		__be32 src = htonl(0x0a010000 + i / 60000);

		memcpy(frame_data(&udp) + udp.l3 + 12, &src, 4);
		l4[0] = (1024 + i % 60000) >> 8;
		l4[1] = (1024 + i % 60000) & 0xff;
		if (!run(&udp, 1, true))
			return;
	}
	held = count_keys(st.flows);
	for (int i = n - last; i < n; i++) {
		flow_key4(&k, STATS_HOOK_XDP, IPPROTO_UDP, 1024 + i % 60000, 53,
			  0x0a010000 + i / 60000, 0x0a000002);
		kept += !bpf_map_lookup_elem(st.flows, &k, &f);
	}
	if (!bpf_map_lookup_elem(st.overflow, &idx, over))
		for (int c = 0; c < st.ncpus; c++)
			overflowed += over[c].packets;
	test_msg("%d flows sent: %d held (the table holds %d), %d of the last %d kept", n, held,
		 STATS_FLOWS_ENTRIES, kept, last);
	ASSERT_TRUE(held <= STATS_FLOWS_ENTRIES && held > STATS_FLOWS_ENTRIES / 2,
		    "the table full, never over");
	ASSERT_EQ(kept, last, "the latest flows all kept");
	ASSERT_EQ(overflowed, 0, "no flow overflowed: old ones made room");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "ports: tcp 40000->80 and its reply count under 80; udp 53 at xdp; exact", test_ports_both_directions },
	{ "ports: icmp, a later fragment, a cut tcp header have no port row", test_no_ports },
	{ "flows: one entry per direction, exact packets and bytes, first/last seen", test_flows_exact },
	{ "flows: ipv6 udp behind extension headers", test_flow_ipv6 },
	{ "flows: 40960 flows into 32768 entries: full, the latest kept, no overflow", test_flows_lru },
};

int main(void)
{
	const char *path = getenv("STATS_O") ?: "build/bpf/stats.o";

	if (!ASSERT_OK(load(path), "load")) {
		test_report("load stats.o: stats_ports and stats_flows as in abi/stats.h");
		return 1;
	}
	test_report("load stats.o: stats_ports and stats_flows as in abi/stats.h");
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (ASSERT_OK(reset(), "empty the maps"))
			tests[i].fn();
		test_report(tests[i].name);
	}
	bpf_object__close(st.obj);
	return test_exit_status();
}
