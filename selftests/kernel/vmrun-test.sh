#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The VM launcher's own tests: what the command prints and its exit status
# come back, and a VM that hangs, does not boot or panics fails the run.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
VMRUN=$TOP/selftests/kernel/vmrun.sh
trap 'rm -f /etc/tcctl-vmrun-probe; cleanup' EXIT

# vmrun_expect NAME WANT_RC VMRUN-ARGS...: the run's output is in $out
vmrun_expect() {
	local name=$1 want=$2 rc
	shift 2
	out=$("$VMRUN" "$@" 2>&1)
	rc=$?
	check "$name" expect_eq "exit status" "$rc" "$want"
}

vmrun_expect "the command's exit status comes back" 42 -- \
	sh -c 'uname -r; touch /etc/tcctl-vmrun-probe && echo wrote; exit 42'
check "... with its output, from Debian's 6.1 kernel" \
	grep -q "^6\.1\.[0-9]*-.*-amd64$" <<<"$out"
wrote=$(grep -c '^wrote$' <<<"$out")
[ "$wrote" -eq 1 ] && ! test -e /etc/tcctl-vmrun-probe
check "... and what it wrote stays in the VM" test $? -eq 0
vmrun_expect "a command that never ends is stopped: exit 124" 124 -t 10 -- sleep 600
vmrun_expect "a kernel panic fails the run: exit 125" 125 -- \
	sh -c 'echo c >/proc/sysrq-trigger; sleep 60'
vmrun_expect "an image that is not a kernel fails the run: exit 125" 125 \
	-k /etc/hostname -- true
vmrun_expect "a VM whose init does not start fails the run: exit 125" 125 \
	-e rdinit=/no-such-init -- true
exit "$ret"
