// SPDX-License-Identifier: GPL-2.0-only
/* tcctl stats prometheus: the next change writes it */
#include <errno.h>

#include "stats_cmds.h"

int stats_prometheus(struct args *a)
{
	(void)a;
	err("stats prometheus: not built yet");
	return -ENOSYS;
}
