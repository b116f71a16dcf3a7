/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types that say what a map field holds, beyond its size: tcctl map reads
 * the map's BTF and shows fields of these types as addresses and port
 * numbers, not bytes. They are typedefs of the layouts the fields had, so
 * nothing moves: the address types are byte arrays (alignment 1, copied
 * with memcpy as before) in network order, the port a __be16.
 */
#ifndef TCCTL_ABI_TYPES_H
#define TCCTL_ABI_TYPES_H

#include <linux/types.h>

typedef __u8 ip4_addr_t[4];  /* shown as 10.0.0.1 */
typedef __u8 ip6_addr_t[16]; /* shown as 2001:db8::1 */
typedef __be16 inet_port_t;  /* network order, shown as a number in host order */

#endif /* TCCTL_ABI_TYPES_H */
