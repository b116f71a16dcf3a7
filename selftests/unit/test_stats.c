// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the stats object: stats_xdp (sec xdp) and stats_tc (sec tc)
 * run through BPF_PROG_TEST_RUN on hand-built frames (frame.h). The maps are
 * loaded unpinned, private to this process, and emptied before each test.
 * Each test checks the return code (stats never judges: XDP_PASS and
 * TC_ACT_UNSPEC), that the frame comes out as it went in, and the whole of
 * stats_proto, summed over the CPUs: exactly the keys expected, with their
 * packets and bytes, and nothing in stats_overflow unless a test fills the
 * table. Last, stats in an XDP chain with fw, through chain.o's root.
 *
 * Usage: test_stats, from the repository root, as root ($STATS_O, $FW_O and
 * $CHAIN_O: other objects).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "abi/chain.h"
#include "abi/fw.h"
#include "abi/stats.h"
#include "bpf_obj.h"
#include "frame.h"
#include "test.h"

#define LO_IFINDEX 1 /* test runs happen on the loopback device */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- the objects ------------------------------------------------------------ */

/* where a run happens: the program, the context it gets, what it must return */
enum where {
	AT_XDP,
	AT_TC_INGRESS, /* ingress_ifindex == ifindex: lib/ctx.h says ingress */
	AT_TC_EGRESS,  /* ingress_ifindex 0: sent from this host */
	WHERES,
};

static const struct where_desc {
	const char *name;
	enum stats_hook hook;
	int pass; /* the return code: stats only ever passes */
} wheres[WHERES] = {
	[AT_XDP] = { "xdp", STATS_HOOK_XDP, XDP_PASS },
	[AT_TC_INGRESS] = { "tc ingress", STATS_HOOK_TC_INGRESS, TC_ACT_UNSPEC },
	[AT_TC_EGRESS] = { "tc egress", STATS_HOOK_TC_EGRESS, TC_ACT_UNSPEC },
};

