// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the redir object: redir_tc (sec tc) through
 * BPF_PROG_TEST_RUN on hand-built frames (frame.h), at tc ingress and
 * egress, with its maps loaded unpinned and emptied before each test.
 *
 * What a test run can show: frames redir leaves alone come out byte for
 * byte as they went in, with no counter moved (unknown ports, non-IP,
 * truncated, fragments); a redirected port with no socket on B passes
 * unchanged and counts a miss; at egress, a UDP reply of a known flow gets
 * source port A, with the IPv4 header checksum and the UDP checksum
 * (recomputed here) valid for IPv4 and IPv6, a zero IPv4 UDP checksum left
 * zero, and nothing else changed; a reply with no flow is not touched. The
 * socket assignment itself (tc ingress only, which a test run is not)
 * is the e2e test's (selftests/e2e/redir.sh).
 *
 * The test runs in a network namespace of its own, where no socket exists,
 * so every lookup of port B misses whatever the host runs.
 *
 * Usage: test_redir, from the repository root, as root ($REDIR_O: another object).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/redir.h"
#include "bpf_obj.h"
#include "frame.h"
#include "test.h"

#define LO_IFINDEX 1
#define PORT_A 8080
#define PORT_B 8081
#define CLIENT_PORT 40000

static struct {
	struct bpf_object *obj;
	struct redir_counter *percpu;
	int prog, rules, stats, flows, ncpus;
} rd;

static int redir_load(const char *path)
{
	rd.obj = obj_open_load(path, false, NULL);
	if (!rd.obj)
		return -EINVAL;
	rd.prog = obj_prog_fd(rd.obj, "redir_tc", "tc");
	rd.rules = obj_map_fd(rd.obj, REDIR_MAP_RULES, sizeof(struct redir_key),
			      sizeof(struct redir_val), REDIR_MAX_RULES);
	rd.stats = obj_map_fd(rd.obj, REDIR_MAP_STATS, sizeof(__u32), sizeof(struct redir_counter),
			      REDIR_MAX_RULES);
	rd.flows = obj_map_fd(rd.obj, REDIR_MAP_FLOWS, sizeof(struct redir_flow),
			      sizeof(struct redir_nat), REDIR_FLOWS);
	if (rd.prog < 0 || rd.rules < 0 || rd.stats < 0 || rd.flows < 0)
		return -EINVAL;
	rd.ncpus = libbpf_num_possible_cpus();
	if (rd.ncpus < 0)
		return rd.ncpus;
	rd.percpu = calloc(rd.ncpus, sizeof(*rd.percpu));
	return rd.percpu ? 0 : -ENOMEM;
}

/* empty maps, zero counters */
static int redir_reset(void)
{
	struct redir_flow fk;
	struct redir_key k;
	__u32 i;

	while (!bpf_map_get_next_key(rd.rules, NULL, &k))
		if (bpf_map_delete_elem(rd.rules, &k))
			return -errno;
	while (!bpf_map_get_next_key(rd.flows, NULL, &fk))
		if (bpf_map_delete_elem(rd.flows, &fk))
			return -errno;
	memset(rd.percpu, 0, rd.ncpus * sizeof(*rd.percpu));
	for (i = 0; i < 8; i++)
		if (bpf_map_update_elem(rd.stats, &i, rd.percpu, BPF_ANY))
			return -errno;
	return 0;
}

static void addr_abi(__u8 *dst, int family, const void *addr)
{
	memset(dst, 0, 16);
	if (family == REDIR_FAMILY_IPV4) {
		dst[10] = dst[11] = 0xff;
		memcpy(dst + 12, addr, 4);
	} else {
		memcpy(dst, addr, 16);
	}
}

/* a redirect of PORT_A to PORT_B for any address and device, with this id */
static int rule_add(__u8 family, __u8 proto, __u32 id)
{
	struct redir_key k = { .family = family, .proto = proto, .port = htons(PORT_A) };
	struct redir_val v = { .port = htons(PORT_B), .id = id };

	return bpf_map_update_elem(rd.rules, &k, &v, BPF_NOEXIST) ? -errno : 0;
}

static struct redir_counter counter(__u32 id)
{
	struct redir_counter sum = {};

