// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw's rules beyond single fields (test_fw_match.c has those): rate limits
 * in real time, what the parser lets rules see behind VLAN tags, IPv4
 * options, IPv6 extension headers and fragments, truncated frames, the
 * per-protocol verdicts that come before the rules, and the bank switch
 * that makes a commit atomic.
 *
 * Usage: test_fw_match_more, from the repository root, as root ($FW_O: another fw.o).
 */
#include <time.h>

#include "fw_match.h"

/* --- rate limits -------------------------------------------------------------- */

/* runs f repeat times in one test run; *pass and *drop: how many of each */
static bool run_many(enum path p, const struct frame *f, __u8 slot, __u32 repeat, __u64 *pass,
		     __u64 *drop)
{
	__u64 pass0 = fwm_slot_packets(0, slot, PASS), drop0 = fwm_slot_packets(0, slot, DROP);
	int verdict;

	if (!ASSERT_OK(fwm_run(p, f, repeat, &verdict), "BPF_PROG_TEST_RUN"))
		return false;
	*pass = fwm_slot_packets(0, slot, PASS) - pass0;
	*drop = fwm_slot_packets(0, slot, DROP) - drop0;
	return true;
}

#define RUN_MANY(p, f, repeat, want_pass, want_drop)                                       \
	({                                                                                 \
		__u64 ___pass = 0, ___drop = 0;                                            \
		run_many((p), (f), IPPROTO_UDP, (repeat), &___pass, &___drop) &&           \
			ASSERT_EQ(___pass, (want_pass), "passed of " #repeat " back to back") & \
			ASSERT_EQ(___drop, (want_drop), "dropped of " #repeat " back to back"); \
	})

/*
 * Real time: a packet costs 500 ms in the tests that sleep, whose sleep of
 * 600 ms must earn exactly one packet (it earns two only past 1000 ms), and
 * 1 s in those that do not, which must see no packet earned. Timings are
 * printed when a check fails: a machine that stalls a test for half a
 * second fails it.
 */
#define COST_MS	 500
#define SLEEP_MS 600

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns()'s clock */
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void sleep_for_one(__u64 start)
{
	usleep(SLEEP_MS * 1000);
	if (now_ms() - start >= 2 * COST_MS - 50)
		test_msg("%llu ms since the burst began: more than one packet earned?",
			 (unsigned long long)(now_ms() - start));
}

/* pps 2: a packet costs 500 ms */
static void test_rate_pps_calls(enum path p)
{
	struct frame f;
	__u64 start;

	if (!CONFIGURE("proto udp rate pps 2 burst 3", "proto udp count"))
		return;
	frame_build(&f, UDP());
	start = now_ms();
	for (int i = 0; i < 5; i++)
		if (!fwm_expect(p, &f, i < 3 ? PASS : DROP, "udp, back to back"))
			test_msg("packet %d", i + 1);
	EXPECT(p, PASS, TCP()); /* not the rule's */
	sleep_for_one(start);
	fwm_expect(p, &f, PASS, "udp, 600 ms later");
	fwm_expect(p, &f, DROP, "udp, right after");
	RULES_COUNTED(7, 4);
}

static void test_rate_pps_repeat(enum path p)
{
	struct frame f;
	__u64 start;

	if (!CONFIGURE("proto udp rate pps 2 burst 4"))
		return;
	frame_build(&f, UDP());
	start = now_ms();
	RUN_MANY(p, &f, 7, 4, 3);
	sleep_for_one(start);
	RUN_MANY(p, &f, 3, 1, 2);
	RULES_COUNTED(10);
}

/*
 * bytes 200 per second, burst-bytes 400, 100-byte frames: a token bucket of
 * 400 bytes lets 4 through at once; each then costs 500 ms.
 */
static void test_rate_bytes(enum path p)
{
	struct frame f;
	__u64 start;

	if (!CONFIGURE("proto udp rate bytes 200 burst-bytes 400"))
		return;
	frame_build(&f, UDP(.len = 100));
	start = now_ms();
	RUN_MANY(p, &f, 7, 4, 3);
	sleep_for_one(start);
	RUN_MANY(p, &f, 3, 1, 2);
}

/* both limits: the tighter one drops */
static void test_rate_both(enum path p)
{
	__u64 bytes_only = 0, dropped = 0;
	struct frame f;

	if (!CONFIGURE("proto udp rate pps 1 burst 2 bytes 1000000 burst-bytes 100000"))
		return;
	frame_build(&f, UDP(.len = 100));
	RUN_MANY(p, &f, 4, 2, 2);
	/* the bytes bind: as many pass as with the bytes limit alone (test_rate_bytes) */
	if (!ASSERT_OK(fwm_reset(), "reset") ||
	    !CONFIGURE("proto udp rate bytes 100 burst-bytes 300") ||
	    !run_many(p, &f, IPPROTO_UDP, 8, &bytes_only, &dropped) ||
	    !ASSERT_OK(fwm_reset(), "reset") ||
	    !CONFIGURE("proto udp rate pps 1000 burst 100 bytes 100 burst-bytes 300"))
		return;
	RUN_MANY(p, &f, 8, bytes_only, 8 - bytes_only);
	ASSERT_TRUE(bytes_only < 8, "the bytes limit alone drops some of 8");
}

static void test_rate_per_source(enum path p)
{
	static const char *const srcs[] = { "198.51.100.1", "198.51.100.9", "fd00::7" };
	struct fw_rlsrc_key key, *prev = NULL;
	__u32 rule;
	int n = 0;

	if (!CONFIGURE("proto udp rate pps 1 burst 2 per-source"))
		return;
	for (size_t s = 0; s < ARRAY_SIZE(srcs); s++) {
		for (int i = 0; i < 3; i++)
			if (!EXPECT(p, i < 2 ? PASS : DROP, UDP(.src = srcs[s])))
				test_msg("source %s, packet %d", srcs[s], i + 1);
	}
	EXPECT(p, DROP, UDP(.src = "198.51.100.1")); /* still empty */
	/* a bucket per source, under the rule's index in the live bank */
	rule = fw_rule_index(fwm_state().bank & 1, 0, 0);
	while (!bpf_map_get_next_key(fw.m.rlsrc, prev, &key)) {
		n += key.rule == rule;
		prev = &key;
	}
	ASSERT_EQ(n, 3, "per-source buckets of the rule");
}

/*
 * 198.51.100.1 is c6 33 64 01: so are the first 4 bytes of c633:6401::, a
 * different source, which must have a bucket of its own.
 */
static void test_rate_per_source_family(enum path p)
{
	if (!CONFIGURE("proto udp rate pps 1 burst 2 per-source"))
		return;
	EXPECT(p, PASS, UDP(.src = "198.51.100.1"));
	EXPECT(p, PASS, UDP(.src = "198.51.100.1"));
	EXPECT(p, PASS, UDP6(.src = "c633:6401::"));
	EXPECT(p, PASS, UDP6(.src = "c633:6401::"));
	EXPECT(p, DROP, UDP6(.src = "c633:6401::"));
}

static void test_rate_per_rule(enum path p)
{
	if (!CONFIGURE("proto udp rate pps 1 burst 2"))
		return;
	EXPECT(p, PASS, UDP(.src = "198.51.100.1"));
	EXPECT(p, PASS, UDP(.src = "198.51.100.9"));
	EXPECT(p, DROP, UDP(.src = "fd00::7")); /* one bucket for all */
}

/*
 * docs/firewall.md: a rule keeps its counters and its bucket across changes
 * of other rules; per-source buckets start afresh after every change.
 */
static void test_rate_across_commits(enum path p)
{
	if (!CONFIGURE("proto udp rate pps 1 burst 2", "proto tcp rate pps 1 burst 1 per-source"))
		return;
	EXPECT(p, PASS, UDP());
	EXPECT(p, PASS, UDP());
	EXPECT(p, DROP, UDP());
	EXPECT(p, PASS, TCP());
	EXPECT(p, DROP, TCP());
	if (!CONFIGURE("proto udp rate pps 1 burst 2", "proto tcp rate pps 1 burst 1 per-source",
		       "proto icmp drop"))
		return;
	EXPECT(p, DROP, UDP()); /* still empty */
	EXPECT(p, PASS, TCP()); /* a fresh bucket */
	EXPECT(p, DROP, TCP());
	RULES_COUNTED(4, 4, 0);
}

/* what a rate rule lets through goes on to later rules and the policy */
static void test_rate_goes_on(enum path p)
{
	if (!CONFIGURE("proto udp rate pps 1 burst 10", "src 198.51.100.1 drop"))
		return;
	EXPECT(p, DROP, UDP());
	EXPECT(p, PASS, UDP(.src = "198.51.100.3"));
	RULES_COUNTED(2, 1);
	if (!CONFIGURE("policy drop", "proto udp rate pps 1 burst 10"))
		return;
	EXPECT(p, DROP, UDP());
}

/* --- parsing ------------------------------------------------------------------ */

static void test_vlan(enum path p)
{
	static const __u16 tags[][3] = { { ETH_P_8021Q },
					 { ETH_P_8021AD },
					 { ETH_P_8021AD, ETH_P_8021Q },
					 { ETH_P_8021Q, ETH_P_8021Q } };
	struct frame f;
	bool ok;

	if (!CONFIGURE("src 10.1.0.1 proto udp dport 53 drop",
		       "src 2001:db8::1 proto tcp dport 22 drop", "policy drop", "proto udp pass",
		       "proto tcp pass"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
		struct pkt udp = *UDP(.src = "10.1.0.1"), tcp6 = *TCP6(.src = "2001:db8::1");

		udp.ntags = tcp6.ntags = tags[i][1] ? 2 : 1;
		memcpy(udp.tpid, tags[i], sizeof(udp.tpid));
		memcpy(tcp6.tpid, tags[i], sizeof(tcp6.tpid));
		ok = fwm_expect_pkt(p, &udp, DROP, "udp dport 53");
		udp.dport = 54;
		ok &= fwm_expect_pkt(p, &udp, PASS, "udp dport 54");
		tcp6.dport = 22;
		ok &= fwm_expect_pkt(p, &tcp6, DROP, "tcp dport 22");
		tcp6.dport = 23;
		ok &= fwm_expect_pkt(p, &tcp6, PASS, "tcp dport 23");
		if (!ok)
			test_msg("tags %#x %#x", tags[i][0], tags[i][1]);
	}
	RULES_COUNTED(4, 4, 4, 4);
	/* a third tag: no IP for fw, so no rules and no policy */
	frame_build(&f, UDP(.src = "10.1.0.1", .ntags = 3,
			    .tpid = { ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q }));
	fwm_expect(p, &f, PASS, "three tags");
	ASSERT_EQ(fwm_slot_packets(0, FW_SLOT_NON_IP, PASS), 1, "non-ip slot, pass");
}

/* the options' NOPs read as ports would be 257 */
static void test_ipv4_options(enum path p)
{
	static const int opts[] = { 4, 8, 20, 40 };

	if (!CONFIGURE("proto udp dport 53 drop", "dport 257 drop", "sport 257 drop",
		       "proto icmp icmp-type 8 drop", "icmp-type 1 drop"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (!EXPECT(p, DROP, UDP(.ipopt = opts[i])) |
		    !EXPECT(p, PASS, UDP(.ipopt = opts[i], .dport = 54)) |
		    !EXPECT(p, DROP, ICMP(.ipopt = opts[i])) |
		    !EXPECT(p, PASS, ICMP(.ipopt = opts[i], .icmp_type = 0)))
			test_msg("%d bytes of options", opts[i]);
	RULES_COUNTED(4, 0, 0, 4, 0);
}

/*
 * Behind each chain, ports where they are; an extension header read as the
 * upper layer would give ports 1 (fragment), 268 (options) or 513 (routing).
 */
static void test_ipv6_exthdrs(enum path p)
{
	static const struct {
		int n;
		__u8 ext[6];
	} chains[] = {
		{ 1, { IPPROTO_HOPOPTS } },
		{ 1, { IPPROTO_ROUTING } },
		{ 1, { IPPROTO_DSTOPTS } },
		{ 1, { IPPROTO_FRAGMENT } },
		{ 5, { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT,
		       IPPROTO_DSTOPTS } },
	};

	if (!CONFIGURE("proto tcp dport 22 drop", "proto udp dport 53 drop", "dport 1 drop",
		       "dport 268 drop", "dport 513 drop", "sport 1-1023 drop",
		       "proto icmpv6 icmp-type 128 drop"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++) {
		struct pkt tcp22 = *TCP6(.dport = 22), udp53 = *UDP6(), tcp23 = *TCP6(.dport = 23),
			   echo = *ICMP6(), reply = *ICMP6(.icmp_type = 129);
		struct pkt *all[] = { &tcp22, &udp53, &tcp23, &echo, &reply };

		for (int k = 0; k < 5; k++) {
			all[k]->next = chains[i].n;
			memcpy(all[k]->ext, chains[i].ext, sizeof(all[k]->ext));
			/* a fragment header makes a first fragment */
			all[k]->frag = memchr(chains[i].ext, IPPROTO_FRAGMENT, chains[i].n) ?
					       FRAG_FIRST : FRAG_NONE;
		}
		if (!fwm_expect_pkt(p, &tcp22, DROP, "tcp dport 22") |
		    !fwm_expect_pkt(p, &udp53, DROP, "udp dport 53") |
		    !fwm_expect_pkt(p, &tcp23, PASS, "tcp dport 23") |
		    !fwm_expect_pkt(p, &echo, DROP, "icmpv6 echo request") |
		    !fwm_expect_pkt(p, &reply, PASS, "icmpv6 echo reply"))
			test_msg("chain %zu (%d headers)", i + 1, chains[i].n);
	}
	RULES_COUNTED(5, 5, 0, 0, 0, 0, 5);
}

/*
 * Later fragments carry no ports or ICMP type (their bytes where those would
 * be look like them: frame_build), first fragments do.
 */
static void test_fragments(enum path p)
{
	if (!CONFIGURE("proto udp dport 53 drop", "proto icmp icmp-type 8 drop",
		       "proto icmpv6 icmp-type 128 drop", "sport 40000 drop",
		       "src 10.7.0.0/16 proto udp drop", "src fd07::/16 proto udp drop",
		       "proto udp count"))
		return;
	EXPECT(p, DROP, UDP(.frag = FRAG_FIRST));
	EXPECT(p, PASS, UDP(.frag = FRAG_LATER));
	EXPECT(p, DROP, UDP(.frag = FRAG_LATER, .src = "10.7.0.1"));
	EXPECT(p, DROP, UDP6(.frag = FRAG_FIRST));
	EXPECT(p, PASS, UDP6(.frag = FRAG_LATER));
	EXPECT(p, PASS, UDP6(.frag = FRAG_LATER, .next = 1, .ext = { IPPROTO_HOPOPTS }));
	EXPECT(p, DROP, UDP6(.frag = FRAG_LATER, .src = "fd07::1"));
	EXPECT(p, DROP, ICMP(.frag = FRAG_FIRST));
	EXPECT(p, PASS, ICMP(.frag = FRAG_LATER));
	EXPECT(p, DROP, ICMP6(.frag = FRAG_FIRST));
	EXPECT(p, PASS, ICMP6(.frag = FRAG_LATER));
	EXPECT(p, DROP, TCP(.frag = FRAG_FIRST));  /* sport 40000 */
	EXPECT(p, PASS, TCP(.frag = FRAG_LATER));
	EXPECT(p, PASS, TCP6(.frag = FRAG_LATER));
	RULES_COUNTED(2, 1, 1, 1, 1, 1, 3);
}

/* what docs/firewall.md warns of: an allow-list by port drops later fragments */
static void test_fragments_allow_list(enum path p)
{
	if (!CONFIGURE("policy drop", "proto udp dport 53 pass"))
		return;
	EXPECT(p, PASS, UDP(.frag = FRAG_FIRST));
	EXPECT(p, DROP, UDP(.frag = FRAG_LATER));
	EXPECT(p, PASS, UDP6(.frag = FRAG_FIRST));
	EXPECT(p, DROP, UDP6(.frag = FRAG_LATER));
}

/*
 * Since "bpf: reject short IPv4/IPv6 inputs in bpf_prog_test_run_skb"
 * (in stable kernels too: 6.18.44 and Debian's 6.1.0-56 have it), the kernel
 * refuses to run tc on an untagged IP frame shorter than its IP header (see
 * test_fw.c); behind a VLAN tag it does not look, so the tagged cases below
 * cover fw_tc.
 */
static bool tc_may_refuse(enum path p, const struct frame *f)
{
	__u16 type = frame_data(f)[12] << 8 | frame_data(f)[13];

	return p != P_XDP && ((type == ETH_P_IP && f->len < ETH_HLEN + 20) ||
			      (type == ETH_P_IPV6 && f->len < ETH_HLEN + 40));
}

static const struct cut {
	const char *what;
	struct pkt *pkt;
	__u32 len;
	bool malformed; /* or a whole IP header with its upper layer cut short */
} cuts[] = {
	{ "ipv4: ethernet only", UDP(), 14, true },
	{ "ipv4: 19 of 20 bytes", UDP(), 14 + 19, true },
	{ "ipv4 ihl 6: 2 of 4 option bytes", UDP(.ipopt = 4), 14 + 22, true },
	{ "ipv4 ihl 15: 39 of 40 option bytes", UDP(.ipopt = 40), 14 + 59, true },
	{ "ipv4: no udp header", UDP(), 14 + 20, false },
	{ "ipv4: 3 bytes of udp header", UDP(), 14 + 23, false },
	{ "ipv6: 39 of 40 bytes", UDP6(), 14 + 39, true },
	{ "ipv6: 1 byte of hop-by-hop", UDP6(.next = 1, .ext = { IPPROTO_HOPOPTS }), 14 + 41,
	  true },
	{ "ipv6: 8 of 16 bytes of dest options", UDP6(.next = 1, .ext = { IPPROTO_DSTOPTS }),
	  14 + 48, true },
	{ "ipv6: 7 of 8 bytes of fragment header", UDP6(.frag = FRAG_FIRST), 14 + 47, true },
	{ "ipv6: 23 of 24 bytes of routing header", UDP6(.next = 1, .ext = { IPPROTO_ROUTING }),
	  14 + 63, true },
	{ "ipv6: second header cut after 2 bytes",
	  UDP6(.next = 2, .ext = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS }), 14 + 58, true },
	{ "ipv6: 1 byte of udp after hop-by-hop", UDP6(.next = 1, .ext = { IPPROTO_HOPOPTS }),
	  14 + 57, false },
	{ "802.1q: 2 of 4 tag bytes", UDP(.ntags = 1, .tpid = { ETH_P_8021Q }), 16, true },
	{ "802.1q ipv4: 19 of 20 bytes", UDP(.ntags = 1, .tpid = { ETH_P_8021Q }), 18 + 19,
	  true },
	{ "802.1q ipv4 ihl 6: 2 of 4 option bytes",
	  UDP(.ntags = 1, .tpid = { ETH_P_8021Q }, .ipopt = 4), 18 + 22, true },
	{ "802.1ad+802.1q: inner tag cut",
	  UDP(.ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q }), 20, true },
	{ "802.1ad+802.1q ipv6: 39 of 40 bytes",
	  UDP6(.ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q }), 22 + 39, true },
	{ "802.1ad+802.1q ipv6: hop-by-hop cut",
	  UDP6(.ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q }, .next = 1,
	       .ext = { IPPROTO_HOPOPTS }),
	  22 + 44, true },
};

/*
 * Malformed frames never meet rules or policy: they pass under "drop" rules
 * and a drop policy, counted in the malformed slot, until that slot's
 * verdict is drop. A whole IP header with its upper layer cut short is the
 * protocol's, without ports: port rules miss it, portless rules take it.
 */
static void test_truncated(enum path p)
{
	struct frame f;
	int verdict;

	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		const struct cut *c = &cuts[i];
		__u32 slot = c->malformed ? FW_SLOT_MALFORMED : IPPROTO_UDP;
		bool ok = true;

		/* afresh: a rule committed again unchanged would keep its counters */
		if (!ASSERT_OK(fwm_reset(), "reset"))
			return;
		if (c->malformed ? !CONFIGURE("policy drop", "drop") :
				   !CONFIGURE("policy drop", "proto udp dport 53 drop",
					      "sport 40000 drop", "proto udp count",
					      "proto udp pass"))
			return;
		frame_build(&f, c->pkt);
		f.len = c->len;
		if (tc_may_refuse(p, &f) && fwm_run(p, &f, 0, &verdict) == -EINVAL) {
			test_msg("%s: this kernel refuses to run tc on it (EINVAL)", c->what);
			continue;
		}
		ok &= fwm_expect(p, &f, PASS, c->what);
		ok &= ASSERT_EQ(fwm_slot_packets(0, slot, PASS), 1, "counted in its slot");
		if (c->malformed) {
			ok &= RULES_COUNTED(0);
			ok &= fwm_set_verdict(0, FW_SLOT_MALFORMED, FW_DROP) &&
			      fwm_expect(p, &f, DROP, "with the malformed slot at drop");
		} else {
			ok &= RULES_COUNTED(0, 0, 1, 1);
		}
		if (!ok)
			test_msg("frame %zu: %s, %u bytes", i + 1, c->what, c->len);
	}
}

/* stage one: a protocol at drop never reaches the rules */
static void test_proto_verdict_first(enum path p)
{
	if (!CONFIGURE("proto udp pass", "proto tcp drop", "count") ||
	    !fwm_set_verdict(0, IPPROTO_UDP, FW_DROP))
		return;
	EXPECT(p, DROP, UDP());
	EXPECT(p, DROP, UDP6());
	EXPECT(p, DROP, TCP());
	EXPECT(p, PASS, ICMP());
	RULES_COUNTED(0, 1, 1);
	ASSERT_EQ(fwm_slot_packets(0, IPPROTO_UDP, DROP), 2, "udp drops in the slot");
}

/* --- the bank switch ---------------------------------------------------------- */

/* an order-free digest of a trie's entries, of one bank and table or all */
static __u64 trie_digest(int fd, size_t key_size, size_t value_size, int bank, int table)
{
	__u8 key[32], next[32], value[sizeof(struct fw_bits)];
	void *prev = NULL;
	__u64 sum = 0;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		__u64 h = 14695981039346656037ULL;

		memcpy(key, next, key_size);
		prev = key;
		if (bank >= 0 && (key[4] != bank || key[5] != table))
			continue;
		memset(value, 0, sizeof(value));
		if (bpf_map_lookup_elem(fd, key, value))
			continue;
		for (size_t i = 0; i < key_size + value_size; i++)
			h = (h ^ (i < key_size ? key[i] : value[i - key_size])) * 1099511628211ULL;
		sum += h;
	}
	return sum;
}

