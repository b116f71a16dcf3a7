// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of events (abi/events.h) through BPF_PROG_TEST_RUN: stats'
 * samples and fw's protocol drops, read back from the ring buffer of a
 * private load. What a sample says about its packet, field by field; that
 * sampling 1 in N keeps to its rate within statistical bounds; that the
 * budget holds and counts what it holds back; and that a full ring's losses
 * are counted exactly: written + lost + over budget is every event wanted.
 *
 * Usage: test_events, from the repository root, as root ($STATS_O, $FW_O).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/events.h"
#include "abi/fw.h"
#include "bpf_obj.h"
#include "frame.h"
#include "test.h"

#define LO_IFINDEX 1

struct loaded {
	struct bpf_object *obj;
	int xdp, tc, config, count;
	struct ring_buffer *ring;
};

static struct loaded stats, fw;
static int ncpus;

/* what the last read of the ring found: how many events, and the first few */
static struct {
	int n;
	struct event first[4];
} got;

static int event_got(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(struct event) && got.n < 4)
		memcpy(&got.first[got.n], data, size);
	got.n++;
	return 0;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

static int load(struct loaded *l, const char *path, const char *xdp, const char *tc)
{
	l->obj = obj_open_load(path, false, NULL);
	if (!l->obj)
		return -EINVAL;
	l->xdp = obj_prog_fd(l->obj, xdp, "xdp");
	l->tc = obj_prog_fd(l->obj, tc, "tc");
	l->config = obj_map_fd(l->obj, EVENTS_MAP_CONFIG, 4, sizeof(struct events_config), 1);
	l->count = obj_map_fd(l->obj, EVENTS_MAP_COUNT, 4, sizeof(struct events_counter),
			      EVENT_KINDS);
	if (l->xdp < 0 || l->tc < 0 || l->config < 0 || l->count < 0)
		return -EINVAL;
	l->ring = ring_buffer__new(map_fd(l->obj, EVENTS_MAP_RING), event_got, NULL, NULL);
	return l->ring ? 0 : -errno;
}

static int configure(struct loaded *l, __u32 sample_every, __u32 drops, __u32 budget)
{
	struct events_config cfg = { .sample_every = sample_every, .drops = drops,
				     .budget = budget };
	struct events_counter zero[ncpus];
	__u32 k = 0;

	memset(zero, 0, sizeof(zero));
	for (__u32 kind = 0; kind < EVENT_KINDS; kind++)
		if (bpf_map_update_elem(l->count, &kind, zero, 0))
			return -errno;
	/* a new budget second for the test: the window restarts when it sees one */
	{
		struct events_budget b = {};
		int fd = map_fd(l->obj, EVENTS_MAP_BUDGET);

		if (fd < 0 || bpf_map_update_elem(fd, &k, &b, 0))
			return -EINVAL;
	}
	got.n = 0;
	if (ring_buffer__consume(l->ring) < 0) /* what earlier tests left */
		return -EIO;
	got.n = 0;
	return bpf_map_update_elem(l->config, &k, &cfg, 0) ? -errno : 0;
}

static struct events_counter counted(struct loaded *l, __u32 kind)
{
	struct events_counter per[ncpus], sum = {};

	if (bpf_map_lookup_elem(l->count, &kind, per))
		return sum;
	for (int c = 0; c < ncpus; c++) {
		sum.emitted += per[c].emitted;
		sum.lost += per[c].lost;
		sum.over_budget += per[c].over_budget;
	}
	return sum;
}

/* repeat runs of f at XDP (tc with tc_ingress); the return code */
static int run(struct loaded *l, const struct frame *f, __u32 repeat, bool tc_ingress)
{
	struct __sk_buff skb = { .ifindex = LO_IFINDEX, .ingress_ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .repeat = repeat);

	if (tc_ingress) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(tc_ingress ? l->tc : l->xdp, &opts))
		return -errno;
	return opts.retval;
}

static void read_ring(struct loaded *l)
{
	got.n = 0;
	ring_buffer__consume(l->ring);
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void mapped4(__u8 *a, __u32 host)
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	a[12] = host >> 24, a[13] = host >> 16, a[14] = host >> 8, a[15] = host;
}

