#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the VM (check.sh starts it in the tree's top directory): loads
# what Debian's kernel builds as modules and the tests need, then runs the
# same test suite as on the host, but for the files that test no kernel.
set -u
# shellcheck source=selftests/tally.sh
source selftests/tally.sh
# veth: the tests' links; sch_ingress: clsact; cls_bpf: tc's bpf filter;
# sch_fq: the default qdisc Debian configures for new devices.
modules=(veth sch_ingress cls_bpf sch_fq)
if ! modprobe -a "${modules[@]}"; then
	tally_result 1 "modprobe ${modules[*]}"
	tally_print
	exit 1
fi
echo "# Linux $(uname -r) in a VM: $(nproc) CPUs, the host's userland"
if [ $# -eq 0 ]; then
	# run.sh's default list, less what tests no kernel (see host-only)
	for f in build/selftests/test_* selftests/cli/*.sh selftests/e2e/*.sh; do
		grep -qxF "$f" selftests/kernel/host-only || set -- "$@" "$f"
	done
fi
exec selftests/run.sh "$@"
