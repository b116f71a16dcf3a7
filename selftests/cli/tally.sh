#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# How make check adds results up (selftests/tally.sh): a skip counts only
# when it says why the kernel cannot run the test; any other skip, a test
# file that dies without a result, and a suite without its closing line
# are failures.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"; cleanup' EXIT

# totals FILE-BODY: "passed failed skipped" after tally_run on a file with that body
totals() {
	printf '#!/bin/bash\n%s\n' "$1" >"$dir/t.sh"
	chmod +x "$dir/t.sh"
	(
		# shellcheck source=selftests/tally.sh
		source "$TOP/selftests/tally.sh"
		tally_run "$dir/t.sh" >/dev/null
		echo "$TALLY_PASSED $TALLY_FAILED $TALLY_SKIPPED"
	)
}

check "a pass and a named not-applicable skip" expect_eq totals \
	"$(totals 'echo "TEST: a  [ OK ]"; echo "TEST: b  [SKIP] not applicable: needs Linux 9.9"')" \
	"1 0 1"
check "a skip that gives no reason fails" expect_eq totals \
	"$(totals 'echo "TEST: a  [ OK ]"; echo "TEST: b  [SKIP]"')" "1 1 0"
check "a test file that dies without a result fails" expect_eq totals \
	"$(totals 'exit 3')" "0 1 0"
check "a failed test is one failure, whatever the exit status" expect_eq totals \
	"$(totals 'echo "TEST: a  [FAIL]"; exit 1')" "0 1 0"

suite_totals() {
	(
		# shellcheck source=selftests/tally.sh
		source "$TOP/selftests/tally.sh"
		tally_run_suite "the suite" "$@" >/dev/null
		echo "$TALLY_PASSED $TALLY_FAILED $TALLY_SKIPPED"
	)
}
check "a suite counts by its closing line" expect_eq totals \
	"$(suite_totals bash -c 'echo "5 passed, 0 failed, 2 skipped"')" "5 0 2"
check "a suite without a closing line fails" expect_eq totals \
	"$(suite_totals bash -c 'echo booting; exit 125')" "0 1 0"
check "a suite that exits non-zero after 0 failed fails" expect_eq totals \
	"$(suite_totals bash -c 'echo "5 passed, 0 failed, 0 skipped"; exit 1')" "5 1 0"
exit "$ret"
