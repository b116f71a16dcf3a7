#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: runs every test file, each in its own private mount namespace
# (sandbox.sh), and adds up the "TEST: name [ OK ]" lines they print.
# Usage: selftests/run.sh [FILE...]   (default: unit, cli and e2e tests)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "make check needs root (namespaces, bpffs, BPF programs)" >&2
	exit 1
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	files=(build/selftests/test_* selftests/cli/*.sh selftests/e2e/*.sh)
fi

# what the host has before: the tests must leave it exactly so
host_state() {
	ip -o link show | sed 's/ state .*//'
	ip netns list 2>/dev/null
	ls -R /sys/fs/bpf 2>/dev/null
	tc qdisc show | grep -v 'qdisc \(noqueue\|pfifo_fast\|mq\|fq_codel\) '
}
host_before=$(host_state)

# shellcheck source=selftests/tally.sh
source selftests/tally.sh
for f in "${files[@]}"; do
	[ -e "$f" ] || continue
	echo "# $f"
	start=$SECONDS
	tally_run selftests/sandbox.sh "$f"
	echo "# $f: $((SECONDS - start)) s"
done
host_after=$(host_state)
[ "$host_after" == "$host_before" ]
tally_result $? "the host's interfaces, namespaces, pins and qdiscs are as before"
[ "$host_after" == "$host_before" ] || diff <(echo "$host_before") <(echo "$host_after") | head -20
tally_print
