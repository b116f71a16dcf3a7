// SPDX-License-Identifier: GPL-2.0-only
/* Run-time probes of what the kernel can do, and the errors that name it. */
#define _GNU_SOURCE /* unshare() */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "feature.h"
#include "kernel_compat.h"

static const struct feature_info features[FEAT_COUNT] = {
	[FEAT_TC_BPF] = { "tc-bpf", "tc programs in direct-action mode", "4.4" },
	[FEAT_XDP] = { "xdp", "XDP programs", "4.8" },
	[FEAT_XDP_FRAGS] = { "xdp-frags", "XDP programs for multi-buffer frames", "5.18" },
	[FEAT_XDP_LINK] = { "xdp-link", "XDP attached as a link", "5.9" },
	[FEAT_TCX] = { "tcx", "tc programs attached as tcx links", "6.6" },
	[FEAT_BTF] = { "btf", "the kernel's BTF (/sys/kernel/btf/vmlinux)", "5.4" },
	[FEAT_LPM_TRIE] = { "lpm-trie", "longest-prefix-match maps", "4.11" },
	[FEAT_LRU_HASH] = { "lru-hash", "LRU hash maps", "4.10" },
	[FEAT_RINGBUF] = { "ringbuf", "BPF ring buffers", "5.8" },
	[FEAT_SK_ASSIGN] = { "sk-assign", "bpf_sk_assign() in tc programs", "5.7" },
	[FEAT_SOCKHASH] = { "sockhash", "socket hash maps", "4.18" },
	[FEAT_SK_MSG] = { "sk-msg", "sk_msg programs", "4.17" },
	[FEAT_SOCK_OPS] = { "sock-ops", "sock_ops programs", "4.13" },
	[FEAT_CGROUP_DEVICE] = { "cgroup-device", "cgroup device programs", "4.15" },
};

const struct feature_info *feature_info(enum feature f)
{
	return &features[f];
}

int feature_by_name(const char *name, enum feature *f)
{
	for (int i = 0; i < FEAT_COUNT; i++) {
		if (!strcmp(features[i].name, name)) {
			*f = i;
			return 0;
		}
	}
	return -ENOENT;
}

const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		return "unknown";
	return u.release;
}

/* "return CODE": the smallest program every type accepts */
static int load_return(enum bpf_prog_type type, int code, __u32 prog_flags)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = code },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = prog_flags);

	return bpf_prog_load(type, NULL, "GPL", insns, 2, &opts);
}

/*
 * Attaching is the only true test of an attach type, and errors do not tell
 * "unknown type" from "no such device" (both EINVAL for XDP links). So attach
 * for real, to the loopback device of a network namespace made for it, in a
 * child process: nothing on the host sees it, and all goes with the child.
 */
static bool link_attaches(enum bpf_prog_type type, int code, enum bpf_attach_type attach)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(2);
		fd = load_return(type, code, 0);
		if (fd < 0)
			_exit(2);
		/* the new namespace's lo is ifindex 1 */
		_exit(bpf_link_create(fd, 1, attach, NULL) < 0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool prog_loads(enum bpf_prog_type type, int code, __u32 prog_flags)
{
	int fd = load_return(type, code, prog_flags);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* how each feature is probed: most by a program or map type the kernel accepts */
static const struct {
	enum { PROBE_PROG_TYPE, PROBE_MAP_TYPE, PROBE_OTHER } kind;
	int type; /* enum bpf_prog_type or enum bpf_map_type */
} probes[FEAT_COUNT] = {
	[FEAT_TC_BPF] = { PROBE_PROG_TYPE, BPF_PROG_TYPE_SCHED_CLS },
	[FEAT_XDP] = { PROBE_PROG_TYPE, BPF_PROG_TYPE_XDP },
	[FEAT_SK_MSG] = { PROBE_PROG_TYPE, BPF_PROG_TYPE_SK_MSG },
	[FEAT_SOCK_OPS] = { PROBE_PROG_TYPE, BPF_PROG_TYPE_SOCK_OPS },
	[FEAT_CGROUP_DEVICE] = { PROBE_PROG_TYPE, BPF_PROG_TYPE_CGROUP_DEVICE },
	[FEAT_LPM_TRIE] = { PROBE_MAP_TYPE, BPF_MAP_TYPE_LPM_TRIE },
	[FEAT_LRU_HASH] = { PROBE_MAP_TYPE, BPF_MAP_TYPE_LRU_HASH },
	[FEAT_RINGBUF] = { PROBE_MAP_TYPE, BPF_MAP_TYPE_RINGBUF },
	[FEAT_SOCKHASH] = { PROBE_MAP_TYPE, BPF_MAP_TYPE_SOCKHASH },
	[FEAT_XDP_FRAGS] = { PROBE_OTHER },
	[FEAT_XDP_LINK] = { PROBE_OTHER },
	[FEAT_TCX] = { PROBE_OTHER },
	[FEAT_BTF] = { PROBE_OTHER },
	[FEAT_SK_ASSIGN] = { PROBE_OTHER },
};

static bool probe(enum feature f)
{
	switch (probes[f].kind) {
	case PROBE_PROG_TYPE:
		return libbpf_probe_bpf_prog_type(probes[f].type, NULL) == 1;
	case PROBE_MAP_TYPE:
		return libbpf_probe_bpf_map_type(probes[f].type, NULL) == 1;
	case PROBE_OTHER:
		break;
	}
	switch (f) {
	case FEAT_XDP_FRAGS:
		/* older kernels refuse a flag they do not know */
		return prog_loads(BPF_PROG_TYPE_XDP, XDP_PASS, BPF_F_XDP_HAS_FRAGS);
	case FEAT_XDP_LINK:
		return link_attaches(BPF_PROG_TYPE_XDP, XDP_PASS, BPF_XDP);
	case FEAT_TCX:
		return link_attaches(BPF_PROG_TYPE_SCHED_CLS, 0, TCCTL_BPF_TCX_INGRESS);
	case FEAT_BTF:
		return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	case FEAT_SK_ASSIGN:
		return libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_sk_assign,
					       NULL) == 1;
	default:
		return false;
	}
}

bool feature_has(enum feature f)
{
	static enum { UNKNOWN, YES, NO } cache[FEAT_COUNT];

	if (cache[f] == UNKNOWN)
		cache[f] = probe(f) ? YES : NO;
	return cache[f] == YES;
}

int feature_require(enum feature f)
{
	if (feature_has(f))
		return 0;
	err("%s (%s) needs Linux %s or later; this is Linux %s", features[f].name,
	    features[f].what, features[f].since, kernel_release());
	return -EOPNOTSUPP;
}
