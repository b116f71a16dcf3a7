#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fw loaded by plain tc, configured by tcctl, read by tcctl and bpftool:
# real pings, TCP and UDP between two namespaces over a veth pair.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A fwa && netns_new B fwb && veth_pair "$A" "$B" || exit 1

in_ns "$B" tc qdisc add dev v1 clsact &&
	in_ns "$B" tc filter add dev v1 ingress prio 10 handle 1 bpf da obj "$FW_O" sec tc
check "tc loads fw.o sec tc on ingress and pins its maps" test -e "$PIN_DIR/fw_verdicts"

expect_eq "pings before drop" "$(ping_count "$A" 10.11.0.2 5)" 5
check "pings pass while icmp is not dropped" test $? -eq 0

"$TCCTL" -n "$B" fw proto icmp drop
got=$(ping_count "$A" 10.11.0.2 10)
check "tcctl fw proto icmp drop stops pings" expect_eq "pings answered" "$got" 0
check "counters show exactly the 10 dropped pings" \
	expect_eq "icmp drop" "$(fw_count icmp drop)" 10
bytes=$("$TCCTL" -j fw counters | python3 -c 'import json,sys
print(sum(r["bytes"] for r in json.load(sys.stdin) if r["proto"]=="icmp" and r["verdict"]=="drop"))')
check "dropped bytes are 10 frames of 98 bytes" expect_eq "icmp drop bytes" "$bytes" 980

# TCP and UDP are other protocols: untouched by an ICMP drop
in_ns "$B" socat -T 5 TCP-LISTEN:7001,reuseaddr SYSTEM:'echo tcp-ok' &
in_ns "$B" socat -T 5 UDP-RECVFROM:7002 SYSTEM:'echo udp-ok' &
wait_listen "$B" tcp 7001
wait_listen "$B" udp 7002
got=$(in_ns "$A" socat -T 2 - TCP:10.11.0.2:7001 </dev/null)
check "TCP still flows while ICMP is dropped" expect_eq "tcp reply" "$got" tcp-ok
got=$(echo hi | in_ns "$A" socat -T 2 - UDP:10.11.0.2:7002)
check "UDP still flows while ICMP is dropped" expect_eq "udp reply" "$got" udp-ok
check "TCP packets counted as passed" test "$(fw_count tcp pass)" -ge 3
check "UDP packets counted as passed" test "$(fw_count udp pass)" -ge 1

in_ns "$A" ping -q -6 -c 3 -i 0.1 -W 1 fd00::2 >/dev/null
"$TCCTL" -n "$B" fw proto icmpv6 drop
before=$(fw_count icmpv6 drop)
got=$(in_ns "$A" ping -q -6 -n -c 4 -i 0.1 -W 1 fd00::2 2>/dev/null | sed -n 's/.* \([0-9]*\) received.*/\1/p')
check "icmpv6 drop stops IPv6 pings" expect_eq "ping6 answered" "$got" 0
check "IPv6 pings counted under icmpv6 drop" test "$(fw_count icmpv6 drop)" -ge $((before + 4))

"$TCCTL" -n "$B" fw proto icmp pass
check "switching icmp back to pass lets pings through" \
	expect_eq "pings answered" "$(ping_count "$A" 10.11.0.2 3)" 3

got=$(bpftool -j map lookup pinned "$PIN_DIR/fw_verdicts" key 58 0 0 0 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["formatted"]["value"])')
check "bpftool reads the icmpv6 verdict as a BTF-formatted value" expect_eq "verdict" "$got" 1

in_ns "$B" tc filter del dev v1 ingress prio 10 handle 1 bpf
in_ns "$B" tc qdisc del dev v1 clsact
check "tc removes the filter and the qdisc" \
	expect_eq "qdisc" "$("$TCCTL" -n "$B" qdisc show dev v1)" "v1: no clsact qdisc"
exit "$ret"
