// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the fw object: both programs of fw.o (fw_xdp in sec xdp,
 * fw_tc in sec tc) run through BPF_PROG_TEST_RUN on hand-built frames. The
 * maps are loaded unpinned, private to this process, and reset before each
 * test; each test sets verdicts and table bindings, runs frames and checks
 * the return code, the frame the program leaves and the counters: that the
 * run was counted once, in the expected table, slot and verdict, and nowhere
 * else.
 *
 * Usage: test_fw, from the repository root, as root ($FW_O: another fw.o).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <linux/if_ether.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/fw.h"
#include "bpf_obj.h"
#include "frame.h"
#include "test.h"

#define FW_O_DEFAULT "build/bpf/fw.o"
#define LO_IFINDEX   1 /* test runs happen on the loopback device */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- the object ------------------------------------------------------------ */

enum hook {
	HOOK_XDP,
	HOOK_TC,
	HOOKS,
};

static const struct hook_desc {
	const char *prog; /* the program's name in fw.o */
	const char *sec;  /* and its section, the prefix of result lines */
	int pass, drop;	  /* its return codes */
} hooks[HOOKS] = {
	[HOOK_XDP] = { "fw_xdp", "xdp", XDP_PASS, XDP_DROP },
	/* TC_ACT_UNSPEC, not TC_ACT_OK: lib/ctx.h lets later filters run */
	[HOOK_TC] = { "fw_tc", "tc", TC_ACT_UNSPEC, TC_ACT_SHOT },
};

static struct {
	struct bpf_object *obj;
	struct fw_counter *percpu; /* one map value: a counter per possible CPU */
	int prog[HOOKS];
	int verdicts;
	int counters;
	int ifaces;
	int ncpus;
} fw;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("    ", stderr); /* libbpf's lines start "libbpf: " */
	return vfprintf(stderr, fmt, ap);
}

/* A map of the loaded object, if its layout is the one abi/fw.h says. */
static int map_fd(const char *name, __u32 key_size, __u32 value_size, __u32 max_entries)
{
	return obj_map_fd(fw.obj, name, key_size, value_size, max_entries);
}

/* Opens and loads fw.o with its maps unpinned, so no run touches /sys/fs/bpf. */
static int fw_load(const char *path)
{
	int h;

	fw.obj = obj_open_load(path, false, NULL);
	if (!fw.obj)
		return -EINVAL;
	for (h = 0; h < HOOKS; h++) {
		fw.prog[h] = obj_prog_fd(fw.obj, hooks[h].prog, hooks[h].sec);
		if (fw.prog[h] < 0)
			return fw.prog[h];
	}

	fw.verdicts = map_fd(FW_MAP_VERDICTS, sizeof(__u32), sizeof(__u32), FW_VERDICTS_ENTRIES);
	fw.counters = map_fd(FW_MAP_COUNTERS, sizeof(__u32), sizeof(struct fw_counter),
			     FW_COUNTERS_ENTRIES);
	fw.ifaces = map_fd(FW_MAP_IFACES, sizeof(struct fw_iface_key), sizeof(struct fw_iface),
			   FW_MAX_IFACES);
	if (fw.verdicts < 0 || fw.counters < 0 || fw.ifaces < 0)
		return -EINVAL;

	fw.ncpus = libbpf_num_possible_cpus();
	if (fw.ncpus < 0)
		return fw.ncpus;
	fw.percpu = calloc(fw.ncpus, sizeof(*fw.percpu));
	return fw.percpu ? 0 : -ENOMEM;
}

static int counters_reset(void)
{
	__u32 i;
	int err;

	memset(fw.percpu, 0, fw.ncpus * sizeof(*fw.percpu));
	for (i = 0; i < FW_COUNTERS_ENTRIES; i++) {
		err = bpf_map_update_elem(fw.counters, &i, fw.percpu, BPF_ANY);
		if (err)
			return err;
	}
	return 0;
}

/* The state of a fresh load: every verdict FW_PASS, no counts, no bindings. */
static int fw_reset(void)
{
	struct fw_iface_key key;
	__u32 i, pass = FW_PASS;
	int err;

	for (i = 0; i < FW_VERDICTS_ENTRIES; i++) {
		err = bpf_map_update_elem(fw.verdicts, &i, &pass, BPF_ANY);
		if (err)
			return err;
	}
	while (!bpf_map_get_next_key(fw.ifaces, NULL, &key)) {
		err = bpf_map_delete_elem(fw.ifaces, &key);
		if (err)
			return err;
	}
	return counters_reset();
}

