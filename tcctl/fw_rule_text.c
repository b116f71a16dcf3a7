// SPDX-License-Identifier: GPL-2.0-only
/* Rule words to struct fw_rule and back. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "cidr.h"
#include "fw_rule_text.h"
#include "proto.h"

#define DEFAULT_BURST_PKTS 5
#define MIN_BURST_BYTES	   1514 /* one full Ethernet frame */

static const struct icmp_name {
	uint8_t proto, type;
	const char *name;
} icmp_names[] = {
	{ IPPROTO_ICMP, 0, "echo-reply" },
	{ IPPROTO_ICMP, 3, "dest-unreachable" },
	{ IPPROTO_ICMP, 5, "redirect" },
	{ IPPROTO_ICMP, 8, "echo-request" },
	{ IPPROTO_ICMP, 11, "time-exceeded" },
	{ IPPROTO_ICMP, 12, "parameter-problem" },
	{ IPPROTO_ICMPV6, 1, "dest-unreachable" },
	{ IPPROTO_ICMPV6, 2, "packet-too-big" },
	{ IPPROTO_ICMPV6, 3, "time-exceeded" },
	{ IPPROTO_ICMPV6, 4, "parameter-problem" },
	{ IPPROTO_ICMPV6, 128, "echo-request" },
	{ IPPROTO_ICMPV6, 129, "echo-reply" },
	{ IPPROTO_ICMPV6, 133, "router-solicit" },
	{ IPPROTO_ICMPV6, 134, "router-advert" },
	{ IPPROTO_ICMPV6, 135, "neighbour-solicit" },
	{ IPPROTO_ICMPV6, 136, "neighbour-advert" },
	{ IPPROTO_ICMPV6, 137, "redirect" },
};

const char *icmp_name(uint8_t proto, uint8_t type)
{
	for (size_t i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++)
		if (icmp_names[i].proto == proto && icmp_names[i].type == type)
			return icmp_names[i].name;
	return NULL;
}

static const char *icmp_type_name(const struct fw_rule *r)
{
	if (!(r->match & FW_M_PROTO))
		return NULL;
	return icmp_name(r->proto, r->icmp_type);
}

static bool number_ok(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end && end != s && *s != '-' && *s != '+' && *v <= max;
}

static int parse_number(const char *what, const char *s, unsigned long long max,
			unsigned long long *v)
{
	if (!number_ok(s, max, v))
		return usage_err("%s takes a number from 0 to %llu, not \"%s\"", what, max, s);
	return 0;
}

/* PORT or PORT-PORT */
static int parse_ports(const char *what, const char *s, uint16_t range[2])
{
	unsigned long long lo, hi;
	char buf[32], *dash;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = 0;
	if (!number_ok(buf, 65535, &lo) || (dash && !number_ok(dash + 1, 65535, &hi)))
		return usage_err("%s \"%s\": a port is a number from 0 to 65535, a range PORT-PORT", what, s);
	if (!dash)
		hi = lo;
	if (hi < lo)
		return usage_err("%s %s: the range ends before it starts", what, s);
	range[0] = lo;
	range[1] = hi;
	return 0;
}

static int set_family(struct fw_rule *r, int family, const char *why)
{
	if ((r->match & FW_M_FAMILY) && r->family != family)
		return usage_err("%s is IPv%d but the rule is IPv%d", why, family, r->family);
	r->match |= FW_M_FAMILY;
	r->family = family;
	return 0;
}

static int parse_addr(const struct fw_config *c, struct fw_rule *r, int side, const char *s)
{
	const char *what = side == FW_SRC ? "src" : "dst";
	struct cidr cidr;
	const char *why;
	char msg[80];

	if (r->match & (side == FW_SRC ? FW_M_SRC_NET | FW_M_SRC_SET : FW_M_DST_NET | FW_M_DST_SET))
		return usage_err("%s given twice", what);
	if (s[0] == '@') {
		int set = fw_config_set_find(c, s + 1);

		if (set < 0)
			return usage_err("unknown set \"%s\": create it first with \"tcctl fw set create %s\"",
					 s + 1, s + 1);
		r->match |= side == FW_SRC ? FW_M_SRC_SET : FW_M_DST_SET;
		*(side == FW_SRC ? &r->src_set : &r->dst_set) = set;
		return 0;
	}
	if (cidr_parse(s, &cidr, &why))
		return usage_err("bad %s \"%s\": %s", what, s, why);
	snprintf(msg, sizeof(msg), "%s %s", what, s);
	if (set_family(r, cidr.family, msg))
		return -E_USAGE;
	r->match |= side == FW_SRC ? FW_M_SRC_NET : FW_M_DST_NET;
	memcpy(side == FW_SRC ? r->src : r->dst, cidr.addr, 16);
	*(side == FW_SRC ? &r->src_len : &r->dst_len) = cidr.len;
	return 0;
}

