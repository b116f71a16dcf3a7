// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the lb object: lb_tc (sec tc) run through BPF_PROG_TEST_RUN
 * on frames built here (frame.h) with valid checksums. The maps are loaded
 * unpinned, private to this process, and emptied before each test; each
 * test writes services, backends and rings itself (rings filled by hand:
 * tcctl computes the real Maglev tables).
 *
 * What comes out is compared byte for byte with a frame built from scratch
 * with the rewritten addresses and ports and checksums computed anew, so
 * the program's incremental checksum updates must agree with a full
 * recomputation; the checksums are also verified on their own, so that a
 * failure says which one is wrong.
 *
 * Usage: test_lb, from the repository root, as root ($LB_O: another object).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/lb.h"
#include "bpf_obj.h"
#include "frame.h"
#include "test.h"

#define LO_IFINDEX 1 /* test runs happen on the loopback device */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* backend ids and service ids the tests use; reset clears them */
#define TEST_IDS 8

/* --- the object --------------------------------------------------------------- */

static struct {
	struct bpf_object *obj;
	int prog;
	int services, backends, rings, conns, reverse, stats, counters;
	int ncpus;
	void *percpu; /* one per-CPU value: LB's largest is lb_backend_stats */
} lb;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("    ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static int lb_load(const char *path)
{
	lb.obj = obj_open_load(path, false, NULL);
	if (!lb.obj)
		return -EINVAL;
	lb.prog = obj_prog_fd(lb.obj, "lb_tc", "tc");
	lb.services = obj_map_fd(lb.obj, LB_MAP_SERVICES, sizeof(struct lb_service_key),
				 sizeof(struct lb_service), LB_MAX_SERVICES);
	lb.backends = obj_map_fd(lb.obj, LB_MAP_BACKENDS, sizeof(__u32),
				 sizeof(struct lb_backend), LB_MAX_BACKENDS);
	lb.rings = obj_map_fd(lb.obj, LB_MAP_RINGS, sizeof(__u32), sizeof(struct lb_ring),
			      LB_MAX_SERVICES * 2);
	lb.conns = obj_map_fd(lb.obj, LB_MAP_CONNS, sizeof(struct lb_flow),
			      sizeof(struct lb_conn), LB_CONNS);
	lb.reverse = obj_map_fd(lb.obj, LB_MAP_REVERSE, sizeof(struct lb_flow),
				sizeof(struct lb_nat), LB_CONNS);
	lb.stats = obj_map_fd(lb.obj, LB_MAP_STATS, sizeof(__u32),
			      sizeof(struct lb_backend_stats), LB_MAX_BACKENDS);
	lb.counters = obj_map_fd(lb.obj, LB_MAP_COUNTERS, sizeof(__u32), sizeof(__u64),
				 LB_COUNTERS);
	if (lb.prog < 0 || lb.services < 0 || lb.backends < 0 || lb.rings < 0 || lb.conns < 0 ||
	    lb.reverse < 0 || lb.stats < 0 || lb.counters < 0)
		return -EINVAL;
	lb.ncpus = libbpf_num_possible_cpus();
	if (lb.ncpus < 0)
		return lb.ncpus;
	lb.percpu = calloc(lb.ncpus, sizeof(struct lb_backend_stats));
	return lb.percpu ? 0 : -ENOMEM;
}

static int map_empty(int fd, size_t key_size)
{
	__u8 key[64];

	if (key_size > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return 0;
}

static struct lb_ring ring; /* 32 KiB: not on the stack */

/* The state of a fresh load, for the ids the tests use. */
static int lb_reset(void)
{
	struct lb_backend none = {};
	__u32 i;
	int err;

	err = map_empty(lb.services, sizeof(struct lb_service_key)) ?:
	      map_empty(lb.conns, sizeof(struct lb_flow)) ?:
	      map_empty(lb.reverse, sizeof(struct lb_flow));
	if (err)
		return err;
	memset(lb.percpu, 0, lb.ncpus * sizeof(struct lb_backend_stats));
	memset(&ring, 0, sizeof(ring));
	for (i = 0; i < TEST_IDS; i++) {
		if (bpf_map_update_elem(lb.backends, &i, &none, BPF_ANY) ||
		    bpf_map_update_elem(lb.rings, &i, &ring, BPF_ANY) ||
		    bpf_map_update_elem(lb.stats, &i, lb.percpu, BPF_ANY) ||
		    bpf_map_update_elem(lb.counters, &i, lb.percpu, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* --- endpoints, services, backends, rings -------------------------------------- */

struct ep {
	__u8 addr[16]; /* network order; IPv4 in the first 4 */
	__u16 port;    /* host order */
};

/* the topology of docs and e2e tests: client, VIP, backends b1..b3 */
static struct ep ep4(__u8 a, __u8 b, __u8 c, __u8 d, __u16 port)
{
	struct ep e = { .addr = { a, b, c, d }, .port = port };

	return e;
}

/* fdXX:YY::ZZ */
static struct ep ep6(__u16 net, __u8 host, __u16 port)
{
	struct ep e = { .port = port };

	e.addr[0] = 0xfd;
	e.addr[1] = 0x00;
	e.addr[2] = net >> 8;
	e.addr[3] = net & 0xff;
	e.addr[15] = host;
	return e;
}

static struct ep client_ep(int family, __u16 port)
{
	return family == 4 ? ep4(10, 0, 1, 2, port) : ep6(0x1, 2, port);
}

static struct ep vip_ep(int family)
{
	return family == 4 ? ep4(10, 0, 100, 1, 80) : ep6(0x100, 1, 80);
}

/* backend n (1..3): 10.0.2n.2:808n, fd00:2n::2 */
static struct ep backend_ep(int family, int n)
{
	return family == 4 ? ep4(10, 0, 20 + n, 2, 8080 + n) : ep6(0x20 + n, 2, 8080 + n);
}

static bool service_put(int family, __u8 proto, const struct ep *vip, __u16 id, __u8 bank,
			__u16 n_up)
{
	struct lb_service_key key = { .port = htons(vip->port), .proto = proto, .family = family };
	struct lb_service s = { .id = id, .bank = bank, .n_up = n_up };

	memcpy(key.vip, vip->addr, sizeof(key.vip));
	return ASSERT_OK(bpf_map_update_elem(lb.services, &key, &s, BPF_ANY) ? -errno : 0,
			 "write lb_services");
}

static bool backend_put(__u32 id, int family, const struct ep *e, __u16 service, __u8 flags,
			__u16 weight, __u32 gen)
{
	struct lb_backend b = { .port = htons(e->port), .family = family, .flags = flags,
				.service = service, .weight = weight, .gen = gen };

	memcpy(b.addr, e->addr, sizeof(b.addr));
	return ASSERT_OK(bpf_map_update_elem(lb.backends, &id, &b, BPF_ANY) ? -errno : 0,
			 "write lb_backends");
}

/* ring key: slot i holds ids[i % n] (round robin); n 0: every slot empty */
static bool ring_put(__u32 key, const __u16 *ids, int n)
{
	for (__u32 i = 0; i < LB_RING_SIZE; i++)
		ring.backend[i] = n ? ids[i % n] : LB_NO_BACKEND;
	return ASSERT_OK(bpf_map_update_elem(lb.rings, &key, &ring, BPF_ANY) ? -errno : 0,
			 "write lb_rings");
}

static bool ring_one(__u32 key, __u16 id)
{
	return ring_put(key, &id, 1);
}

/* --- frames ------------------------------------------------------------------- */

enum frag_kind { NO_FRAG, FIRST_FRAG, LATER_FRAG };

struct spec {
	int family; /* 4 or 6 */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP (or another, for tests of what passes) */
	struct ep src, dst;
	int vlans;	    /* 0..2 tags */
	bool opts;	    /* IPv4 options, or IPv6 hop-by-hop and destination options */
	bool udp_nocsum;    /* UDP checksum 0 ("none"; IPv4 only) */
	enum frag_kind frag;
};

static __u32 sum16(__u32 sum, const __u8 *p, __u32 len)
{
	for (; len > 1; len -= 2, p += 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static __u16 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* the ones' complement sum of the TCP/UDP pseudo-header and segment as they are */
static __u16 l4_sum(const struct frame *f, int family, __u8 proto)
{
	const __u8 *d = frame_data(f);
	__u32 len = f->len - f->l4, sum = 0;
	__u8 tail[4] = { 0, 0, 0, proto };

	if (family == 4) {
		sum = sum16(sum, d + f->l3 + offsetof(struct iphdr, saddr), 8);
		sum += proto + len;
	} else {
		__be32 plen = htonl(len);

		sum = sum16(sum, d + f->l3 + offsetof(struct ipv6hdr, saddr), 32);
		sum = sum16(sum, (const __u8 *)&plen, 4);
		sum = sum16(sum, tail, 4);
	}
	return fold(sum16(sum, d + f->l4, len));
}

static __u32 l4_csum_off(const struct frame *f, __u8 proto)
{
	return f->l4 + (proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
					       offsetof(struct udphdr, check));
}

/* Builds the frame s describes, lengths and checksums computed from scratch. */
static void build(struct frame *f, const struct spec *s)
{
	__u16 l3type = s->family == 4 ? ETH_P_IP : ETH_P_IPV6;
	__u8 *d;
	int i;

	put_eth(f, s->vlans ? (s->vlans == 2 ? ETH_P_8021AD : ETH_P_8021Q) : l3type);
	for (i = 0; i < s->vlans; i++)
		put_vlan(f, 100 + i, i + 1 < s->vlans ? ETH_P_8021Q : l3type);
	if (s->family == 4) {
		struct iphdr *iph;

		put_ipv4(f, s->proto);
		iph = (struct iphdr *)(frame_data(f) + f->l3);
		memcpy(&iph->saddr, s->src.addr, 4);
		memcpy(&iph->daddr, s->dst.addr, 4);
		if (s->opts) {
			memset(put(f, 8), 1, 8); /* NOPs */
			iph->ihl += 2;
			f->l4 = f->len;
		}
		if (s->frag == FIRST_FRAG)
			iph->frag_off = htons(0x2000); /* MF, offset 0 */
		else if (s->frag == LATER_FRAG)
			iph->frag_off = htons(185); /* offset 1480, the last one */
	} else {
		struct ipv6hdr *ip6h;
		__u8 first = s->opts ? IPPROTO_HOPOPTS : s->frag ? IPPROTO_FRAGMENT : s->proto;

		put_ipv6(f, first);
		ip6h = (struct ipv6hdr *)(frame_data(f) + f->l3);
		memcpy(&ip6h->saddr, s->src.addr, 16);
		memcpy(&ip6h->daddr, s->dst.addr, 16);
		if (s->opts) {
			put_ipv6_opts(f, IPPROTO_DSTOPTS, 0);
			put_ipv6_opts(f, s->frag ? IPPROTO_FRAGMENT : s->proto, 1);
		}
		if (s->frag) {
			__be16 *frag_off = (__be16 *)(frame_data(f) + f->len + 2);

			put_ipv6_frag(f, s->proto);
			if (s->frag == LATER_FRAG)
				*frag_off = htons(1480); /* offset 185 * 8, the last one */
		}
	}
	d = frame_data(f) + f->l4;
	if (s->proto == IPPROTO_TCP) {
		put_tcp(f);
		put_payload(f, 11); /* an odd length: the sum's last byte is padded */
	} else if (s->proto == IPPROTO_UDP) {
		put_udp(f);
		((struct udphdr *)d)->len = htons(f->len - f->l4);
	} else {
		put_payload(f, 24);
	}
	if (s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP) {
		((__be16 *)d)[0] = htons(s->src.port);
		((__be16 *)d)[1] = htons(s->dst.port);
	}
	frame_done(f);
	if ((s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP) && !s->udp_nocsum) {
		__be16 *check = (__be16 *)(frame_data(f) + l4_csum_off(f, s->proto));
		__u16 c = ~l4_sum(f, s->family, s->proto) & 0xffff;

		/* UDP sends a sum that comes out 0 as 0xffff: 0 is "none" */
		*check = htons(!c && s->proto == IPPROTO_UDP ? 0xffff : c);
	}
}

/* The frame's IPv4 header checksum and TCP/UDP checksum hold (or UDP's is 0, if want0). */
static bool csums_valid(const __u8 *data, __u32 len, const struct frame *like,
			const struct spec *s)
{
	struct frame f = *like;
	bool ok = true;

	memcpy(frame_data(&f), data, len);
	f.len = len;
	if (s->family == 4) {
		struct iphdr *iph = (struct iphdr *)(frame_data(&f) + f.l3);

		ok &= ASSERT_EQ(fold(sum16(0, (__u8 *)iph, iph->ihl * 4)), 0xffff,
				"IPv4 header checksum valid");
	}
	if (s->udp_nocsum)
		ok &= ASSERT_EQ(*(__be16 *)(frame_data(&f) + l4_csum_off(&f, s->proto)), 0,
				"UDP checksum 0 stays 0");
	else
		ok &= ASSERT_EQ(l4_sum(&f, s->family, s->proto), 0xffff,
				s->proto == IPPROTO_TCP ? "TCP checksum valid" :
							  "UDP checksum valid");
	return ok;
}

/* --- runs ---------------------------------------------------------------------- */

struct result {
	int retval;
	__u32 len;
	__u8 out[FRAME_MAX];
};

static int run(const struct frame *f, struct result *r)
{
	struct __sk_buff skb = { .ingress_ifindex = LO_IFINDEX }; /* tc ingress (lib/ctx.h) */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .data_out = r->out, .data_size_out = sizeof(r->out), .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));
	int err;

	err = bpf_prog_test_run_opts(lb.prog, &opts);
	if (err)
		return err;
	r->retval = opts.retval;
	r->len = opts.data_size_out;
	return 0;
}

static bool expect_frame(const struct result *r, const struct frame *want, const char *what)
{
	bool ok = ASSERT_EQ(r->len, want->len, "frame length after the run");

	if (r->len == want->len && !ASSERT_MEMEQ(r->out, frame_data(want), want->len, what)) {
		for (__u32 i = 0; i < want->len; i++)
			if (r->out[i] != frame_data(want)[i])
				test_msg("byte %u: got %#04x, want %#04x", i, r->out[i],
					 frame_data(want)[i]);
		ok = false;
	}
	return ok;
}

/* f passes (TC_ACT_UNSPEC) with its bytes as they were */
static bool expect_untouched(const struct frame *f)
{
	struct result r;

	if (!ASSERT_OK(run(f, &r), "BPF_PROG_TEST_RUN"))
		return false;
	return ASSERT_EQ(r.retval, TC_ACT_UNSPEC, "verdict (want pass: TC_ACT_UNSPEC)") &&
	       expect_frame(&r, f, "the frame passes untouched");
}

static bool expect_dropped(const struct frame *f)
{
	struct result r;

	if (!ASSERT_OK(run(f, &r), "BPF_PROG_TEST_RUN"))
		return false;
	return ASSERT_EQ(r.retval, TC_ACT_SHOT, "verdict (want drop: TC_ACT_SHOT)");
}

/*
 * Runs s's frame and expects it forwarded with its destination now to:
 * exactly the frame built with to as destination, valid checksums.
 */
static bool expect_forward(const struct spec *s, const struct ep *to)
{
	struct spec ws = *s;
	struct frame f, want;
	struct result r;

	ws.dst = *to;
	build(&f, s);
	build(&want, &ws);
	if (!ASSERT_OK(run(&f, &r), "BPF_PROG_TEST_RUN"))
		return false;
	if (!ASSERT_EQ(r.retval, TC_ACT_UNSPEC, "verdict (want pass: TC_ACT_UNSPEC)"))
		return false;
	return csums_valid(r.out, r.len, &want, s) &
	       expect_frame(&r, &want, "the frame as built with the backend as destination");
}

/* Backend be's reply to s's client: its source becomes s's VIP, exactly. */
static bool expect_reply(const struct spec *s, const struct ep *be)
{
	struct spec rs = *s, ws;
	struct frame f, want;
	struct result r;

	rs.src = *be;
	rs.dst = s->src;
	ws = rs;
	ws.src = s->dst;
	build(&f, &rs);
	build(&want, &ws);
	if (!ASSERT_OK(run(&f, &r), "BPF_PROG_TEST_RUN"))
		return false;
	if (!ASSERT_EQ(r.retval, TC_ACT_UNSPEC, "verdict (want pass: TC_ACT_UNSPEC)"))
		return false;
	return csums_valid(r.out, r.len, &want, &rs) &
	       expect_frame(&r, &want, "the reply as built with the VIP as source");
}

/* --- counters and tables ------------------------------------------------------- */

static __u64 counter(__u32 which)
{
	__u64 *v = lb.percpu, total = 0;

	if (!ASSERT_OK(bpf_map_lookup_elem(lb.counters, &which, v) ? -errno : 0,
		       "read lb_counters"))
		return ~0ULL;
	for (int cpu = 0; cpu < lb.ncpus; cpu++)
		total += v[cpu];
	return total;
}

static const char *const counter_names[LB_COUNTERS] = {
	[LB_CNT_FORWARD] = "LB_CNT_FORWARD",	     [LB_CNT_REPLY] = "LB_CNT_REPLY",
	[LB_CNT_NO_BACKEND] = "LB_CNT_NO_BACKEND", [LB_CNT_FRAGMENT] = "LB_CNT_FRAGMENT",
	[LB_CNT_CONN_MOVED] = "LB_CNT_CONN_MOVED", [LB_CNT_REWRITE_ERR] = "LB_CNT_REWRITE_ERR",
};

/* every counter: want[i] for the ones given, 0 for the rest */
static bool expect_counters(const __u64 want[LB_COUNTERS])
{
	bool ok = true;

	for (__u32 i = 0; i < LB_COUNTERS; i++) {
		char what[64];

		snprintf(what, sizeof(what), "lb_counters[%s]",
			 counter_names[i] ? counter_names[i] : "spare");
		ok &= ASSERT_EQ(counter(i), want[i], what);
	}
	return ok;
}

static struct lb_backend_stats backend_stats(__u32 id)
{
	struct lb_backend_stats *v = lb.percpu, total = {};

	if (!ASSERT_OK(bpf_map_lookup_elem(lb.stats, &id, v) ? -errno : 0, "read lb_stats"))
		return total;
	for (int cpu = 0; cpu < lb.ncpus; cpu++) {
		total.packets += v[cpu].packets;
		total.bytes += v[cpu].bytes;
		total.flows += v[cpu].flows;
		total.replies += v[cpu].replies;
	}
	return total;
}

static bool expect_stats(__u32 id, __u64 packets, __u64 bytes, __u64 flows, __u64 replies)
{
	struct lb_backend_stats st = backend_stats(id);
	char what[4][48];

	snprintf(what[0], sizeof(what[0]), "lb_stats[%u].packets", id);
	snprintf(what[1], sizeof(what[1]), "lb_stats[%u].bytes", id);
	snprintf(what[2], sizeof(what[2]), "lb_stats[%u].flows", id);
	snprintf(what[3], sizeof(what[3]), "lb_stats[%u].replies", id);
	return ASSERT_EQ(st.packets, packets, what[0]) & ASSERT_EQ(st.bytes, bytes, what[1]) &
	       ASSERT_EQ(st.flows, flows, what[2]) & ASSERT_EQ(st.replies, replies, what[3]);
}

static struct lb_flow flow_of(const struct spec *s)
{
	struct lb_flow fl = { .sport = htons(s->src.port), .dport = htons(s->dst.port),
			      .proto = s->proto, .family = s->family };

	memcpy(fl.saddr, s->src.addr, sizeof(fl.saddr));
	memcpy(fl.daddr, s->dst.addr, sizeof(fl.daddr));
	return fl;
}

static __u32 map_count(int fd)
{
	struct lb_flow key, prev;
	__u32 n = 0;

	while (!bpf_map_get_next_key(fd, n ? &prev : NULL, &key)) {
		prev = key;
		n++;
	}
	return n;
}

/* --- tests: the forward and reply paths ----------------------------------------- */

static struct spec base_spec(int family, __u8 proto)
{
	struct spec s = { .family = family, .proto = proto };

	s.src = client_ep(family, 40000);
	s.dst = vip_ep(family);
	return s;
}

/* service sid on s's VIP with backend bid (b1's address) in every slot of bank 0 */
static bool service_of_one(const struct spec *s, __u16 sid, __u16 bid, struct ep *be)
{
	*be = backend_ep(s->family, 1);
	return service_put(s->family, s->proto, &s->dst, sid, 0, 1) &&
	       backend_put(bid, s->family, be, sid, LB_BACKEND_USED, 1, 1) &&
	       ring_one(sid * 2, bid);
}

/* service 0, backend 1; or for the second service of a test, service 1, backend 2 */
static bool one_backend(const struct spec *s, struct ep *be)
{
	return service_of_one(s, 0, 1, be);
}

static bool second_service(const struct spec *s, struct ep *be)
{
	return service_of_one(s, 1, 2, be);
}

/*
 * Forward, then the backend's reply, for s: rewritten exactly, valid
 * checksums, the flow remembered both ways, counted.
 */
static void forward_and_reply(const struct spec *s)
{
	struct lb_flow fl = flow_of(s), rev;
	__u64 want[LB_COUNTERS] = {};
	struct lb_conn conn;
	struct lb_nat nat;
	struct frame f;
	struct ep be;

	if (!one_backend(s, &be) || !expect_forward(s, &be))
		return;
	if (ASSERT_OK(bpf_map_lookup_elem(lb.conns, &fl, &conn) ? -errno : 0,
		      "the flow is in lb_conns")) {
		ASSERT_EQ(conn.backend, 1, "lb_conns: backend");
		ASSERT_EQ(conn.service, 0, "lb_conns: service");
		ASSERT_EQ(conn.gen, 1, "lb_conns: gen");
	}
	rev = fl;
	memcpy(rev.saddr, be.addr, sizeof(rev.saddr));
	memcpy(rev.daddr, fl.saddr, sizeof(rev.daddr));
	rev.sport = htons(be.port);
	rev.dport = fl.sport;
	if (ASSERT_OK(bpf_map_lookup_elem(lb.reverse, &rev, &nat) ? -errno : 0,
		      "the way back is in lb_reverse")) {
		ASSERT_MEMEQ(nat.vip, s->dst.addr, sizeof(nat.vip), "lb_reverse: vip");
		ASSERT_EQ(nat.port, htons(s->dst.port), "lb_reverse: port");
		ASSERT_EQ(nat.backend, 1, "lb_reverse: backend");
	}
	if (!expect_reply(s, &be))
		return;
	build(&f, s);
	want[LB_CNT_FORWARD] = 1;
	want[LB_CNT_REPLY] = 1;
	expect_counters(want);
	expect_stats(1, 1, f.len, 1, 1);
}

static void test_tcp4(void)
{
	struct spec s = base_spec(4, IPPROTO_TCP);

	forward_and_reply(&s);
}

static void test_udp4(void)
{
	struct spec s = base_spec(4, IPPROTO_UDP);

	forward_and_reply(&s);
}

static void test_udp4_nocsum(void)
{
	struct spec s = base_spec(4, IPPROTO_UDP);

	s.udp_nocsum = true;
	forward_and_reply(&s);
}

static void test_tcp6(void)
{
	struct spec s = base_spec(6, IPPROTO_TCP);

	forward_and_reply(&s);
}

static void test_udp6(void)
{
	struct spec s = base_spec(6, IPPROTO_UDP);

	forward_and_reply(&s);
}

static void test_tcp4_vlans_opts(void)
{
	struct spec s = base_spec(4, IPPROTO_TCP);

	s.vlans = 2;
	s.opts = true;
	forward_and_reply(&s);
}

static void test_udp6_vlan_exthdrs(void)
{
	struct spec s = base_spec(6, IPPROTO_UDP);

	s.vlans = 1;
	s.opts = true;
	forward_and_reply(&s);
}

/*
 * Many flows over a round-robin ring of three backends: each lands on the
 * backend of slot lb_flow_hash() % LB_RING_SIZE as computed here, which is
 * what tcctl's tables rely on.
 */
static void test_hash_slot(void)
{
	static const __u16 ids[] = { 1, 2, 3 };
	struct spec s = base_spec(4, IPPROTO_TCP);
	__u64 seen[4] = {};
	int n, i;

	if (!service_put(4, IPPROTO_TCP, &s.dst, 0, 1, 3))
		return;
	for (n = 1; n <= 3; n++) {
		struct ep be = backend_ep(4, n);

		if (!backend_put(n, 4, &be, 0, LB_BACKEND_USED, 1, 7))
			return;
	}
	if (!ring_put(1, ids, 3)) /* bank 1 is the live one */
		return;
	for (i = 0; i < 60; i++) {
		struct lb_flow fl;
		__u32 want;
		struct ep be;

		s.src.port = 30000 + i * 7;
		fl = flow_of(&s);
		want = ids[(lb_flow_hash(&fl) % LB_RING_SIZE) % 3];
		be = backend_ep(4, want);
		if (!expect_forward(&s, &be)) {
			test_msg("flow from port %u: want backend %u", s.src.port, want);
			return;
		}
		seen[want]++;
	}
	for (n = 1; n <= 3; n++)
		ASSERT_EQ(backend_stats(n).flows, seen[n], "lb_stats flows where the hash says");
	ASSERT_TRUE(seen[1] && seen[2] && seen[3], "60 flows reach all three backends");
}

/* --- tests: stickiness, down, drain, gen, no backend ----------------------------- */

/* service 0 (bank 0), backends 1 and 2; the ring names only 1; the flow goes to 1 */
static bool two_backends(struct spec *s, struct ep *b1, struct ep *b2)
{
	*s = base_spec(4, IPPROTO_TCP);
	*b1 = backend_ep(4, 1);
	*b2 = backend_ep(4, 2);
	return service_put(4, IPPROTO_TCP, &s->dst, 0, 0, 2) &&
	       backend_put(1, 4, b1, 0, LB_BACKEND_USED, 1, 1) &&
	       backend_put(2, 4, b2, 0, LB_BACKEND_USED, 1, 1) && ring_one(0, 1) &&
	       expect_forward(s, b1);
}

/* the ring now names only 2, in bank 1, made live as tcctl does */
static bool switch_ring_to_2(const struct spec *s)
{
	return ring_one(1, 2) && service_put(4, IPPROTO_TCP, &s->dst, 0, 1, 1);
}

static void test_sticky(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 4 };
	struct spec s, other;
	struct ep b1, b2;

	if (!two_backends(&s, &b1, &b2) || !switch_ring_to_2(&s))
		return;
	if (!expect_forward(&s, &b1) || !expect_forward(&s, &b1))
		return;
	other = s;
	other.src.port = 40001;
	if (!expect_forward(&other, &b2))
		return;
	expect_counters(want);
	ASSERT_EQ(backend_stats(1).flows, 1, "backend 1: one flow");
	ASSERT_EQ(backend_stats(1).packets, 3, "backend 1: three packets");
	ASSERT_EQ(backend_stats(2).flows, 1, "backend 2: the new flow");
}

static void test_down_moves(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 3, [LB_CNT_CONN_MOVED] = 1 };
	struct lb_flow fl;
	struct lb_conn conn;
	struct spec s;
	struct ep b1, b2;

	if (!two_backends(&s, &b1, &b2) || !switch_ring_to_2(&s) ||
	    !backend_put(1, 4, &b1, 0, LB_BACKEND_USED | LB_BACKEND_DOWN, 1, 1))
		return;
	/* moved once, then remembered on 2: no second move */
	if (!expect_forward(&s, &b2) || !expect_forward(&s, &b2))
		return;
	expect_counters(want);
	ASSERT_EQ(backend_stats(2).flows, 1, "backend 2: the moved flow is new to it");
	fl = flow_of(&s);
	if (ASSERT_OK(bpf_map_lookup_elem(lb.conns, &fl, &conn) ? -errno : 0, "lb_conns"))
		ASSERT_EQ(conn.backend, 2, "lb_conns: the flow now on backend 2");
	/* and its replies come from 2 now */
	expect_reply(&s, &b2);
}

static void test_drain_keeps(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 3 };
	struct spec s, other;
	struct ep b1, b2;

	if (!two_backends(&s, &b1, &b2) || !switch_ring_to_2(&s) ||
	    !backend_put(1, 4, &b1, 0, LB_BACKEND_USED, 0, 1))
		return;
	other = s;
	other.src.port = 40001;
	if (expect_forward(&s, &b1) && expect_forward(&other, &b2))
		expect_counters(want);
}

/* backend id 1 given to another backend (gen 2): the flow is not its */
static void test_gen_moves(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 2, [LB_CNT_CONN_MOVED] = 1 };
	struct ep b1, b2, b3 = backend_ep(4, 3);
	struct spec s;

	if (!two_backends(&s, &b1, &b2) || !backend_put(1, 4, &b3, 0, LB_BACKEND_USED, 1, 2))
		return;
	if (expect_forward(&s, &b3))
		expect_counters(want);
}

/* a flow remembered with a backend of another service (id reused across services) */
static void test_other_service_moves(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 2, [LB_CNT_CONN_MOVED] = 1 };
	struct spec s;
	struct ep b1, b2;

	if (!two_backends(&s, &b1, &b2) || !switch_ring_to_2(&s) ||
	    !backend_put(1, 4, &b1, 5, LB_BACKEND_USED, 1, 1))
		return;
	if (expect_forward(&s, &b2))
		expect_counters(want);
}

static void test_no_backend(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_NO_BACKEND] = 3 };
	struct spec s = base_spec(6, IPPROTO_UDP);
	struct ep b1 = backend_ep(6, 1);
	struct frame f;

	build(&f, &s);
	/* n_up 0, with the ring still naming a backend */
	if (!service_put(6, IPPROTO_UDP, &s.dst, 0, 0, 0) ||
	    !backend_put(1, 6, &b1, 0, LB_BACKEND_USED, 1, 1) || !ring_one(0, 1) ||
	    !expect_dropped(&f))
		return;
	/* n_up 1 but the slot empty */
	if (!service_put(6, IPPROTO_UDP, &s.dst, 0, 0, 1) || !ring_put(0, NULL, 0) ||
	    !expect_dropped(&f))
		return;
	/* the ring names a backend marked down: no new flow goes to it */
	if (!ring_one(0, 1) || !backend_put(1, 6, &b1, 0, LB_BACKEND_USED | LB_BACKEND_DOWN, 1, 1) ||
	    !expect_dropped(&f))
		return;
	expect_counters(want);
	ASSERT_EQ(map_count(lb.conns), 0, "lb_conns: nothing remembered");
	ASSERT_EQ(map_count(lb.reverse), 0, "lb_reverse: nothing remembered");
	expect_stats(1, 0, 0, 0, 0);
}

