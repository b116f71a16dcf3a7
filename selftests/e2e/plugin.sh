#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tc exec tcctl: the plugin e_tcctl.so inside tc, alone, in a tc -batch
# runbook beside qdisc and filter lines, and under tc -n (which remounts /sys).
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A pla && netns_new B plb && veth_pair "$A" "$B" || exit 1
check "the plugin is built where TC_LIB_DIR points" test -e "$TC_LIB_DIR/e_tcctl.so"

batch=$(mktemp)
trap 'rm -f "$batch"; cleanup' EXIT
cat >"$batch" <<EOB
qdisc add dev v1 clsact
filter add dev v1 ingress prio 10 handle 1 bpf da obj $FW_O sec tc
exec tcctl fw proto icmp drop
exec tcctl fw bind dev v1 ingress table 0
EOB
in_ns "$B" tc -batch "$batch"
check "a tc -batch runbook with qdisc, filter and exec tcctl lines runs" test $? -eq 0
check "the runbook's exec tcctl drop stops pings" expect_eq pings "$(ping_count "$A" 10.11.0.2 6)" 0
check "tcctl shows the 6 drops counted by the filter tc loaded" \
	expect_eq "icmp drop" "$(fw_count icmp drop)" 6

# fw show, not counters: IPv6 housekeeping packets still arrive meanwhile
got=$(in_ns "$B" tc exec tcctl -j fw show)
check "tc exec tcctl -j prints what tcctl -j prints" expect_eq "fw show" "$got" \
	"$("$TCCTL" -n "$B" -j fw show)"
got=$(tc -n "$B" exec tcctl -j fw show)
check "tc -n NS exec tcctl sees the same pinned maps despite the /sys remount" \
	expect_eq "fw show" "$got" "$("$TCCTL" -n "$B" -j fw show)"
tc -n "$B" exec tcctl fw proto icmp pass
check "tc -n NS exec tcctl changes the live configuration" \
	expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 3

got=$(tc -n "$B" exec tcctl -j status dev v1 | python3 -c 'import json,sys
print([(t["prio"], t.get("object")) for t in json.load(sys.stdin)[0]["tc"]])')
check "tc -n NS exec tcctl status runs in NS" expect_eq filters "$got" "[(10, 'fw')]"

out=$(in_ns "$B" tc exec tcctl fw proto icmpx drop 2>&1)
rc=$?
check "a bad line through tc fails the tc command" test "$rc" -ne 0
check "... with tcctl's one-line error" expect_eq error "$out" \
	"tcctl: unknown protocol \"icmpx\": give a name (icmp, tcp, udp, icmpv6, ...), a number from 0 to 255, non-ip or malformed (see 'tcctl help')"

cat >"$batch" <<EOB
exec tcctl fw proto icmp drop
exec tcctl fw proto icmpx drop
exec tcctl fw proto udp drop
EOB
in_ns "$B" tc -batch "$batch" 2>/dev/null
check "tc -batch stops at a failing exec tcctl line" \
	bash -c "'$TCCTL' fw show table 0 | grep -qx 'table 0: drop icmp'"
"$TCCTL" fw proto icmp pass

# issue 5's commands, the same through tc: a chain, a position, a link, the
# pins, a map, help
"$TCCTL" pin stats
tc -n "$B" exec tcctl attach dev v1 xdpgeneric fw link
tc -n "$B" exec tcctl attach dev v1 xdpgeneric stats first
check "tc exec tcctl makes an XDP chain on a link, in the order asked" \
	expect_eq chain "$("$TCCTL" -n "$B" -j status dev v1 | jq -c '.[0].xdp[0] | [.link, [.chain[].object]]')" \
	'[true,["stats","fw"]]'
tc -n "$B" exec tcctl attach dev v1 ingress stats before fw
check "tc exec tcctl puts stats before fw on tc" \
	expect_eq order "$("$TCCTL" -n "$B" -j status dev v1 | jq -r '[.[0].tc[].object] | join(" ")')" "stats fw"
check "tc exec tcctl -j pins is tcctl -j pins" expect_eq pins \
	"$(tc -n "$B" exec tcctl -j pins)" "$("$TCCTL" -j pins)"
check "tc exec tcctl -j map dump is tcctl's" expect_eq dump \
	"$(tc exec tcctl -j map dump fw_verdicts)" "$("$TCCTL" -j map dump fw_verdicts)"
check "tc exec tcctl attach help prints attach's block" \
	bash -c "tc exec tcctl attach help | grep -q '^  tcctl attach dev DEV HOOK OBJECT'"
tc -n "$B" exec tcctl detach dev v1 xdp
tc -n "$B" exec tcctl detach dev v1 ingress stats
check "tc exec tcctl detaches the chain, its link and stats' filter" expect_eq left \
	"$("$TCCTL" -n "$B" -j status dev v1 | jq -c '.[0] | [(.xdp | length), [.tc[].object]]')" '[0,["fw"]]'
exit "$ret"
