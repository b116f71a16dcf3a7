// SPDX-License-Identifier: GPL-2.0-only
/* The tcctl command: a thin front end over the library. */
#include "tcctl.h"

int main(int argc, char **argv)
{
	return tcctl_run(argc - 1, argv + 1);
}
