/* SPDX-License-Identifier: GPL-2.0-only */
/* What cmd_lb.c hands to the files that do lb's jobs. */
#ifndef TCCTL_LB_CMDS_H
#define TCCTL_LB_CMDS_H

#include "tcctl.h"
#include "abi/lb.h"

/* lb show: every service, or only one (an error when it does not exist) */
int lb_show(struct tcctl *t, const struct lb_service_key *only);

#endif /* TCCTL_LB_CMDS_H */