/* --- samples --------------------------------------------------------------- */

static void test_sample_tcp_fields(void)
{
	__u8 src[16], dst[16];
	struct frame f = {};
	__u64 t0, t1;
	struct event *e = &got.first[0];

	tcp4_frame(&f);
	if (!ASSERT_OK(configure(&stats, 1, 0, EVENTS_BUDGET_MAX), "sample every packet"))
		return;
	t0 = mono_ns();
	ASSERT_EQ(run(&stats, &f, 1, true), TC_ACT_UNSPEC, "stats passes");
	t1 = mono_ns();
	read_ring(&stats);
	if (!ASSERT_EQ(got.n, 1, "one event"))
		return;
	mapped4(src, 0x0a000001);
	mapped4(dst, 0x0a000002);
	ASSERT_EQ(e->kind, EVENT_SAMPLE, "kind");
	ASSERT_EQ(e->object, EVENT_OBJ_STATS, "object");
	ASSERT_EQ(e->hook, FW_HOOK_TC_INGRESS, "hook");
	ASSERT_EQ(e->ifindex, LO_IFINDEX, "ifindex");
	ASSERT_EQ(e->len, f.len, "length");
	ASSERT_EQ(e->family, 4, "family");
	ASSERT_EQ(e->ethertype, ETH_P_IP, "ethertype");
	ASSERT_EQ(e->proto, IPPROTO_TCP, "protocol");
	ASSERT_EQ(e->sport, 40000, "source port");
	ASSERT_EQ(e->dport, 80, "destination port");
	ASSERT_EQ(e->tcp_flags, 0x02, "tcp flags: SYN");
	ASSERT_MEMEQ(e->saddr, src, 16, "source address, IPv4-mapped");
	ASSERT_MEMEQ(e->daddr, dst, 16, "destination address, IPv4-mapped");
	ASSERT_EQ(e->vlan, 0, "no vlan");
	ASSERT_EQ(e->reason, EVENT_REASON_NONE, "no reason");
	ASSERT_EQ(e->malformed, 0, "not malformed");
	ASSERT_TRUE(e->ts_ns >= t0 && e->ts_ns <= t1, "timestamp within the run");
	ASSERT_TRUE(e->cpu < (__u32)ncpus, "cpu");
	ASSERT_EQ(counted(&stats, EVENT_SAMPLE).emitted, 1, "emitted counter");
}

static void test_sample_icmp6_vlan_arp_short(void)
{
	static const __u16 tpids[] = { ETH_P_8021Q };
	struct frame v6 = {}, vlan = {}, arp = {}, cut = {};

	icmp6_frame(&v6);
	icmp4_frame(&vlan, tpids, 1);
	arp_frame(&arp);
	tcp4_frame(&cut);
	cut.len = cut.l3 + 10; /* the IPv4 header cut short */
	if (!ASSERT_OK(configure(&stats, 1, 0, EVENTS_BUDGET_MAX), "sample every packet"))
		return;
	run(&stats, &v6, 1, false);
	run(&stats, &vlan, 1, false);
	run(&stats, &arp, 1, false);
	run(&stats, &cut, 1, false);
	read_ring(&stats);
	if (!ASSERT_EQ(got.n, 4, "four events"))
		return;
	ASSERT_EQ(got.first[0].family, 6, "icmpv6: family");
	ASSERT_EQ(got.first[0].proto, IPPROTO_ICMPV6, "icmpv6: protocol");
	ASSERT_EQ(got.first[0].icmp_type, 128, "icmpv6: echo request");
	ASSERT_EQ(got.first[0].saddr[0], 0xfd, "icmpv6: source fd00::1");
	ASSERT_EQ(got.first[0].saddr[15], 1, "icmpv6: source fd00::1");
	ASSERT_EQ(got.first[0].hook, FW_HOOK_XDP, "icmpv6: hook xdp");
	ASSERT_EQ(got.first[1].vlan, 100, "vlan: the tag's id");
	ASSERT_EQ(got.first[1].icmp_type, 8, "vlan: icmp echo request behind it");
	ASSERT_EQ(got.first[2].family, 0, "arp: no family");
	ASSERT_EQ(got.first[2].ethertype, ETH_P_ARP, "arp: ethertype");
	ASSERT_EQ(got.first[3].malformed, 1, "short ipv4: malformed");
	ASSERT_EQ(got.first[3].family, 4, "short ipv4: family by ethertype");
	ASSERT_EQ(got.first[3].proto, 0, "short ipv4: no protocol");
}