/* --- tests: what passes untouched, fragments, truncation --------------------------- */

static void test_unknown_pass(void)
{
	__u64 zero[LB_COUNTERS] = {};
	struct spec s = base_spec(4, IPPROTO_TCP), t;
	struct frame f;
	struct ep be;

	if (!one_backend(&s, &be))
		return;
	t = s; /* another port of the VIP */
	t.dst.port = 81;
	build(&f, &t);
	if (!expect_untouched(&f))
		return;
	t = s; /* UDP to the TCP service */
	t.proto = IPPROTO_UDP;
	build(&f, &t);
	if (!expect_untouched(&f))
		return;
	t = s; /* another protocol to the VIP */
	t.proto = IPPROTO_ICMP;
	build(&f, &t);
	if (!expect_untouched(&f))
		return;
	t = base_spec(6, IPPROTO_TCP); /* the VIP's port in the other family */
	build(&f, &t);
	if (!expect_untouched(&f))
		return;
	t = s; /* what would be a reply, from a flow lb never saw */
	t.src = be;
	t.dst = s.src;
	build(&f, &t);
	if (!expect_untouched(&f))
		return;
	arp_frame(&f);
	if (!expect_untouched(&f))
		return;
	expect_counters(zero);
	ASSERT_EQ(map_count(lb.conns), 0, "lb_conns: nothing remembered");
	ASSERT_EQ(map_count(lb.reverse), 0, "lb_reverse: nothing remembered");
}

