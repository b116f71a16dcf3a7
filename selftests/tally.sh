# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Adds up test results for the scripts that run whole suites: the lines
# "TEST: name [ OK ]", "[FAIL]" and "[SKIP] not applicable: why" of one test
# file, or the closing "N passed, N failed, N skipped" line of a suite.
# tally_print prints the total as the last line. Source it.

TALLY_PASSED=0 TALLY_FAILED=0 TALLY_SKIPPED=0
TALLY_LOG=$(mktemp)
trap 'rm -f "$TALLY_LOG"' EXIT

# tally_result RC NAME: one result of the calling script's own
tally_result() {
	if [ "$1" -eq 0 ]; then
		printf 'TEST: %-66s [ OK ]\n' "$2"
		TALLY_PASSED=$((TALLY_PASSED + 1))
	else
		printf 'TEST: %-66s [FAIL]\n' "$2"
		TALLY_FAILED=$((TALLY_FAILED + 1))
	fi
}

# tally_run FILE...: a test file; dying before it reports a failure counts too
tally_run() {
	local rc p x s
	"$@" 2>&1 | tee "$TALLY_LOG"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^TEST: .*\[ OK \]$' "$TALLY_LOG")
	x=$(grep -c '^TEST: .*\[FAIL\]$' "$TALLY_LOG")
	s=$(grep -c '^TEST: .*\[SKIP\] not applicable: ' "$TALLY_LOG")
	if [ "$rc" -ne 0 ] && [ "$x" -eq 0 ]; then
		tally_result 1 "$* exited with $rc"
	fi
	# a skip is a failure in disguise, unless this kernel cannot run the test
	if grep -q '^TEST: .*\[SKIP\]' "$TALLY_LOG" &&
		grep '^TEST: .*\[SKIP\]' "$TALLY_LOG" | grep -qv '\[SKIP\] not applicable: '; then
		tally_result 1 "$* skipped a test that this kernel could run"
	fi
	TALLY_PASSED=$((TALLY_PASSED + p))
	TALLY_FAILED=$((TALLY_FAILED + x))
	TALLY_SKIPPED=$((TALLY_SKIPPED + s))
}

# tally_run_suite NAME CMD...: a whole suite, taken by its closing line;
# NAME fails when there is none, or when the status and the line disagree.
# The line is left in TALLY_LINE.
tally_run_suite() {
	local name=$1 rc line p x s
	shift
	"$@" 2>&1 | tee "$TALLY_LOG"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$TALLY_LOG" | tail -1)
	# shellcheck disable=SC2034 # for the caller
	TALLY_LINE=${line:-"no result (exit $rc)"}
	if [ -z "$line" ]; then
		tally_result 1 "$name (exit $rc, no closing line)"
		return
	fi
	read -r p _ x _ s _ <<<"${line//,/}"
	TALLY_PASSED=$((TALLY_PASSED + p))
	TALLY_FAILED=$((TALLY_FAILED + x))
	TALLY_SKIPPED=$((TALLY_SKIPPED + s))
	if [ "$rc" -ne 0 ] && [ "$x" -eq 0 ]; then
		tally_result 1 "$name (exit $rc)"
	fi
}

tally_print() {
	echo "$TALLY_PASSED passed, $TALLY_FAILED failed, $TALLY_SKIPPED skipped"
	[ "$TALLY_FAILED" -eq 0 ]
}