static void test_sample_off(void)
{
	struct frame f = {};

	udp4_frame(&f);
	if (!ASSERT_OK(configure(&stats, 0, 1, EVENTS_BUDGET_MAX), "samples off"))
		return;
	run(&stats, &f, 100, false);
	read_ring(&stats);
	ASSERT_EQ(got.n, 0, "no event");
	ASSERT_EQ(counted(&stats, EVENT_SAMPLE).emitted, 0, "no event counted");
}

/*
 * 1 in N at random: over n packets the count is binomial(n, 1/N). Five
 * standard deviations either side: a correct sampler fails about once in
 * 1.7 million runs, a sampler off by 10 % fails every time.
 */
static void test_sample_rate(void)
{
	const __u32 every = 8, n = 32000;
	double mean = (double)n / every, sd = sqrt(n * (1.0 / every) * (1 - 1.0 / every));
	struct events_counter c;
	struct frame f = {};

	udp4_frame(&f);
	if (!ASSERT_OK(configure(&stats, every, 0, EVENTS_BUDGET_MAX), "sample 1 in 8"))
		return;
	run(&stats, &f, n, false);
	read_ring(&stats);
	c = counted(&stats, EVENT_SAMPLE);
	test_msg("%u packets, 1 in %u: %d samples (mean %.0f, bounds +/- %.0f)", n, every, got.n,
		 mean, 5 * sd);
	ASSERT_TRUE(fabs(got.n - mean) <= 5 * sd, "samples within 5 standard deviations");
	ASSERT_EQ(c.emitted, got.n, "emitted = events read");
	ASSERT_EQ(c.lost + c.over_budget, 0, "none lost, none over budget");
}

/* --- budget and loss -------------------------------------------------------- */

static void test_budget(void)
{
	const __u32 budget = 50, n = 500;
	struct events_counter c;
	struct frame f = {};

	udp4_frame(&f);
	if (!ASSERT_OK(configure(&stats, 1, 0, budget), "budget 50 per second"))
		return;
	run(&stats, &f, n, false);
	read_ring(&stats);
	c = counted(&stats, EVENT_SAMPLE);
	/* the run takes well under a second, but may straddle the turn of one */
	ASSERT_TRUE(c.emitted >= budget && c.emitted <= 2 * budget, "50 written (100 if a second turned)");
	ASSERT_EQ(c.emitted, got.n, "written = events read");
	ASSERT_EQ(c.emitted + c.over_budget, n, "the rest counted over budget");
	ASSERT_EQ(c.lost, 0, "none lost");
}

/*
 * Nobody reads: the ring fills, and every event after that is counted as
 * lost. Reading the ring afterwards finds exactly the events counted as
 * written.
 */
static void test_ring_full(void)
{
	const __u32 n = 60000, fits = EVENTS_RING_BYTES / (sizeof(struct event) + 8);
	struct events_counter c;
	struct frame f = {};

	udp4_frame(&f);
	if (!ASSERT_OK(configure(&stats, 1, 0, EVENTS_BUDGET_MAX), "sample every packet"))
		return;
	run(&stats, &f, n, false);
	c = counted(&stats, EVENT_SAMPLE);
	read_ring(&stats);
	test_msg("%u events wanted: %llu written, %llu lost (the ring holds %u)", n, c.emitted,
		 c.lost, fits);
	ASSERT_EQ(c.emitted + c.lost, n, "written + lost = every event wanted");
	ASSERT_EQ(c.emitted, fits, "the ring full to the last record");
	ASSERT_EQ(got.n, c.emitted, "events read = written");
	ASSERT_EQ(c.over_budget, 0, "none over budget");
	/* room again once read */
	run(&stats, &f, 1, false);
	read_ring(&stats);
	ASSERT_EQ(got.n, 1, "after reading, the next event is written");
}

/* --- fw's drops -------------------------------------------------------------- */