/* later fragments: no ports, not lb's to judge, whatever their bytes look like */
static void test_later_fragments(void)
{
	__u64 zero[LB_COUNTERS] = {};
	struct spec s4 = base_spec(4, IPPROTO_UDP), s6 = base_spec(6, IPPROTO_TCP);
	struct frame f;
	struct ep be;

	if (!one_backend(&s4, &be) || !second_service(&s6, &be))
		return;
	s4.frag = s6.frag = LATER_FRAG;
	build(&f, &s4);
	if (!expect_untouched(&f))
		return;
	build(&f, &s6);
	if (!expect_untouched(&f))
		return;
	s6.opts = true;
	build(&f, &s6);
	if (expect_untouched(&f))
		expect_counters(zero);
}

/* a first fragment for a service, or of a reply, drops; one lb does not know passes */
static void test_first_fragments(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 1, [LB_CNT_FRAGMENT] = 3 };
	struct spec s4 = base_spec(4, IPPROTO_TCP), s6 = base_spec(6, IPPROTO_UDP), t;
	struct frame f;
	struct ep be4, be6;

	if (!one_backend(&s4, &be4) || !second_service(&s6, &be6))
		return;
	t = s4;
	t.frag = FIRST_FRAG;
	build(&f, &t);
	if (!expect_dropped(&f))
		return;
	t = s6;
	t.frag = FIRST_FRAG;
	build(&f, &t);
	if (!expect_dropped(&f))
		return;
	/* the reply's first fragment, once the flow is known */
	if (!expect_forward(&s4, &be4))
		return;
	t = s4;
	t.src = be4;
	t.dst = s4.src;
	t.frag = FIRST_FRAG;
	build(&f, &t);
	if (!expect_dropped(&f))
		return;
	t = s4; /* not a service */
	t.dst.port = 81;
	t.frag = FIRST_FRAG;
	build(&f, &t);
	if (expect_untouched(&f))
		expect_counters(want);
}

