// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of tcctl monitor's output (tcctl/event_format.c): crafted
 * struct events, as the objects write them, give the exact text lines and
 * JSON objects tcctl(8) and docs/json.md document. Times in UTC (TZ set
 * here), so the lines do not depend on the machine's zone.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "event_format.h"
#include "test.h"

/* 2026-11-25 04:41:03.123456789 UTC */
#define WALL 1795581663123456789LL

static void v4(__u8 a[16], const char *s)
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	inet_pton(AF_INET, s, a + 12);
}

static void v6(__u8 a[16], const char *s)
{
	inet_pton(AF_INET6, s, a);
}

static struct event ip4(__u8 proto, __u16 sport, __u16 dport)
{
	struct event e = {
		.ts_ns = 1000, .ifindex = 2, .len = 74, .kind = EVENT_SAMPLE, .hook = 1,
		.family = 4, .proto = proto, .sport = sport, .dport = dport,
		.ethertype = 0x0800, .object = EVENT_OBJ_STATS,
	};

	v4(e.saddr, "10.0.0.1");
	v4(e.daddr, "10.0.0.2");
	return e;
}

static struct event drop(struct event e, __u8 reason, __u32 rule)
{
	e.kind = EVENT_DROP;
	e.object = EVENT_OBJ_FW;
	e.reason = reason;
	e.rule = rule;
	return e;
}

static bool line_is(const struct event *e, const char *want)
{
	char got[EVENT_LINE_MAX];

	event_format(e, "v1", WALL, got, sizeof(got));
	if (strcmp(got, want))
		test_msg("line:\n      got  '%s'\n      want '%s'", got, want);
	return test_check(!strcmp(got, want), __FILE__, __LINE__);
}

static bool json_is(const struct event *e, const char *want)
{
	json_t *o = event_json(e, "v1", WALL);
	char *got = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	bool ok = got && !strcmp(got, want);

	if (!ok)
		test_msg("json:\n      got  %s\n      want %s", got, want);
	free(got);
	json_decref(o);
	return test_check(ok, __FILE__, __LINE__);
}

static void test_tcp_drop(void)
{
	struct event e = drop(ip4(IPPROTO_TCP, 40000, 80), EVENT_REASON_RULE, 3);

	e.tcp_flags = 0x02;
	line_is(&e, "04:41:03.123456 v1 ingress drop rule 3 IP 10.0.0.1.40000 > 10.0.0.2.80: tcp [S] length 74");
	json_is(&e, "{\"time\":\"2026-11-25T04:41:03.123456Z\",\"ts_ns\":1000,\"dev\":\"v1\",\"ifindex\":2,"
		    "\"hook\":\"ingress\",\"kind\":\"drop\",\"reason\":\"rule\",\"table\":0,\"rule\":3,"
		    "\"object\":\"fw\",\"cpu\":0,\"len\":74,\"ethertype\":2048,\"family\":\"ip\","
		    "\"malformed\":false,\"proto\":\"tcp\",\"saddr\":\"10.0.0.1\",\"daddr\":\"10.0.0.2\","
		    "\"sport\":40000,\"dport\":80,\"tcp_flags\":\"S\"}");
	e.tcp_flags = 0x12;
	e.reason = EVENT_REASON_RATE;
	e.table = 2;
	line_is(&e, "04:41:03.123456 v1 ingress drop table 2 rate 3 IP 10.0.0.1.40000 > 10.0.0.2.80: tcp [S.] length 74");
	e.tcp_flags = 0xff;
	e.reason = EVENT_REASON_POLICY;
	e.table = 0;
	line_is(&e, "04:41:03.123456 v1 ingress drop policy IP 10.0.0.1.40000 > 10.0.0.2.80: tcp [FSRP.UEW] length 74");
	e.tcp_flags = 0;
	e.hook = 2;
	line_is(&e, "04:41:03.123456 v1 egress drop policy IP 10.0.0.1.40000 > 10.0.0.2.80: tcp [none] length 74");
	test_report("format: TCP drops by rule, rate and policy; tcpdump's flags");
}

