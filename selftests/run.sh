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

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for f in "${files[@]}"; do
	[ -e "$f" ] || continue
	echo "# $f"
	selftests/sandbox.sh "$f" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^TEST: .*\[ OK \]$' "$log")
	x=$(grep -c '^TEST: .*\[FAIL\]$' "$log")
	s=$(grep -c '^TEST: .*\[SKIP\]' "$log")
	if [ "$rc" -ne 0 ] && [ "$x" -eq 0 ]; then
		# a test file that dies before it reports is a failure too
		echo "TEST: $f exited with $rc                                    [FAIL]"
		x=1
	fi
	passed=$((passed + p)) failed=$((failed + x)) skipped=$((skipped + s))
done
if [ "$(host_state)" == "$host_before" ]; then
	echo "TEST: the host's interfaces, namespaces, pins and qdiscs are as before     [ OK ]"
	passed=$((passed + 1))
else
	echo "TEST: the host's interfaces, namespaces, pins and qdiscs are as before     [FAIL]"
	diff <(echo "$host_before") <(host_state) | head -20
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
