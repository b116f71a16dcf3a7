#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs one test file in a private mount namespace with its own bpffs and its
# own /run/netns: pins and namespace handles a test leaves, even when it
# crashes, die with the mount namespace and never reach the host's.
set -u
if [ "${TCCTL_SANDBOXED:-}" != 1 ]; then
	exec unshare --mount --propagation private env TCCTL_SANDBOXED=1 "$0" "$@"
fi
mount -t bpf bpf /sys/fs/bpf || exit 1
mkdir -p /run/netns && mount -t tmpfs tcctl-netns /run/netns || exit 1
exec "$@"
