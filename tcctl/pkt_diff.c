// SPDX-License-Identifier: GPL-2.0-only
/* Decoding frames into named fields, and their differences (see pkt_diff.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "pkt_diff.h"
#include "pkt_spec.h"

static void add(struct pkt_fields *o, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct pkt_fields *o, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (o->n >= PKT_FIELDS_MAX)
		return;
	o->f[o->n].name = name;
	va_start(ap, fmt);
	vsnprintf(o->f[o->n].value, PKT_VALUE_LEN, fmt, ap);
	va_end(ap);
	o->n++;
}

static void bad(struct pkt_fields *o, const char *what)
{
	size_t len = strlen(o->bad_csums);

	snprintf(o->bad_csums + len, sizeof(o->bad_csums) - len, "%s%s", len ? ", " : "", what);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void add_mac(struct pkt_fields *o, const char *name, const uint8_t *m)
{
	add(o, name, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void add_addr(struct pkt_fields *o, const char *name, int af, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	add(o, name, "%s", inet_ntop(af, a, buf, sizeof(buf)) ?: "?");
}

static void tcp_flags(uint8_t f, char *buf)
{
	static const char letters[] = "FSRP.UEW";
	char *p = buf;

	for (int i = 0; i < 8; i++)
		if (f & (1 << i))
			*p++ = letters[i];
	if (p == buf)
		*p++ = '-';
	*p = 0;
}

/* the sum of the pseudo header of an L4 segment of n bytes */
static uint32_t pseudo_sum(int af, const uint8_t *src, const uint8_t *dst, size_t n, int proto)
{
	size_t alen = af == AF_INET ? 4 : 16;
	uint8_t ph[8] = { n >> 24, n >> 16, n >> 8, n, 0, 0, 0, proto };
	uint32_t sum = csum_add(0, src, alen);

	return csum_add(csum_add(sum, dst, alen), ph, 8);
}

struct l3_view {
	int af;
	const uint8_t *src, *dst;
	int proto;
	size_t l4_len; /* as the IP header says; 0 for a fragment after the first */
	bool whole;    /* not a fragment: its L4 checksum can be verified */
};

/* the L4 header at p: its fields, and its length (0 when it is not decoded) */
static size_t decode_l4(const uint8_t *p, size_t have, const struct l3_view *v,
			struct pkt_fields *o)
{
	bool v6 = v->af == AF_INET6;
	bool check = v->whole && v->l4_len <= have;
	uint32_t sum;
	char flags[9];

	switch (v->proto) {
	case IPPROTO_TCP:
		if (have < 20)
			return 0;
		add(o, "tcp sport", "%u", get16(p));
		add(o, "tcp dport", "%u", get16(p + 2));
		add(o, "tcp seq", "%u", get32(p + 4));
		add(o, "tcp ack", "%u", get32(p + 8));
		tcp_flags(p[13], flags);
		add(o, "tcp flags", "%s", flags);
		add(o, "tcp win", "%u", get16(p + 14));
		add(o, "tcp csum", "0x%04x", get16(p + 16));
		sum = pseudo_sum(v->af, v->src, v->dst, v->l4_len, IPPROTO_TCP);
		if (check && csum_fold(csum_add(sum, p, v->l4_len)))
			bad(o, "tcp");
		return (p[12] >> 4) * 4 <= have ? (p[12] >> 4) * 4 : have;
	case IPPROTO_UDP:
		if (have < 8)
			return 0;
		add(o, "udp sport", "%u", get16(p));
		add(o, "udp dport", "%u", get16(p + 2));
		add(o, "udp len", "%u", get16(p + 4));
		add(o, "udp csum", "0x%04x", get16(p + 6));
		sum = pseudo_sum(v->af, v->src, v->dst, v->l4_len, IPPROTO_UDP);
		/* IPv4 UDP may go without a checksum */
		if (check && (v6 || get16(p + 6)) && csum_fold(csum_add(sum, p, v->l4_len)))
			bad(o, "udp");
		return 8;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (have < 4)
			return 0;
		add(o, v6 ? "icmp6 type" : "icmp type", "%u", p[0]);
		add(o, v6 ? "icmp6 code" : "icmp code", "%u", p[1]);
		add(o, v6 ? "icmp6 csum" : "icmp csum", "0x%04x", get16(p + 2));
		sum = v->proto == IPPROTO_ICMPV6 ?
			      pseudo_sum(v->af, v->src, v->dst, v->l4_len, IPPROTO_ICMPV6) :
			      0;
		if (check && csum_fold(csum_add(sum, p, v->l4_len)))
			bad(o, v6 ? "icmp6" : "icmp");
		return 4;
	case IPPROTO_SCTP:
		if (have < 12)
			return 0;
		add(o, "sctp sport", "%u", get16(p));
		add(o, "sctp dport", "%u", get16(p + 2));
		add(o, "sctp csum", "0x%08x", get32(p + 8));
		if (check) {
			uint8_t copy[4096];
			uint32_t crc, want = p[8] | p[9] << 8 | p[10] << 16 | (uint32_t)p[11] << 24;

			if (v->l4_len <= sizeof(copy)) {
				memcpy(copy, p, v->l4_len);
				memset(copy + 8, 0, 4);
				crc = crc32c(0, copy, v->l4_len);
				if (crc != want)
					bad(o, "sctp");
			}
		}
		return 12;
	default:
		return 0;
	}
}