static bool set_verdict(__u32 table, __u32 slot, __u32 verdict)
{
	__u32 idx = fw_verdict_index(table, slot);

	return ASSERT_OK(bpf_map_update_elem(fw.verdicts, &idx, &verdict, BPF_ANY),
			 "update fw_verdicts");
}

static bool bind_table(__u32 ifindex, enum fw_hook hook, __u32 table)
{
	struct fw_iface_key key = { .ifindex = ifindex, .hook = hook };
	struct fw_iface iface = { .table = table };

	return ASSERT_OK(bpf_map_update_elem(fw.ifaces, &key, &iface, BPF_ANY),
			 "update fw_ifaces");
}

struct count {
	__u64 packets;
	__u64 bytes;
};

/* One counter, summed over the CPUs. */
static int counter_sum(__u32 idx, struct count *sum)
{
	int cpu, err;

	sum->packets = sum->bytes = 0;
	err = bpf_map_lookup_elem(fw.counters, &idx, fw.percpu);
	if (err)
		return err;
	for (cpu = 0; cpu < fw.ncpus; cpu++) {
		sum->packets += fw.percpu[cpu].packets;
		sum->bytes += fw.percpu[cpu].bytes;
	}
	return 0;
}

/* Every counter of every table, summed. */
static int counters_total(struct count *total)
{
	struct count c;
	__u32 i;
	int err;

	total->packets = total->bytes = 0;
	for (i = 0; i < FW_COUNTERS_ENTRIES; i++) {
		err = counter_sum(i, &c);
		if (err)
			return err;
		total->packets += c.packets;
		total->bytes += c.bytes;
	}
	return 0;
}

/* Where the runs were counted, for a test that expected them elsewhere. */
static void counters_show(void)
{
	struct count c;
	__u32 i;

	for (i = 0; i < FW_COUNTERS_ENTRIES; i++) {
		if (counter_sum(i, &c) || !c.packets)
			continue;
		test_msg("counted in table %u slot %u verdict %s: %llu packets, %llu bytes",
			 i / FW_VERDICTS / FW_SLOTS, i / FW_VERDICTS % FW_SLOTS,
			 i % FW_VERDICTS == FW_DROP ? "drop" : "pass",
			 (unsigned long long)c.packets, (unsigned long long)c.bytes);
	}
}

/* The counters hold packets frames of len bytes in this one place, and nothing else. */
static bool expect_counted(__u32 table, __u32 slot, __u32 verdict, __u64 packets, __u64 len)
{
	const char *v = verdict == FW_DROP ? "drop" : "pass";
	char what_packets[64], what_bytes[64];
	struct count c, total;
	bool ok;

	if (!ASSERT_OK(counter_sum(fw_counter_index(table, slot, verdict), &c), "read counter") ||
	    !ASSERT_OK(counters_total(&total), "read counters"))
		return false;
	snprintf(what_packets, sizeof(what_packets), "table %u slot %u %s: packets", table, slot,
		 v);
	snprintf(what_bytes, sizeof(what_bytes), "table %u slot %u %s: bytes", table, slot, v);
	ok = ASSERT_EQ(c.packets, packets, what_packets);
	ok &= ASSERT_EQ(c.bytes, packets * len, what_bytes);
	ok &= ASSERT_EQ(total.packets, packets, "all counters: packets");
	ok &= ASSERT_EQ(total.bytes, packets * len, "all counters: bytes");
	if (!ok)
		counters_show();
	return ok;
}

/* Nothing counted anywhere. */
static bool expect_uncounted(void)
{
	struct count total;

	if (!ASSERT_OK(counters_total(&total), "read counters"))
		return false;
	return ASSERT_EQ(total.packets, 0, "packets counted in all counters");
}

/* --- runs ------------------------------------------------------------------ */

struct run_opts {
	__u32 repeat;	       /* 0 and 1: once */
	bool ctx;	       /* pass a context in, with: */
	__u32 ingress_ifindex; /* xdp_md's or __sk_buff's */
};

struct result {
	int retval;
	__u32 len;
	__u8 data[FRAME_MAX];
};

