// SPDX-License-Identifier: GPL-2.0-only
/*
 * The object directory built into a tcctl binary: the build tree for the
 * in-tree tcctl, $(BPFDIR) for the installed one (see the Makefile). Kept
 * alone in this file so that only it is compiled twice.
 */
#include "obj.h"

const char tcctl_bpf_dir[] = TCCTL_BPF_DIR;
