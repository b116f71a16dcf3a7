// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw's rules, field by field and action by action, in the real fw_xdp and
 * fw_tc: each test writes its rules as an admin would, commits them with
 * tcctl's library and runs hand-built frames through BPF_PROG_TEST_RUN,
 * checking the verdict, the rules' counters and the sets' hit counters.
 * Rate limits, parsing and the bank switch are in test_fw_match_more.c.
 *
 * Usage: test_fw_match, from the repository root, as root ($FW_O: another fw.o).
 */
#include "fw_match.h"

/* --- addresses -------------------------------------------------------------- */

static void test_cidr4_first_match(enum path p)
{
	if (!CONFIGURE("src 10.1.2.0/24 pass", "src 10.1.0.0/16 drop", "dst 192.0.2.0/25 drop",
		       "src 10.9.9.9 drop", "src 10.1.2.3/18 count"))
		return;
	EXPECT(p, PASS, UDP(.src = "10.1.2.9"));       /* /24 pass before /16 drop */
	EXPECT(p, PASS, UDP(.src = "10.1.2.0"));
	EXPECT(p, PASS, UDP(.src = "10.1.2.255"));
	EXPECT(p, DROP, UDP(.src = "10.1.3.0"));       /* the /16 around it */
	EXPECT(p, DROP, UDP(.src = "10.1.255.255"));
	EXPECT(p, DROP, UDP(.src = "10.1.0.0"));
	EXPECT(p, PASS, UDP(.src = "10.0.255.255"));   /* just below the /16 */
	EXPECT(p, PASS, UDP(.src = "10.2.0.0"));       /* just above */
	EXPECT(p, DROP, UDP(.dst = "192.0.2.0"));
	EXPECT(p, DROP, UDP(.dst = "192.0.2.127"));
	EXPECT(p, PASS, UDP(.dst = "192.0.2.128"));    /* past the /25 */
	EXPECT(p, DROP, UDP(.src = "10.9.9.9"));       /* a host is a /32 */
	EXPECT(p, PASS, UDP(.src = "10.9.9.8"));
	EXPECT(p, PASS, UDP(.src = "10.9.9.10"));
	/* 10.1.2.3/18 is 10.1.0.0/18, behind the /16: counted only past it */
	EXPECT(p, PASS, UDP(.src = "10.0.63.255"));
	/* 3 passes in the /24, 3 drops in the /16, 2 dst drops, 1 host drop */
	RULES_COUNTED(3, 3, 2, 1, 0);
}

/* the same prefixes in the other order: the /16 drop comes first and wins */
static void test_cidr4_order(enum path p)
{
	if (!CONFIGURE("src 10.1.0.0/16 drop", "src 10.1.2.0/24 pass", "policy drop"))
		return;
	EXPECT(p, DROP, UDP(.src = "10.1.2.9"));
	EXPECT(p, DROP, UDP(.src = "10.1.3.9"));
	EXPECT(p, DROP, UDP(.src = "10.2.0.1")); /* the policy */
	RULES_COUNTED(2, 0);
}

/* nested prefixes, interleaved actions; count rules go on */
static void test_cidr4_nested(enum path p)
{
	if (!CONFIGURE("src 10.0.0.0/8 count", "src 10.1.0.0/16 pass", "src 10.1.2.0/24 drop",
		       "src 10.0.0.0/8 drop", "dst 10.0.0.0/8 src 11.0.0.0/8 drop"))
		return;
	EXPECT(p, PASS, UDP(.src = "10.1.2.3"));
	EXPECT(p, DROP, UDP(.src = "10.2.0.1"));
	EXPECT(p, PASS, UDP(.src = "11.0.0.1"));
	EXPECT(p, DROP, UDP(.src = "11.0.0.1", .dst = "10.3.3.3")); /* both sides */
	EXPECT(p, PASS, UDP(.src = "12.0.0.1", .dst = "10.3.3.3"));
	RULES_COUNTED(2, 1, 0, 1, 1);
}

