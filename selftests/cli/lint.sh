#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The tree stays clean: a warning-free build from scratch, shellcheck-clean
# scripts, and man pages that groff renders without a warning.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"; cleanup' EXIT

log=$(make -C "$TOP" BUILD="$out" all 2>&1)
check "a build from scratch succeeds" test $? -eq 0
check "... and prints no warning" bash -c "! grep -i 'warning:' <<<\"\$1\"" _ "$log"

mapfile -t scripts < <(cd "$TOP" && git ls-files '*.sh' 'scripts/*' ':!scripts/systemd/*' '.ci/run' 'selftests/kernel/init' \
	'selftests/kernel/stage2' 'selftests/kernel/initrd-modules' 'tcctl/bash-completion/*')
check "shellcheck finds nothing in ${#scripts[@]} scripts" \
	bash -c "cd '$TOP' && shellcheck -x \"\$@\"" _ "${scripts[@]}"
for page in tcctl.8 tcctl-objects.7; do
	check "groff renders $page without a warning" \
		bash -c "test -z \"\$(groff -man -ww -z '$TOP/docs/$page' 2>&1)\""
done
check "tcctl.8 and tcctl-objects.7 name each other in SEE ALSO" bash -c \
	"grep -A9 '^.SH SEE ALSO' '$TOP/docs/tcctl.8' | grep -qF '.BR tcctl\-objects (7)' &&
	 grep -A9 '^.SH SEE ALSO' '$TOP/docs/tcctl-objects.7' | grep -qF '.BR tcctl (8)'"
exit "$ret"