static struct {
	struct bpf_object *obj;
	struct stats_counter *percpu; /* one map value: a counter per possible CPU */
	int xdp, tc;
	int proto, overflow;
	int ncpus;
} st;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("    ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static int stats_load(const char *path)
{
	st.obj = obj_open_load(path, false, NULL);
	if (!st.obj)
		return -EINVAL;
	st.xdp = obj_prog_fd(st.obj, "stats_xdp", "xdp");
	st.tc = obj_prog_fd(st.obj, "stats_tc", "tc");
	st.proto = obj_map_fd(st.obj, STATS_MAP_PROTO, sizeof(struct stats_key),
			  sizeof(struct stats_counter), STATS_PROTO_ENTRIES);
	st.overflow = obj_map_fd(st.obj, STATS_MAP_OVERFLOW, sizeof(__u32),
			     sizeof(struct stats_counter), STATS_OVERFLOW_ENTRIES);
	if (st.xdp < 0 || st.tc < 0 || st.proto < 0 || st.overflow < 0)
		return -EINVAL;
	st.ncpus = libbpf_num_possible_cpus();
	if (st.ncpus < 0)
		return st.ncpus;
	st.percpu = calloc(st.ncpus, sizeof(*st.percpu));
	return st.percpu ? 0 : -ENOMEM;
}

/* The state of a fresh load: no keys, no overflow. */
static int stats_reset(void)
{
	struct stats_key key;
	__u32 i;
	int err;

	while (!bpf_map_get_next_key(st.proto, NULL, &key)) {
		err = bpf_map_delete_elem(st.proto, &key);
		if (err)
			return err;
	}
	memset(st.percpu, 0, st.ncpus * sizeof(*st.percpu));
	for (i = 0; i < STATS_OVERFLOW_ENTRIES; i++) {
		err = bpf_map_update_elem(st.overflow, &i, st.percpu, BPF_ANY);
		if (err)
			return err;
	}
	return 0;
}

/* --- counts ------------------------------------------------------------------ */

static int sum(int fd, const void *key, struct stats_counter *c)
{
	int cpu, err;

	c->packets = c->bytes = 0;
	err = bpf_map_lookup_elem(fd, key, st.percpu);
	if (err)
		return err;
	for (cpu = 0; cpu < st.ncpus; cpu++) {
		c->packets += st.percpu[cpu].packets;
		c->bytes += st.percpu[cpu].bytes;
	}
	return 0;
}

/* a row of stats_proto as a test expects it, on lo */
struct want {
	__u8 hook, family;
	__u16 slot;
	__u64 packets, bytes;
};

static void show_key(const char *what, const struct stats_key *k, const struct stats_counter *c)
{
	test_msg("%s: ifindex %u hook %u family %u slot %u: %llu packets, %llu bytes", what,
		 k->ifindex, k->hook, k->family, k->slot, (unsigned long long)c->packets,
		 (unsigned long long)c->bytes);
}

/*
 * stats_proto holds exactly the rows in w (and at most max_other rows of
 * other ifindexes, for the tests that fill it), and stats_overflow holds
 * overflow packets of overflow_bytes.
 */
static bool expect_rows_full(const struct want *w, int n, __u32 max_other, __u64 overflow,
			     __u64 overflow_bytes)
{
	struct stats_key key, prev, found_key;
	struct stats_counter c;
	__u32 others = 0, idx = STATS_OVERFLOW_PROTO;
	bool ok = true, first = true, found[16] = {};
	int i;

	while (!bpf_map_get_next_key(st.proto, first ? NULL : &prev, &key)) {
		first = false;
		prev = key;
		if (!ASSERT_OK(sum(st.proto, &key, &c), "read stats_proto"))
			return false;
		for (i = 0; i < n; i++) {
			if (key.ifindex == LO_IFINDEX && key.hook == w[i].hook &&
			    key.family == w[i].family && key.slot == w[i].slot)
				break;
		}
		if (i == n) {
			if (key.ifindex == LO_IFINDEX || ++others > max_other) {
				show_key("unexpected row", &key, &c);
				ok = ASSERT_TRUE(false, "only the rows expected");
			}
			continue;
		}
		found[i] = true;
		found_key = key;
		if (c.packets != w[i].packets || c.bytes != w[i].bytes) {
			show_key("counted", &found_key, &c);
			test_msg("want %llu packets, %llu bytes", (unsigned long long)w[i].packets,
				 (unsigned long long)w[i].bytes);
			ok = ASSERT_TRUE(false, "the row's counts");
		}
	}
	for (i = 0; i < n; i++) {
		if (found[i])
			continue;
		test_msg("missing row: hook %u family %u slot %u", w[i].hook, w[i].family,
			 w[i].slot);
		ok = ASSERT_TRUE(false, "every row expected");
	}
	if (!ASSERT_OK(sum(st.overflow, &idx, &c), "read stats_overflow"))
		return false;
	ok &= ASSERT_EQ(c.packets, overflow, "stats_overflow packets");
	ok &= ASSERT_EQ(c.bytes, overflow_bytes, "stats_overflow bytes");
	return ok;
}

static bool expect_rows(const struct want *w, int n)
{
	return expect_rows_full(w, n, 0, 0, 0);
}

/* --- runs ---------------------------------------------------------------- */

/* Runs f repeat times at where; checks the pass and that the frame is unchanged. */
static bool run_at(enum where at, const struct frame *f, __u32 repeat)
{
	struct xdp_md xdp = { .data_end = f->len };
	struct __sk_buff skb = { .ingress_ifindex = at == AT_TC_INGRESS ? LO_IFINDEX : 0 };
	__u8 out[FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);
	bool ok;

	if (at == AT_XDP) {
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	} else {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	if (!ASSERT_OK(bpf_prog_test_run_opts(at == AT_XDP ? st.xdp : st.tc, &opts),
		       "BPF_PROG_TEST_RUN"))
		return false;
	ok = ASSERT_EQ((int)opts.retval, wheres[at].pass, "return code (want pass)");
	ok &= ASSERT_EQ(opts.data_size_out, f->len, "frame length after the run");
	if (opts.data_size_out == f->len)
		ok &= ASSERT_MEMEQ(out, frame_data(f), f->len, "frame after the run");
	return ok;
}

/* A frame counted once at where, in one row of the given family and slot. */
static bool expect_once(enum where at, const struct frame *f, __u8 family, __u16 slot)
{
	struct want w = { wheres[at].hook, family, slot, 1, f->len };

	return ASSERT_OK(stats_reset(), "reset") && run_at(at, f, 1) && expect_rows(&w, 1);
}

/* --- tests ---------------------------------------------------------------- */

static void test_ipv4_tcp_udp_icmp(enum where at)
{
	struct frame tcp, udp, icmp;
	__u8 h = wheres[at].hook;

	tcp4_frame(&tcp);
	udp4_frame(&udp);
	icmp4_frame(&icmp, NULL, 0);
	if (!run_at(at, &tcp, 1) || !run_at(at, &udp, 2) || !run_at(at, &icmp, 3))
		return;
	{
		struct want w[] = {
			{ h, STATS_FAMILY_IPV4, IPPROTO_TCP, 1, tcp.len },
			{ h, STATS_FAMILY_IPV4, IPPROTO_UDP, 2, 2 * udp.len },
			{ h, STATS_FAMILY_IPV4, IPPROTO_ICMP, 3, 3 * icmp.len },
		};

		expect_rows(w, ARRAY_SIZE(w));
	}
}

static void test_repeat(enum where at)
{
	struct want w = { wheres[at].hook, STATS_FAMILY_IPV4, IPPROTO_UDP, 100, 0 };
	struct frame f;

	udp4_frame(&f);
	w.bytes = 100ULL * f.len;
	if (run_at(at, &f, 100))
		expect_rows(&w, 1);
}

static void test_ipv6_exthdrs_udp(enum where at)
{
	struct frame f;

	put_eth(&f, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_HOPOPTS);
	put_ipv6_opts(&f, IPPROTO_DSTOPTS, 0);
	put_ipv6_opts(&f, IPPROTO_UDP, 1);
	put_udp(&f);
	frame_done(&f);
	expect_once(at, &f, STATS_FAMILY_IPV6, IPPROTO_UDP);
}

static void test_ipv6_icmpv6(enum where at)
{
	struct frame f;

	icmp6_frame(&f);
	expect_once(at, &f, STATS_FAMILY_IPV6, IPPROTO_ICMPV6);
}

static void test_vlan_icmp(enum where at)
{
	static const __u16 tpids[] = { ETH_P_8021AD, ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 2);
	expect_once(at, &f, STATS_FAMILY_IPV4, IPPROTO_ICMP);
}

static void test_arp(enum where at)
{
	struct frame f;

	arp_frame(&f);
	if (ASSERT_EQ(f.len, 42, "ARP frame length"))
		expect_once(at, &f, STATS_FAMILY_NONE, STATS_SLOT_NON_IP);
}

/*
 * Truncated frames behind a VLAN tag: the kernel refuses tc test runs of
 * untagged IP frames shorter than the IP header (see test_fw.c), and does not
 * look behind a tag. The family is the ethertype's, the slot malformed.
 */
static void test_ipv4_truncated(enum where at)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 1);
	f.len = f.l3 + sizeof(struct iphdr) - 1;
	expect_once(at, &f, STATS_FAMILY_IPV4, STATS_SLOT_MALFORMED);
}

