/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lb's endpoints as written on the command line and shown: 10.0.0.1:80 and
 * [2001:db8::1]:80, in the layout of abi/lb.h (16-byte address, IPv4 in
 * the first 4, port in network order).
 */
#ifndef TCCTL_LB_ENDPOINT_H
#define TCCTL_LB_ENDPOINT_H

#include <stddef.h>

#include "abi/lb.h"

struct lb_endpoint {
	ip6_addr_t addr;
	inet_port_t port;
	__u8 family; /* 4 or 6 */
};

/* "[V6]:80" is 1 + 39 + 1 + 1 + 5 */
#define LB_ENDPOINT_STRLEN 48

/* ADDR:PORT or [ADDR6]:PORT, port 1..65535; a usage error (printed) otherwise */
int lb_endpoint_parse(const char *s, struct lb_endpoint *e);
/* "tcp" or "udp" into an IPPROTO_ number; a usage error otherwise */
int lb_proto_parse(const char *s, __u8 *proto);
const char *lb_proto_name(__u8 proto);

char *lb_endpoint_str(const ip6_addr_t addr, inet_port_t port, __u8 family, char *buf,
		      size_t len);
char *lb_addr_str(const ip6_addr_t addr, __u8 family, char *buf, size_t len);

#endif /* TCCTL_LB_ENDPOINT_H */