/*
 * Whether the kernel may refuse to run tc on the frame: below an Ethernet
 * header always, and since "bpf: reject short IPv4/IPv6 inputs in
 * bpf_prog_test_run_skb" (6.18.y stable) untagged IP frames shorter than
 * the IP header (see test_fw.c). The tagged runs cover those lengths.
 */
static bool tc_may_refuse(const struct frame *f)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame_data(f);

	if (f->len < ETH_HLEN)
		return true;
	if (eth->h_proto == htons(ETH_P_IP))
		return f->len < ETH_HLEN + sizeof(struct iphdr);
	if (eth->h_proto == htons(ETH_P_IPV6))
		return f->len < ETH_HLEN + sizeof(struct ipv6hdr);
	return false;
}

/* every cut of s's frame short of its whole TCP/UDP header passes untouched */
static bool truncated_pass(const struct spec *s)
{
	__u32 hlen = s->proto == IPPROTO_TCP ? sizeof(struct tcphdr) : sizeof(struct udphdr);
	struct frame full, f;
	struct result r;

	build(&full, s);
	for (__u32 len = 0; len < full.l4 + hlen; len++) {
		f = full;
		f.len = len;
		if (tc_may_refuse(&f) && run(&f, &r) == -EINVAL)
			continue;
		if (!expect_untouched(&f)) {
			test_msg("%u bytes of %u", len, full.len);
			return false;
		}
	}
	return true;
}

