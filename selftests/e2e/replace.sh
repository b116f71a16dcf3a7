#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Swapping the program on a hook never leaves it unfiltered: under a UDP
# flood that fw drops, 100 replaces between two builds of fw (fw.o and
# fw-variant.o: other instructions, the same maps) let no datagram through,
# on every way tcctl attaches: XDP through netlink and through a link, a tc
# filter, a tcx link, and a member of an XDP chain. One batch does the 100
# replaces, and reports the program id after each, so the test can tell that
# each one really swapped the program.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/flood.sh
source "$(dirname "$0")/../flood.sh"

VARIANT=$TOP/build/selftests/progs/fw-variant.o
REPLACES=100
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT

netns_new A rpa && netns_new B rpb && veth_pair "$A" "$B" || exit 1
"$TCCTL" pin fw && "$TCCTL" fw proto udp drop || exit 1

# the id of fw's program where HOOK runs it, from one status document
fw_id() {
	jq -r --arg hook "$1" '.[0] | if $hook == "xdp" then .xdp[0] | (.chain // [.])[]
		elif $hook == "tcx" then .tcx[] else .tc[] end
		| select(.object == "fw") | .id'
}

# replaces NAME HOOK ATTACH_ARGS...: REPLACES attaches alternating between
# the two builds, each followed by a status line, in one batch under flood
replaces() {
	local name=$1 hook=$2 ids changes before got
	shift 2
	for i in $(seq "$REPLACES"); do
		if ((i % 2)); then
			echo "attach dev v1 $* obj $VARIANT"
		else
			echo "attach dev v1 $*"
		fi
		echo "-j status dev v1"
	done >"$tmp/batch"
	before=$(udp_in)
	flood "$tmp/stop" "$tmp/sent"
	"$TCCTL" -n "$B" -b "$tmp/batch" >"$tmp/out" 2>"$tmp/err"
	check "$name: the batch of $REPLACES replaces succeeds" expect_eq "rc/stderr" "$?/$(cat "$tmp/err")" "0/"
	touch "$tmp/stop"
	wait "$fpid"
	got=$(($(udp_in) - before))
	ids=$(while read -r doc; do fw_id "$hook" <<<"$doc"; done <"$tmp/out")
	changes=$(uniq <<<"$ids" | wc -l)
	check "$name: each replace swapped the program ($REPLACES ids in turn)" \
		expect_eq "ids/changes" "$(wc -l <<<"$ids")/$changes" "$REPLACES/$REPLACES"
	check "$name: the flood ran (more than 10,000 datagrams)" test "$(cat "$tmp/sent")" -gt 10000
	check "$name: no datagram of the flood reached B" expect_eq datagrams "$got" 0
}

"$TCCTL" -n "$B" attach dev v1 xdpgeneric fw
replaces "xdp" xdp xdpgeneric fw
"$TCCTL" -n "$B" detach dev v1 xdp

"$TCCTL" -n "$B" attach dev v1 xdpgeneric fw link
replaces "xdp link" xdp xdpgeneric fw link
check "xdp link: the program still runs through tcctl's link" \
	expect_eq link "$("$TCCTL" -n "$B" -j status dev v1 | jq '.[0].xdp[0].link')" true
"$TCCTL" -n "$B" detach dev v1 xdp

"$TCCTL" -n "$B" attach dev v1 xdpgeneric fw
"$TCCTL" -n "$B" attach dev v1 xdpgeneric stats
replaces "xdp chain member" xdp xdpgeneric fw
check "xdp chain: fw and stats stay in their order" \
	expect_eq chain "$("$TCCTL" -n "$B" -j status dev v1 | jq -r '[.[0].xdp[0].chain[].object] | join(" ")')" \
	"fw stats"
"$TCCTL" -n "$B" detach dev v1 xdp

"$TCCTL" -n "$B" attach dev v1 ingress fw
replaces "tc filter" tc ingress fw
check "tc filter: one fw filter at prio 10 handle 1" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "10 0x1 fw.o:[tc]"
"$TCCTL" -n "$B" detach dev v1 ingress

if kernel_has tcx; then
	"$TCCTL" -n "$B" attach dev v1 ingress fw tcx
	replaces "tcx link" tcx ingress fw tcx
	"$TCCTL" -n "$B" detach dev v1 ingress
else
	not_applicable "tcx link: $REPLACES replaces under a flood" "$NA_REASON"
fi
exit "$ret"
