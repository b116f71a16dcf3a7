#!/bin/bash
# shellcheck disable=SC2034 # variables for the tests that source this file
# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the shell tests: result lines, random namespaces on veth pairs,
# and cleanup that runs however the test ends. Source it; do not set -e.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TCCTL=${TCCTL:-$TOP/build/tcctl}
BPF_DIR=${BPF_DIR:-$TOP/build/bpf}
FW_O=$BPF_DIR/fw.o
PIN_DIR=/sys/fs/bpf/tc/globals
export TC_LIB_DIR=${TC_LIB_DIR:-$TOP/build}

NETNS_CREATED=()
ret=0

# TEST: name [ OK ] / [FAIL], one line per test, as kernel selftests print
log_test() {
	local rc=$1 name=$2
	if [ "$rc" -eq 0 ]; then
		printf 'TEST: %-66s [ OK ]\n' "$name"
	else
		printf 'TEST: %-66s [FAIL]\n' "$name"
		ret=1
	fi
}

# not_applicable NAME REASON: a test this kernel cannot run, reported by
# name and counted as skipped; the only skip there is (tally.sh fails others)
not_applicable() {
	printf 'TEST: %-66s [SKIP] not applicable: %s\n' "$1" "$2"
}

# kernel_has FEATURE: whether tcctl's probe finds it; if not, NA_REASON says
# what it needs ("tcx (...) needs Linux 6.6 or later; this is Linux 6.1...")
kernel_has() {
	NA_REASON=$("$TCCTL" feature "$1" 2>&1) && return 0
	NA_REASON=${NA_REASON#tcctl: }
	return 1
}

# a check that explains itself when it fails
check() {
	local name=$1
	shift
	if "$@"; then
		log_test 0 "$name"
	else
		printf "    failed: %.200s\n" "$*" >&2
		log_test 1 "$name"
	fi
}

fail_msg() {
	echo "    $*" >&2
	return 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" == "$3" ] || fail_msg "$1: got '$2', want '$3'"
}

rand_name() {
	printf '%s-%s' "$1" "$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
}

# netns_new VAR PREFIX: a namespace with a random name, in VAR; not through
# $(...), whose subshell would lose the record cleanup() works from
netns_new() {
	local -n _ns=$1
	_ns=$(rand_name "$2")
	ip netns add "$_ns" || return 1
	ip -n "$_ns" link set lo up
	NETNS_CREATED+=("$_ns")
}

# in NS: run a command in a namespace without remounting /sys (pins stay visible)
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# veth_pair NS_A NS_B: A's v0 (10.11.0.1, fd00::1) faces B's v1 (10.11.0.2, fd00::2)
veth_pair() {
	local a=$1 b=$2
	ip -n "$a" link add name v0 type veth peer name v1 netns "$b" || return 1
	ip -n "$a" addr add 10.11.0.1/24 dev v0
	ip -n "$b" addr add 10.11.0.2/24 dev v1
	ip -n "$a" addr add fd00::1/64 dev v0 nodad
	ip -n "$b" addr add fd00::2/64 dev v1 nodad
	ip -n "$a" link set v0 up
	ip -n "$b" link set v1 up
}

cleanup() {
	local ns
	for ns in "${NETNS_CREATED[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -f "$PIN_DIR"/fw_* "$PIN_DIR"/stats_* "$PIN_DIR"/redir_* "$PIN_DIR"/lb_* "$PIN_DIR"/events_* 2>/dev/null
}
trap cleanup EXIT

# pings that count: COUNT pings from NS to ADDR, prints how many got answers
ping_count() {
	local ns=$1 addr=$2 count=$3
	in_ns "$ns" ping -q -n -c "$count" -i 0.05 -W 1 "$addr" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# the packets counted for PROTO and VERDICT in table 0 (or TABLE)
fw_count() {
	local proto=$1 verdict=$2 table=${3:-0}
	"$TCCTL" -j fw counters table "$table" |
		python3 -c 'import json,sys
rows=json.load(sys.stdin)
print(sum(r["packets"] for r in rows if r["proto"]==sys.argv[1] and r["verdict"]==sys.argv[2]))' "$proto" "$verdict"
}

FOREIGN_O=$TOP/build/selftests/progs/foreign.o

# the filters on DEV's DIRECTION in NS, one "prio handle name" line each
tc_filters() {
	in_ns "$1" tc filter show dev "$2" "$3" | sed -n 's/.* pref \([0-9]*\) bpf .* handle \(0x[0-9a-f]*\) \([^ ]*\).*/\1 \2 \3/p'
}

# the state a failed command must leave as it found it
snapshot() {
	local ns=$1
	{
		"$TCCTL" -n "$ns" -j status
		ls /sys/fs/bpf/tc/globals 2>/dev/null
	}
}

# wait_listen NS {tcp|udp} PORT: until a socket listens there (5 s at most)
wait_listen() {
	local flag=-lnt
	[ "$2" = udp ] && flag=-lnu
	for _ in $(seq 50); do
		in_ns "$1" ss "$flag" "sport = :$3" | grep -q ":$3" && return 0
		sleep 0.1
	done
	fail_msg "nothing listens on $2 port $3 in $1"
}

# expect_error NAME RC MESSAGE NS CMD...: CMD exits RC, prints MESSAGE as its
# only line on stderr and nothing on stdout, and NS's state is as it was
expect_error() {
	local name=$1 want_rc=$2 want_msg=$3 ns=$4 before out errf rc
	shift 4
	errf=$(mktemp)
	before=$(snapshot "$ns")
	out=$("$@" 2>"$errf")
	rc=$?
	check "$name" expect_eq "exit/stderr/stdout" "$rc/$(cat "$errf")/$out" "$want_rc/$want_msg/"
	check "$name: nothing changed" expect_eq state "$(snapshot "$ns")" "$before"
	rm -f "$errf"
}