static int run_prog(enum hook hook, const struct frame *f, const struct run_opts *ro,
		    struct result *res)
{
	struct xdp_md xdp = { .data_end = f->len };
	struct __sk_buff skb = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .data_out = res->data, .data_size_out = sizeof(res->data));
	int err;

	if (ro) {
		opts.repeat = ro->repeat;
		if (ro->ctx && hook == HOOK_XDP) {
			xdp.ingress_ifindex = ro->ingress_ifindex;
			opts.ctx_in = &xdp;
			opts.ctx_size_in = sizeof(xdp);
		} else if (ro->ctx) {
			skb.ingress_ifindex = ro->ingress_ifindex;
			opts.ctx_in = &skb;
			opts.ctx_size_in = sizeof(skb);
		}
	}
	err = bpf_prog_test_run_opts(fw.prog[hook], &opts);
	res->retval = (int)opts.retval;
	res->len = opts.data_size_out;
	return err;
}

/*
 * Runs f (repeat times, with the context ro asks for) from zeroed counters and
 * checks the return code of the verdict, that a passed frame comes out as it
 * went in, and that the runs were counted in table/slot/verdict and nowhere
 * else.
 */
static bool expect_run_opts(enum hook hook, const struct frame *f, const struct run_opts *ro,
			    __u32 table, __u32 slot, __u32 verdict)
{
	__u32 runs = ro && ro->repeat > 1 ? ro->repeat : 1;
	struct result res;
	bool ok;

	if (!ASSERT_OK(counters_reset(), "reset fw_counters") ||
	    !ASSERT_OK(run_prog(hook, f, ro, &res), "BPF_PROG_TEST_RUN"))
		return false;
	ok = ASSERT_EQ(res.retval, verdict == FW_DROP ? hooks[hook].drop : hooks[hook].pass,
		       verdict == FW_DROP ? "return code (want drop)" : "return code (want pass)");
	if (verdict == FW_PASS) {
		ok &= ASSERT_EQ(res.len, f->len, "frame length after the run");
		if (res.len == f->len)
			ok &= ASSERT_MEMEQ(res.data, frame_data(f), f->len, "frame after the run");
	}
	return expect_counted(table, slot, verdict, runs, f->len) && ok;
}

static bool expect_run(enum hook hook, const struct frame *f, __u32 table, __u32 slot,
		       __u32 verdict)
{
	return expect_run_opts(hook, f, NULL, table, slot, verdict);
}

/* --- tests: classification and verdicts ------------------------------------- */

static void test_icmp4_default(enum hook hook)
{
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	expect_run(hook, &f, 0, IPPROTO_ICMP, FW_PASS);
}

static void test_icmp4_drop(enum hook hook)
{
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (set_verdict(0, IPPROTO_ICMP, FW_DROP))
		expect_run(hook, &f, 0, IPPROTO_ICMP, FW_DROP);
}

static void test_tcp_udp_pass(enum hook hook)
{
	struct frame f;

	if (!set_verdict(0, IPPROTO_ICMP, FW_DROP))
		return;
	tcp4_frame(&f);
	expect_run(hook, &f, 0, IPPROTO_TCP, FW_PASS);
	udp4_frame(&f);
	expect_run(hook, &f, 0, IPPROTO_UDP, FW_PASS);
}

static void test_icmp6_drop(enum hook hook)
{
	struct frame f;

	icmp6_frame(&f);
	if (set_verdict(0, IPPROTO_ICMPV6, FW_DROP))
		expect_run(hook, &f, 0, IPPROTO_ICMPV6, FW_DROP);
}

static void test_ipv6_hop_dst_udp(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_HOPOPTS);
	put_ipv6_opts(&f, IPPROTO_DSTOPTS, 0);
	put_ipv6_opts(&f, IPPROTO_UDP, 1);
	put_udp(&f);
	frame_done(&f);
	expect_run(hook, &f, 0, IPPROTO_UDP, FW_PASS);
}

static void test_ipv6_frag_tcp(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_FRAGMENT);
	put_ipv6_frag(&f, IPPROTO_TCP);
	put_tcp(&f);
	frame_done(&f);
	expect_run(hook, &f, 0, IPPROTO_TCP, FW_PASS);
}

static void test_ipv6_routing_udp(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_ROUTING);
	put_ipv6_routing(&f, IPPROTO_UDP);
	put_udp(&f);
	frame_done(&f);
	expect_run(hook, &f, 0, IPPROTO_UDP, FW_PASS);
}