static void test_icmp(void)
{
	struct event e = drop(ip4(IPPROTO_ICMP, 0, 0), EVENT_REASON_PROTO, 0);

	e.icmp_type = 8;
	e.len = 98;
	line_is(&e, "04:41:03.123456 v1 ingress drop proto IP 10.0.0.1 > 10.0.0.2: icmp echo-request length 98");
	e.icmp_type = 3;
	e.icmp_code = 3;
	line_is(&e, "04:41:03.123456 v1 ingress drop proto IP 10.0.0.1 > 10.0.0.2: icmp dest-unreachable code 3 length 98");
	e.icmp_type = 42;
	e.icmp_code = 1;
	line_is(&e, "04:41:03.123456 v1 ingress drop proto IP 10.0.0.1 > 10.0.0.2: icmp type 42 code 1 length 98");
	e = ip4(IPPROTO_ICMPV6, 0, 0);
	e.family = 6;
	e.ethertype = 0x86dd;
	e.hook = 0;
	e.len = 118;
	e.icmp_type = 128;
	v6(e.saddr, "fd00::1");
	v6(e.daddr, "fd00::2");
	line_is(&e, "04:41:03.123456 v1 xdp sample IP6 fd00::1 > fd00::2: icmpv6 echo-request length 118");
	json_is(&e, "{\"time\":\"2026-11-25T04:41:03.123456Z\",\"ts_ns\":1000,\"dev\":\"v1\",\"ifindex\":2,"
		    "\"hook\":\"xdp\",\"kind\":\"sample\",\"object\":\"stats\",\"cpu\":0,\"len\":118,"
		    "\"ethertype\":34525,\"family\":\"ip6\",\"malformed\":false,\"proto\":\"icmpv6\","
		    "\"saddr\":\"fd00::1\",\"daddr\":\"fd00::2\",\"icmp_type\":128,\"icmp_code\":0}");
	test_report("format: ICMP and ICMPv6 by type name, else type and code");
}

static void test_vlan_frag(void)
{
	struct event e = drop(ip4(IPPROTO_UDP, 5000, 53), EVENT_REASON_PROTO, 0);

	e.vlan = 100;
	e.table = 2;
	e.frag = 1;
	e.len = 1518;
	line_is(&e, "04:41:03.123456 v1 ingress drop table 2 proto vlan 100 IP 10.0.0.1.5000 > 10.0.0.2.53: udp frag first length 1518");
	e.frag = 2;
	e.sport = e.dport = 0;
	line_is(&e, "04:41:03.123456 v1 ingress drop table 2 proto vlan 100 IP 10.0.0.1 > 10.0.0.2: udp frag later length 1518");
	json_is(&e, "{\"time\":\"2026-11-25T04:41:03.123456Z\",\"ts_ns\":1000,\"dev\":\"v1\",\"ifindex\":2,"
		    "\"hook\":\"ingress\",\"kind\":\"drop\",\"reason\":\"proto\",\"table\":2,\"object\":\"fw\","
		    "\"cpu\":0,\"len\":1518,\"vlan\":100,\"ethertype\":2048,\"family\":\"ip\",\"malformed\":false,"
		    "\"proto\":\"udp\",\"saddr\":\"10.0.0.1\",\"daddr\":\"10.0.0.2\",\"frag\":\"later\"}");
	test_report("format: VLAN tag, first and later fragments (no ports)");
}

static void test_not_ip(void)
{
	struct event e = ip4(0, 0, 0);

	memset(e.saddr, 0, 16);
	memset(e.daddr, 0, 16);
	e.malformed = 1;
	e.len = 20;
	line_is(&e, "04:41:03.123456 v1 ingress sample IP malformed length 20");
	json_is(&e, "{\"time\":\"2026-11-25T04:41:03.123456Z\",\"ts_ns\":1000,\"dev\":\"v1\",\"ifindex\":2,"
		    "\"hook\":\"ingress\",\"kind\":\"sample\",\"object\":\"stats\",\"cpu\":0,\"len\":20,"
		    "\"ethertype\":2048,\"family\":\"ip\",\"malformed\":true}");
	e.family = 6;
	e.ethertype = 0x86dd;
	line_is(&e, "04:41:03.123456 v1 ingress sample IP6 malformed length 20");
	e.family = 0;
	e.malformed = 0;
	e.ethertype = 0x0806;
	e.len = 42;
	line_is(&e, "04:41:03.123456 v1 ingress sample ethertype 0x0806 length 42");
	e.ethertype = 0;
	e.malformed = 1;
	e.len = 10;
	line_is(&e, "04:41:03.123456 v1 ingress sample malformed length 10");
	test_report("format: malformed IP and IPv6, non-IP by ethertype, runt frames");
}

static void test_unknown(void)
{
	struct event e = ip4(IPPROTO_GRE, 0, 0);
	char line[EVENT_LINE_MAX];

	e.hook = 7;
	e.kind = 9;
	line_is(&e, "04:41:03.123456 v1 hook7 kind9 IP 10.0.0.1 > 10.0.0.2: gre length 74");
	e = drop(ip4(IPPROTO_TCP, 1, 2), 17, 0);
	line_is(&e, "04:41:03.123456 v1 ingress drop reason17 IP 10.0.0.1.1 > 10.0.0.2.2: tcp [none] length 74");
	event_format(&e, "v1", WALL, line, 20);
	ASSERT_EQ(strlen(line), 19, "a short buffer cuts the line");
	test_report("format: unknown values as numbers; a short buffer cuts the line");
}

int main(void)
{
	setenv("TZ", "UTC0", 1);
	tzset();
	test_tcp_drop();
	test_icmp();
	test_vlan_frag();
	test_not_ip();
	test_unknown();
	return test_exit_status();
}
