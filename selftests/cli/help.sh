#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# help: "tcctl help", "tcctl help CMD [SUB]", "tcctl CMD help" and
# "tcctl CMD SUB help" print the same blocks the global usage is made of, on
# stdout with exit 0, each with the grammar terms it names.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
# in tcctl_commands[] order (tcctl/cli.c), which the global usage follows
commands=(qdisc attach detach status pin unpin pins fw stats top map redir lb events monitor run replay feature help)
# the commands with subcommands, each with its subcommands in table order
declare -A subs=(
	[pins]="show prune"
	[fw]="proto show counters reset bind unbind rule policy set save load"
	[stats]="show ports flows reset prometheus"
	[map]="show dump lookup update delete"
	[lb]="service backend show flush"
	[redir]="add delete show flush"
	[events]="show set"
)

all=$("$T" help 2>/dev/null)
check "tcctl help: exit 0, the usage on stdout" expect_eq "exit/first line" \
	"$?/$(head -1 <<<"$all")" "0/Usage: tcctl [ OPTIONS ] COMMAND [ ARGS ]"
check "-h prints the same" expect_eq usage "$("$T" -h)" "$all"
out=$("$T" 2>&1 >/dev/null)
check "no command: the same usage on stderr, exit 2" expect_eq "exit/usage" "$?/$out" "2/$all"

# the lines of the global usage for "tcctl WORDS...": a last word that is
# optional ("tcctl pins [ show ]") counts too, and so does a line of those words alone
usage_lines() {
	local words=$*
	grep -e "^  tcctl $words\( \|$\)" -e "^  tcctl ${words% *} \[ ${words##* } \]" <<<"$all"
}

# a block's own lines: its "tcctl" lines and their indented continuations
block_lines() {
	sed -n '2,/^$/p' | sed '/^$/d'
}

for c in "${commands[@]}"; do
	a=$("$T" help "$c")
	rc=$?
	b=$("$T" "$c" help)
	check "tcctl help $c and tcctl $c help: exit 0, the same block" \
		expect_eq "exit/same" "$rc/$?/$a" "0/0/$b"
	check "... its lines are the global usage's for $c" expect_eq lines \
		"$(block_lines <<<"$a" | grep '^  tcctl')" "$(usage_lines "$c")"
done
for c in "${!subs[@]}"; do
	read -ra ss <<<"${subs[$c]}"
	for s in "${ss[@]}"; do
		a=$("$T" help "$c" "$s")
		b=$("$T" "$c" "$s" help)
		check "tcctl $c $s help is tcctl help $c $s, the global usage's lines" expect_eq lines \
			"$(block_lines <<<"$a")/$(block_lines <<<"$b")" \
			"$(usage_lines "$c" "$s")/$(usage_lines "$c" "$s")"
	done
done

joined=$(for c in "${commands[@]}"; do "$T" help "$c" | block_lines; done)
check "the global usage is the blocks in order: one source for both" expect_eq blocks \
	"$joined" "$(sed -n '/^  tcctl/,/^$/p' <<<"$all" | sed '/^$/d')"

check "a block ends with the terms it names: attach has HOOK, OBJECT and POSITION" expect_eq terms \
	"$("$T" help attach | grep -o '^[A-Z]* *:=' | tr -d ' :=' | tr '\n' ' ')" "HOOK OBJECT POSITION "
check "... POSITION as attach takes it" grep -qx \
	'POSITION := { first | last | before OBJECT | after OBJECT }' <<<"$("$T" help attach)"
check "... and attach's line names it" grep -qF \
	'[ POSITION | prio PRIO ] [ handle HANDLE ]' <<<"$("$T" help attach)"
check "... with the tcx, link and force words on its continuation" grep -qx \
	'               \[ tcx | link \] \[ force \]' <<<"$("$T" help attach)"
check "... and the terms those name: fw rule has MATCH, ACTION and PROTO" expect_eq terms \
	"$("$T" fw rule help | grep -o '^[A-Z]* *:=' | tr -d ' :=' | tr '\n' ' ')" "MATCH ACTION PROTO "
check "... and a block naming none has none" expect_eq block "$("$T" status help)" \
	"Usage:
  tcctl status [ dev DEV ]"

out=$("$T" help frobnicate 2>&1)
check "help for an unknown command" expect_eq "exit/error" "$?/$out" \
	"2/tcctl: help: unknown command \"frobnicate\" (see 'tcctl help')"
out=$("$T" help fw frobnicate 2>&1)
check "help for an unknown subcommand" expect_eq "exit/error" "$?/$out" \
	"2/tcctl: help: fw has no subcommand \"frobnicate\" (see 'tcctl help')"
out=$("$T" fw frobnicate help 2>&1)
check "CMD SUB help with an unknown SUB is the command's own error" expect_eq "exit/error" "$?/$out" \
	"2/tcctl: fw: expected proto, rule, set, policy, save, load, show, counters, reset, bind or unbind, not frobnicate (see 'tcctl help')"
out=$(printf 'help fw save\nfw load help\n' | "$T" -b - 2>&1)
check "help in a batch line" expect_eq "exit/output" "$?/$out" "0/Usage:
  tcctl fw save [ FILE ]
Usage:
  tcctl fw load FILE"
exit "$ret"