static int parse_icmp_type(struct fw_rule *r, const char *s)
{
	unsigned long long v;

	for (size_t i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++) {
		if (strcmp(icmp_names[i].name, s))
			continue;
		if (!(r->match & FW_M_PROTO) ||
		    (r->proto != IPPROTO_ICMP && r->proto != IPPROTO_ICMPV6))
			return usage_err("icmp-type %s: a name needs \"proto icmp\" or \"proto icmpv6\" before it (or give the number)", s);
		if (icmp_names[i].proto != r->proto)
			continue;
		r->icmp_type = icmp_names[i].type;
		return 0;
	}
	if (s[0] < '0' || s[0] > '9')
		return usage_err("unknown icmp-type \"%s\" for %s: give a number from 0 to 255",
				 s, r->proto == IPPROTO_ICMPV6 ? "icmpv6" : "icmp");
	if (parse_number("icmp-type", s, 255, &v))
		return -E_USAGE;
	r->icmp_type = v;
	return 0;
}

static int parse_rate(struct args *a, struct fw_rule *r)
{
	unsigned long long v;
	const char *s;

	r->action = FW_ACT_RATE;
	while (arg_peek(a)) {
		const char *kw = arg_next(a);

		if (!strcmp(kw, "per-source")) {
			r->rate_per_source = 1;
			continue;
		}
		if (strcmp(kw, "pps") && strcmp(kw, "bytes") && strcmp(kw, "burst") &&
		    strcmp(kw, "burst-bytes"))
			return usage_err("rate: expected pps, bytes, burst, burst-bytes or per-source, not \"%s\"", kw);
		if (arg_value(a, kw, &s) || parse_number(kw, s, UINT32_MAX, &v))
			return -E_USAGE;
		if (!strcmp(kw, "pps"))
			r->rate_pps = v;
		else if (!strcmp(kw, "bytes"))
			r->rate_bps = v;
		else if (!strcmp(kw, "burst"))
			r->burst_pkts = v;
		else
			r->burst_bytes = v;
	}
	if (!r->rate_pps && !r->rate_bps)
		return usage_err("rate needs \"pps N\" or \"bytes N\" (per second), greater than 0");
	if ((r->burst_pkts && !r->rate_pps) || (r->burst_bytes && !r->rate_bps))
		return usage_err("rate: burst goes with pps, burst-bytes with bytes");
	if (r->rate_pps && !r->burst_pkts)
		r->burst_pkts = DEFAULT_BURST_PKTS;
	if (r->rate_bps && !r->burst_bytes)
		r->burst_bytes = r->rate_bps / 10 > MIN_BURST_BYTES ? r->rate_bps / 10 :
								      MIN_BURST_BYTES;
	return 0;
}

static int parse_action(struct args *a, struct fw_rule *r, const char *word)
{
	if (!strcmp(word, "drop"))
		r->action = FW_ACT_DROP;
	else if (!strcmp(word, "pass") || !strcmp(word, "accept"))
		r->action = FW_ACT_PASS;
	else if (!strcmp(word, "count"))
		r->action = FW_ACT_COUNT;
	else if (!strcmp(word, "rate"))
		return parse_rate(a, r);
	else
		return usage_err("expected a match (family, dir, src, dst, proto, sport, dport, icmp-type) or an action (drop, pass, count, rate), not \"%s\"",
				 word);
	return arg_end(a);
}