#define BITS sizeof(struct fw_bits)
#define ELEM sizeof(struct fw_set_elem)

/* what packets of a bank's table 0 see, and what tcctl reads back from it */
struct bank_snap {
	struct fw_table table;
	struct fw_rule rules[4];
	struct fw_bits protos[256];
	__u64 rcount[4];
	__u64 net4, net6, ports;
};

static void snap_bank(__u32 bank, struct bank_snap *s)
{
	__u32 idx = fw_table_index(bank, 0);

	memset(s, 0, sizeof(*s));
	bpf_map_lookup_elem(fw.m.tables, &idx, &s->table);
	for (__u32 i = 0; i < 4; i++) {
		idx = fw_rule_index(bank, 0, i);
		bpf_map_lookup_elem(fw.m.rules, &idx, &s->rules[i]);
		s->rcount[i] = fwm_sum(fw.m.rcount, idx).packets;
	}
	for (__u32 i = 0; i < 256; i++) {
		idx = fw_proto_index(bank, 0, i);
		bpf_map_lookup_elem(fw.m.protos, &idx, &s->protos[i]);
	}
	s->net4 = trie_digest(fw.m.net4, sizeof(struct fw_net4_key), BITS, bank, 0);
	s->net6 = trie_digest(fw.m.net6, sizeof(struct fw_net6_key), BITS, bank, 0);
	s->ports = trie_digest(fw.m.ports, sizeof(struct fw_port_key), BITS, bank, 0);
}