static void test_ipv6_5_exthdrs(enum hook hook)
{
	struct frame f;

	ext_chain_frame(&f, 5);
	expect_run(hook, &f, 0, IPPROTO_UDP, FW_PASS);
}

static void test_ipv6_6_exthdrs(enum hook hook)
{
	struct frame f;

	ext_chain_frame(&f, 6);
	expect_run(hook, &f, 0, IPPROTO_UDP, FW_PASS);
}

static void test_ipv6_7_exthdrs(enum hook hook)
{
	struct frame f;

	ext_chain_frame(&f, 7);
	expect_run(hook, &f, 0, FW_SLOT_MALFORMED, FW_PASS);
}

/* AH ends the walk as a protocol, as it does behind an IPv4 header. */
static void test_ipv6_ah(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_AH);
	put_ipv6_opts(&f, IPPROTO_UDP, 2); /* as long as an AH with a 96-bit ICV */
	put_udp(&f);
	frame_done(&f);
	expect_run(hook, &f, 0, IPPROTO_AH, FW_PASS);
}

static void test_vlan(enum hook hook)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 1);
	expect_run(hook, &f, 0, IPPROTO_ICMP, FW_PASS);
	if (set_verdict(0, IPPROTO_ICMP, FW_DROP))
		expect_run(hook, &f, 0, IPPROTO_ICMP, FW_DROP);
}

static void test_qinq(enum hook hook)
{
	static const __u16 tpids[] = { ETH_P_8021AD, ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 2);
	expect_run(hook, &f, 0, IPPROTO_ICMP, FW_PASS);
	if (set_verdict(0, IPPROTO_ICMP, FW_DROP))
		expect_run(hook, &f, 0, IPPROTO_ICMP, FW_DROP);
}

static void test_three_tags(enum hook hook)
{
	static const __u16 tpids[] = { ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 3);
	if (set_verdict(0, IPPROTO_ICMP, FW_DROP))
		expect_run(hook, &f, 0, FW_SLOT_NON_IP, FW_PASS);
}

static void test_arp_default(enum hook hook)
{
	struct frame f;

	arp_frame(&f);
	if (ASSERT_EQ(f.len, 42, "ARP frame length"))
		expect_run(hook, &f, 0, FW_SLOT_NON_IP, FW_PASS);
}

static void test_arp_all_ip_drop(enum hook hook)
{
	struct frame f;
	__u32 proto;

	for (proto = 0; proto < 256; proto++)
		if (!set_verdict(0, proto, FW_DROP))
			return;
	arp_frame(&f);
	expect_run(hook, &f, 0, FW_SLOT_NON_IP, FW_PASS);
	/* and those verdicts do hold for IP */
	icmp6_frame(&f);
	expect_run(hook, &f, 0, IPPROTO_ICMPV6, FW_DROP);
}

static void test_arp_non_ip_drop(enum hook hook)
{
	struct frame f;

	arp_frame(&f);
	if (set_verdict(0, FW_SLOT_NON_IP, FW_DROP))
		expect_run(hook, &f, 0, FW_SLOT_NON_IP, FW_DROP);
}

static void test_bad_verdict_value(enum hook hook)
{
	static const __u32 values[] = { FW_VERDICTS, 0x100, 0xffffffff };
	struct frame f;
	size_t i;

	icmp4_frame(&f, NULL, 0);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		if (!set_verdict(0, IPPROTO_ICMP, values[i]))
			return;
		if (!expect_run(hook, &f, 0, IPPROTO_ICMP, FW_PASS))
			test_msg("with verdict value %#x", values[i]);
	}
}

static void test_frame_unchanged(enum hook hook)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame f;

	/* expect_run() compares what comes out with what went in on a pass */
	icmp4_frame(&f, tpids, 1);
	expect_run(hook, &f, 0, IPPROTO_ICMP, FW_PASS);
	ext_chain_frame(&f, 3);
	expect_run(hook, &f, 0, IPPROTO_UDP, FW_PASS);
	arp_frame(&f);
	expect_run(hook, &f, 0, FW_SLOT_NON_IP, FW_PASS);
}

