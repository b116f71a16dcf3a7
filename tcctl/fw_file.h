/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's files: member lists (one address or CIDR per line) and whole
 * configurations (the commands that rebuild it, as `tcctl fw save` writes).
 */
#ifndef TCCTL_FW_FILE_H
#define TCCTL_FW_FILE_H

#include <stdio.h>

#include "fw_config.h"

/* appends the file's members; "-" is standard input */
int fw_members_read_file(const char *path, struct fw_members *mb);

/* builds c (empty but for prev's bank and version) from the file's commands */
int fw_config_parse_file(const char *path, struct fw_config *c);
/* the commands that rebuild c, members read from the maps */
int fw_config_write_file(FILE *f, const struct fw_rule_maps *m, const struct fw_config *c);

#endif /* TCCTL_FW_FILE_H */