/* sets: their names and flags, and every member of every slot */
struct set_snap {
	struct fw_set_meta meta[FW_MAX_SETS];
	__u64 set4, set6;
};

static void snap_sets(struct set_snap *s)
{
	memset(s, 0, sizeof(*s));
	for (__u32 i = 0; i < FW_MAX_SETS; i++)
		bpf_map_lookup_elem(fw.m.setmeta, &i, &s->meta[i]);
	s->set4 = trie_digest(fw.m.set4, sizeof(struct fw_set4_key), ELEM, -1, 0);
	s->set6 = trie_digest(fw.m.set6, sizeof(struct fw_set6_key), ELEM, -1, 0);
}

static void test_switch_keeps_old_bank(enum path p)
{
	struct bank_snap before, after;
	struct fw_state st0, st1;

	if (!CONFIGURE("src 10.9.0.0/16 pass", "proto udp drop", "dst fd00::/8 drop",
		       "dport 100-200 drop"))
		return;
	EXPECT(p, DROP, UDP());
	st0 = fwm_state();
	snap_bank(st0.bank & 1, &before);
	ASSERT_EQ(before.rcount[1], 1, "packets of rule 2 in the live bank");
	if (!CONFIGURE("src 10.9.0.0/16 pass", "proto tcp drop"))
		return;
	st1 = fwm_state();
	ASSERT_EQ(st1.bank, !st0.bank, "the live bank after the commit");
	ASSERT_EQ(st1.version, st0.version + 1, "the version after the commit");
	snap_bank(st0.bank & 1, &after);
	ASSERT_MEMEQ(&after, &before, sizeof(after), "the old bank's table 0, rules, tries");
	EXPECT(p, PASS, UDP());
	EXPECT(p, DROP, TCP());
	EXPECT(p, PASS, UDP(.src = "10.9.0.1"));
	/* rule 1 stayed: its counter came along; rule 2 is new */
	RULES_COUNTED(1, 1);
}