static void test_cidr6_first_match(enum path p)
{
	if (!CONFIGURE("src 2001:db8:1::/48 pass", "src 2001:db8::/32 drop",
		       "dst 2001:db8:ff::/61 drop", "src fd00::1/128 drop"))
		return;
	EXPECT(p, PASS, UDP6(.src = "2001:db8:1:ffff::1"));
	EXPECT(p, PASS, UDP6(.src = "2001:db8:1::"));
	EXPECT(p, DROP, UDP6(.src = "2001:db8:2::1"));
	EXPECT(p, DROP, UDP6(.src = "2001:db8:0:ffff:ffff:ffff:ffff:ffff"));
	EXPECT(p, DROP, UDP6(.src = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
	EXPECT(p, PASS, UDP6(.src = "2001:db9::"));
	EXPECT(p, PASS, UDP6(.src = "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
	/* /61: 2001:db8:ff:0::/64 to 2001:db8:ff:7:ffff:... */
	EXPECT(p, DROP, UDP6(.src = "fd00::5", .dst = "2001:db8:ff:7:ffff:ffff:ffff:ffff"));
	EXPECT(p, PASS, UDP6(.src = "fd00::5", .dst = "2001:db8:ff:8::"));
	EXPECT(p, DROP, UDP6(.src = "fd00::1"));
	EXPECT(p, PASS, UDP6(.src = "fd00::2"));
	RULES_COUNTED(2, 3, 1, 1);
}

/* an IPv4 prefix never matches IPv6 addresses with the same first bytes, nor back */
static void test_cidr_family(enum path p)
{
	if (!CONFIGURE("src 10.0.0.0/8 drop", "dst a00::/8 drop", "src 0.0.0.0/0 count"))
		return;
	EXPECT(p, DROP, UDP(.src = "10.0.0.1"));
	EXPECT(p, PASS, UDP6(.src = "a00::1"));
	EXPECT(p, PASS, UDP6(.src = "::ffff:10.0.0.1"));
	EXPECT(p, DROP, UDP6(.dst = "a00::1"));
	EXPECT(p, PASS, UDP(.dst = "10.0.0.1"));
	/* a /0 of one family is every address of that family only */
	RULES_COUNTED(1, 1, 1);
}

static void test_family(enum path p)
{
	if (!CONFIGURE("family ip6 proto udp drop", "family ip proto tcp drop"))
		return;
	EXPECT(p, DROP, UDP6());
	EXPECT(p, PASS, UDP());
	EXPECT(p, DROP, TCP());
	EXPECT(p, PASS, TCP6());
	RULES_COUNTED(1, 1);
}

/* --- sets ------------------------------------------------------------------- */

static void test_sets_src(enum path p)
{
	if (!CONFIGURE("set bl counters 10.0.0.0/8 10.1.0.0/16 192.0.2.7 2001:db8::/32",
		       "set ok 10.1.2.0/24", "src @ok pass", "src @bl drop"))
		return;
	EXPECT(p, PASS, UDP(.src = "10.1.2.3"));  /* in both: the first rule's set */
	EXPECT(p, DROP, UDP(.src = "10.1.9.9"));
	EXPECT(p, DROP, UDP(.src = "10.200.0.1"));
	EXPECT(p, DROP, UDP(.src = "192.0.2.7"));
	EXPECT(p, PASS, UDP(.src = "192.0.2.8"));
	EXPECT(p, PASS, UDP(.src = "11.0.0.1"));
	EXPECT(p, DROP, UDP6(.src = "2001:db8::5"));
	EXPECT(p, PASS, UDP6(.src = "2001:db9::5"));
	RULES_COUNTED(1, 4);
	/* each packet counts on the most specific member it is in */
	ASSERT_EQ(fwm_set_hits("bl", "10.1.0.0/16"), 2, "hits of bl 10.1.0.0/16");
	ASSERT_EQ(fwm_set_hits("bl", "10.0.0.0/8"), 1, "hits of bl 10.0.0.0/8");
	ASSERT_EQ(fwm_set_hits("bl", "192.0.2.7"), 1, "hits of bl 192.0.2.7");
	ASSERT_EQ(fwm_set_hits("bl", "2001:db8::/32"), 1, "hits of bl 2001:db8::/32");
	/* no counters asked for ok */
	ASSERT_EQ(fwm_set_hits("ok", "10.1.2.0/24"), 0, "hits of ok 10.1.2.0/24");
}

static void test_sets_dst(enum path p)
{
	if (!CONFIGURE("set srv counters 203.0.113.0/28 2001:db8:5::1", "policy drop",
		       "dst @srv proto tcp dport 22 pass", "dst @srv proto icmp pass"))
		return;
	EXPECT(p, PASS, TCP(.dst = "203.0.113.15", .dport = 22));
	EXPECT(p, DROP, TCP(.dst = "203.0.113.16", .dport = 22));
	EXPECT(p, DROP, TCP(.dst = "203.0.113.1", .dport = 23));
	EXPECT(p, PASS, ICMP(.dst = "203.0.113.1"));
	EXPECT(p, PASS, TCP6(.dst = "2001:db8:5::1", .dport = 22));
	EXPECT(p, DROP, TCP6(.dst = "2001:db8:5::2", .dport = 22));
	RULES_COUNTED(2, 1);
	ASSERT_EQ(fwm_set_hits("srv", "203.0.113.0/28"), 3, "hits of srv 203.0.113.0/28");
	ASSERT_EQ(fwm_set_hits("srv", "2001:db8:5::1"), 1, "hits of srv 2001:db8:5::1");
}

/* a set on each side, and a set that is empty */
static void test_sets_both_sides(enum path p)
{
	if (!CONFIGURE("set a 10.1.0.0/16", "set b 10.2.0.0/16", "set none",
		       "src @none drop", "src @a dst @b drop", "dst @a pass", "src @b drop"))
		return;
	EXPECT(p, DROP, UDP(.src = "10.1.0.1", .dst = "10.2.0.1"));
	EXPECT(p, PASS, UDP(.src = "10.2.0.1", .dst = "10.1.0.1"));
	EXPECT(p, DROP, UDP(.src = "10.2.0.1", .dst = "10.3.0.1"));
	EXPECT(p, PASS, UDP(.src = "10.1.0.1", .dst = "10.3.0.1"));
	RULES_COUNTED(0, 1, 1, 1);
}

/* --- protocol, ports, ICMP types -------------------------------------------- */

static void test_proto(enum path p)
{
	if (!CONFIGURE("proto 47 drop", "proto tcp drop", "proto sctp count"))
		return;
	EXPECT(p, DROP, PKT(.proto = 47));
	EXPECT(p, DROP, PKT(.proto = 47, .v6 = 1));
	EXPECT(p, DROP, TCP());
	EXPECT(p, DROP, TCP6());
	EXPECT(p, PASS, UDP());
	EXPECT(p, PASS, ICMP());
	EXPECT(p, PASS, PKT(.proto = IPPROTO_SCTP));
	EXPECT(p, PASS, PKT(.proto = 48));
	RULES_COUNTED(2, 2, 1);
}

/* single ports and ranges at their edges: lo-1, lo, hi, hi+1 */
static void test_ports(enum path p)
{
	if (!CONFIGURE("proto tcp dport 1000-2000 drop", "proto udp sport 53 drop",
		       "dport 0-10 drop", "sport 65535 drop", "proto sctp dport 20 pass",
		       "proto sctp sport 5000-5001 drop"))
		return;
	EXPECT(p, PASS, TCP(.dport = 999));
	EXPECT(p, DROP, TCP(.dport = 1000));
	EXPECT(p, DROP, TCP(.dport = 2000));
	EXPECT(p, PASS, TCP(.dport = 2001));
	EXPECT(p, PASS, UDP(.dport = 1500)); /* udp is not tcp */
	EXPECT(p, PASS, UDP(.sport = 52, .dport = 5000));
	EXPECT(p, DROP, UDP(.sport = 53, .dport = 5000));
	EXPECT(p, PASS, UDP(.sport = 54, .dport = 5000));
	EXPECT(p, DROP, UDP(.dport = 0));
	EXPECT(p, DROP, TCP(.dport = 10));
	EXPECT(p, PASS, UDP(.dport = 11));
	EXPECT(p, DROP, UDP6(.sport = 65535));
	EXPECT(p, PASS, UDP6(.sport = 65534));
	EXPECT(p, PASS, PKT(.proto = IPPROTO_SCTP, .dport = 20, .sport = 5000));
	EXPECT(p, DROP, PKT(.proto = IPPROTO_SCTP, .dport = 11, .sport = 5001));
	EXPECT(p, PASS, PKT(.proto = IPPROTO_SCTP, .dport = 11, .sport = 5002));
	/* ICMP has no ports: the byte where a port would be is not one */
	EXPECT(p, PASS, ICMP(.icmp_type = 0));
	RULES_COUNTED(2, 1, 2, 1, 1, 1);
}

static void test_ports_overlap(enum path p)
{
	if (!CONFIGURE("dport 1000-2000 pass", "dport 1500-2500 drop", "dport 1800-1900 drop"))
		return;
	EXPECT(p, PASS, UDP(.dport = 1499));
	EXPECT(p, PASS, UDP(.dport = 1500));
	EXPECT(p, PASS, UDP(.dport = 1850));
	EXPECT(p, PASS, UDP(.dport = 2000));
	EXPECT(p, DROP, UDP(.dport = 2001));
	EXPECT(p, DROP, UDP(.dport = 2500));
	EXPECT(p, PASS, UDP(.dport = 2501));
	RULES_COUNTED(4, 2, 0);
}

/* the same ranges the other way round */
static void test_ports_overlap_order(enum path p)
{
	if (!CONFIGURE("dport 1500-2500 drop", "dport 1000-2000 pass", "policy drop"))
		return;
	EXPECT(p, PASS, UDP(.dport = 1000));
	EXPECT(p, PASS, UDP(.dport = 1499));
	EXPECT(p, DROP, UDP(.dport = 1500));
	EXPECT(p, DROP, UDP(.dport = 2000));
	EXPECT(p, DROP, UDP(.dport = 999)); /* the policy */
	RULES_COUNTED(2, 2);
}

static void test_ports_both(enum path p)
{
	if (!CONFIGURE("proto tcp sport 1024-65535 dport 22 pass", "proto tcp dport 22 drop"))
		return;
	EXPECT(p, PASS, TCP(.sport = 1024, .dport = 22));
	EXPECT(p, PASS, TCP(.sport = 65535, .dport = 22));
	EXPECT(p, DROP, TCP(.sport = 1023, .dport = 22));
	EXPECT(p, PASS, TCP(.sport = 1023, .dport = 23));
	RULES_COUNTED(2, 1);
}

static void test_icmp_type(enum path p)
{
	if (!CONFIGURE("proto icmp icmp-type echo-request drop", "proto icmpv6 icmp-type 128 drop",
		       "icmp-type 3 drop", "icmp-type 0 count"))
		return;
	EXPECT(p, DROP, ICMP(.icmp_type = 8));
	EXPECT(p, PASS, ICMP(.icmp_type = 0));
	EXPECT(p, PASS, ICMP(.icmp_type = 9));
	EXPECT(p, PASS, ICMP(.icmp_type = 128)); /* ICMPv6's echo request number, in ICMP */
	EXPECT(p, DROP, ICMP6(.icmp_type = 128));
	EXPECT(p, PASS, ICMP6(.icmp_type = 129));
	EXPECT(p, PASS, ICMP6(.icmp_type = 8));
	/* a type with no proto: ICMP and ICMPv6 alike, never TCP */
	EXPECT(p, DROP, ICMP(.icmp_type = 3));
	EXPECT(p, DROP, ICMP6(.icmp_type = 3));
	EXPECT(p, PASS, TCP(.sport = 0x0300)); /* its first byte is 3 */
	RULES_COUNTED(1, 1, 2, 1);
}

/* --- many rules: past the first 64-bit word of the bitmaps ------------------- */

/* lines for n rules "src 10.200.X.Y drop" that the test packets never match, then more */
static const char **filler(const char **lines, int from, int to)
{
	for (int i = from; i < to; i++) {
		char *l = malloc(40);

		snprintf(l, 40, "src 10.200.%d.%d drop", i / 256, i % 256);
		lines[i] = l;
	}
	return lines;
}

static void free_lines(const char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free((char *)lines[i]);
	free(lines);
}

/* matches at positions 63, 64, 127, 128, 129: the fast path and the visits cross words */
static void test_word_boundaries(enum path p)
{
	const char **lines = calloc(131, sizeof(*lines));

	if (!ASSERT_TRUE(lines, "memory"))
		return;
	filler(lines, 0, 130);
	free((char *)lines[63]), lines[63] = strdup("dport 1-2 count");
	free((char *)lines[64]), lines[64] = strdup("dport 1 count");
	free((char *)lines[127]), lines[127] = strdup("dport 2 pass");
	free((char *)lines[128]), lines[128] = strdup("dport 1 drop");
	free((char *)lines[129]), lines[129] = strdup("dport 3 drop");
	if (ASSERT_OK(fwm_configure(lines), "configure 130 rules")) {
		EXPECT(p, DROP, UDP(.dport = 1));
		EXPECT(p, PASS, UDP(.dport = 2));
		EXPECT(p, DROP, UDP(.dport = 3));
		EXPECT(p, PASS, UDP(.dport = 4));
		EXPECT(p, DROP, UDP(.src = "10.200.0.62"));
		EXPECT(p, DROP, UDP(.src = "10.200.0.65", .dport = 2)); /* 65 before 127 */
		ASSERT_EQ(fwm_rule_packets(0, 62), 1, "packets of rule 63");
		ASSERT_EQ(fwm_rule_packets(0, 63), 3, "packets of rule 64");
		ASSERT_EQ(fwm_rule_packets(0, 64), 1, "packets of rule 65");
		ASSERT_EQ(fwm_rule_packets(0, 65), 1, "packets of rule 66");
		ASSERT_EQ(fwm_rule_packets(0, 127), 1, "packets of rule 128");
		ASSERT_EQ(fwm_rule_packets(0, 128), 1, "packets of rule 129");
		ASSERT_EQ(fwm_rule_packets(0, 129), 1, "packets of rule 130");
	}
	free_lines(lines, 130);
}

/* a full table: the last of 1024 rules decides, after a count at 1001 */
static void test_full_table(enum path p)
{
	const char **lines = calloc(FW_MAX_RULES + 1, sizeof(*lines));

	if (!ASSERT_TRUE(lines, "memory"))
		return;
	filler(lines, 0, FW_MAX_RULES);
	free((char *)lines[1000]), lines[1000] = strdup("proto udp count");
	free((char *)lines[1023]), lines[1023] = strdup("dport 7 drop");
	if (ASSERT_OK(fwm_configure(lines), "configure 1024 rules")) {
		EXPECT(p, DROP, UDP(.dport = 7));
		EXPECT(p, DROP, TCP6(.dport = 7));
		EXPECT(p, PASS, UDP(.dport = 8));
		EXPECT(p, DROP, UDP(.src = "10.200.3.231")); /* rule 1000 */
		ASSERT_EQ(fwm_rule_packets(0, 999), 1, "packets of rule 1000");
		ASSERT_EQ(fwm_rule_packets(0, 1000), 2, "packets of rule 1001");
		ASSERT_EQ(fwm_rule_packets(0, 1023), 2, "packets of rule 1024");
	}
	free_lines(lines, FW_MAX_RULES);
}

/* --- direction and tables --------------------------------------------------- */

static void test_dir(enum path p)
{
	int out = p == P_TC_OUT;

	if (!CONFIGURE("dir out proto udp drop", "dir in proto tcp drop", "dir out count"))
		return;
	EXPECT(p, out ? DROP : PASS, UDP());
	EXPECT(p, out ? PASS : DROP, TCP());
	EXPECT(p, out ? DROP : PASS, UDP6());
	RULES_COUNTED(out ? 2 : 0, out ? 0 : 1, out ? 1 : 0);
}

/* the rules of the table the hook is bound to, counted there */
static void test_table(enum path p)
{
	enum fw_hook hook = p == P_XDP ? FW_HOOK_XDP : p == P_TC_IN ? FW_HOOK_TC_INGRESS :
								   FW_HOOK_TC_EGRESS;

	if (!CONFIGURE("table 2 proto udp drop", "proto tcp drop", "policy table 2 drop",
		       "table 2 proto icmp pass"))
		return;
	EXPECT(p, PASS, UDP());
	EXPECT(p, DROP, TCP());
	if (!fwm_bind(hook, 2))
		return;
	EXPECT(p, DROP, UDP());
	EXPECT(p, DROP, TCP()); /* table 2's policy */
	EXPECT(p, PASS, ICMP());
	ASSERT_EQ(fwm_rule_packets(2, 0), 1, "packets of table 2 rule 1");
	ASSERT_EQ(fwm_rule_packets(2, 1), 1, "packets of table 2 rule 2");
	ASSERT_EQ(fwm_rule_packets(0, 0), 1, "packets of table 0 rule 1");
}

/* --- actions ---------------------------------------------------------------- */

static void test_drop(enum path p)
{
	struct frame f;

	if (!CONFIGURE("proto udp dport 53 drop"))
		return;
	frame_build(&f, UDP(.len = 100));
	fwm_expect(p, &f, DROP, "udp dport 53, 100 bytes");
	EXPECT(p, PASS, UDP(.dport = 54));
	EXPECT(p, PASS, TCP(.dport = 53));
	ASSERT_EQ(fwm_rule(0, 0).packets, 1, "packets of rule 1");
	ASSERT_EQ(fwm_rule(0, 0).bytes, 100, "bytes of rule 1");
	ASSERT_EQ(fwm_slot_packets(0, IPPROTO_UDP, DROP), 1, "udp drops counted in the slot");
	ASSERT_EQ(fwm_slot_packets(0, IPPROTO_UDP, PASS), 1, "udp passes counted in the slot");
}

/* pass stops: later rules are not reached, the policy not applied */
static void test_pass(enum path p)
{
	if (!CONFIGURE("policy drop", "src 198.51.100.1 pass", "count", "drop", "proto tcp accept"))
		return;
	EXPECT(p, PASS, UDP());
	EXPECT(p, PASS, TCP());
	EXPECT(p, DROP, TCP(.src = "198.51.100.3")); /* the drop rule, before accept */
	RULES_COUNTED(2, 1, 1, 0);
}

/* count counts and goes on, to the next rule or the policy */
static void test_count(enum path p)
{
	struct frame f;

	if (!CONFIGURE("proto udp count", "proto udp count", "dport 53 drop", "count"))
		return;
	frame_build(&f, UDP(.len = 80));
	fwm_expect(p, &f, DROP, "udp dport 53, 80 bytes");
	frame_build(&f, UDP(.dport = 54, .len = 120));
	fwm_expect(p, &f, PASS, "udp dport 54, 120 bytes");
	EXPECT(p, PASS, TCP(.dport = 54));
	RULES_COUNTED(2, 2, 1, 2);
	ASSERT_EQ(fwm_rule(0, 0).bytes, 200, "bytes of rule 1");
	ASSERT_EQ(fwm_rule(0, 2).bytes, 80, "bytes of rule 3");
}

static void test_count_policy_drop(enum path p)
{
	if (!CONFIGURE("policy drop", "proto udp count", "family ip6 count"))
		return;
	EXPECT(p, DROP, UDP());
	EXPECT(p, DROP, UDP6());
	RULES_COUNTED(2, 1);
}

static void test_no_match_rule(enum path p)
{
	if (!CONFIGURE("drop"))
		return;
	EXPECT(p, DROP, UDP());
	EXPECT(p, DROP, TCP6());
	EXPECT(p, DROP, ICMP6(.icmp_type = 135)); /* a rule that takes ND drops it */
	RULES_COUNTED(3);
}

/* --- policy, ND, ARP ------------------------------------------------------- */

static void test_policy(enum path p)
{
	if (!CONFIGURE("policy drop"))
		return;
	EXPECT(p, DROP, UDP());
	EXPECT(p, DROP, ICMP6());
	if (!CONFIGURE("policy pass", "proto tcp drop"))
		return;
	EXPECT(p, PASS, UDP());
	EXPECT(p, DROP, TCP());
}

/* a drop policy spares ICMPv6 133-137, and nothing else */
static void test_policy_spares_nd(enum path p)
{
	if (!CONFIGURE("policy drop"))
		return;
	for (int type = 133; type <= 137; type++)
		if (!EXPECT(p, PASS, ICMP6(.icmp_type = type)))
			test_msg("ICMPv6 type %d", type);
	EXPECT(p, DROP, ICMP6(.icmp_type = 132));
	EXPECT(p, DROP, ICMP6(.icmp_type = 138));
	EXPECT(p, DROP, ICMP6(.icmp_type = 128));
	EXPECT(p, DROP, ICMP(.icmp_type = 135));    /* ICMP is not ICMPv6 */
	EXPECT(p, DROP, PKT(.v6 = 1, .proto = 135)); /* nor a protocol 135 */
	/* a later fragment has no type: not ND */
	EXPECT(p, DROP, ICMP6(.icmp_type = 135, .frag = FRAG_LATER));
	/* ND behind a hop-by-hop header is ND still */
	EXPECT(p, PASS, ICMP6(.icmp_type = 136, .next = 1, .ext = { IPPROTO_HOPOPTS }));
}

static void test_policy_nd_rules(enum path p)
{
	if (!CONFIGURE("policy drop", "proto icmpv6 count",
		       "proto icmpv6 icmp-type neighbour-solicit drop"))
		return;
	EXPECT(p, DROP, ICMP6(.icmp_type = 135));
	EXPECT(p, PASS, ICMP6(.icmp_type = 136));
	EXPECT(p, PASS, ICMP6(.icmp_type = 133));
	RULES_COUNTED(3, 1);
}

/* ARP never meets rules or policy */
static void test_arp(enum path p)
{
	struct frame f;

	if (!CONFIGURE("policy drop", "drop", "family ip drop"))
		return;
	frame_arp(&f);
	fwm_expect(p, &f, PASS, "arp who-has");
	RULES_COUNTED(0, 0);
	ASSERT_EQ(fwm_slot_packets(0, FW_SLOT_NON_IP, PASS), 1, "non-ip slot, pass");
}

static const struct fwm_test tests[] = {
	{ "src ipv4 cidrs: first match wins, edges of each prefix", test_cidr4_first_match, ON_IN },
	{ "src /16 drop before /24 pass: the /16 wins", test_cidr4_order, ON_IN },
	{ "nested ipv4 prefixes, interleaved count/pass/drop, src+dst", test_cidr4_nested, ON_IN },
	{ "src/dst ipv6 cidrs /32 /48 /61 /128: first match, edges", test_cidr6_first_match,
	  ON_IN },
	{ "ipv4 cidrs never match ipv6 addresses, nor back", test_cidr_family, ON_IN },
	{ "family ip / ip6", test_family, ON_IN },
	{ "src @set ipv4+ipv6, nested members: most specific hit counted", test_sets_src, ON_IN },
	{ "dst @set with proto and dport under policy drop, hits", test_sets_dst, ON_IN },
	{ "sets on both sides of a rule, an empty set", test_sets_both_sides, ON_IN },
	{ "proto by name and number, both families", test_proto, ON_IN },
	{ "sport/dport single and ranges at lo-1, lo, hi, hi+1 (tcp, udp, sctp)",
	  test_ports, ON_IN },
	{ "overlapping dport ranges: first match wins", test_ports_overlap, ON_IN },
	{ "overlapping dport ranges, other order, policy drop", test_ports_overlap_order, ON_IN },
	{ "sport range and dport in one rule", test_ports_both, ON_IN },
	{ "icmp-type for icmp and icmpv6, by name and number", test_icmp_type, ON_IN },
	{ "130 rules: matches at rules 63-66 and 128-130 cross words", test_word_boundaries,
	  ON_IN },
	{ "1024 rules: the last one decides, a count at 1001", test_full_table, ON_IN },
	{ "dir in / dir out", test_dir, ON_XDP | ON_TC_IN | ON_TC_OUT },
	{ "rules of the table the hook is bound to", test_table, ON_XDP | ON_TC_IN | ON_TC_OUT },
	{ "drop: verdict, rule packets and bytes, slot counters", test_drop, ON_IN },
	{ "pass stops: later rules and the drop policy not reached", test_pass, ON_IN },
	{ "count counts and goes on", test_count, ON_IN },
	{ "count rules then policy drop", test_count_policy_drop, ON_IN },
	{ "a rule with no match takes every ip packet, nd too", test_no_match_rule, ON_IN },
	{ "policy drop and pass", test_policy, ON_IN },
	{ "policy drop spares icmpv6 133-137 only", test_policy_spares_nd, ON_IN },
	{ "policy drop: a rule dropping neighbour-solicit drops it", test_policy_nd_rules, ON_IN },
	{ "arp never meets rules or a drop policy", test_arp, ON_IN },
};

int main(void)
{
	return fwm_main(tests, ARRAY_SIZE(tests));
}