	if (bpf_map_lookup_elem(rd.stats, &id, rd.percpu))
		return sum;
	for (int cpu = 0; cpu < rd.ncpus; cpu++) {
		sum.packets += rd.percpu[cpu].packets;
		sum.bytes += rd.percpu[cpu].bytes;
		sum.misses += rd.percpu[cpu].misses;
		sum.replies += rd.percpu[cpu].replies;
	}
	return sum;
}

static bool counters_zero(__u32 id)
{
	struct redir_counter c = counter(id);

	return ASSERT_EQ(c.packets + c.misses + c.replies, 0, "counters untouched");
}

/* runs f at tc ingress or egress: the return code must be a pass; out gets the frame */
static bool run(const struct frame *f, bool ingress, __u8 *out, __u32 *out_len)
{
	struct __sk_buff skb = { .ingress_ifindex = ingress ? LO_IFINDEX : 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .data_out = out, .data_size_out = FRAME_MAX, .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));

	if (!ASSERT_OK(bpf_prog_test_run_opts(rd.prog, &opts), "BPF_PROG_TEST_RUN"))
		return false;
	*out_len = opts.data_size_out;
	return ASSERT_EQ((int)opts.retval, TC_ACT_UNSPEC, "return code (want pass)");
}

/* f comes out exactly as it went in */
static bool run_unchanged(const struct frame *f, bool ingress)
{
	__u8 out[FRAME_MAX];
	__u32 len;

	if (!run(f, ingress, out, &len))
		return false;
	return ASSERT_EQ(len, f->len, "frame length") &&
	       ASSERT_MEMEQ(out, frame_data(f), f->len, "frame after the run");
}

/* --- frames ----------------------------------------------------------------------- */

static void set_ports(struct frame *f, __u16 sport, __u16 dport)
{
	__be16 *ports = (__be16 *)(frame_data(f) + f->l4);

	ports[0] = htons(sport);
	ports[1] = htons(dport);
}

/* the one's complement sum of the pseudo-header and the segment: 0 when the checksum is right */
static __u16 l4_check(const __u8 *data, __u32 l3, __u32 l4, __u32 len, __u8 proto)
{
	__u8 buf[FRAME_MAX + 40];
	__u32 n = 0, seg = len - l4;

	if (data[l3] >> 4 == 4) {
		memcpy(buf, data + l3 + 12, 8); /* saddr, daddr */
		buf[8] = 0;
		buf[9] = proto;
		buf[10] = seg >> 8;
		buf[11] = seg & 0xff;
		n = 12;
	} else {
		memcpy(buf, data + l3 + 8, 32);
		memset(buf + 32, 0, 8);
		buf[34] = seg >> 8;
		buf[35] = seg & 0xff;
		buf[39] = proto;
		n = 40;
	}
	memcpy(buf + n, data + l4, seg);
	return ntohs(csum(buf, n + seg));
}

static void fill_l4_check(struct frame *f, __u8 proto)
{
	__u8 *d = frame_data(f);
	__be16 *check = (__be16 *)(d + f->l4 + (proto == IPPROTO_UDP ? 6 : 16));
	__be16 sum;

	*check = 0;
	sum = htons(l4_check(d, f->l3, f->l4, f->len, proto));
	*check = proto == IPPROTO_UDP && !sum ? 0xffff : sum;
}

/* a UDP datagram with ports and a valid checksum (zero_sum: none, IPv4 only) */
static void udp_frame(struct frame *f, bool ipv6, __u16 sport, __u16 dport, bool zero_sum)
{
	put_eth(f, ipv6 ? ETH_P_IPV6 : ETH_P_IP);
	if (ipv6)
		put_ipv6(f, IPPROTO_UDP);
	else
		put_ipv4(f, IPPROTO_UDP);
	put_udp(f);
	set_ports(f, sport, dport);
	frame_done(f);
	if (!zero_sum)
		fill_l4_check(f, IPPROTO_UDP);
}

static void tcp_frame(struct frame *f, bool ipv6, __u16 dport)
{
	put_eth(f, ipv6 ? ETH_P_IPV6 : ETH_P_IP);
	if (ipv6)
		put_ipv6(f, IPPROTO_TCP);
	else
		put_ipv4(f, IPPROTO_TCP);
	put_tcp(f);
	set_ports(f, CLIENT_PORT, dport);
	frame_done(f);
	fill_l4_check(f, IPPROTO_TCP);
}

