/* SPDX-License-Identifier: GPL-2.0-only */
/* IPv4 and IPv6 prefixes as admins write them: 10.0.0.0/8, 2001:db8::/32, 192.0.2.1. */
#ifndef TCCTL_CIDR_H
#define TCCTL_CIDR_H

#include <stdint.h>

struct cidr {
	uint8_t family; /* 4 or 6 */
	uint8_t len;	/* prefix length in bits */
	uint8_t addr[16]; /* network order, host bits cleared; IPv4 in the first 4 */
};

/* INET6_ADDRSTRLEN plus "/128" */
#define CIDR_STRLEN 52

/*
 * Parses s; a missing length means a host. Host bits under the prefix are
 * cleared, as iptables does: blocklists are full of them. Returns 0, or
 * -EINVAL with *why saying what is wrong, for the caller's one-line error.
 */
int cidr_parse(const char *s, struct cidr *c, const char **why);
const char *cidr_format(const struct cidr *c, char *buf);

#endif /* TCCTL_CIDR_H */
