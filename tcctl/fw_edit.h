/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every fw rule, policy and set command does around its own change:
 * open the pinned maps, put right what a killed tcctl left, read the live
 * configuration, and commit the edited copy at once.
 */
#ifndef TCCTL_FW_EDIT_H
#define TCCTL_FW_EDIT_H

#include "tcctl.h"
#include "fw_config.h"

struct fw_edit {
	struct fw_rule_maps maps;
	struct fw_config *prev; /* live */
	struct fw_config *next; /* the command's copy to change */
	bool locked;		/* a writer holds the pins lock */
};

/* for a change when writing (one writer at a time), for reading only otherwise */
int fw_edit_begin(struct fw_edit *e, bool writing);
int fw_edit_commit(struct fw_edit *e);
void fw_edit_end(struct fw_edit *e);

#endif /* TCCTL_FW_EDIT_H */