static void test_repeat(enum hook hook)
{
	struct run_opts ro = { .repeat = 100 };
	struct frame f;

	udp4_frame(&f);
	expect_run_opts(hook, &f, &ro, 0, IPPROTO_UDP, FW_PASS);
	if (set_verdict(0, IPPROTO_UDP, FW_DROP))
		expect_run_opts(hook, &f, &ro, 0, IPPROTO_UDP, FW_DROP);
}

/* --- tests: malformed frames -------------------------------------------------- */

/*
 * Whether the kernel may refuse to run tc on f: since "bpf: reject short
 * IPv4/IPv6 inputs in bpf_prog_test_run_skb" (6.18.y stable, 7.1), an
 * untagged frame of ethertype IPv4 or IPv6 must hold the whole IP header.
 * Behind a VLAN tag the kernel does not look, so the tagged tests cover fw_tc.
 */
static bool tc_may_refuse(enum hook hook, const struct frame *f)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame_data(f);

	if (hook != HOOK_TC)
		return false;
	if (eth->h_proto == htons(ETH_P_IP))
		return f->len < ETH_HLEN + sizeof(struct iphdr);
	if (eth->h_proto == htons(ETH_P_IPV6))
		return f->len < ETH_HLEN + sizeof(struct ipv6hdr);
	return false;
}

/* Malformed frames pass and count as such; with the malformed slot at drop, drop. */
static void expect_malformed(enum hook hook, const struct frame *f)
{
	struct result res;

	/*
	 * Then the refusal is what this kernel does, and it must not count:
	 * the frame itself reaches fw_tc for real in e2e/malformed.sh, sent
	 * over a veth pair, and behind a VLAN tag in the tests below.
	 */
	if (tc_may_refuse(hook, f) && run_prog(hook, f, NULL, &res) == -EINVAL) {
		test_msg("this kernel refuses tc test runs on untagged IP frames shorter than "
			 "the IP header (EINVAL)");
		expect_uncounted();
		return;
	}
	if (!expect_run(hook, f, 0, FW_SLOT_MALFORMED, FW_PASS))
		return;
	if (set_verdict(0, FW_SLOT_MALFORMED, FW_DROP))
		expect_run(hook, f, 0, FW_SLOT_MALFORMED, FW_DROP);
}

static void test_eth_too_short(enum hook hook)
{
	struct result res;
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	f.len = ETH_HLEN - 1;
	ASSERT_EQ(run_prog(hook, &f, NULL, &res), -EINVAL, "BPF_PROG_TEST_RUN of 13 bytes");
	expect_uncounted();
}

static void test_eth_only(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IP);
	expect_malformed(hook, &f);
}

static void test_eth_only_ipv6(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	expect_malformed(hook, &f);
}

static void test_vlan_truncated(enum hook hook)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 1);
	f.len = ETH_HLEN + 2;
	expect_malformed(hook, &f);
}

static void test_ipv4_truncated(enum hook hook)
{
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	f.len = ETH_HLEN + sizeof(struct iphdr) - 1;
	expect_malformed(hook, &f);
}

static void test_vlan_eth_only(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_8021Q);
	put_vlan(&f, 100, ETH_P_IP);
	expect_malformed(hook, &f);
}

static void test_vlan_ipv4_truncated(enum hook hook)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 1);
	f.len = f.l3 + sizeof(struct iphdr) - 1;
	expect_malformed(hook, &f);
}

static void test_vlan_ipv6_truncated(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_8021Q);
	put_vlan(&f, 100, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_ICMPV6);
	put_icmpv6_echo(&f);
	frame_done(&f);
	f.len = f.l3 + sizeof(struct ipv6hdr) - 1;
	expect_malformed(hook, &f);
}

static void test_ipv4_ihl_short(enum hook hook)
{
	struct frame f;
	struct iphdr *iph;

	icmp4_frame(&f, NULL, 0);
	iph = (struct iphdr *)(frame_data(&f) + f.l3);
	iph->ihl = 4;
	frame_done(&f);
	expect_malformed(hook, &f);
}

static void test_ipv4_options_cut(enum hook hook)
{
	struct frame f;
	struct iphdr *iph;

	/* ihl 15 asks for 60 bytes of header; only the 20 and 8 of UDP are there */
	put_eth(&f, ETH_P_IP);
	put_ipv4(&f, IPPROTO_UDP);
	put(&f, sizeof(struct udphdr));
	iph = (struct iphdr *)(frame_data(&f) + f.l3);
	iph->ihl = 15;
	frame_done(&f);
	expect_malformed(hook, &f);
}

