// SPDX-License-Identifier: GPL-2.0-only
/* An event as a text line or a JSON object (see event_format.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "event_format.h"
#include "fw_rule_text.h"
#include "proto.h"

static const char *const hook_names[] = { "xdp", "ingress", "egress" };
static const char *const kind_names[EVENT_KINDS] = { "sample", "drop" };
static const char *const reason_names[] = { "none", "proto", "rule", "rate", "policy" };
static const char *const frag_names[] = { "none", "first", "later" };

#define NAME(table, i) ((i) < sizeof(table) / sizeof(table[0]) ? table[i] : NULL)

const char *event_kind_name(unsigned int kind)
{
	return NAME(kind_names, kind);
}

/* a line being written into a fixed buffer: what does not fit is cut */
struct line {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3))) static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->used >= l->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->used, l->len - l->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->used += n;
}

/* IP parsed as far as addresses: family 4 or 6 and not malformed */
static bool has_ip(const struct event *e)
{
	return (e->family == 4 || e->family == 6) && !e->malformed;
}

static bool has_ports(const struct event *e)
{
	return e->frag != 2 && (e->proto == IPPROTO_TCP || e->proto == IPPROTO_UDP ||
				e->proto == IPPROTO_UDPLITE || e->proto == IPPROTO_SCTP);
}

static bool has_icmp(const struct event *e)
{
	return e->frag != 2 && ((e->family == 4 && e->proto == IPPROTO_ICMP) ||
				(e->family == 6 && e->proto == IPPROTO_ICMPV6));
}

