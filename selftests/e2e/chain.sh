#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Several objects on one hook, in a chosen order: fw (dropping ICMP) and
# stats on XDP through tcctl's chain (a root program and a program array),
# on tc by prio and on tcx by the kernel's before/after. Whether stats counts
# the pings tells the order apart with real traffic; status shows it; moving
# an object changes it without a moment in which fw is not there; foreign
# programs attached by tc and ip stay where they are.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

FOREIGN_O=$TOP/build/selftests/progs/foreign.o
trap cleanup EXIT
netns_new A cha && netns_new B chb && veth_pair "$A" "$B" || exit 1
"$TCCTL" pin fw && "$TCCTL" pin stats && "$TCCTL" fw proto icmp drop || exit 1

t() { "$TCCTL" -n "$B" "$@"; }

# the ICMP packets stats counted at HOOK on v1
stats_icmp() {
	t -j stats show dev v1 | jq --arg hook "$1" \
		'[.[] | select(.hook == $hook and .proto == "icmp") | .packets] | add // 0'
}

# the objects of the XDP chain on v1, in run order
xdp_chain() {
	t -j status dev v1 | jq -r '[.[0].xdp[0].chain[]?.object] | join(" ")'
}

xdp_prog() {
	t -j status dev v1 | jq -r '.[0].xdp[0] | "\(.prog // "-") \(.id // 0)"'
}

# --- XDP ---------------------------------------------------------------------
t attach dev v1 xdpgeneric fw
t attach dev v1 xdpgeneric stats
check "a second object on XDP makes a chain: fw, then stats" expect_eq chain "$(xdp_chain)" "fw stats"
root=$(xdp_prog)
check "... behind tcctl's root program" expect_eq prog "${root% *}" chain_xdp
check "status shows the chain in run order" \
	bash -c "'$TCCTL' -n '$B' status dev v1 | grep -A2 'chain_xdp' | sed 's/id [0-9]*/id N/' |
		 tr -s ' ' | grep -qx ' 2. id N stats_xdp tcctl stats'"
t stats reset
check "fw first: the pings are dropped" expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 0
check "... before stats sees them" expect_eq "stats icmp" "$(stats_icmp xdp)" 0

t attach dev v1 xdpgeneric stats first
check "stats first: the order changes" expect_eq chain "$(xdp_chain)" "stats fw"
check "... with the same root program (one switch of the chain's head)" \
	expect_eq root "$(xdp_prog)" "$root"
check "... fw still drops the pings" expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 0
check "... and stats now counts them" expect_eq "stats icmp" "$(stats_icmp xdp)" 3

t attach dev v1 xdpgeneric fw before stats
check "fw before stats: back to fw, stats" expect_eq chain "$(xdp_chain)" "fw stats"
t attach dev v1 xdpgeneric stats after fw
check "attaching stats where it is changes nothing" expect_eq chain "$(xdp_chain)" "fw stats"
check "... not even the root" expect_eq root "$(xdp_prog)" "$root"

out=$(t attach dev v1 xdpgeneric stats before stats 2>&1)
check "an object before itself is a usage error" expect_eq "rc/error" "$?/$out" \
	"2/tcctl: an object cannot go before or after itself (see 'tcctl help')"
out=$(t attach dev v1 xdpdrv fw 2>&1)
check "attach in another mode onto the chain is refused" expect_eq "rc/error" "$?/$out" \
	"1/tcctl: v1 runs XDP in generic mode; detach it before attaching in native mode"

t detach dev v1 xdp fw
check "detach fw: stats runs alone in the chain" expect_eq chain "$(xdp_chain)" "stats"
check "... and the pings pass" expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 2
t detach dev v1 xdp stats
check "detach the last member: no XDP program left" expect_eq prog "$(xdp_prog)" "- 0"

# a chain through a link: the root takes the link's program in one update
t attach dev v1 xdpgeneric fw link
t attach dev v1 xdpgeneric stats first
check "a chain on a link: stats, fw" expect_eq chain "$(xdp_chain)" "stats fw"
check "... still through tcctl's link" \
	expect_eq link "$(t -j status dev v1 | jq '.[0].xdp[0].link')" true
t detach dev v1 xdp
check "detach without an object removes the whole chain and its link" \
	expect_eq "prog/pins" "$(xdp_prog)/$(find /sys/fs/bpf/tcctl/links -name 'xdp-*' | wc -l)" "- 0/0"

# nothing to chain with: a foreign program, or no program at all
out=$(t attach dev v1 xdpgeneric stats after fw 2>&1)
check "after fw with nothing on XDP: one line, exit 1" expect_eq "rc/error" "$?/$out" \
	"1/tcctl: v1 runs no XDP program: nothing to go after"
in_ns "$B" ip link set dev v1 xdpgeneric obj "$FOREIGN_O" sec xdp
out=$(t attach dev v1 xdpgeneric stats 2>&1)
check "a foreign XDP program is not chained with" expect_eq "rc/error" "$?/${out%% (*}" \
	"1/tcctl: v1 already runs XDP program id $(xdp_prog | cut -d' ' -f2)"
