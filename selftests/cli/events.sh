#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl events and tcctl monitor as an admin types them, without traffic:
# show before anything is pinned (the defaults, nothing created), set making
# the four events maps and nothing else, changing only the fields given,
# objects reusing those maps; every bad input gets one line and its exit code
# and changes nothing; monitor's start and end (events off, duration, one
# reader at a time, | head).
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT

pins() { find "$PIN_DIR" -mindepth 1 -printf '%f\n' 2>/dev/null | sort | xargs; }
map_ids() {
	local m
	for m in events_ring events_config events_budget events_count; do
		bpftool -j map show pinned "$PIN_DIR/$m" | jq .id
	done | xargs
}
conf() { "$T" -j events show | jq -c '[.sample_every, .drops, .budget]'; }

# expect_events_error NAME RC MESSAGE CMD...: one line, exit RC, config and pins as before
expect_events_error() {
	local name=$1 want_rc=$2 want_msg=$3 before out rc
	shift 3
	before="$(pins) $(conf)"
	out=$("$@" 2>"$DIR/err")
	rc=$?
	check "$name" expect_eq "exit/stderr/stdout" "$rc/$(cat "$DIR/err")/$out" "$want_rc/$want_msg/"
	check "$name: nothing changed" expect_eq state "$(pins) $(conf)" "$before"
}

# --- before anything is pinned --------------------------------------------------------
check "show before any pin: the defaults, not pinned" expect_eq show "$("$T" -j events show)" \
	'{"pinned":false,"sample_every":0,"drops":false,"budget":10000,"counters":{"sample":{"emitted":0,"lost":0,"over_budget":0},"drop":{"emitted":0,"lost":0,"over_budget":0}}}'
check "show text before any pin" expect_eq show "$("$T" events show)" \
	"sample off, drops off, budget 10000 events/s (defaults: nothing pinned yet)
kind            emitted           lost    over-budget
sample                0              0              0
drop                  0              0              0"
check "show created nothing" expect_eq pins "$(pins)" ""
expect_events_error "monitor before any pin: exit 1, how to make the maps" 1 \
	"tcctl: $PIN_DIR/events_ring does not exist: attach fw or stats, or configure events (tcctl events set)" \
	"$T" monitor count 1

# --- set --------------------------------------------------------------------------------
"$T" events set drops on
check "set makes the four events maps and nothing else" expect_eq pins "$(pins)" \
	"events_budget events_config events_count events_ring"
check "set drops on: only drops changed" expect_eq conf "$(conf)" "[0,true,10000]"
"$T" events set sample 100 budget 500
check "set sample and budget: drops kept" expect_eq conf "$(conf)" "[100,true,500]"
"$T" events set budget 100000000 sample 1 drops off
check "any order; budget up to 100000000; sample 1" expect_eq conf "$(conf)" "[1,false,100000000]"
"$T" events set sample off
check "sample off" expect_eq conf "$(conf)" "[0,false,100000000]"
"$T" events set sample 10 drops on budget 2000
check "show text: the configuration, then the counters per kind" \
	expect_eq line "$("$T" events show | head -1)" "sample every 10 packets, drops on, budget 2000 events/s"
check "bpftool reads the configuration set (sample, drops, budget)" expect_eq value \
	"$(bpftool -j map lookup pinned "$PIN_DIR/events_config" key 0 0 0 0 | jq -c '.value')" \
	'["0x0a","0x00","0x00","0x00","0x01","0x00","0x00","0x00","0xd0","0x07","0x00","0x00","0x00","0x00","0x00","0x00"]'
ids=$(map_ids)
"$T" pin fw && "$T" pin stats
check "fw and stats loaded after set reuse the maps set made" expect_eq ids "$(map_ids)" "$ids"
check "and the configuration stays" expect_eq conf "$(conf)" "[10,true,2000]"
"$T" -b - <<<"events set sample 5
events set drops off"
check "set in a batch" expect_eq conf "$(conf)" "[5,false,2000]"
check "the plugin: tc exec tcctl events show -j" expect_eq conf \
	"$(tc exec tcctl -j events show | jq -c '[.sample_every, .drops, .budget]')" "[5,false,2000]"
"$T" events set sample 10 drops on budget 2000

# --- bad input ------------------------------------------------------------------------------
U="(see 'tcctl help')"
expect_events_error "events alone" 2 "tcctl: events: expected show or set $U" "$T" events
expect_events_error "events frob" 2 "tcctl: events: expected show or set, not frob $U" "$T" events frob
expect_events_error "events show extra" 2 "tcctl: unexpected argument \"extra\" $U" "$T" events show extra
expect_events_error "set with nothing" 2 "tcctl: events set: expected sample, drops or budget $U" "$T" events set
expect_events_error "sample 0" 2 "tcctl: \"sample\" takes off or a number from 1 to 4294967295, not \"0\" $U" \
	"$T" events set sample 0
expect_events_error "sample -1" 2 "tcctl: \"sample\" takes off or a number from 1 to 4294967295, not \"-1\" $U" \
	"$T" events set sample -1
expect_events_error "sample past 32 bits" 2 \
	"tcctl: \"sample\" takes off or a number from 1 to 4294967295, not \"4294967296\" $U" \
	"$T" events set sample 4294967296
expect_events_error "sample without a value" 2 "tcctl: \"sample\" needs a value $U" "$T" events set sample
expect_events_error "drops maybe" 2 "tcctl: \"drops\" takes on or off, not \"maybe\" $U" "$T" events set drops maybe
expect_events_error "budget 0" 2 "tcctl: \"budget\" takes a number from 1 to 100000000, not \"0\" $U" \
	"$T" events set budget 0