static void test_ipv4_version6(enum hook hook)
{
	struct frame f;
	struct iphdr *iph;

	icmp4_frame(&f, NULL, 0);
	iph = (struct iphdr *)(frame_data(&f) + f.l3);
	iph->version = 6;
	expect_malformed(hook, &f);
}

static void test_ipv6_truncated(enum hook hook)
{
	struct frame f;

	icmp6_frame(&f);
	f.len = ETH_HLEN + sizeof(struct ipv6hdr) - 1;
	expect_malformed(hook, &f);
}

static void test_ipv6_version4(enum hook hook)
{
	struct frame f;
	struct ipv6hdr *ip6h;

	icmp6_frame(&f);
	ip6h = (struct ipv6hdr *)(frame_data(&f) + f.l3);
	ip6h->version = 4;
	expect_malformed(hook, &f);
}

/* The frame ends one byte into a hop-by-hop header: its next header is cut. */
static void test_ipv6_exthdr_truncated(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_HOPOPTS);
	put_ipv6_opts(&f, IPPROTO_UDP, 0);
	put_udp(&f);
	frame_done(&f);
	f.len = ETH_HLEN + sizeof(struct ipv6hdr) + 1;
	expect_malformed(hook, &f);
}

/*
 * The frame ends 8 bytes into a 16-byte destination options header: its
 * first two bytes are there, the rest is not (as for IPv4 options cut short).
 */
static void test_ipv6_exthdr_body_cut(enum hook hook)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_DSTOPTS);
	put_ipv6_opts(&f, IPPROTO_UDP, 1);
	put_udp(&f);
	frame_done(&f);
	f.len = ETH_HLEN + sizeof(struct ipv6hdr) + 8;
	expect_malformed(hook, &f);
}

/* --- tests: tables ---------------------------------------------------------- */

#define UNBOUND (-1)

/* Table 3 drops ICMP where the others pass it; lo's hooks use the tables given. */
static bool table3_drops_icmp_on_lo(int xdp, int tc_ingress, int tc_egress)
{
	return set_verdict(3, IPPROTO_ICMP, FW_DROP) &&
	       (xdp == UNBOUND || bind_table(LO_IFINDEX, FW_HOOK_XDP, xdp)) &&
	       (tc_ingress == UNBOUND || bind_table(LO_IFINDEX, FW_HOOK_TC_INGRESS, tc_ingress)) &&
	       (tc_egress == UNBOUND || bind_table(LO_IFINDEX, FW_HOOK_TC_EGRESS, tc_egress));
}

static void test_xdp_table(enum hook hook)
{
	struct run_opts ro = { .ctx = true, .ingress_ifindex = LO_IFINDEX };
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (table3_drops_icmp_on_lo(3, UNBOUND, UNBOUND))
		expect_run_opts(hook, &f, &ro, 3, IPPROTO_ICMP, FW_DROP);
}

/* Without a context, BPF_PROG_TEST_RUN runs XDP on lo's first queue all the same. */
static void test_xdp_table_no_ctx(enum hook hook)
{
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (table3_drops_icmp_on_lo(3, UNBOUND, UNBOUND))
		expect_run(hook, &f, 3, IPPROTO_ICMP, FW_DROP);
}

static void test_xdp_table_other_hooks(enum hook hook)
{
	struct run_opts ro = { .ctx = true, .ingress_ifindex = LO_IFINDEX };
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (table3_drops_icmp_on_lo(UNBOUND, 3, 3) && bind_table(LO_IFINDEX + 1000, FW_HOOK_XDP, 3))
		expect_run_opts(hook, &f, &ro, 0, IPPROTO_ICMP, FW_PASS);
}

/* ingress_ifindex == ifindex (1, lo) is ingress; table 3 there, 5 at egress. */
static void test_tc_ingress_table(enum hook hook)
{
	struct run_opts ro = { .ctx = true, .ingress_ifindex = LO_IFINDEX };
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (table3_drops_icmp_on_lo(5, 3, 5))
		expect_run_opts(hook, &f, &ro, 3, IPPROTO_ICMP, FW_DROP);
}