static int parse_match(struct args *a, const struct fw_config *c, struct fw_rule *r,
		       const char *kw, bool *done)
{
	const char *v;
	int slot;

	*done = false;
	if (strcmp(kw, "family") && strcmp(kw, "dir") && strcmp(kw, "src") && strcmp(kw, "dst") &&
	    strcmp(kw, "proto") && strcmp(kw, "sport") && strcmp(kw, "dport") &&
	    strcmp(kw, "icmp-type")) {
		*done = true;
		return parse_action(a, r, kw);
	}
	if (arg_value(a, kw, &v))
		return -E_USAGE;
	if (!strcmp(kw, "src") || !strcmp(kw, "dst"))
		return parse_addr(c, r, !strcmp(kw, "src") ? FW_SRC : FW_DST, v);
	if (!strcmp(kw, "family")) {
		if (strcmp(v, "ip") && strcmp(v, "ip6"))
			return usage_err("family is ip or ip6, not \"%s\"", v);
		return set_family(r, !strcmp(v, "ip") ? 4 : 6, "the rule's family");
	}
	if (!strcmp(kw, "dir")) {
		if (r->match & FW_M_DIR)
			return usage_err("dir given twice");
		if (strcmp(v, "in") && strcmp(v, "out"))
			return usage_err("dir is in or out, not \"%s\"", v);
		r->match |= FW_M_DIR;
		r->dir = !strcmp(v, "in") ? FW_DIR_IN : FW_DIR_OUT;
		return 0;
	}
	if (!strcmp(kw, "proto")) {
		if (r->match & FW_M_PROTO)
			return usage_err("proto given twice");
		slot = proto_slot(v);
		if (slot < 0 || slot > 255)
			return usage_err("unknown protocol \"%s\": give a name (tcp, udp, icmp, icmpv6, ...) or a number from 0 to 255", v);
		r->match |= FW_M_PROTO;
		r->proto = slot;
		return 0;
	}
	if (!strcmp(kw, "icmp-type")) {
		if (r->match & FW_M_ICMP_TYPE)
			return usage_err("icmp-type given twice");
		r->match |= FW_M_ICMP_TYPE;
		return parse_icmp_type(r, v);
	}
	/* sport, dport */
	if (r->match & (!strcmp(kw, "sport") ? FW_M_SPORT : FW_M_DPORT))
		return usage_err("%s given twice", kw);
	r->match |= !strcmp(kw, "sport") ? FW_M_SPORT : FW_M_DPORT;
	return parse_ports(kw, v, !strcmp(kw, "sport") ? r->sport : r->dport);
}

int fw_rule_parse(struct args *a, const struct fw_config *c, struct fw_rule *r)
{
	bool done = false;
	int ret = 0;

	while (!done && !ret) {
		const char *kw = arg_next(a);

		if (!kw)
			return usage_err("the rule needs an action at its end: drop, pass, count or rate");
		ret = parse_match(a, c, r, kw, &done);
	}
	if (ret)
		return ret;
	if ((r->match & (FW_M_SPORT | FW_M_DPORT)) && (r->match & FW_M_PROTO) &&
	    r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP && r->proto != IPPROTO_SCTP &&
	    r->proto != IPPROTO_UDPLITE)
		return usage_err("ports need proto tcp, udp, udplite or sctp");
	if ((r->match & FW_M_ICMP_TYPE) && (r->match & FW_M_PROTO) &&
	    r->proto != IPPROTO_ICMP && r->proto != IPPROTO_ICMPV6)
		return usage_err("icmp-type needs proto icmp or icmpv6");
	return 0;
}

/* --- printing ------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, used;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += n;
}

static void put_addr(struct out *o, const struct fw_rule *r, const struct fw_config *c, int side)
{
	uint32_t set_m = side == FW_SRC ? FW_M_SRC_SET : FW_M_DST_SET;
	uint32_t net_m = side == FW_SRC ? FW_M_SRC_NET : FW_M_DST_NET;
	char buf[CIDR_STRLEN];

	if (r->match & set_m) {
		put(o, " %s @%s", side == FW_SRC ? "src" : "dst",
		    c->sets[side == FW_SRC ? r->src_set : r->dst_set].name);
	} else if (r->match & net_m) {
		struct cidr cidr = { .family = r->family,
				     .len = side == FW_SRC ? r->src_len : r->dst_len };

		memcpy(cidr.addr, side == FW_SRC ? r->src : r->dst, 16);
		put(o, " %s %s", side == FW_SRC ? "src" : "dst", cidr_format(&cidr, buf));
	}
}

static void put_ports(struct out *o, const char *what, const uint16_t p[2])
{
	if (p[0] == p[1])
		put(o, " %s %u", what, p[0]);
	else
		put(o, " %s %u-%u", what, p[0], p[1]);
}

void fw_rule_format(const struct fw_rule *r, const struct fw_config *c, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	char name[16];

	buf[0] = 0;
	/* a CIDR says the family itself */
	if ((r->match & FW_M_FAMILY) && !(r->match & (FW_M_SRC_NET | FW_M_DST_NET)))
		put(&o, " family %s", r->family == 6 ? "ip6" : "ip");
	if (r->match & FW_M_DIR)
		put(&o, " dir %s", r->dir == FW_DIR_OUT ? "out" : "in");
	put_addr(&o, r, c, FW_SRC);
	put_addr(&o, r, c, FW_DST);
	if (r->match & FW_M_PROTO)
		put(&o, " proto %s", proto_name(r->proto, name, sizeof(name)));
	if (r->match & FW_M_SPORT)
		put_ports(&o, "sport", r->sport);
	if (r->match & FW_M_DPORT)
		put_ports(&o, "dport", r->dport);
	if (r->match & FW_M_ICMP_TYPE) {
		const char *n = icmp_type_name(r);

		if (n)
			put(&o, " icmp-type %s", n);
		else
			put(&o, " icmp-type %u", r->icmp_type);
	}
	switch (r->action) {
	case FW_ACT_DROP:
		put(&o, " drop");
		break;
	case FW_ACT_PASS:
		put(&o, " pass");
		break;
	case FW_ACT_COUNT:
		put(&o, " count");
		break;
	case FW_ACT_RATE:
		put(&o, " rate");
		if (r->rate_pps)
			put(&o, " pps %llu burst %u", (unsigned long long)r->rate_pps, r->burst_pkts);
		if (r->rate_bps)
			put(&o, " bytes %llu burst-bytes %u", (unsigned long long)r->rate_bps,
			    r->burst_bytes);
		if (r->rate_per_source)
			put(&o, " per-source");
		break;
	default:
		put(&o, " action-%u", r->action);
	}
	memmove(buf, buf + (buf[0] == ' '), strlen(buf) + 1);
}

