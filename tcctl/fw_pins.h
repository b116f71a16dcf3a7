/* SPDX-License-Identifier: GPL-2.0-only */
/* fw's pinned rule and set maps, opened together and checked against the ABI. */
#ifndef TCCTL_FW_PINS_H
#define TCCTL_FW_PINS_H

#include "fw_write.h"

/* prints one line and returns a negative errno when a map is missing or foreign */
int fw_pins_open(struct fw_rule_maps *m);
void fw_pins_close(struct fw_rule_maps *m);

#endif /* TCCTL_FW_PINS_H */
