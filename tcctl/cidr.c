// SPDX-License-Identifier: GPL-2.0-only
/* Prefix parsing and printing, strict about what it accepts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cidr.h"

static void clear_host_bits(struct cidr *c)
{
	int bytes = c->family == 4 ? 4 : 16;

	for (int i = 0; i < bytes; i++) {
		int keep = c->len - i * 8;

		if (keep <= 0)
			c->addr[i] = 0;
		else if (keep < 8)
			c->addr[i] &= 0xff << (8 - keep);
	}
}

int cidr_parse(const char *s, struct cidr *c, const char **why)
{
	char buf[CIDR_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	memset(c, 0, sizeof(*c));
	if (alen >= sizeof(buf)) {
		*why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	memcpy(buf, s, alen);
	buf[alen] = 0;
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = 4;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = 6;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	max = c->family == 4 ? 32 : 128;
	c->len = max;
	if (slash) {
		char *end;
		long len;

		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || slash[1] == '-' || slash[1] == '+' ||
		    len > max) {
			*why = c->family == 4 ? "the prefix length of an IPv4 address is 0 to 32" :
						"the prefix length of an IPv6 address is 0 to 128";
			return -EINVAL;
		}
		c->len = len;
	}
	clear_host_bits(c);
	return 0;
}

const char *cidr_format(const struct cidr *c, char *buf)
{
	char addr[INET6_ADDRSTRLEN];
	int max = c->family == 4 ? 32 : 128;

	inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, addr, sizeof(addr));
	if (c->len == max)
		snprintf(buf, CIDR_STRLEN, "%s", addr);
	else
		snprintf(buf, CIDR_STRLEN, "%s/%u", addr, c->len);
	return buf;
}