static void test_ipv6_truncated(enum where at)
{
	struct frame f;

	put_eth(&f, ETH_P_8021Q);
	put_vlan(&f, 100, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_ICMPV6);
	put_icmpv6_echo(&f);
	frame_done(&f);
	f.len = f.l3 + sizeof(struct ipv6hdr) - 1;
	expect_once(at, &f, STATS_FAMILY_IPV6, STATS_SLOT_MALFORMED);
}

static void test_ipv6_too_many_exthdrs(enum where at)
{
	struct frame f;

	ext_chain_frame(&f, 7);
	expect_once(at, &f, STATS_FAMILY_IPV6, STATS_SLOT_MALFORMED);
}

/* the tag is cut: no ethertype was read, so no family */
static void test_vlan_truncated(enum where at)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame f;

	icmp4_frame(&f, tpids, 1);
	f.len = ETH_HLEN + 2;
	expect_once(at, &f, STATS_FAMILY_NONE, STATS_SLOT_MALFORMED);
}

/*
 * A full stats_proto: a new key goes to stats_overflow, the packet passes,
 * and a key already there still counts in its row.
 */
static void test_full(enum where at)
{
	struct stats_key key = { .hook = STATS_HOOK_XDP, .family = STATS_FAMILY_IPV4, .slot = 6 };
	__u8 h = wheres[at].hook;
	struct frame icmp, udp;
	__u32 i;

	icmp4_frame(&icmp, NULL, 0);
	udp4_frame(&udp);
	if (!run_at(at, &icmp, 1))
		return;
	memset(st.percpu, 0, st.ncpus * sizeof(*st.percpu));
	st.percpu[0].packets = 1;
	for (i = 1; i < STATS_PROTO_ENTRIES; i++) {
		key.ifindex = 100000 + i;
		if (!ASSERT_OK(bpf_map_update_elem(st.proto, &key, st.percpu, BPF_NOEXIST),
			       "fill stats_proto"))
			return;
	}
	if (!run_at(at, &udp, 2) || !run_at(at, &icmp, 1))
		return;
	{
		struct want w = { h, STATS_FAMILY_IPV4, IPPROTO_ICMP, 2, 2 * icmp.len };

		if (!expect_rows_full(&w, 1, STATS_PROTO_ENTRIES - 1, 2, 2 * udp.len))
			return;
	}
	/* room again: the next new key gets its row */
	key.ifindex = 100001;
	if (!ASSERT_OK(bpf_map_delete_elem(st.proto, &key), "free a row") || !run_at(at, &udp, 1))
		return;
	{
		struct want w[] = {
			{ h, STATS_FAMILY_IPV4, IPPROTO_ICMP, 2, 2 * icmp.len },
			{ h, STATS_FAMILY_IPV4, IPPROTO_UDP, 1, udp.len },
		};

		expect_rows_full(w, ARRAY_SIZE(w), STATS_PROTO_ENTRIES - 2, 2, 2 * udp.len);
	}
}

