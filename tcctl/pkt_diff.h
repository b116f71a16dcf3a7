/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a program changed in a packet, field by field: both frames are
 * decoded (Ethernet, two VLAN tags, IPv4 or IPv6, TCP, UDP, SCTP, ICMP,
 * ICMPv6) into named fields ("ip dst", "tcp dport", "ip csum"), and the
 * fields whose values differ are the changes. A field only one side has
 * shows as "-" on the other (a tag pushed, a header cut). The rest of the
 * frame counts as one field, "payload". Checksums of the packet after are
 * verified, so a rewrite that forgot one shows.
 */
#ifndef TCCTL_PKT_DIFF_H
#define TCCTL_PKT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_FIELDS_MAX 40
#define PKT_VALUE_LEN 48

struct pkt_field {
	const char *name;
	char value[PKT_VALUE_LEN];
};

struct pkt_fields {
	int n;
	struct pkt_field f[PKT_FIELDS_MAX];
	char bad_csums[64]; /* "ip, tcp": the checksums that do not verify, "" when all do */
};

struct pkt_change {
	const char *name;
	char from[PKT_VALUE_LEN], to[PKT_VALUE_LEN];
};

void pkt_decode(const uint8_t *frame, size_t len, struct pkt_fields *out);
/* the changes from a to b into ch (at most max); how many */
int pkt_diff(const struct pkt_fields *a, const struct pkt_fields *b, struct pkt_change *ch,
	     int max);

#endif /* TCCTL_PKT_DIFF_H */
