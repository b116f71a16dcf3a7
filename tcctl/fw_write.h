/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Puts compiled fw tables into one bank of the maps, and switches banks.
 * The maps come as fds, so that tcctl (pinned maps) and the unit tests (an
 * object of their own) share this code.
 */
#ifndef TCCTL_FW_WRITE_H
#define TCCTL_FW_WRITE_H

#include "fw_compile.h"

struct fw_rule_maps {
	int state, tables, rules, rcount, net4, net6, ports, protos, icmp;
	int set4, set6, setmeta, rlrule, rlsrc;
};

/* the bank packets do not see now */
int fw_spare_bank(const struct fw_rule_maps *m, uint32_t *bank, uint32_t *version);
/* replaces everything of (bank, table) with c and rules */
int fw_write_table(const struct fw_rule_maps *m, uint32_t bank, uint32_t table,
		   const struct fw_compiled *c, const struct fw_rule *rules);
/* makes bank live, unless another writer switched since version was read */
int fw_switch_bank(const struct fw_rule_maps *m, uint32_t bank, uint32_t version);

#endif /* TCCTL_FW_WRITE_H */