/* ingress_ifindex 0: sent from this host. */
static void test_tc_egress_table(enum hook hook)
{
	struct run_opts ro = { .ctx = true, .ingress_ifindex = 0 };
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (!table3_drops_icmp_on_lo(3, 3, 5))
		return;
	expect_run_opts(hook, &f, &ro, 5, IPPROTO_ICMP, FW_PASS);
	/* and the egress table's verdicts are the ones applied */
	if (set_verdict(5, IPPROTO_ICMP, FW_DROP))
		expect_run_opts(hook, &f, &ro, 5, IPPROTO_ICMP, FW_DROP);
}

/* ingress_ifindex of another device: forwarded out of lo, egress too. */
static void test_tc_forwarded_table(enum hook hook)
{
	struct run_opts ro = { .ctx = true, .ingress_ifindex = 7 };
	struct frame f;

	icmp4_frame(&f, NULL, 0);
	if (table3_drops_icmp_on_lo(UNBOUND, 3, 5))
		expect_run_opts(hook, &f, &ro, 5, IPPROTO_ICMP, FW_PASS);
}

/*
 * A binding past FW_MAX_TABLES (which tcctl refuses, but bpftool writes) means
 * table 0. In 32 bits, (0x80000000 + n) * FW_SLOTS wraps to table n's first
 * slot: such a binding must not reach table 3, which passes ICMP.
 */
static void test_table_out_of_range(enum hook hook)
{
	static const __u32 tables[] = { FW_MAX_TABLES, 0x80000000, 0x80000003, 0xffffffff };
	enum fw_hook fw_hook = hook == HOOK_XDP ? FW_HOOK_XDP : FW_HOOK_TC_EGRESS;
	struct frame f;
	size_t i;

	icmp4_frame(&f, NULL, 0);
	if (!set_verdict(0, IPPROTO_ICMP, FW_DROP) || !set_verdict(3, IPPROTO_ICMP, FW_PASS))
		return;
	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		if (!bind_table(LO_IFINDEX, fw_hook, tables[i]))
			return;
		if (!expect_run(hook, &f, 0, IPPROTO_ICMP, FW_DROP))
			test_msg("with the binding to table %#x", tables[i]);
	}
}

/* --- main ----------------------------------------------------------------- */

#define ALL_HOOKS (-1)

