/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One struct event (abi/events.h) as tcctl monitor prints it: a text line in
 * the spirit of tcpdump's one-line summaries, or a JSON object (one per line
 * with -j). The format is documented in tcctl(8) and docs/json.md; it is
 * kept apart from the monitor so it can be tested on crafted events.
 *
 *   TIME DEV HOOK KIND [table T] [REASON] [vlan V] WHAT [frag first|later] length LEN
 *
 * KIND REASON: sample | drop proto | drop rule ID | drop rate ID | drop policy
 * WHAT: IP SRC[.SPORT] > DST[.DPORT]: PROTO [DETAIL]   (IP6 for IPv6)
 *       IP malformed | IP6 malformed | ethertype 0xXXXX [malformed] | malformed
 */
#ifndef TCCTL_EVENT_FORMAT_H
#define TCCTL_EVENT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "abi/events.h"

#define EVENT_LINE_MAX 256

/* dev: the name of e->ifindex; wall_ns: the event's time on the wall clock (ns since the epoch) */
void event_format(const struct event *e, const char *dev, int64_t wall_ns, char *buf, size_t len);
json_t *event_json(const struct event *e, const char *dev, int64_t wall_ns);

/* "sample" or "drop", NULL for a kind this tcctl does not know */
const char *event_kind_name(unsigned int kind);

#endif /* TCCTL_EVENT_FORMAT_H */
