/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel interfaces newer than the headers tcctl may be built against
 * (Debian 12's linux-libc-dev is 6.1). The values are the kernel's ABI and
 * never change; whether the running kernel has them is feature.c's job.
 */
#ifndef TCCTL_KERNEL_COMPAT_H
#define TCCTL_KERNEL_COMPAT_H

/* enum bpf_attach_type, Linux 6.6 */
#define TCCTL_BPF_TCX_INGRESS 46
#define TCCTL_BPF_TCX_EGRESS  47

/* BPF_LINK_CREATE flags for tcx's order, Linux 6.6 */
#define TCCTL_BPF_F_BEFORE (1U << 3)
#define TCCTL_BPF_F_AFTER  (1U << 4)
#define TCCTL_BPF_F_ID	   (1U << 5)

/* enum bpf_link_type, Linux 6.6; its info is { ifindex, attach_type } */
#define TCCTL_BPF_LINK_TYPE_TCX 11

#endif /* TCCTL_KERNEL_COMPAT_H */
