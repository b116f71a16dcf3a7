/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A dry run's session: one object's program loaded with its maps pinned in
 * a scratch directory of its own (/sys/fs/bpf/tcctl/dryrun-PID:
 * bpffs refuses names with a dot), filled from
 * the live maps (from live) or left fresh (from empty), then changed by a
 * config file of tcctl commands run against the scratch directory. Packets
 * go through the program with BPF_PROG_TEST_RUN, with a context that makes
 * it see the chosen hook and device. Nothing is attached, and no live map
 * is written: every write lands in the scratch maps, which go with the
 * session.
 */
#ifndef TCCTL_DRYRUN_H
#define TCCTL_DRYRUN_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcctl.h"
#include "obj.h"

#define DRYRUN_BASE BPFFS_ROOT "/tcctl"
/* the largest frame a run takes: a full Ethernet frame with two VLAN tags */
#define DRYRUN_MAX_FRAME 1522
/* room for what a program may add (encapsulation) before the kernel refuses */
#define DRYRUN_OUT_MAX 4096

/* what the command line asked for, before anything is touched */
struct dryrun_conf {
	const struct object_desc *object;
	bool xdp;
	bool egress;
	const char *hook; /* as given: xdp, ingress, egress */
	const char *dev;  /* NULL: lo */
	bool from_empty;
	const char *config; /* a tcctl batch file run against the scratch maps, or NULL */
};

struct dryrun {
	const struct dryrun_conf *conf;
	char dir[PATH_MAX];
	bool dir_made;
	struct loaded_prog lp;
	uint32_t ifindex;
};

/* parses OBJECT HOOK at the cursor into c (usage errors only: nothing is touched) */
int dryrun_parse_target(struct args *a, struct dryrun_conf *c);
/* one of dev DEV, from { live | empty }, config FILE at the cursor: 1 taken, 0 not ours */
int dryrun_parse_opt(struct args *a, struct dryrun_conf *c);

/* the scratch directory, the object, the copy and the config; on failure nothing is left */
int dryrun_open(struct dryrun *d, const struct dryrun_conf *c);
/* removes the scratch directory and everything in it; pin_dir() is the live one again */
void dryrun_close(struct dryrun *d);

/* one packet: in (len bytes) through the program; out gets the packet after it */
int dryrun_packet(struct dryrun *d, const void *in, size_t len, void *out, size_t *out_len,
		  uint32_t *retval);

/* the verdict's name (XDP_DROP, TC_ACT_SHOT, ...) or its number as text */
const char *dryrun_verdict_name(const struct dryrun_conf *c, uint32_t retval, char buf[16]);
/* whether the packet goes on to the stack (XDP_PASS; tc OK, UNSPEC, PIPE) */
bool dryrun_passes(const struct dryrun_conf *c, uint32_t retval);

/* set by SIGINT and SIGTERM during a session: long loops stop and clean up */
extern volatile sig_atomic_t dryrun_stop;

#endif /* TCCTL_DRYRUN_H */
