/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's per-packet logic, the same at XDP and tc: classify the packet into a
 * slot (IP protocol, non-IP or malformed), look the slot's verdict up in the
 * table bound to this interface and hook, count it, return the verdict.
 *
 * Truncated or invalid headers land in FW_SLOT_MALFORMED and frames without
 * IP in FW_SLOT_NON_IP; both pass until a verdict says otherwise, so fw fails
 * open by default and an admin can make it fail closed per table.
 */
#ifndef TCCTL_LIB_FW_H
#define TCCTL_LIB_FW_H

#include "ctx.h"
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
static __always_inline enum ctx_verdict fw_process(struct pkt *p)
{
	__u32 table = fw_table(p);
	struct l3 l3 = {};
	int parsed = parse_l3(p, &l3);
	__u32 slot = parse_slot(parsed, &l3);
	__u32 idx = fw_verdict_index(table, slot);
	__u32 verdict = FW_PASS, policy = FW_PASS;
	__u32 *v;

	v = bpf_map_lookup_elem(&fw_verdicts, &idx);
	if (v && *v == FW_DROP)
		verdict = FW_DROP; /* any other value passes: fw fails open */
	if (verdict == FW_PASS && parsed == PARSE_IP) {
		struct l4 l4 = {}; /* parsed by fw_rules_run when it is needed */

		switch (fw_rules_run(p, &l3, &l4, table, &policy)) {
		case FW_RULES_DROP:
			verdict = FW_DROP;
			break;
		case FW_RULES_NONE:
			if (policy == FW_DROP && !fw_is_nd(&l3, &l4))
				verdict = FW_DROP;
			break;
		default:
			break;
		}
	}
	fw_count(table, slot, verdict, p->len);
	return verdict == FW_DROP ? CTX_DROP : CTX_PASS;
}

#endif /* TCCTL_LIB_FW_H */
