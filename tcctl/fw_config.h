/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's whole run-time configuration (rules and policy of every table, and
 * the sets) in memory: read from the live bank, edited by a command or
 * built from a file, and committed at once (the bank switch of
 * ../objects/abi/fw_rules.h). Every command that changes rules, policies or
 * set definitions goes through here, so each change is a whole replace.
 */
#ifndef TCCTL_FW_CONFIG_H
#define TCCTL_FW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "fw_set.h"
#include "fw_write.h"

struct fw_set_conf {
	char name[FW_SET_NAME_LEN];
	uint32_t flags; /* FW_SET_COUNTERS */
	int slot;	/* where its members are now; -1 for a set not in the maps yet */
	bool reload;	/* members replace the contents, in a fresh slot */
	struct fw_members members;
};

struct fw_table_conf {
	uint32_t policy; /* enum fw_verdict */
	uint32_t n;
	/* src_set and dst_set are indexes into fw_config.sets, not slots */
	struct fw_rule rules[FW_MAX_RULES];
};

struct fw_config {
	struct fw_table_conf tables[FW_MAX_TABLES];
	struct fw_set_conf sets[FW_MAX_SETS];
	int nsets;
	uint32_t bank, version; /* of the live state this was read from */
};

struct fw_config *fw_config_new(void);
void fw_config_free(struct fw_config *c);
/* the live configuration; set members are not read */
int fw_config_read(const struct fw_rule_maps *m, struct fw_config *c);
void fw_config_copy(struct fw_config *dst, const struct fw_config *src);

/* the index of the set called name, or -1 */
int fw_config_set_find(const struct fw_config *c, const char *name);
/* a new set at the end; -ENOSPC when full */
int fw_config_set_add(struct fw_config *c, const char *name, uint32_t flags);
/* whether a rule of any table names set i */
bool fw_config_set_used(const struct fw_config *c, int set);
/* one above the highest id of the table's rules */
uint32_t fw_config_next_id(const struct fw_table_conf *t);
/* ids for the rules that have none (0), above every id of their table */
void fw_config_give_ids(struct fw_config *c);

/*
 * Makes next live in place of prev (what fw_config_read gave): sets to
 * reload go into fresh slots first, then every table into the spare bank,
 * then the switch; slots nobody names any more are freed last. Fails with
 * -EAGAIN, changing nothing, when another writer switched since prev was
 * read. Prints its own error.
 */
int fw_config_commit(const struct fw_rule_maps *m, struct fw_config *next,
		     const struct fw_config *prev);

/*
 * Frees every set slot the live bank's configuration does not have: slots a
 * killed writer was loading, and the sets a replace took out, when it was
 * killed before freeing them. Writers call it first; commit calls it last.
 */
int fw_config_tidy(const struct fw_rule_maps *m);

#endif /* TCCTL_FW_CONFIG_H */