/* a commit whose read is older than the live version: -EAGAIN, and nothing moved */
static void test_switch_version_raced(enum path p)
{
	static const char *const lines[] = { "set bl 10.2.0.0/16", "src @bl drop",
					     "proto udp drop", NULL };
	struct fw_config *prev = fw_config_new(), *next = fw_config_new();
	struct bank_snap live0, live1;
	struct set_snap sets0, sets1;
	struct fw_state st0, st1, bumped;
	__u32 zero = 0;

	if (!ASSERT_TRUE(prev && next, "memory") ||
	    !CONFIGURE("set bl 10.1.0.0/16", "src @bl drop", "proto tcp drop"))
		goto out;
	st0 = fwm_state();
	snap_bank(st0.bank & 1, &live0);
	snap_sets(&sets0);
	if (!ASSERT_OK(fwm_build(lines, next), "build") ||
	    !ASSERT_OK(fw_config_read(&fw.m, prev), "read"))
		goto out;
	next->bank = prev->bank;
	next->version = prev->version;
	bumped = (struct fw_state){ .bank = st0.bank, .version = st0.version + 1 };
	if (!ASSERT_OK(bpf_map_update_elem(fw.m.state, &zero, &bumped, 0), "bump the version"))
		goto out;
	ASSERT_EQ(fw_config_commit(&fw.m, next, prev), -EAGAIN, "commit after the bump");
	st1 = fwm_state();
	ASSERT_EQ(st1.bank, st0.bank, "live bank");
	ASSERT_EQ(st1.version, bumped.version, "version");
	snap_bank(st1.bank & 1, &live1);
	snap_sets(&sets1);
	ASSERT_MEMEQ(&live1, &live0, sizeof(live1), "the live bank's table 0, rules, tries");
	ASSERT_MEMEQ(&sets1.meta, &sets0.meta, sizeof(sets1.meta), "set slots");
	ASSERT_EQ(sets1.set4, sets0.set4, "digest of every ipv4 set member");
	ASSERT_EQ(sets1.set6, sets0.set6, "digest of every ipv6 set member");
	EXPECT(p, DROP, UDP(.src = "10.1.0.1"));
	EXPECT(p, PASS, UDP(.src = "10.2.0.1"));
	EXPECT(p, PASS, UDP());
	EXPECT(p, DROP, TCP());
out:
	fw_config_free(prev);
	fw_config_free(next);
}