static const struct test {
	const char *name;
	void (*fn)(enum hook hook);
	int only; /* enum hook, or ALL_HOOKS */
} tests[] = {
	{ "ipv4 icmp echo passes by default, counted in slot 1", test_icmp4_default, ALL_HOOKS },
	{ "ipv4 icmp echo dropped when table 0 drops slot 1", test_icmp4_drop, ALL_HOOKS },
	{ "icmp at drop: tcp and udp pass, counted in slots 6, 17", test_tcp_udp_pass, ALL_HOOKS },
	{ "ipv6 icmpv6 dropped when table 0 drops slot 58", test_icmp6_drop, ALL_HOOKS },
	{ "ipv6 hop-by-hop, dest options, udp: slot 17", test_ipv6_hop_dst_udp, ALL_HOOKS },
	{ "ipv6 fragment header, tcp: slot 6", test_ipv6_frag_tcp, ALL_HOOKS },
	{ "ipv6 routing header, udp: slot 17", test_ipv6_routing_udp, ALL_HOOKS },
	{ "ipv6 5 extension headers, udp: slot 17", test_ipv6_5_exthdrs, ALL_HOOKS },
	{ "ipv6 6 extension headers (PARSE_MAX_EXTHDRS), udp: slot 17", test_ipv6_6_exthdrs,
	  ALL_HOOKS },
	{ "ipv6 7 extension headers: malformed", test_ipv6_7_exthdrs, ALL_HOOKS },
	{ "ipv6 authentication header: slot 51, not walked", test_ipv6_ah, ALL_HOOKS },
	{ "802.1q tag, ipv4 icmp: slot 1, dropped with slot 1", test_vlan, ALL_HOOKS },
	{ "qinq 802.1ad+802.1q tags, ipv4 icmp: slot 1, dropped", test_qinq, ALL_HOOKS },
	{ "three vlan tags: non-ip slot, passes", test_three_tags, ALL_HOOKS },
	{ "arp (42 bytes): non-ip slot, passes by default", test_arp_default, ALL_HOOKS },
	{ "arp passes when all 256 ip protocols drop", test_arp_all_ip_drop, ALL_HOOKS },
	{ "arp dropped when the non-ip slot drops", test_arp_non_ip_drop, ALL_HOOKS },
	{ "verdict values other than 0 and 1 pass, counted as pass", test_bad_verdict_value,
	  ALL_HOOKS },
	{ "frames that pass come out byte for byte as they went in", test_frame_unchanged,
	  ALL_HOOKS },
	{ "repeat 100: 100 packets counted, pass and drop", test_repeat, ALL_HOOKS },
	{ "13-byte frame: the kernel refuses it (EINVAL), untestable", test_eth_too_short,
	  ALL_HOOKS },
	{ "14-byte frame, ethertype ipv4: malformed, pass then drop", test_eth_only, ALL_HOOKS },
	{ "14-byte frame, ethertype ipv6: malformed, pass then drop", test_eth_only_ipv6,
	  ALL_HOOKS },
	{ "802.1q tag cut short: malformed, pass then drop", test_vlan_truncated, ALL_HOOKS },
	{ "ipv4 header cut short: malformed, pass then drop", test_ipv4_truncated, ALL_HOOKS },
	{ "802.1q, ethertype ipv4, nothing after: malformed, pass, drop", test_vlan_eth_only,
	  ALL_HOOKS },
	{ "802.1q, ipv4 header cut short: malformed, pass then drop", test_vlan_ipv4_truncated,
	  ALL_HOOKS },
	{ "802.1q, ipv6 header cut short: malformed, pass then drop", test_vlan_ipv6_truncated,
	  ALL_HOOKS },
	{ "ipv4 ihl 4: malformed, pass then drop", test_ipv4_ihl_short, ALL_HOOKS },
	{ "ipv4 ihl 15 past the frame end: malformed, pass then drop", test_ipv4_options_cut,
	  ALL_HOOKS },
	{ "ethertype ipv4, version 6: malformed, pass then drop", test_ipv4_version6, ALL_HOOKS },
	{ "ipv6 header cut short: malformed, pass then drop", test_ipv6_truncated, ALL_HOOKS },
	{ "ethertype ipv6, version 4: malformed, pass then drop", test_ipv6_version4, ALL_HOOKS },
	{ "ipv6 ext header cut after 1 byte: malformed", test_ipv6_exthdr_truncated, ALL_HOOKS },
	{ "ipv6 ext header cut after 8 of 16 bytes: malformed", test_ipv6_exthdr_body_cut,
	  ALL_HOOKS },
	{ "ifindex 1 bound to table 3 at xdp: table 3 drops", test_xdp_table, HOOK_XDP },
	{ "no ctx: ingress_ifindex is lo's, table 3 bound there drops", test_xdp_table_no_ctx,
	  HOOK_XDP },
	{ "tables bound to tc hooks or other ifindexes: table 0", test_xdp_table_other_hooks,
	  HOOK_XDP },
	{ "ingress_ifindex == ifindex: the tc ingress table (3)", test_tc_ingress_table, HOOK_TC },
	{ "ingress_ifindex 0: the tc egress table (5)", test_tc_egress_table, HOOK_TC },
	{ "ingress_ifindex 7 (forwarded): the tc egress table (5)", test_tc_forwarded_table,
	  HOOK_TC },
	{ "binding to a table past FW_MAX_TABLES: table 0 applies", test_table_out_of_range,
	  ALL_HOOKS },
};

int main(void)
{
	const char *path = getenv("FW_O") ?: FW_O_DEFAULT;
	char name[128];
	size_t i;
	int h;

	libbpf_set_print(libbpf_print);
	snprintf(name, sizeof(name), "load %s: fw_xdp, fw_tc, maps as in abi/fw.h", path);
	if (!ASSERT_OK(fw_load(path), "load")) {
		test_report(name);
		return 1;
	}
	test_report(name);

	for (h = 0; h < HOOKS; h++) {
		for (i = 0; i < ARRAY_SIZE(tests); i++) {
			if (tests[i].only != ALL_HOOKS && tests[i].only != h)
				continue;
			snprintf(name, sizeof(name), "%s: %s", hooks[h].sec, tests[i].name);
			if (ASSERT_OK(fw_reset(), "reset the maps"))
				tests[i].fn(h);
			test_report(name);
		}
	}
	bpf_object__close(fw.obj);
	free(fw.percpu);
	return test_exit_status();
}