/* the flow of a reply from PORT_B at the frame's source to the frame's destination */
static int flow_add(const struct frame *f, __u32 id)
{
	const __u8 *l3 = frame_data(f) + f->l3;
	bool v4 = l3[0] >> 4 == 4;
	struct redir_flow k = {
		.family = v4 ? REDIR_FAMILY_IPV4 : REDIR_FAMILY_IPV6,
		.local_port = htons(PORT_B),
		.remote_port = htons(CLIENT_PORT),
	};
	struct redir_nat nat = { .port = htons(PORT_A), .id = id };

	addr_abi(k.local, k.family, l3 + (v4 ? 12 : 8));
	addr_abi(k.remote, k.family, l3 + (v4 ? 16 : 24));
	return bpf_map_update_elem(rd.flows, &k, &nat, BPF_ANY) ? -errno : 0;
}

/* --- tests ---------------------------------------------------------------------------- */

static void test_unknown(void)
{
	struct frame f;

	if (!ASSERT_OK(redir_reset(), "reset") || !ASSERT_OK(rule_add(4, IPPROTO_TCP, 0), "rule"))
		goto out;
	tcp_frame(&f, false, 80);
	run_unchanged(&f, true);
	udp_frame(&f, false, CLIENT_PORT, PORT_A, false); /* the rule is TCP's */
	run_unchanged(&f, true);
	tcp_frame(&f, true, PORT_A); /* and IPv4's */
	run_unchanged(&f, true);
	icmp4_frame(&f, NULL, 0);
	run_unchanged(&f, true);
	counters_zero(0);
out:
	test_report("ports, protocols and families no redirect names pass untouched");
}

static void test_malformed(void)
{
	struct frame f;
	__u8 *l3;

	if (!ASSERT_OK(redir_reset(), "reset") || !ASSERT_OK(rule_add(4, IPPROTO_TCP, 0), "rule") ||
	    !ASSERT_OK(rule_add(4, IPPROTO_UDP, 1), "rule") ||
	    !ASSERT_OK(rule_add(6, IPPROTO_UDP, 2), "rule"))
		goto out;
	arp_frame(&f);
	run_unchanged(&f, true);
	tcp_frame(&f, false, PORT_A);
	f.len = f.l4 + 10; /* the TCP header cut short */
	run_unchanged(&f, true);
	/* a test run refuses frames shorter than an IPv4 header: options cut short instead */
	tcp_frame(&f, false, PORT_A);
	l3 = frame_data(&f) + f.l3;
	((struct iphdr *)l3)->ihl = 15;
	frame_done(&f);
	run_unchanged(&f, true);
	udp_frame(&f, false, CLIENT_PORT, PORT_A, false);
	l3 = frame_data(&f) + f.l3;
	((struct iphdr *)l3)->frag_off = htons(0x2000); /* a first fragment: MF */
	frame_done(&f);
	run_unchanged(&f, true);
	((struct iphdr *)l3)->frag_off = htons(100); /* a later one */
	frame_done(&f);
	run_unchanged(&f, true);
	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_FRAGMENT);
	put_ipv6_frag(&f, IPPROTO_UDP);
	put_udp(&f);
	set_ports(&f, CLIENT_PORT, PORT_A);
	frame_done(&f);
	run_unchanged(&f, true);
	counters_zero(0);
	counters_zero(1);
	counters_zero(2);
out:
	test_report("non-IP, truncated and fragments (first or later) pass unchanged, uncounted");
}

static void test_miss(void)
{
	struct redir_counter c;
	struct frame f;

	if (!ASSERT_OK(redir_reset(), "reset") || !ASSERT_OK(rule_add(4, IPPROTO_TCP, 0), "rule") ||
	    !ASSERT_OK(rule_add(6, IPPROTO_TCP, 0), "rule") ||
	    !ASSERT_OK(rule_add(4, IPPROTO_UDP, 1), "rule"))
		goto out;
	tcp_frame(&f, false, PORT_A);
	run_unchanged(&f, true);
	tcp_frame(&f, true, PORT_A);
	run_unchanged(&f, true);
	c = counter(0);
	ASSERT_EQ(c.misses, 2, "TCP misses (IPv4 and IPv6 share the redirect)");
	ASSERT_EQ(c.packets, 0, "TCP packets");
	udp_frame(&f, false, CLIENT_PORT, PORT_A, false);
	run_unchanged(&f, true);
	c = counter(1);
	ASSERT_EQ(c.misses, 1, "UDP misses");
	ASSERT_EQ(c.packets, 0, "UDP packets");
	ASSERT_EQ(bpf_map_get_next_key(rd.flows, NULL, &(struct redir_flow){}), -ENOENT,
		  "no flow for a miss");
out:
	test_report("a redirected port with no socket on B: unchanged, one miss each");
}

