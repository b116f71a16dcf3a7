/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One Ethernet frame from its description on the command line (tcctl run):
 *
 *   PACKET := [ smac MAC ] [ dmac MAC ] [ vlan ID [ vlan ID ] ] proto PROTO
 *             src ADDR dst ADDR [ sport PORT ] [ dport PORT ] [ flags TCPFLAGS ]
 *             [ type N ] [ code N ] [ ttl N ] [ frag { first | later } ] [ len N ]
 *
 * The family is the addresses' (both the same). TCP, UDP, SCTP, ICMP and
 * ICMPv6 get their headers, other protocols only the IP header; a later
 * fragment carries no L4 header. len is the whole frame: zero payload up to
 * it. Every checksum is right, so what the program changes shows as such.
 */
#ifndef TCCTL_PKT_SPEC_H
#define TCCTL_PKT_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcctl.h"

enum pkt_frag {
	PKT_FRAG_NONE,
	PKT_FRAG_FIRST,
	PKT_FRAG_LATER,
};

struct pkt_spec {
	uint8_t smac[6], dmac[6];
	int nvlan;
	uint16_t vlan[2]; /* outer first */
	int proto;	  /* -1 until given */
	int family;	  /* 4 or 6, from the addresses */
	int src_family, dst_family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t type, code;
	uint8_t ttl;
	enum pkt_frag frag;
	unsigned int len; /* 0: the headers only */
	unsigned int given; /* PKT_GIVEN_* */
};

enum {
	PKT_GIVEN_SPORT = 1 << 0,
	PKT_GIVEN_DPORT = 1 << 1,
	PKT_GIVEN_FLAGS = 1 << 2,
	PKT_GIVEN_TYPE = 1 << 3,
	PKT_GIVEN_CODE = 1 << 4,
	PKT_GIVEN_SMAC = 1 << 5,
	PKT_GIVEN_DMAC = 1 << 6,
	PKT_GIVEN_TTL = 1 << 7,
	PKT_GIVEN_FRAG = 1 << 8,
	PKT_GIVEN_LEN = 1 << 9,
};

void pkt_spec_init(struct pkt_spec *s);
/* one keyword and its values at the cursor: 1 taken, 0 not a packet keyword, or -E_USAGE */
int pkt_spec_parse_one(struct args *a, struct pkt_spec *s);
/* what the keywords must agree on, once all are read; 0 or -E_USAGE */
int pkt_spec_check(struct pkt_spec *s);
/* the frame into buf (cap bytes); its length, or -E_USAGE when len is too small */
int pkt_spec_build(const struct pkt_spec *s, uint8_t *buf, size_t cap);

/* checksums, for building and for telling whether a rewritten one is right */
uint16_t csum_fold(uint32_t sum);
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
uint32_t crc32c(uint32_t crc, const void *data, size_t len);

#endif /* TCCTL_PKT_SPEC_H */