static void test_truncated(void)
{
	__u64 zero[LB_COUNTERS] = {};
	struct spec s4 = base_spec(4, IPPROTO_TCP), s6 = base_spec(6, IPPROTO_UDP);
	struct ep be;

	if (!one_backend(&s4, &be) || !second_service(&s6, &be))
		return;
	if (!truncated_pass(&s4) || !truncated_pass(&s6))
		return;
	s4.vlans = s6.vlans = 1;
	s4.opts = s6.opts = true;
	if (!truncated_pass(&s4) || !truncated_pass(&s6))
		return;
	s6.proto = IPPROTO_TCP;
	s4.proto = IPPROTO_UDP;
	if (truncated_pass(&s4) && truncated_pass(&s6))
		expect_counters(zero);
	ASSERT_EQ(map_count(lb.conns), 0, "lb_conns: nothing remembered");
}

/* lb_stats over several flows and replies of two backends */
static void test_stats_counts(void)
{
	__u64 want[LB_COUNTERS] = { [LB_CNT_FORWARD] = 5, [LB_CNT_REPLY] = 2 };
	struct spec s, other;
	struct ep b1, b2;
	struct frame f;

	if (!two_backends(&s, &b1, &b2) || !switch_ring_to_2(&s))
		return;
	other = s;
	other.src.port = 40001;
	if (!expect_forward(&s, &b1) || !expect_forward(&other, &b2) ||
	    !expect_forward(&other, &b2) || !expect_forward(&other, &b2) ||
	    !expect_reply(&s, &b1) || !expect_reply(&other, &b2))
		return;
	build(&f, &s);
	expect_counters(want);
	expect_stats(1, 2, 2 * f.len, 1, 1);
	expect_stats(2, 3, 3 * f.len, 1, 1);
}

