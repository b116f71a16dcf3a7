/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the running kernel can do, probed at run time: admins run their
 * distribution's kernel (Debian 12: 6.1), not the one tcctl was built on.
 * Each probe asks the kernel itself (a program or map it accepts, a link
 * it attaches in a throw-away network namespace), never the version number,
 * which distributions' backports make meaningless.
 */
#ifndef TCCTL_FEATURE_H
#define TCCTL_FEATURE_H

#include <stdbool.h>

enum feature {
	FEAT_TC_BPF,	   /* cls_bpf direct-action programs */
	FEAT_XDP,	   /* XDP programs */
	FEAT_XDP_FRAGS,	   /* XDP programs that see multi-buffer frames */
	FEAT_XDP_LINK,	   /* XDP attached through a bpf_link */
	FEAT_TCX,	   /* tc programs attached as tcx links, without a qdisc */
	FEAT_BTF,	   /* the kernel's own BTF, for typed map output */
	FEAT_LPM_TRIE,	   /* longest-prefix-match maps: CIDR sets */
	FEAT_LRU_HASH,	   /* LRU hash maps: flow and connection tables */
	FEAT_RINGBUF,	   /* BPF ring buffers: events */
	FEAT_SK_ASSIGN,	   /* bpf_sk_assign() at tc: port redirect */
	FEAT_SOCKHASH,	   /* socket hash maps: socket acceleration */
	FEAT_SK_MSG,	   /* sk_msg programs */
	FEAT_SOCK_OPS,	   /* sock_ops programs */
	FEAT_CGROUP_DEVICE, /* cgroup device programs */
	FEAT_COUNT
};

struct feature_info {
	const char *name;   /* as on the command line: "tcx" */
	const char *what;   /* one line for people */
	const char *since;  /* the mainline release that brought it: "6.6" */
};

const struct feature_info *feature_info(enum feature f);
int feature_by_name(const char *name, enum feature *f);

/* probed once per process; false also when the probe itself could not run */
bool feature_has(enum feature f);

/*
 * 0 when the kernel has it; else prints the one-line error naming the
 * kernel it needs ("tcx (...) needs Linux 6.6 or later; this is Linux 6.1.0-...")
 * and returns -EOPNOTSUPP.
 */
int feature_require(enum feature f);

/* the running kernel's release, as uname -r prints it */
const char *kernel_release(void);

#endif /* TCCTL_FEATURE_H */