/*
 * Two writers read the same configuration; the second commits first. The
 * first one's commit must fail and leave the second one's configuration in
 * force, as if it had never run.
 */
static void test_switch_stale_writer(enum path p)
{
	static const char *const lines[] = { "proto icmp drop", NULL };
	struct fw_config *prev = fw_config_new(), *next = fw_config_new();
	struct bank_snap live0, live1;
	struct fw_state st0;

	if (!ASSERT_TRUE(prev && next, "memory") || !CONFIGURE("proto udp drop") ||
	    !ASSERT_OK(fw_config_read(&fw.m, prev), "first writer reads") ||
	    !ASSERT_OK(fwm_build(lines, next), "build"))
		goto out;
	next->bank = prev->bank;
	next->version = prev->version;
	if (!CONFIGURE("proto tcp drop")) /* the second writer, all the way */
		goto out;
	st0 = fwm_state();
	snap_bank(st0.bank & 1, &live0);
	ASSERT_EQ(fw_config_commit(&fw.m, next, prev), -EAGAIN, "the first writer's commit");
	ASSERT_EQ(fwm_state().bank, st0.bank, "live bank");
	ASSERT_EQ(fwm_state().version, st0.version, "version");
	snap_bank(st0.bank & 1, &live1);
	ASSERT_MEMEQ(&live1, &live0, sizeof(live1), "the live bank's table 0, rules, tries");
	EXPECT(p, DROP, TCP());
	EXPECT(p, PASS, UDP());
	EXPECT(p, PASS, ICMP());
out:
	fw_config_free(prev);
	fw_config_free(next);
}