expect_events_error "budget past the maximum" 2 \
	"tcctl: \"budget\" takes a number from 1 to 100000000, not \"100000001\" $U" "$T" events set budget 100000001
expect_events_error "budget off" 2 "tcctl: \"budget\" takes a number from 1 to 100000000, not \"off\" $U" \
	"$T" events set budget off
expect_events_error "a field twice: nothing of the line is applied" 2 "tcctl: unexpected argument \"sample\" $U" \
	"$T" events set sample 3 sample 4
expect_events_error "a good field before a bad one is not applied" 2 \
	"tcctl: \"drops\" takes on or off, not \"1\" $U" "$T" events set sample 3 drops 1
expect_events_error "monitor kind frob" 2 "tcctl: \"kind\" takes sample or drop, not \"frob\" $U" \
	"$T" monitor kind frob
expect_events_error "monitor count 0" 2 "tcctl: \"count\" takes a number from 1 to 4294967295, not \"0\" $U" \
	"$T" monitor count 0
expect_events_error "monitor duration 0" 2 \
	"tcctl: \"duration\" takes seconds, more than 0 and up to a year, not \"0\" $U" "$T" monitor duration 0
expect_events_error "monitor duration abc" 2 \
	"tcctl: \"duration\" takes seconds, more than 0 and up to a year, not \"abc\" $U" "$T" monitor duration abc
expect_events_error "monitor dev that does not exist: exit 1" 1 "tcctl: device \"nosuch0\" does not exist" \
	"$T" monitor dev nosuch0
expect_events_error "monitor twice the same filter" 2 "tcctl: unexpected argument \"kind\" $U" \
	"$T" monitor kind drop kind sample
expect_events_error "monitor extra word" 2 "tcctl: unexpected argument \"now\" $U" "$T" monitor now

# --- monitor, no traffic ---------------------------------------------------------------------------
"$T" events set sample off drops off
start=$(date +%s%N)
"$T" monitor duration 0.5 >"$DIR/out" 2>"$DIR/err"
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
check "events off: exit 0, the note once, then the summary; no line on stdout" expect_eq run \
	"$rc/$(cat "$DIR/err")/$(cat "$DIR/out")" \
	"0/tcctl: events are off: nothing shows until tcctl events set sample N or drops on
0 events shown, 0 lost, 0 over budget/"
check "duration 0.5 ends after half a second ($took ms)" test "$took" -ge 500 -a "$took" -lt 1500
"$T" events set drops on
"$T" monitor kind sample duration 0.1 2>"$DIR/err"
check "kind sample while sampling is off: the note names it" expect_eq err "$(head -1 "$DIR/err")" \
	"tcctl: sample events are off: nothing shows until tcctl events set sample N"
"$T" monitor kind drop duration 0.1 2>"$DIR/err"
check "kind drop while drops are on: only the summary" expect_eq err "$(cat "$DIR/err")" \
	"0 events shown, 0 lost, 0 over budget"

"$T" monitor >"$DIR/out1" 2>"$DIR/err1" &
mon=$!
sleep 0.3
expect_events_error "a second monitor: exit 1, one reader at a time" 1 \
	"tcctl: another tcctl monitor reads the events ring: one at a time, or each would take the other's events" \
	"$T" monitor duration 1
kill -INT "$mon"
wait "$mon"
rc=$?
check "SIGINT ends the first: exit 0 and the summary" expect_eq run "$rc/$(cat "$DIR/err1")" \
	"0/0 events shown, 0 lost, 0 over budget"
"$T" monitor >/dev/null 2>"$DIR/err1" &
mon=$!
sleep 0.3
kill -TERM "$mon"
wait "$mon"
check "SIGTERM too" expect_eq run "$?/$(cat "$DIR/err1")" "0/0 events shown, 0 lost, 0 over budget"

# a reader that goes away ends the monitor at once, not at its next event
start=$(date +%s%N)
{ "$T" monitor 2>"$DIR/err"; echo "$?" >"$DIR/rc"; } | { sleep 0.3; exit 0; }
took=$((($(date +%s%N) - start) / 1000000))
check "stdout's reader gone: exit 0 within a second ($took ms), summary" expect_eq run \
	"$(cat "$DIR/rc")/$(cat "$DIR/err")/$((took < 1300))" "0/0 events shown, 0 lost, 0 over budget/1"
start=$(date +%s%N)
"$T" monitor duration 0.2 2>/dev/null >&-
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
check "no stdout at all, nothing to show: exit 0 after the duration ($took ms)" \
	expect_eq rc "$rc/$((took >= 200 && took < 1000))" 0/1

# --- bash completion (the harness of completion.sh) ---------------------------------------------
# shellcheck source=/dev/null
source /usr/share/bash-completion/bash_completion || exit 1
# shellcheck source=tcctl/bash-completion/tcctl
source "$TOP/tcctl/bash-completion/tcctl" || exit 1
comp() {
	local line="$T ${1#tcctl }"
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_tcctl tcctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}
expect_comp() {
	check "complete '$1'" expect_eq offered "$(comp "$1")" "$2"
}
expect_comp "tcctl events " "help set show"
expect_comp "tcctl events set " "budget drops help sample"
expect_comp "tcctl events set sample " "off"
expect_comp "tcctl events set drops " "off on"
expect_comp "tcctl events set drops on " "budget sample"
expect_comp "tcctl monitor " "count dev duration help kind"
expect_comp "tcctl monitor kind " "drop sample"
expect_comp "tcctl monitor kind drop count 3 " "dev duration"
expect_comp "tcctl monitor duration " ""

check "help lists events and monitor" expect_eq help \
	"$("$T" help | grep -c '^  tcctl \(events\|monitor\) ')" 3
