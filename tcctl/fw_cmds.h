/* SPDX-License-Identifier: GPL-2.0-only */
/* The fw subcommands, one file each, dispatched by cmd_fw.c. */
#ifndef TCCTL_FW_CMDS_H
#define TCCTL_FW_CMDS_H

#include "tcctl.h"
#include "fw_config.h"

int fw_cmd_rule(struct tcctl *t, struct args *a);
int fw_cmd_policy(struct args *a);
int fw_cmd_set(struct tcctl *t, struct args *a);
int fw_cmd_save(struct args *a);
int fw_cmd_load(struct args *a);

/*
 * inserts r at pos (0-based) of table; an id of 0 becomes the next free one
 * when give_id, else stays 0 for fw_config_give_ids
 */
int fw_rule_insert(struct fw_config *c, uint32_t table, uint32_t pos, const struct fw_rule *r,
		   bool give_id);
/* a set name as the maps keep it: 1 to 31 of A-Z a-z 0-9 _ . - */
int fw_set_name_check(const char *name);

#endif /* TCCTL_FW_CMDS_H */
