#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, attaching in bulk (issue 5), run by run.sh inside
# selftests/sandbox.sh with bench.sh's helpers and cleanup:
#   8. attaching fw to 100 veth devices and detaching it again, at tc
#      ingress and at XDP (generic), with one "tcctl -b" batch against the
#      script of tc / ip commands an admin would otherwise run (one process
#      per command, each loading fw.o), and against one "tc -batch" for tc;
#      target: tcctl at least 5 x faster than the script.
# Usage: BENCH_SECTIONS=attach selftests/bench/run.sh; knobs: BENCH_ATTACH_DEVS
# (100), BENCH_ATTACH_ROUNDS (1: the script takes most of a minute a round).
set -u

# shellcheck source=selftests/bench/bench.sh
. "$(dirname "$0")/bench.sh"

DEVS=${BENCH_ATTACH_DEVS:-100}
ROUNDS=${BENCH_ATTACH_ROUNDS:-1}
DIR=$FRAMES_DIR
FW_O=$top/build/bpf/fw.o

now() {
	date +%s.%N
}

# timed NAME CMD...: runs CMD, adds its seconds to the list NAME
declare -A took
timed() {
	local name=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null || die "$name: $* failed"
	t1=$(now)
	took[$name]+="$(calc %.3f 't1 - t0' t0="$t0" t1="$t1") "
}

# fw's programs on the namespace's devices, from tcctl status: tc xdp
attached() {
	"$TCCTL" -n "$NS" -j status | json \
		'" ".join(str(sum(1 for l in j for e in l[k] if e.get("object") == "fw")) for k in ("tc", "xdp"))'
}

ns_new attach
NS=$REPLY
ns_new peer
PEER=$REPLY
for i in $(seq "$DEVS"); do
	ip -n "$NS" link add name "v$i" type veth peer name "p$i" netns "$PEER" ||
		die "cannot create veth v$i"
	ip -n "$NS" link set "v$i" up
	ip -n "$PEER" link set "p$i" up
done
"$TCCTL" pin fw || die "tcctl pin fw failed"

# the four files each arm runs: attach and detach, tc and XDP
for i in $(seq "$DEVS"); do
	echo "attach dev v$i ingress fw" >>"$DIR/tcctl-tc-on"
	echo "detach dev v$i ingress fw" >>"$DIR/tcctl-tc-off"
	echo "attach dev v$i xdpgeneric fw" >>"$DIR/tcctl-xdp-on"
	echo "detach dev v$i xdp fw" >>"$DIR/tcctl-xdp-off"
	printf 'qdisc add dev v%s clsact\nfilter add dev v%s ingress prio 10 handle 1 bpf da obj %s sec tc\n' \
		"$i" "$i" "$FW_O" >>"$DIR/tc-on"
	echo "filter del dev v$i ingress prio 10 handle 1 bpf" >>"$DIR/tc-off"
	echo "qdisc del dev v$i clsact" >>"$DIR/tc-qdisc-off"
	echo "link set dev v$i xdpgeneric obj $FW_O sec xdp" >>"$DIR/ip-on"
	echo "link set dev v$i xdpgeneric off" >>"$DIR/ip-off"
done
# a script runs each line as its own process, as a runbook of tc and ip lines does
sed 's/^/tc /' "$DIR/tc-on" >"$DIR/tc-on.sh"
sed 's/^/tc /' "$DIR/tc-off" >"$DIR/tc-off.sh"
sed 's/^/ip /' "$DIR/ip-on" >"$DIR/ip-on.sh"
sed 's/^/ip /' "$DIR/ip-off" >"$DIR/ip-off.sh"

echo
echo "8. Attaching fw to $DEVS devices and detaching it ($ROUNDS round(s), seconds):"
for r in $(seq "$ROUNDS"); do
	timed tcctl-tc "$TCCTL" -n "$NS" -b "$DIR/tcctl-tc-on"
	[ "$(attached)" = "$DEVS 0" ] || die "tcctl -b attached $(attached) (tc xdp), not $DEVS 0"
	timed tcctl-tc "$TCCTL" -n "$NS" -b "$DIR/tcctl-tc-off"
	in_ns "$NS" tc -batch "$DIR/tc-qdisc-off" # tcctl leaves the qdisc; the script makes it
	timed tc-script in_ns "$NS" bash -e "$DIR/tc-on.sh"
	[ "$(attached)" = "$DEVS 0" ] || die "the tc script attached $(attached), not $DEVS 0"
	timed tc-script in_ns "$NS" bash -e "$DIR/tc-off.sh"
	in_ns "$NS" tc -batch "$DIR/tc-qdisc-off"
	timed tc-batch in_ns "$NS" tc -batch "$DIR/tc-on"
	timed tc-batch in_ns "$NS" tc -batch "$DIR/tc-off"
	in_ns "$NS" tc -batch "$DIR/tc-qdisc-off"

	timed tcctl-xdp "$TCCTL" -n "$NS" -b "$DIR/tcctl-xdp-on"
	[ "$(attached)" = "0 $DEVS" ] || die "tcctl -b attached $(attached) (tc xdp), not 0 $DEVS"
	timed tcctl-xdp "$TCCTL" -n "$NS" -b "$DIR/tcctl-xdp-off"
	timed ip-script in_ns "$NS" bash -e "$DIR/ip-on.sh"
	[ "$(attached)" = "0 $DEVS" ] || die "the ip script attached $(attached), not 0 $DEVS"
	timed ip-script in_ns "$NS" bash -e "$DIR/ip-off.sh"
	[ "$(attached)" = "0 0" ] || die "detached, yet $(attached) (tc xdp) remain"
done

# per arm: the median round's attach + detach
total() {
	local -a v
	read -ra v <<<"${took[$1]}"
	local sums=() k
	for ((k = 0; k < ${#v[@]}; k += 2)); do
		sums+=("$(calc %.3f 'a + b' a="${v[k]}" b="${v[k + 1]}")")
	done
	median "${sums[@]}"
}

for arm in tcctl-tc tc-script tc-batch tcctl-xdp ip-script; do
	record "attach $arm devs $DEVS seconds ${took[$arm]}"
done
tc_ratio=$(calc %.1f 'div(s, t)' s="$(total tc-script)" t="$(total tcctl-tc)")
tcb_ratio=$(calc %.1f 'div(s, t)' s="$(total tc-batch)" t="$(total tcctl-tc)")
xdp_ratio=$(calc %.1f 'div(s, t)' s="$(total ip-script)" t="$(total tcctl-xdp)")
printf '   %-34s %8s s\n' "tc ingress: tcctl -b" "$(total tcctl-tc)" \
	"tc ingress: script of tc commands" "$(total tc-script)" \
	"tc ingress: tc -batch" "$(total tc-batch)" \
	"XDP generic: tcctl -b" "$(total tcctl-xdp)" \
	"XDP generic: script of ip commands" "$(total ip-script)"
echo "   tcctl -b is ${tc_ratio} x the tc script (${tcb_ratio} x tc -batch) and ${xdp_ratio} x the ip script (target >= 5)"
SUMMARY+=("attach+detach fw on $DEVS devices: tcctl -b ${tc_ratio} x a tc script (${tcb_ratio} x tc -batch), ${xdp_ratio} x an ip script at XDP (target >= 5)")
for line in "${SUMMARY[@]}"; do
	echo "  - $line"
	record "summary $line"
done