/* addresses are IPv4-mapped for IPv4 */
static void addr_text(const struct event *e, const uint8_t *a, char *buf)
{
	if (e->family == 4)
		inet_ntop(AF_INET, a + 12, buf, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* tcpdump's letters in tcpdump's order: F S R P . (ACK) U E W */
static void tcp_flags_text(uint8_t flags, char *buf)
{
	static const struct {
		uint8_t bit;
		char c;
	} f[] = { { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		  { 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' } };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (flags & f[i].bit)
			buf[n++] = f[i].c;
	if (!n)
		strcpy(buf, "none");
	else
		buf[n] = '\0';
}

static const char *proto_text(const struct event *e, char *buf, int len)
{
	/* the protocol table says icmpv6 for 58 under either family, as fw rules do */
	return proto_name(e->proto, buf, len);
}

static void what_text(struct line *l, const struct event *e)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], name[16], flags[9];
	const char *icmp;

	if (!has_ip(e)) {
		if (e->family == 4 || e->family == 6)
			put(l, "%s malformed", e->family == 4 ? "IP" : "IP6");
		else if (e->ethertype)
			put(l, "ethertype 0x%04x%s", e->ethertype, e->malformed ? " malformed" : "");
		else
			put(l, "malformed");
		return;
	}
	addr_text(e, e->saddr, src);
	addr_text(e, e->daddr, dst);
	put(l, "%s ", e->family == 4 ? "IP" : "IP6");
	if (has_ports(e))
		put(l, "%s.%u > %s.%u: ", src, e->sport, dst, e->dport);
	else
		put(l, "%s > %s: ", src, dst);
	put(l, "%s", proto_text(e, name, sizeof(name)));
	if (e->proto == IPPROTO_TCP && has_ports(e)) {
		tcp_flags_text(e->tcp_flags, flags);
		put(l, " [%s]", flags);
	} else if (has_icmp(e)) {
		icmp = icmp_name(e->proto, e->icmp_type);
		if (icmp)
			put(l, " %s", icmp);
		else
			put(l, " type %u", e->icmp_type);
		if (e->icmp_code)
			put(l, " code %u", e->icmp_code);
	}
	if (e->frag == 1 || e->frag == 2)
		put(l, " frag %s", frag_names[e->frag]);
}

void event_format(const struct event *e, const char *dev, int64_t wall_ns, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	time_t sec = wall_ns / 1000000000;
	const char *s;
	struct tm tm;

	buf[0] = '\0';
	localtime_r(&sec, &tm);
	put(&l, "%02d:%02d:%02d.%06ld %s ", tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (long)(wall_ns % 1000000000 / 1000), dev);
	s = NAME(hook_names, e->hook);
	if (s)
		put(&l, "%s ", s);
	else
		put(&l, "hook%u ", e->hook);
	s = event_kind_name(e->kind);
	if (s)
		put(&l, "%s ", s);
	else
		put(&l, "kind%u ", e->kind);
	if (e->kind == EVENT_DROP) {
		if (e->table)
			put(&l, "table %u ", e->table);
		s = NAME(reason_names, e->reason);
		if (!s)
			put(&l, "reason%u ", e->reason);
		else if (e->reason == EVENT_REASON_RULE || e->reason == EVENT_REASON_RATE)
			put(&l, "%s %u ", s, e->rule);
		else
			put(&l, "%s ", s);
	}
	if (e->vlan)
		put(&l, "vlan %u ", e->vlan);
	what_text(&l, e);
	put(&l, " length %u", e->len);
}

static void set_name_or_number(json_t *o, const char *key, const char *name, unsigned int n)
{
	json_object_set_new(o, key, name ? json_string(name) : json_integer(n));
}

json_t *event_json(const struct event *e, const char *dev, int64_t wall_ns)
{
	char time[96], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], name[16], flags[9];
	time_t sec = wall_ns / 1000000000;
	struct tm tm;
	json_t *o;

	gmtime_r(&sec, &tm);
	snprintf(time, sizeof(time), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(wall_ns % 1000000000 / 1000));
	o = json_pack("{s:s, s:I, s:s, s:I}", "time", time, "ts_ns", (json_int_t)e->ts_ns, "dev",
		      dev, "ifindex", (json_int_t)e->ifindex);
	if (!o)
		return NULL;
	set_name_or_number(o, "hook", NAME(hook_names, e->hook), e->hook);
	set_name_or_number(o, "kind", event_kind_name(e->kind), e->kind);
	if (e->kind == EVENT_DROP) {
		set_name_or_number(o, "reason", NAME(reason_names, e->reason), e->reason);
		json_object_set_new(o, "table", json_integer(e->table));
		if (e->reason == EVENT_REASON_RULE || e->reason == EVENT_REASON_RATE)
			json_object_set_new(o, "rule", json_integer(e->rule));
	}
	set_name_or_number(o, "object",
			   e->object == EVENT_OBJ_STATS ? "stats" :
			   e->object == EVENT_OBJ_FW	? "fw" :
							  NULL,
			   e->object);
	json_object_set_new(o, "cpu", json_integer(e->cpu));
	json_object_set_new(o, "len", json_integer(e->len));
	if (e->vlan)
		json_object_set_new(o, "vlan", json_integer(e->vlan));
	json_object_set_new(o, "ethertype", json_integer(e->ethertype));
	json_object_set_new(o, "family", e->family == 4 ? json_string("ip") :
					 e->family == 6 ? json_string("ip6") :
							  json_null());
	json_object_set_new(o, "malformed", json_boolean(e->malformed));
	if (!has_ip(e))
		return o;
	addr_text(e, e->saddr, src);
	addr_text(e, e->daddr, dst);
	json_object_set_new(o, "proto", json_string(proto_text(e, name, sizeof(name))));
	json_object_set_new(o, "saddr", json_string(src));
	json_object_set_new(o, "daddr", json_string(dst));
	if (has_ports(e)) {
		json_object_set_new(o, "sport", json_integer(e->sport));
		json_object_set_new(o, "dport", json_integer(e->dport));
	}
	if (e->proto == IPPROTO_TCP && has_ports(e)) {
		tcp_flags_text(e->tcp_flags, flags);
		json_object_set_new(o, "tcp_flags", json_string(flags));
	}
	if (has_icmp(e)) {
		json_object_set_new(o, "icmp_type", json_integer(e->icmp_type));
		json_object_set_new(o, "icmp_code", json_integer(e->icmp_code));
	}
	if (e->frag == 1 || e->frag == 2)
		json_object_set_new(o, "frag", json_string(frag_names[e->frag]));
	return o;
}
