// SPDX-License-Identifier: GPL-2.0-only
/* A frame from its description (see pkt_spec.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "dryrun.h"
#include "pkt_spec.h"
#include "proto.h"

#define DEFAULT_SPORT 40000
#define DEFAULT_DPORT 80

void pkt_spec_init(struct pkt_spec *s)
{
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memset(s, 0, sizeof(*s));
	memcpy(s->smac, smac, 6);
	memcpy(s->dmac, dmac, 6);
	s->proto = -1;
	s->sport = DEFAULT_SPORT;
	s->dport = DEFAULT_DPORT;
	s->ttl = 64;
}

static int parse_mac(struct args *a, const char *kw, uint8_t mac[6])
{
	const char *v;
	char end;
	int ret = arg_value(a, kw, &v);

	if (ret)
		return ret;
	if (sscanf(v, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%c", &mac[0], &mac[1], &mac[2],
		   &mac[3], &mac[4], &mac[5], &end) != 6 || strlen(v) != 17)
		return usage_err("%s takes a MAC address (02:00:00:00:00:01), not \"%s\"", kw, v);
	return 0;
}

static int parse_addr(struct args *a, const char *kw, uint8_t addr[16], int *family)
{
	const char *v;
	int ret = arg_value(a, kw, &v);

	if (ret)
		return ret;
	if (inet_pton(AF_INET, v, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, v, addr) == 1)
		*family = 6;
	else
		return usage_err("%s takes an IPv4 or IPv6 address, not \"%s\"", kw, v);
	return 0;
}

/* tcpdump's letters (S, SA, F, R, P, ., U, E, W) or names joined by commas (syn,ack) */
static int parse_flags(struct args *a, uint8_t *flags)
{
	static const char letters[] = "FSRP.UEW";
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ece",
					     "cwr" };
	char buf[64], *tok, *save;
	const char *v;
	int ret = arg_value(a, "flags", &v);

	if (ret)
		return ret;
	*flags = 0;
	if (!strcmp(v, "none"))
		return 0;
	if (strspn(v, "FSRPAUEW.") == strlen(v)) {
		for (const char *c = v; *c; c++)
			*flags |= 1 << (*c == 'A' ? 4 : strchr(letters, *c) - letters);
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < 8 && strcmp(tok, names[i]); i++)
			;
		if (i == 8)
			return usage_err("flags takes letters (S, SA, F, R, P, ., U, E, W) or names (syn,ack,fin,rst,psh,urg,ece,cwr), not \"%s\"",
					 v);
		*flags |= 1 << i;
	}
	return 0;
}

static int parse_u8(struct args *a, const char *kw, uint8_t *v)
{
	unsigned int n;
	int ret = arg_u32(a, kw, 255, &n);

	*v = n;
	return ret;
}

static int parse_u16(struct args *a, const char *kw, unsigned int max, uint16_t *v)
{
	unsigned int n;
	int ret = arg_u32(a, kw, max, &n);

	*v = n;
	return ret;
}

static int parse_proto(struct args *a, struct pkt_spec *s)
{
	const char *v;
	int ret = arg_value(a, "proto", &v);

	if (ret)
		return ret;
	s->proto = proto_slot(v);
	if (s->proto < 0 || s->proto > 255)
		return usage_err("proto takes an IP protocol (tcp, udp, icmp, icmpv6, sctp or a number 0-255), not \"%s\"",
				 v);
	return 0;
}

static int parse_vlan(struct args *a, struct pkt_spec *s)
{
	const char *next;
	int ret;

	do {
		if (s->nvlan == 2)
			return usage_err("at most two vlan tags");
		ret = parse_u16(a, "vlan", 4095, &s->vlan[s->nvlan++]);
		if (ret)
			return ret;
		next = arg_peek(a);
		/* "vlan 10 20" as "vlan 10 vlan 20": no keyword is a number */
	} while (next && *next >= '0' && *next <= '9');
	return 0;
}

static int given(struct pkt_spec *s, unsigned int what, const char *kw)
{
	if (s->given & what)
		return usage_err("%s is given twice", kw);
	s->given |= what;
	return 0;
}

