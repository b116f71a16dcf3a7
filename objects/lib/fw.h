/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's per-packet logic, the same at XDP and tc: classify the packet into a
 * slot (IP protocol, non-IP or malformed), look the slot's verdict up in the
 * table bound to this interface and hook, count it, return the verdict.
 *
 * Truncated or invalid headers land in FW_SLOT_MALFORMED and frames without
 * IP in FW_SLOT_NON_IP; both pass until a verdict says otherwise, so fw fails
 * open by default and an admin can make it fail closed per table.
 *
 * fw_process says why it dropped (struct fw_drop) so the entry program can
 * report the drop as an event (events.h) with its reason and, when a rule
 * decided, the rule's id.
 */
#ifndef TCCTL_LIB_FW_H
#define TCCTL_LIB_FW_H

#include "ctx.h"
#include "events.h"
#include "parse.h"
#include "fw_maps.h"
#include "fw_rules.h"

static __always_inline __u32 fw_table(const struct pkt *p)
{
	struct fw_iface_key key = { .ifindex = p->ifindex, .hook = p->hook };
	struct fw_iface *iface;

	iface = bpf_map_lookup_elem(&fw_ifaces, &key);
	/* a table tcctl would refuse (written with bpftool, say) means table 0 */
	if (!iface || iface->table >= FW_MAX_TABLES)
		return 0;
	return iface->table;
}

static __always_inline void fw_count(__u32 table, __u32 slot, __u32 verdict, __u32 len)
{
	__u32 idx = fw_counter_index(table, slot, verdict);
	struct fw_counter *c;

	c = bpf_map_lookup_elem(&fw_counters, &idx);
	if (!c)
		return; /* a table id past FW_MAX_TABLES: nothing to count in */
	c->packets++; /* per-CPU: no other writer */
	c->bytes += len;
}

/*
 * The protocol's verdict first, then the rules, then the table's policy; the
 * policy spares IPv6 neighbour discovery, as non-IP (ARP) never meets rules
 * or policy: a default drop must not cut the host off its own link.
 */
/* why a packet was dropped: the event's fields */
struct fw_drop {
	__u32 table;
	__u32 reason; /* enum event_reason */
	__u32 rule;   /* the rule's id, for EVENT_REASON_RULE and EVENT_REASON_RATE */
};

static __always_inline enum ctx_verdict fw_process(struct pkt *p, struct fw_drop *why)
{
	__u32 table = fw_table(p);
	struct l3 l3 = {};
	int parsed = parse_l3(p, &l3);
	__u32 slot = parse_slot(parsed, &l3);
	__u32 idx = fw_verdict_index(table, slot);
	__u32 verdict = FW_PASS, policy = FW_PASS, reason = EVENT_REASON_PROTO;
	struct fw_hit hit = {};
	__u32 *v;

	v = bpf_map_lookup_elem(&fw_verdicts, &idx);
	if (v && *v == FW_DROP)
		verdict = FW_DROP; /* any other value passes: fw fails open */
	if (verdict == FW_PASS && parsed == PARSE_IP) {
		struct l4 l4 = {}; /* parsed by fw_rules_run when it is needed */

		switch (fw_rules_run(p, &l3, &l4, table, &policy, &hit)) {
		case FW_RULES_DROP:
			verdict = FW_DROP;
			reason = hit.by_rate ? EVENT_REASON_RATE : EVENT_REASON_RULE;
			break;
		case FW_RULES_NONE:
			if (policy == FW_DROP && !fw_is_nd(&l3, &l4)) {
				verdict = FW_DROP;
				reason = EVENT_REASON_POLICY;
			}
			break;
		default:
			break;
		}
	}
	fw_count(table, slot, verdict, p->len);
	if (verdict != FW_DROP)
		return CTX_PASS;
	why->table = table;
	why->reason = reason;
	why->rule = hit.rule_id;
	return CTX_DROP;
}

/*
 * The drop event, from the entry program once fw_process has returned, so
 * the event's parse and fill are verified once (in the global function the
 * entry calls), not once for every path through the rules: inline, they
 * took fw past the verifier's million instructions.
 */
static __always_inline void fw_report(struct pkt *p, const struct fw_drop *why)
{
	const struct events_config *cfg = events_config_get();
	struct l3 l3 = {};
	int parsed;

	if (!cfg || !cfg->drops)
		return;
	parsed = parse_l3(p, &l3);
	events_drop(p, &l3, parsed, why->table, why->reason, why->rule);
}

#endif /* TCCTL_LIB_FW_H */
