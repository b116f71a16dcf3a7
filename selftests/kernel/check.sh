#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-kernel: the test suite on Debian 12's stock 6.1 kernel, booted
# under qemu with the built tree and the host's userland. Gets the kernel
# (setup.sh), checks the VM launcher itself, runs selftests/run.sh inside
# the VM, and ends with the total of both.
# Fails when a test fails inside, when the VM does not boot, or when it
# runs out of time (TCCTL_VM_TIMEOUT seconds, default 3600).
# Usage: selftests/kernel/check.sh [TEST-FILE...]   (files as for run.sh)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/tally.sh
source selftests/tally.sh

if ! selftests/kernel/setup.sh; then
	tally_result 1 "Debian's 6.1 kernel is downloaded and ready to boot"
	tally_print
	exit 1
fi

# tools the tests fetch from Debian's archive are fetched here, on the host:
# the guest has no network
if ! selftests/tools/promtool.sh >/dev/null; then
	tally_result 1 "promtool (from Debian's prometheus package) is ready for the guest"
	tally_print
	exit 1
fi

echo "# selftests/kernel/vmrun-test.sh"
tally_run selftests/kernel/vmrun-test.sh

echo "# the test suite on Linux $(cat build/kernel/kver) under qemu"
tally_run_suite "the VM ran the suite" \
	selftests/kernel/vmrun.sh -b -t "${TCCTL_VM_TIMEOUT:-3600}" -C "$top" -- \
	selftests/kernel/guest.sh "$@"
tally_print
