#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The tree stays clean: a warning-free build from scratch, shellcheck-clean
# scripts, and a man page that groff renders without a warning.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"; cleanup' EXIT

log=$(make -C "$TOP" BUILD="$out" all 2>&1)
check "a build from scratch succeeds" test $? -eq 0
check "... and prints no warning" bash -c "! grep -i 'warning:' <<<\"\$1\"" _ "$log"

mapfile -t scripts < <(cd "$TOP" && git ls-files '*.sh' 'scripts/*' '.ci/run' 'selftests/kernel/init' \
	'selftests/kernel/stage2' 'selftests/kernel/initrd-modules' 'tcctl/bash-completion/*')
check "shellcheck finds nothing in ${#scripts[@]} scripts" \
	bash -c "cd '$TOP' && shellcheck -x \"\$@\"" _ "${scripts[@]}"
check "groff renders tcctl.8 without a warning" \
	bash -c "test -z \"\$(groff -man -ww -z '$TOP/docs/tcctl.8' 2>&1)\""
exit "$ret"