/* One frame at all three hooks: three rows, told apart by hook. */
static void test_hooks_apart(enum where unused)
{
	struct frame f;
	struct want w[WHERES];
	int at;

	(void)unused;
	udp4_frame(&f);
	for (at = 0; at < WHERES; at++) {
		if (!run_at(at, &f, at + 1))
			return;
		w[at] = (struct want){ wheres[at].hook, STATS_FAMILY_IPV4, IPPROTO_UDP, at + 1,
				       (at + 1) * f.len };
	}
	expect_rows(w, WHERES);
}

/* --- XDP chain with fw ---------------------------------------------------- */

static struct {
	struct bpf_object *chain, *stats, *fw;
	int root, stats_xdp, fw_xdp;
	int progs, heads, proto;
} ch;

/* chain.o's root, stats and fw as members, sharing the chain maps as pins would */
static int chain_load(void)
{
	const char *chain_o = getenv("CHAIN_O") ?: "build/bpf/chain.o";
	const char *stats_o = getenv("STATS_O") ?: "build/bpf/stats.o";
	const char *fw_o = getenv("FW_O") ?: "build/bpf/fw.o";
	struct chain_head head = { .netns = 1, .ifindex = LO_IFINDEX, .first = 0 };
	__u32 id = 0, slot = 0, drop = FW_DROP;
	struct bpf_map *m;

	ch.chain = obj_open_load(chain_o, false, NULL);
	ch.stats = ch.chain ? obj_open_load(stats_o, true, ch.chain) : NULL;
	ch.fw = ch.stats ? obj_open_load(fw_o, true, ch.chain) : NULL;
	if (!ch.fw)
		return -EINVAL;
	ch.root = obj_prog_fd(ch.chain, "chain_xdp", "xdp");
	ch.stats_xdp = obj_prog_fd(ch.stats, "stats_xdp", "xdp");
	ch.fw_xdp = obj_prog_fd(ch.fw, "fw_xdp", "xdp");
	m = bpf_object__find_map_by_name(ch.chain, CHAIN_MAP_PROGS);
	ch.progs = m ? bpf_map__fd(m) : -ENOENT;
	m = bpf_object__find_map_by_name(ch.chain, CHAIN_MAP_HEADS);
	ch.heads = m ? bpf_map__fd(m) : -ENOENT;
	m = bpf_object__find_map_by_name(ch.stats, STATS_MAP_PROTO);
	ch.proto = m ? bpf_map__fd(m) : -ENOENT;
	if (ch.root < 0 || ch.stats_xdp < 0 || ch.fw_xdp < 0 || ch.progs < 0 || ch.heads < 0 ||
	    ch.proto < 0)
		return -EINVAL;
	m = bpf_object__find_map_by_name(ch.fw, FW_MAP_VERDICTS);
	slot = fw_verdict_index(0, IPPROTO_ICMP);
	if (!m || bpf_map_update_elem(bpf_map__fd(m), &slot, &drop, BPF_ANY))
		return -EINVAL;
	return bpf_map_update_elem(ch.heads, &id, &head, BPF_ANY) ? -errno : 0;
}

/* Puts first and second in chain 0's slots 0 and 1; runs f through the root. */
static bool chain_run(int first, int second, const struct frame *f, int want)
{
	__u32 s0 = 0, s1 = 1;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len);

	if (!ASSERT_OK(bpf_map_update_elem(ch.progs, &s0, &first, BPF_ANY), "chain slot 0") ||
	    !ASSERT_OK(bpf_map_update_elem(ch.progs, &s1, &second, BPF_ANY), "chain slot 1") ||
	    !ASSERT_OK(bpf_prog_test_run_opts(ch.root, &opts), "BPF_PROG_TEST_RUN of the root"))
		return false;
	return ASSERT_EQ(opts.retval, want, want == XDP_DROP ? "chain verdict (want drop)" :
							       "chain verdict (want pass)");
}

