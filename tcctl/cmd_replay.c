// SPDX-License-Identifier: GPL-2.0-only
#include "tcctl.h"
int cmd_replay(struct tcctl *t, struct args *a)
{
	(void)t;
	(void)a;
	return usage_err("replay: not yet");
}