/* the reply of the flow comes out with source port A, checksums right, nothing else changed */
static void reply_rewritten(bool ipv6, bool zero_sum)
{
	__u8 out[FRAME_MAX], *l3;
	struct frame f;
	__be16 *ports;
	__u32 len;

	udp_frame(&f, ipv6, PORT_B, CLIENT_PORT, zero_sum);
	if (!ASSERT_OK(flow_add(&f, 3), "flow") || !run(&f, false, out, &len) ||
	    !ASSERT_EQ(len, f.len, "frame length"))
		return;
	ports = (__be16 *)(out + f.l4);
	ASSERT_EQ(ntohs(ports[0]), PORT_A, "source port");
	ASSERT_EQ(ntohs(ports[1]), CLIENT_PORT, "destination port");
	ASSERT_MEMEQ(out, frame_data(&f), f.l4, "everything before UDP");
	ASSERT_MEMEQ(out + f.l4 + 2, frame_data(&f) + f.l4 + 2, 4, "UDP length and destination");
	ASSERT_MEMEQ(out + f.l4 + 8, frame_data(&f) + f.l4 + 8, f.len - f.l4 - 8, "payload");
	l3 = out + f.l3;
	if (!ipv6)
		ASSERT_EQ(csum(l3, 20), 0, "IPv4 header checksum");
	if (zero_sum)
		ASSERT_EQ(*(__u16 *)(out + f.l4 + 6), 0, "no UDP checksum stays none");
	else
		ASSERT_EQ(l4_check(out, f.l3, f.l4, len, IPPROTO_UDP), 0, "UDP checksum");
}

static void test_reply(bool ipv6, bool zero_sum, const char *name)
{
	if (ASSERT_OK(redir_reset(), "reset")) {
		reply_rewritten(ipv6, zero_sum);
		ASSERT_EQ(counter(3).replies, 1, "replies counted");
	}
	test_report(name);
}

static void test_reply_unknown(void)
{
	struct frame f;

	if (!ASSERT_OK(redir_reset(), "reset"))
		goto out;
	udp_frame(&f, false, PORT_B, CLIENT_PORT, false);
	if (!ASSERT_OK(flow_add(&f, 3), "flow"))
		goto out;
	udp_frame(&f, false, PORT_B, CLIENT_PORT + 1, false); /* another client port */
	run_unchanged(&f, false);
	udp_frame(&f, true, PORT_B, CLIENT_PORT, false); /* another family */
	run_unchanged(&f, false);
	tcp_frame(&f, false, CLIENT_PORT); /* TCP is never rewritten */
	set_ports(&f, PORT_B, CLIENT_PORT);
	fill_l4_check(&f, IPPROTO_TCP);
	run_unchanged(&f, false);
	udp_frame(&f, false, PORT_B, CLIENT_PORT, false); /* the flow's, but at ingress */
	run_unchanged(&f, true);
	counters_zero(3);
out:
	test_report("egress: a reply with no flow, TCP, and ingress are not rewritten");
}

int main(void)
{
	const char *path = getenv("REDIR_O") ?: "build/bpf/redir.o";

	/* no socket anywhere: every lookup of port B misses */
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return 1;
	}
	if (!ASSERT_OK(redir_load(path), "load redir.o")) {
		test_report("redir.o loads with the ABI's maps");
		return 1;
	}
	test_unknown();
	test_malformed();
	test_miss();
	test_reply(false, false, "egress: IPv4 UDP reply gets port A, checksums valid");
	test_reply(true, false, "egress: IPv6 UDP reply gets port A, checksum valid");
	test_reply(false, true, "egress: IPv4 UDP reply without checksum keeps none");
	test_reply_unknown();
	return test_exit_status();
}