static const char *action_name(uint8_t action)
{
	static const char *const names[] = { [FW_ACT_DROP] = "drop", [FW_ACT_PASS] = "pass",
					     [FW_ACT_COUNT] = "count", [FW_ACT_RATE] = "rate" };

	return action < sizeof(names) / sizeof(names[0]) && names[action] ? names[action] : "?";
}

json_t *fw_rule_json(const struct fw_rule *r, const struct fw_config *c)
{
	json_t *j = json_object();
	char text[512], buf[CIDR_STRLEN];

	fw_rule_format(r, c, text, sizeof(text));
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "rule", json_string(text));
	if (r->match & FW_M_FAMILY)
		json_object_set_new(j, "family", json_string(r->family == 6 ? "ip6" : "ip"));
	if (r->match & FW_M_DIR)
		json_object_set_new(j, "dir", json_string(r->dir == FW_DIR_OUT ? "out" : "in"));
	for (int side = 0; side < 2; side++) {
		const char *key = side == FW_SRC ? "src" : "dst";

		if (r->match & (side == FW_SRC ? FW_M_SRC_SET : FW_M_DST_SET)) {
			snprintf(buf, sizeof(buf), "@%s",
				 c->sets[side == FW_SRC ? r->src_set : r->dst_set].name);
			json_object_set_new(j, key, json_string(buf));
		} else if (r->match & (side == FW_SRC ? FW_M_SRC_NET : FW_M_DST_NET)) {
			struct cidr cidr = { .family = r->family,
					     .len = side == FW_SRC ? r->src_len : r->dst_len };

			memcpy(cidr.addr, side == FW_SRC ? r->src : r->dst, 16);
			json_object_set_new(j, key, json_string(cidr_format(&cidr, buf)));
		}
	}
	if (r->match & FW_M_PROTO)
		json_object_set_new(j, "proto", json_integer(r->proto));
	if (r->match & FW_M_SPORT)
		json_object_set_new(j, "sport", json_pack("[i, i]", r->sport[0], r->sport[1]));
	if (r->match & FW_M_DPORT)
		json_object_set_new(j, "dport", json_pack("[i, i]", r->dport[0], r->dport[1]));
	if (r->match & FW_M_ICMP_TYPE)
		json_object_set_new(j, "icmp_type", json_integer(r->icmp_type));
	json_object_set_new(j, "action", json_string(action_name(r->action)));
	if (r->action == FW_ACT_RATE)
		json_object_set_new(j, "rate",
				    json_pack("{s:I, s:I, s:I, s:I, s:b}", "pps",
					      (json_int_t)r->rate_pps, "burst",
					      (json_int_t)r->burst_pkts, "bytes",
					      (json_int_t)r->rate_bps, "burst_bytes",
					      (json_int_t)r->burst_bytes, "per_source",
					      r->rate_per_source));
	return j;
}

int fw_arg_table(struct args *a, uint32_t *table)
{
	*table = 0;
	if (!arg_is(a, "table"))
		return 0;
	return arg_u32(a, "table", FW_MAX_TABLES - 1, table);
}

int fw_policy_parse(const char *word, uint32_t *policy)
{
	if (word && !strcmp(word, "drop"))
		*policy = FW_DROP;
	else if (word && (!strcmp(word, "pass") || !strcmp(word, "accept")))
		*policy = FW_PASS;
	else
		return usage_err("policy is drop or pass%s%s", word ? ", not " : "",
				 word ? word : "");
	return 0;
}

const char *fw_policy_name(uint32_t policy)
{
	return policy == FW_DROP ? "drop" : "pass";
}