/* --- main ---------------------------------------------------------------------- */

static const struct test {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "ipv4 tcp: forward to the backend, reply from the VIP, exact", test_tcp4 },
	{ "ipv4 udp: forward to the backend, reply from the VIP, exact", test_udp4 },
	{ "ipv4 udp checksum 0: stays 0 both ways", test_udp4_nocsum },
	{ "ipv6 tcp: forward to the backend, reply from the VIP, exact", test_tcp6 },
	{ "ipv6 udp: forward to the backend, reply from the VIP, exact", test_udp6 },
	{ "ipv4 tcp behind qinq tags, with ip options: exact both ways", test_tcp4_vlans_opts },
	{ "ipv6 udp behind a tag, with extension headers: exact both ways", test_udp6_vlan_exthdrs },
	{ "60 flows, round-robin ring: each on its lb_flow_hash slot", test_hash_slot },
	{ "ring changed: the flow stays, a new flow takes the new ring", test_sticky },
	{ "backend down: its flow moves (CONN_MOVED), replies follow", test_down_moves },
	{ "backend weight 0: its flow stays, new flows go elsewhere", test_drain_keeps },
	{ "backend id given to a new backend (gen): the flow moves", test_gen_moves },
	{ "flow's backend now another service's: the flow moves", test_other_service_moves },
	{ "no backend up, empty slot, down backend: drop, NO_BACKEND", test_no_backend },
	{ "other port, protocol, family, unknown reply, arp: untouched", test_unknown_pass },
	{ "later fragments (ipv4, ipv6): pass untouched", test_later_fragments },
	{ "first fragment to a service or of a reply: drop, FRAGMENT", test_first_fragments },
	{ "cut short at every length up to the l4 header: untouched", test_truncated },
	{ "lb_stats: packets, bytes, flows, replies per backend", test_stats_counts },
};

int main(void)
{
	const char *path = getenv("LB_O") ?: "build/bpf/lb.o";
	char name[128];
	size_t i;

	libbpf_set_print(libbpf_print);
	snprintf(name, sizeof(name), "load %s: lb_tc, maps as in abi/lb.h", path);
	if (!ASSERT_OK(lb_load(path), "load")) {
		test_report(name);
		return 1;
	}
	test_report(name);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (ASSERT_OK(lb_reset(), "reset the maps"))
			tests[i].fn();
		test_report(tests[i].name);
	}
	bpf_object__close(lb.obj);
	free(lb.percpu);
	return test_exit_status();
}
