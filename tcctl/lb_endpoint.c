// SPDX-License-Identifier: GPL-2.0-only
/* Parsing and printing lb's endpoints (lb_endpoint.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "tcctl.h"
#include "lb_endpoint.h"

static int bad(const char *s)
{
	return usage_err("bad endpoint \"%s\": expected ADDR:PORT or [ADDR6]:PORT, port 1 to 65535",
			 s);
}

int lb_endpoint_parse(const char *s, struct lb_endpoint *e)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon, *start = s;
	unsigned long port;
	size_t len;
	char *end;

	memset(e, 0, sizeof(*e));
	if (*s == '[') {
		/* brackets only around IPv6: the colon before the port is then unambiguous */
		colon = strstr(s, "]:");
		if (!colon)
			return bad(start);
		s++;
		len = colon - s;
		colon++;
		e->family = 6;
	} else {
		colon = strchr(s, ':');
		if (!colon || strchr(colon + 1, ':'))
			return bad(start);
		len = colon - s;
		e->family = 4;
	}
	if (!len || len >= sizeof(host))
		return bad(start);
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(e->family == 4 ? AF_INET : AF_INET6, host, e->addr) != 1)
		return bad(start);
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || colon[1] == '-' || colon[1] == '+' || !port ||
	    port > 65535)
		return bad(start);
	e->port = htons(port);
	return 0;
}

int lb_proto_parse(const char *s, __u8 *proto)
{
	if (s && !strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (s && !strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else
		return usage_err("lb: expected tcp or udp%s%s", s ? ", not " : "", s ? s : "");
	return 0;
}

const char *lb_proto_name(__u8 proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "?";
}

char *lb_addr_str(const ip6_addr_t addr, __u8 family, char *buf, size_t len)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *lb_endpoint_str(const ip6_addr_t addr, inet_port_t port, __u8 family, char *buf,
		      size_t len)
{
	char host[INET6_ADDRSTRLEN];

	lb_addr_str(addr, family, host, sizeof(host));
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", host, ntohs(port));
	return buf;
}