check "... and stays" expect_eq prog "$(xdp_prog | cut -d' ' -f1)" foreign_xdp
in_ns "$B" ip link set dev v1 xdpgeneric off

# a chain whose device goes: pins prune lets its programs go (fw on v1's tc
# keeps the maps in use, so that prune has them to clean, not to remove)
t attach dev v1 ingress fw
ip -n "$A" link add name c0 type veth peer name c1 netns "$B"
t attach dev c1 xdpgeneric fw
t attach dev c1 xdpgeneric stats
check "a second device's chain holds its programs" \
	test "$("$TCCTL" -j map dump chain_progs | jq length)" -ge 2
ip -n "$B" link del c1
"$TCCTL" pins prune >/dev/null
check "pins prune frees the chains no root runs, and their programs" expect_eq "heads/slots" \
	"$("$TCCTL" -j map dump chain_heads | jq '[.[] | select(.value.netns != 0)] | length')/$("$TCCTL" -j map dump chain_progs | jq length)" \
	"0/0"
# prune may have taken the maps too, no program using them: pin them again
"$TCCTL" pin fw && "$TCCTL" pin stats && "$TCCTL" fw proto icmp drop || exit 1

# --- tc, by prio ---------------------------------------------------------------
in_ns "$B" tc qdisc add dev v1 clsact
in_ns "$B" tc filter add dev v1 ingress prio 5 handle 1 bpf da obj "$FOREIGN_O" sec tc
t attach dev v1 ingress fw
t attach dev v1 ingress stats
check "tc: fw at prio 10, stats at 20, beside a foreign filter at 5" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | tr '\n' ' ')" \
	"5 0x1 foreign.o:[tc] 10 0x1 fw.o:[tc] 20 0x1 stats.o:[tc] "
t stats reset
ping_count "$A" 10.11.0.2 2 >/dev/null
check "... stats after fw sees no ICMP" expect_eq "stats icmp" "$(stats_icmp ingress)" 0
t attach dev v1 ingress stats before fw
check "stats before fw: prio 9, the old filter gone" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | tr '\n' ' ')" \
	"5 0x1 foreign.o:[tc] 9 0x1 stats.o:[tc] 10 0x1 fw.o:[tc] "
check "... status lists them in that order" \
	expect_eq order "$(t -j status dev v1 | jq -r '[.[0].tc[] | .object // .kind] | join(" ")')" \
	"bpf stats fw"
ping_count "$A" 10.11.0.2 2 >/dev/null
check "... and counts the pings" expect_eq "stats icmp" "$(stats_icmp ingress)" 2
t attach dev v1 ingress stats first
check "stats first: before the foreign filter too" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | head -1)" "4 0x1 stats.o:[tc]"
out=$(t attach dev v1 ingress stats first prio 3 2>&1)
check "a prio and a position together: usage error" expect_eq "rc/error" "$?/$out" \
	"2/tcctl: give a prio or a position (first), not both (see 'tcctl help')"
t detach dev v1 ingress
check "detach leaves the foreign filter" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "5 0x1 foreign.o:[tc]"

# --- tcx, by the kernel's order --------------------------------------------------
if kernel_has tcx; then
	t attach dev v1 ingress fw tcx
	t attach dev v1 ingress stats tcx
	tcx_order() { t -j status dev v1 | jq -r '[.[0].tcx[] | .object] | join(" ")'; }
	check "tcx: stats appended after fw" expect_eq order "$(tcx_order)" "fw stats"
	t stats reset
	ping_count "$A" 10.11.0.2 2 >/dev/null
	check "... sees no ICMP" expect_eq "stats icmp" "$(stats_icmp ingress)" 0
	t attach dev v1 ingress stats tcx before fw
	check "tcx: stats before fw" expect_eq order "$(tcx_order)" "stats fw"
	check "... one pinned link each" \
		expect_eq pins "$(find /sys/fs/bpf/tcctl/links -name 'tcx-*' | sort | sed 's/.*-//' | tr '\n' ' ')" \
		"fw stats "
	ping_count "$A" 10.11.0.2 2 >/dev/null
	check "... and counts the pings" expect_eq "stats icmp" "$(stats_icmp ingress)" 2
	links=$(t -j status dev v1 | jq -c '[.[0].tcx[].id]')
	t attach dev v1 ingress stats tcx first
	check "tcx: stats first where it is first already: nothing moves" \
		expect_eq ids "$(t -j status dev v1 | jq -c '[.[0].tcx[].id]')" "$links"
	t attach dev v1 ingress fw tcx first
	check "tcx: fw first again" expect_eq order "$(tcx_order)" "fw stats"
	t detach dev v1 ingress
	check "tcx: detach removes both links" expect_eq order "$(tcx_order)" ""
else
	not_applicable "tcx: fw and stats in the kernel's before/after order" "$NA_REASON"
fi
exit "$ret"