/* ICMP and UDP through root -> first -> second; what stats counted of each */
static void chain_count(int first, int second, __u64 *icmp, __u64 *udp)
{
	struct stats_key k = { LO_IFINDEX, STATS_HOOK_XDP, STATS_FAMILY_IPV4, IPPROTO_ICMP };
	struct stats_counter c;
	struct frame f;

	*icmp = *udp = ~0ULL;
	icmp4_frame(&f, NULL, 0);
	if (!chain_run(first, second, &f, XDP_DROP))
		return;
	udp4_frame(&f);
	if (!chain_run(first, second, &f, XDP_PASS))
		return;
	*icmp = sum(ch.proto, &k, &c) ? 0 : c.packets;
	k.slot = IPPROTO_UDP;
	*udp = sum(ch.proto, &k, &c) ? 0 : c.packets;
}

static void test_chain_stats_then_fw(void)
{
	__u64 icmp, udp;

	chain_count(ch.stats_xdp, ch.fw_xdp, &icmp, &udp);
	ASSERT_EQ(icmp, 1, "stats before fw: icmp counted, then dropped by fw");
	ASSERT_EQ(udp, 1, "stats before fw: udp counted");
}

static void test_chain_fw_then_stats(void)
{
	struct stats_key key;
	__u64 icmp, udp;

	while (!bpf_map_get_next_key(ch.proto, NULL, &key))
		bpf_map_delete_elem(ch.proto, &key);
	chain_count(ch.fw_xdp, ch.stats_xdp, &icmp, &udp);
	ASSERT_EQ(icmp, 0, "fw before stats: icmp dropped before stats sees it");
	ASSERT_EQ(udp, 1, "fw before stats: udp passed on to stats");
}

/* --- main ----------------------------------------------------------------- */

static const struct test {
	const char *name;
	void (*fn)(enum where at);
	bool once; /* not per hook */
} tests[] = {
	{ "ipv4 tcp x1, udp x2, icmp x3: three rows, exact bytes", test_ipv4_tcp_udp_icmp, false },
	{ "repeat 100: 100 packets, 100 frames of bytes", test_repeat, false },
	{ "ipv6 hop-by-hop, dest options, udp: family 6, slot 17", test_ipv6_exthdrs_udp, false },
	{ "ipv6 icmpv6: family 6, slot 58", test_ipv6_icmpv6, false },
	{ "qinq tags, ipv4 icmp: family 4, slot 1", test_vlan_icmp, false },
	{ "arp (42 bytes): no family, non-ip slot", test_arp, false },
	{ "ipv4 header cut short: family 4, malformed, passes", test_ipv4_truncated, false },
	{ "ipv6 header cut short: family 6, malformed, passes", test_ipv6_truncated, false },
	{ "ipv6 7 extension headers: family 6, malformed, passes", test_ipv6_too_many_exthdrs, false },
	{ "802.1q tag cut short: no family, malformed, passes", test_vlan_truncated, false },
	{ "full stats_proto: new keys to overflow, pass; old keys count", test_full, false },
	{ "the same frame at xdp, tc ingress, tc egress: three rows", test_hooks_apart, true },
};

int main(void)
{
	const char *path = getenv("STATS_O") ?: "build/bpf/stats.o";
	char name[128];
	size_t i;
	int at;

	libbpf_set_print(libbpf_print);
	snprintf(name, sizeof(name), "load %s: stats_xdp, stats_tc, maps as in abi/stats.h",
		 path);
	if (!ASSERT_OK(stats_load(path), "load")) {
		test_report(name);
		return 1;
	}
	test_report(name);

	for (at = 0; at < WHERES; at++) {
		for (i = 0; i < ARRAY_SIZE(tests); i++) {
			if (tests[i].once && at)
				continue;
			if (tests[i].once)
				snprintf(name, sizeof(name), "%s", tests[i].name);
			else
				snprintf(name, sizeof(name), "%s: %s", wheres[at].name,
					 tests[i].name);
			if (ASSERT_OK(stats_reset(), "reset the maps"))
				tests[i].fn(at);
			test_report(name);
		}
	}

	if (ASSERT_OK(chain_load(), "load chain.o, stats.o and fw.o as chain members")) {
		test_chain_stats_then_fw();
		test_report("xdp chain root -> stats -> fw (icmp drop): stats counts icmp");
		test_chain_fw_then_stats();
		test_report("xdp chain root -> fw (icmp drop) -> stats: stats sees no icmp");
	} else {
		test_report("xdp chain root -> stats -> fw: load");
	}
	bpf_object__close(ch.fw);
	bpf_object__close(ch.stats);
	bpf_object__close(ch.chain);
	bpf_object__close(st.obj);
	free(st.percpu);
	return test_exit_status();
}