static void test_fw_proto_drop(void)
{
	__u32 idx = fw_verdict_index(0, IPPROTO_ICMP), drop = FW_DROP;
	struct frame icmp = {}, udp = {};
	int verdicts = map_fd(fw.obj, FW_MAP_VERDICTS);

	icmp4_frame(&icmp, NULL, 0);
	udp4_frame(&udp);
	if (!ASSERT_OK(bpf_map_update_elem(verdicts, &idx, &drop, 0), "icmp drop") ||
	    !ASSERT_OK(configure(&fw, 0, 0, 0), "drop events off"))
		return;
	ASSERT_EQ(run(&fw, &icmp, 3, false), XDP_DROP, "icmp dropped");
	read_ring(&fw);
	ASSERT_EQ(got.n, 0, "events off: no event");
	if (!ASSERT_OK(configure(&fw, 0, 1, 0), "drop events on"))
		return;
	ASSERT_EQ(run(&fw, &icmp, 3, false), XDP_DROP, "icmp dropped");
	ASSERT_EQ(run(&fw, &udp, 5, false), XDP_PASS, "udp passed");
	ASSERT_EQ(run(&fw, &icmp, 1, true), TC_ACT_SHOT, "icmp dropped at tc");
	read_ring(&fw);
	if (!ASSERT_EQ(got.n, 4, "one event per drop, none per pass"))
		return;
	ASSERT_EQ(got.first[0].kind, EVENT_DROP, "kind drop");
	ASSERT_EQ(got.first[0].object, EVENT_OBJ_FW, "from fw");
	ASSERT_EQ(got.first[0].reason, EVENT_REASON_PROTO, "reason: the protocol's verdict");
	ASSERT_EQ(got.first[0].proto, IPPROTO_ICMP, "protocol");
	ASSERT_EQ(got.first[0].rule, 0, "no rule");
	ASSERT_EQ(got.first[3].hook, FW_HOOK_TC_INGRESS, "the tc drop: hook tc ingress");
	ASSERT_EQ(counted(&fw, EVENT_DROP).emitted, 4, "emitted counter");
	ASSERT_EQ(counted(&fw, EVENT_SAMPLE).emitted, 0, "fw writes no samples");
}

static const struct {
	const char *name;
	void (*fn)(void);
	struct loaded *needs;
} tests[] = {
	{ "sample 1: a tcp SYN at tc ingress, every field of its event", test_sample_tcp_fields, &stats },
	{ "sample 1: icmpv6, vlan, arp and a short ipv4 header described as they are", test_sample_icmp6_vlan_arp_short, &stats },
	{ "sample off: no event, none counted", test_sample_off, &stats },
	{ "sample 1 in 8 over 32000 packets: within 5 standard deviations, all counted", test_sample_rate, &stats },
	{ "budget 50/s, 500 samples wanted: 50 written, 450 counted over budget", test_budget, &stats },
	{ "60000 samples, nobody reading: the ring fills, the rest counted lost, exactly", test_ring_full, &stats },
	{ "fw proto drop: one event per drop with reason proto, none per pass, none while off", test_fw_proto_drop, &fw },
};

int main(void)
{
	const char *stats_o = getenv("STATS_O") ?: "build/bpf/stats.o";
	const char *fw_o = getenv("FW_O") ?: "build/bpf/fw.o";
	bool stats_ok, fw_ok;

	ncpus = libbpf_num_possible_cpus();
	stats_ok = ASSERT_OK(load(&stats, stats_o, "stats_xdp", "stats_tc"), "load stats.o");
	test_report("load stats.o with its events maps as in abi/events.h");
	fw_ok = ASSERT_OK(load(&fw, fw_o, "fw_xdp", "fw_tc"), "load fw.o");
	test_report("load fw.o with its events maps as in abi/events.h");
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if ((tests[i].needs == &stats && stats_ok) || (tests[i].needs == &fw && fw_ok))
			tests[i].fn();
		else
			ASSERT_TRUE(false, "the object loaded");
		test_report(tests[i].name);
	}
	ring_buffer__free(stats.ring);
	ring_buffer__free(fw.ring);
	bpf_object__close(stats.obj);
	bpf_object__close(fw.obj);
	return test_exit_status();
}