/* IPv4 at p (have bytes); where its L4 part starts, or NULL */
static const uint8_t *decode_ip4(const uint8_t *p, size_t have, struct l3_view *v,
				 struct pkt_fields *o)
{
	size_t ihl, tot;
	uint16_t frag;

	if (have < 20 || (p[0] >> 4) != 4 || (ihl = (p[0] & 15) * 4) < 20 || ihl > have)
		return NULL;
	tot = get16(p + 2);
	frag = get16(p + 6);
	add(o, "ip tos", "0x%02x", p[1]);
	add(o, "ip len", "%zu", tot);
	add(o, "ip id", "%u", get16(p + 4));
	add(o, "ip frag", "0x%04x", frag);
	add(o, "ip ttl", "%u", p[8]);
	add(o, "ip proto", "%u", p[9]);
	add(o, "ip csum", "0x%04x", get16(p + 10));
	add_addr(o, "ip src", AF_INET, p + 12);
	add_addr(o, "ip dst", AF_INET, p + 16);
	if (csum_fold(csum_add(0, p, ihl)))
		bad(o, "ip");
	v->af = AF_INET;
	v->src = p + 12;
	v->dst = p + 16;
	v->proto = p[9];
	v->l4_len = tot > ihl ? tot - ihl : 0;
	v->whole = !(frag & 0x3fff);
	return (frag & 0x1fff) ? NULL : p + ihl; /* a later fragment has no L4 header */
}

static const uint8_t *decode_ip6(const uint8_t *p, size_t have, struct l3_view *v,
				 struct pkt_fields *o)
{
	const uint8_t *l4 = p + 40;
	uint32_t vtc;
	int next;

	if (have < 40 || (p[0] >> 4) != 6)
		return NULL;
	vtc = get32(p);
	add(o, "ip6 class", "0x%02x", (vtc >> 20) & 0xff);
	add(o, "ip6 flow", "0x%05x", vtc & 0xfffff);
	add(o, "ip6 plen", "%u", get16(p + 4));
	add(o, "ip6 next", "%u", p[6]);
	add(o, "ip6 hlim", "%u", p[7]);
	add_addr(o, "ip6 src", AF_INET6, p + 8);
	add_addr(o, "ip6 dst", AF_INET6, p + 24);
	v->af = AF_INET6;
	v->src = p + 8;
	v->dst = p + 24;
	v->whole = true;
	next = p[6];
	/* a fragment header: the first fragment still has the L4 header */
	if (next == 44 && have >= 48) {
		uint16_t off = get16(p + 42);

		add(o, "ip6 frag", "0x%04x", off);
		next = p[40];
		l4 += 8;
		v->whole = false;
		if (off & 0xfff8)
			return NULL;
	}
	v->proto = next;
	v->l4_len = get16(p + 4) - (l4 - p - 40);
	return l4;
}

void pkt_decode(const uint8_t *frame, size_t len, struct pkt_fields *o)
{
	const uint8_t *p = frame, *end = frame + len, *l4 = NULL;
	struct l3_view v = {};
	uint16_t type;
	uint32_t h = 2166136261u;

	memset(o, 0, sizeof(*o));
	add(o, "len", "%zu", len);
	if (len < 14)
		return;
	add_mac(o, "eth dst", p);
	add_mac(o, "eth src", p + 6);
	type = get16(p + 12);
	p += 14;
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8) && end - p >= 4; i++) {
		add(o, i ? "vlan2" : "vlan", "%u", get16(p) & 0xfff);
		type = get16(p + 2);
		p += 4;
	}
	add(o, "eth type", "0x%04x", type);
	if (type == 0x0800)
		l4 = decode_ip4(p, end - p, &v, o);
	else if (type == 0x86dd)
		l4 = decode_ip6(p, end - p, &v, o);
	if (l4 && l4 <= end) {
		p = l4 + decode_l4(l4, end - l4, &v, o);
	}
	/* the rest as one field: a hash tells a changed payload, the length a resized one */
	for (const uint8_t *q = p; q < end; q++)
		h = (h ^ *q) * 16777619u;
	add(o, "payload", "%zu bytes, fnv 0x%08x", (size_t)(end - p), h);
}

static const char *find(const struct pkt_fields *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->f[i].name, name))
			return s->f[i].value;
	return NULL;
}

static void change(struct pkt_change *ch, int *n, int max, const char *name, const char *from,
		   const char *to)
{
	if (*n >= max)
		return;
	ch[*n].name = name;
	snprintf(ch[*n].from, PKT_VALUE_LEN, "%s", from ?: "-");
	snprintf(ch[*n].to, PKT_VALUE_LEN, "%s", to ?: "-");
	(*n)++;
}

int pkt_diff(const struct pkt_fields *a, const struct pkt_fields *b, struct pkt_change *ch,
	     int max)
{
	int n = 0;

	/* in b's order, then what only a had */
	for (int i = 0; i < b->n; i++) {
		const char *was = find(a, b->f[i].name);

		if (!was || strcmp(was, b->f[i].value))
			change(ch, &n, max, b->f[i].name, was, b->f[i].value);
	}
	for (int i = 0; i < a->n; i++)
		if (!find(b, a->f[i].name))
			change(ch, &n, max, a->f[i].name, a->f[i].value, NULL);
	return n;
}