int pkt_spec_parse_one(struct args *a, struct pkt_spec *s)
{
	const char *kw = arg_peek(a), *v;
	int ret;

	if (!kw)
		return 0;
	if (!strcmp(kw, "vlan")) {
		arg_next(a);
		return parse_vlan(a, s) ?: 1;
	}
	if (!strcmp(kw, "proto")) {
		if (s->proto >= 0)
			return usage_err("proto is given twice");
		arg_next(a);
		return parse_proto(a, s) ?: 1;
	}
	if (!strcmp(kw, "src") || !strcmp(kw, "dst")) {
		bool src = kw[0] == 's';

		if (src ? s->src_family : s->dst_family)
			return usage_err("%s is given twice", kw);
		arg_next(a);
		return parse_addr(a, kw, src ? s->src : s->dst,
				  src ? &s->src_family : &s->dst_family) ?: 1;
	}
	if (!strcmp(kw, "smac"))
		ret = given(s, PKT_GIVEN_SMAC, kw) ?: (arg_next(a), parse_mac(a, kw, s->smac));
	else if (!strcmp(kw, "dmac"))
		ret = given(s, PKT_GIVEN_DMAC, kw) ?: (arg_next(a), parse_mac(a, kw, s->dmac));
	else if (!strcmp(kw, "sport"))
		ret = given(s, PKT_GIVEN_SPORT, kw) ?:
			(arg_next(a), parse_u16(a, kw, 65535, &s->sport));
	else if (!strcmp(kw, "dport"))
		ret = given(s, PKT_GIVEN_DPORT, kw) ?:
			(arg_next(a), parse_u16(a, kw, 65535, &s->dport));
	else if (!strcmp(kw, "flags"))
		ret = given(s, PKT_GIVEN_FLAGS, kw) ?: (arg_next(a), parse_flags(a, &s->tcp_flags));
	else if (!strcmp(kw, "type"))
		ret = given(s, PKT_GIVEN_TYPE, kw) ?: (arg_next(a), parse_u8(a, kw, &s->type));
	else if (!strcmp(kw, "code"))
		ret = given(s, PKT_GIVEN_CODE, kw) ?: (arg_next(a), parse_u8(a, kw, &s->code));
	else if (!strcmp(kw, "ttl"))
		ret = given(s, PKT_GIVEN_TTL, kw) ?: (arg_next(a), parse_u8(a, kw, &s->ttl));
	else if (!strcmp(kw, "len"))
		ret = given(s, PKT_GIVEN_LEN, kw) ?:
			(arg_next(a), arg_u32(a, kw, DRYRUN_MAX_FRAME, &s->len));
	else if (!strcmp(kw, "frag")) {
		ret = given(s, PKT_GIVEN_FRAG, kw) ?: (arg_next(a), arg_value(a, kw, &v));
		if (!ret && !strcmp(v, "first"))
			s->frag = PKT_FRAG_FIRST;
		else if (!ret && !strcmp(v, "later"))
			s->frag = PKT_FRAG_LATER;
		else if (!ret)
			ret = usage_err("frag takes first or later, not \"%s\"", v);
	} else
		return 0;
	return ret ?: 1;
}

static bool has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

int pkt_spec_check(struct pkt_spec *s)
{
	bool icmp;

	if (s->proto < 0)
		return usage_err("the packet needs proto PROTO");
	if (!s->src_family || !s->dst_family)
		return usage_err("the packet needs src ADDR and dst ADDR");
	if (s->src_family != s->dst_family)
		return usage_err("src and dst are not of the same family");
	s->family = s->src_family;
	if (s->proto == IPPROTO_ICMP && s->family == 6)
		return usage_err("proto icmp is IPv4's: IPv6 addresses go with icmpv6");
	if (s->proto == IPPROTO_ICMPV6 && s->family == 4)
		return usage_err("proto icmpv6 is IPv6's: IPv4 addresses go with icmp");
	icmp = s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6;
	if ((s->given & (PKT_GIVEN_SPORT | PKT_GIVEN_DPORT)) && !has_ports(s->proto))
		return usage_err("sport and dport go with proto tcp, udp or sctp");
	if ((s->given & PKT_GIVEN_FLAGS) && s->proto != IPPROTO_TCP)
		return usage_err("flags go with proto tcp");
	if ((s->given & (PKT_GIVEN_TYPE | PKT_GIVEN_CODE)) && !icmp)
		return usage_err("type and code go with proto icmp or icmpv6");
	if (s->frag == PKT_FRAG_LATER &&
	    (s->given & (PKT_GIVEN_SPORT | PKT_GIVEN_DPORT | PKT_GIVEN_FLAGS | PKT_GIVEN_TYPE |
			 PKT_GIVEN_CODE)))
		return usage_err("frag later carries no L4 header: no ports, flags, type or code");
	if (!(s->given & PKT_GIVEN_FLAGS))
		s->tcp_flags = 0x02; /* SYN: a connection's first packet */
	if (!(s->given & PKT_GIVEN_TYPE))
		s->type = s->proto == IPPROTO_ICMP ? 8 : 128; /* echo request */
	return 0;
}

uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

uint32_t crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78 : crc >> 1;
	}
	return ~crc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static size_t l4_header_len(const struct pkt_spec *s)
{
	if (s->frag == PKT_FRAG_LATER)
		return 0;
	switch (s->proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	case IPPROTO_SCTP:
		return 12;
	default:
		return 0;
	}
}

/* the L4 header at p, n bytes with its payload; its checksum over the pseudo header */
static void build_l4(const struct pkt_spec *s, uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	uint8_t ph[4];
	size_t alen = s->family == 4 ? 4 : 16;
	int off = -1;

	switch (s->proto) {
	case IPPROTO_TCP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put32(p + 4, 1);
		put32(p + 8, s->tcp_flags & 0x10 ? 1 : 0);
		p[12] = 5 << 4;
		p[13] = s->tcp_flags;
		put16(p + 14, 65535);
		off = 16;
		break;
	case IPPROTO_UDP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put16(p + 4, n);
		off = 6;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		p[0] = s->type;
		p[1] = s->code;
		off = 2;
		break;
	case IPPROTO_SCTP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		/* SCTP's CRC32c goes in little-endian byte order, over the packet alone */
		{
			uint32_t crc = crc32c(0, p, n);

			p[8] = crc;
			p[9] = crc >> 8;
			p[10] = crc >> 16;
			p[11] = crc >> 24;
		}
		return;
	default:
		return;
	}
	if (s->proto != IPPROTO_ICMP) {
		/* the pseudo header: addresses, then length and protocol */
		sum = csum_add(sum, s->src, alen);
		sum = csum_add(sum, s->dst, alen);
		put16(ph, n >> 16);
		put16(ph + 2, n);
		sum = csum_add(sum, ph, 4);
		put16(ph, 0);
		put16(ph + 2, s->proto);
		sum = csum_add(sum, ph, 4);
	}
	sum = csum_fold(csum_add(sum, p, n));
	if (s->proto == IPPROTO_UDP && !sum)
		sum = 0xffff; /* zero means "no checksum" for UDP */
	put16(p + off, sum);
}

int pkt_spec_build(const struct pkt_spec *s, uint8_t *buf, size_t cap)
{
	size_t l2 = 14 + 4 * s->nvlan, l3, l4h = l4_header_len(s), need, total;
	bool frag6 = s->family == 6 && s->frag != PKT_FRAG_NONE;
	uint8_t *p = buf, *ip, *l4;
	size_t l3len;

	l3 = s->family == 4 ? 20 : 40 + (frag6 ? 8 : 0);
	need = l2 + l3 + l4h;
	total = s->len ? s->len : need;
	if (total < need)
		return usage_err("len %u is less than the %zu bytes the headers take", s->len, need);
	if (total > cap)
		return usage_err("len %zu is more than the %zu bytes a dry run takes", total, cap);
	memset(buf, 0, total);
	memcpy(p, s->dmac, 6);
	memcpy(p + 6, s->smac, 6);
	p += 12;
	for (int i = 0; i < s->nvlan; i++) {
		/* two tags: 802.1ad outside, 802.1Q inside, as QinQ switches send */
		put16(p, s->nvlan == 2 && !i ? 0x88a8 : 0x8100);
		put16(p + 2, s->vlan[i]);
		p += 4;
	}
	put16(p, s->family == 4 ? 0x0800 : 0x86dd);
	ip = p + 2;
	l3len = total - l2;
	l4 = ip + l3;
	if (s->family == 4) {
		ip[0] = 0x45;
		put16(ip + 2, l3len);
		put16(ip + 4, 1);
		if (s->frag == PKT_FRAG_FIRST)
			put16(ip + 6, 0x2000); /* more fragments, offset 0 */
		else if (s->frag == PKT_FRAG_LATER)
			put16(ip + 6, 1480 / 8); /* the last one, after a full first */
		ip[8] = s->ttl;
		ip[9] = s->proto;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	} else {
		ip[0] = 0x60;
		put16(ip + 4, l3len - 40);
		ip[6] = frag6 ? 44 : s->proto;
		ip[7] = s->ttl;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		if (frag6) {
			ip[40] = s->proto;
			put16(ip + 42, s->frag == PKT_FRAG_FIRST ? 1 : 1448);
			put32(ip + 44, 1);
		}
	}
	if (l4h)
		build_l4(s, l4, total - (l4 - buf));
	return total;
}
