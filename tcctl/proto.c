// SPDX-License-Identifier: GPL-2.0-only
/* Protocol keywords and numbers, both ways. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/fw.h"
#include "proto.h"

static const struct {
	const char *name;
	int slot;
} protos[] = {
	/* the first name of a slot is the one printed */
	{ "icmp", 1 },	   { "igmp", 2 },      { "ipip", 4 },	     { "tcp", 6 },
	{ "egp", 8 },	   { "udp", 17 },      { "dccp", 33 },	     { "ipv6", 41 },
	{ "rsvp", 46 },	   { "gre", 47 },      { "esp", 50 },	     { "ah", 51 },
	{ "icmpv6", 58 },  { "icmp6", 58 },    { "ipv6-icmp", 58 },  { "ipv6-nonxt", 59 },
	{ "eigrp", 88 },   { "ospf", 89 },     { "etherip", 97 },    { "encap", 98 },
	{ "pim", 103 },	   { "ipcomp", 108 },  { "vrrp", 112 },	     { "l2tp", 115 },
	{ "sctp", 132 },   { "udplite", 136 }, { "mpls-in-ip", 137 }, { "ethernet", 143 },
	{ "non-ip", FW_SLOT_NON_IP },	       { "malformed", FW_SLOT_MALFORMED },
};

#define N_PROTOS (sizeof(protos) / sizeof(protos[0]))

int proto_slot(const char *name)
{
	unsigned long n;
	char *end;

	for (size_t i = 0; i < N_PROTOS; i++)
		if (!strcmp(protos[i].name, name))
			return protos[i].slot;
	if (*name < '0' || *name > '9')
		return -1;
	n = strtoul(name, &end, 10);
	return *end || n > 255 ? -1 : (int)n;
}

const char *proto_name(int slot, char *buf, int len)
{
	for (size_t i = 0; i < N_PROTOS; i++)
		if (protos[i].slot == slot)
			return protos[i].name;
	snprintf(buf, len, "%d", slot);
	return buf;
}
