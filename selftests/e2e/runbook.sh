#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The runbooks as an admin runs them: drop a protocol, run it again, tear
# down, tear down again; and nothing left behind.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A rba && netns_new B rbb && veth_pair "$A" "$B" || exit 1
RB=$TOP/scripts

for hook in ingress xdpgeneric; do
	"$RB/fw-drop-proto" -n "$B" v1 icmp "$hook" >/dev/null
	check "fw-drop-proto v1 icmp $hook drops pings" \
		expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 0
	state=$(snapshot "$B")
	"$RB/fw-drop-proto" -n "$B" v1 icmp "$hook" >/dev/null
	check "fw-drop-proto run twice changes nothing" expect_eq state "$(snapshot "$B")" "$state"
	"$RB/fw-teardown" -n "$B" v1 >/dev/null
	"$RB/fw-teardown" -n "$B" v1 >/dev/null
	check "fw-teardown, twice, removes what it added" \
		expect_eq status "$("$TCCTL" -n "$B" -j status dev v1)" \
		'[{"dev":"v1","ifindex":2,"xdp":[],"tc":[],"tcx":[],"qdisc":null}]'
done
"$TCCTL" fw proto icmp pass
check "after teardown pings flow" expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 2

out=$("$RB/fw-drop-proto" -n "$B" v1 icmpx 2>&1)
check "a bad protocol stops the runbook with tcctl's error" test $? -ne 0
check "... before it attached anything" \
	expect_eq status "$("$TCCTL" -n "$B" -j status dev v1)" \
	'[{"dev":"v1","ifindex":2,"xdp":[],"tc":[],"tcx":[],"qdisc":null}]'

in_ns "$B" tc qdisc add dev v1 clsact
in_ns "$B" tc filter add dev v1 ingress prio 5 handle 1 bpf da obj "$FOREIGN_O" sec tc
"$RB/fw-drop-proto" -n "$B" v1 udp ingress >/dev/null
"$RB/fw-teardown" -n "$B" --purge v1 >/dev/null
check "fw-teardown keeps clsact and the filters of others" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "5 0x1 foreign.o:[tc]"
check "fw-teardown --purge removes fw's pins" bash -c "! ls $PIN_DIR/fw_* 2>/dev/null"

for ns in "$A" "$B"; do ip netns del "$ns"; done
NETNS_CREATED=()
check "nothing left: no namespaces" expect_eq netns "$(ip netns list)" ""
exit "$ret"