static const struct fwm_test tests[] = {
	{ "rate pps 2 burst 3: 3 pass, then drops; one more 600 ms later", test_rate_pps_calls,
	  ON_IN },
	{ "rate pps 2 burst 4: 7 in one test run, 4 pass; 1 of 3 later", test_rate_pps_repeat,
	  ON_IN | ON_TC_OUT },
	{ "rate bytes 200 burst-bytes 400: 4 of 100 bytes pass, 1 later", test_rate_bytes,
	  ON_IN },
	{ "rate with pps and bytes: the tighter limit drops", test_rate_both, ON_IN },
	{ "rate per-source: a bucket per source address", test_rate_per_source, ON_IN },
	{ "rate per-source: ipv4 a.b.c.d and ipv6 a.b.c.d:: are two sources",
	  test_rate_per_source_family, ON_IN },
	{ "rate without per-source: one bucket for all sources", test_rate_per_rule, ON_IN },
	{ "rate across a commit: rule bucket kept, per-source buckets afresh",
	  test_rate_across_commits, ON_IN },
	{ "rate lets conforming packets go on to rules and policy", test_rate_goes_on, ON_IN },
	{ "802.1q, 802.1ad, qinq: rules see ipv4 and ipv6; 3 tags non-ip", test_vlan, ON_IN },
	{ "ipv4 options (ihl 6 to 15): ports behind them", test_ipv4_options, ON_IN },
	{ "ipv6 hop-by-hop, routing, dest options, fragment: ports behind",
	  test_ipv6_exthdrs, ON_IN },
	{ "fragments: first ones have ports and types, later ones none", test_fragments,
	  ON_IN },
	{ "fragments: a port allow-list with policy drop drops later ones",
	  test_fragments_allow_list, ON_IN },
	{ "truncated frames: malformed slot, no rules; or the proto, no ports",
	  test_truncated, ON_IN },
	{ "protocol verdict drop comes before a pass rule", test_proto_verdict_first, ON_IN },
	{ "commit: the old bank stays as it was, counters carried", test_switch_keeps_old_bank,
	  ON_XDP },
	{ "commit after a version bump: -EAGAIN, nothing visible changed",
	  test_switch_version_raced, ON_XDP },
	{ "commit from a stale read after another commit: the other stays",
	  test_switch_stale_writer, ON_XDP },
};

int main(void)
{
	return fwm_main(tests, ARRAY_SIZE(tests));
}
