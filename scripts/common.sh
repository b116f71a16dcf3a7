#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the runbooks: where tcctl and the objects are, and the checks
# every runbook makes before it changes anything.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# the installed tcctl, else the one built in this tree
if [ -z "${TCCTL:-}" ]; then
	if [ -x "$here/../build/tcctl" ]; then
		TCCTL=$here/../build/tcctl
	else
		TCCTL=$(command -v tcctl || true)
	fi
fi

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

require_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root"
	if [ -z "$TCCTL" ] || [ ! -x "$TCCTL" ]; then
		die "tcctl not found (make, or make install)"
	fi
}

# iproute2 mounts bpffs on demand; tcctl leaves that to the admin, so we do it here
require_bpffs() {
	if ! mountpoint -q /sys/fs/bpf; then
		mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs at /sys/fs/bpf"
	fi
}

