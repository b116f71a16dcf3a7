/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protocol names for fw's slots: IP protocol numbers by their IANA keywords
 * (a built-in table: minimal systems have no /etc/protocols), plus fw's two
 * pseudo-protocols for frames without IP and frames it cannot parse.
 */
#ifndef TCCTL_PROTO_H
#define TCCTL_PROTO_H

/* the slot for a name or a number 0-255, or -1 */
int proto_slot(const char *name);
/* the name for a slot; a number as text where the table has none */
const char *proto_name(int slot, char *buf, int len);

#endif /* TCCTL_PROTO_H */
