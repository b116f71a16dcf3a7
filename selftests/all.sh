#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: the test suite on this machine's kernel, then on Debian 12's
# stock 6.1 kernel in a VM (kernel/check.sh); the last line is the total.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# shellcheck source=selftests/tally.sh
source selftests/tally.sh

echo "# the test suite on this machine's kernel, Linux $(uname -r)"
tally_run_suite "the suite ran on this machine's kernel" selftests/run.sh
host="# Linux $(uname -r), this machine: $TALLY_LINE"
tally_run_suite "the suite ran on Debian's 6.1 kernel" selftests/kernel/check.sh
vm="# Linux $(cat build/kernel/kver 2>/dev/null), Debian 12 under qemu: $TALLY_LINE"
echo "$host"
echo "$vm"
tally_print
