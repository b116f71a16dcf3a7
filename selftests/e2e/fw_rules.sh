#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fw's rules with real traffic between two namespaces, fw on both ends, at
# XDP (generic) and on tc ingress: a default-drop policy that keeps ARP and
# IPv6 neighbour discovery working, per-rule counters that equal the traffic
# sent, and on tc egress, a "dir out" rule that drops outgoing traffic only.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A fra && netns_new B frb && veth_pair "$A" "$B" || exit 1
"$TCCTL" pin fw

# pings from NS to ADDR that got answers, of COUNT (IPv6 when ADDR is)
pings() {
	in_ns "$1" ping -q -n -c "$3" -i 0.05 -W 1 "$2" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# the neighbour entry for ADDR in NS on DEV is resolved: it has a link
# address, and it is not FAILED or INCOMPLETE
# shellcheck disable=SC2317 # called through check
resolved() {
	local entry
	entry=$(ip -n "$1" neigh show "$3" dev "$2")
	if [[ $entry != *lladdr* ]] || [[ $entry == *FAILED* ]] || [[ $entry == *INCOMPLETE* ]]; then
		fail_msg "neighbour $3 on $2: '$entry'"
	fi
}

flush_neigh() {
	ip -n "$A" neigh flush dev v0
	ip -n "$B" neigh flush dev v1
}

# the counters of the rule of TABLE (default 0) whose text is RULE: "PACKETS BYTES"
rule_counters() {
	"$TCCTL" -j fw rule list table "${2:-0}" | python3 -c 'import json,sys
for t in json.load(sys.stdin):
	for r in t["rules"]:
		if r["rule"]==sys.argv[1]:
			print(r["packets"],r["bytes"])' "$1"
}

# COUNT UDP datagrams with LEN bytes of payload from A to B's PORT
udp_to_b() {
	in_ns "$A" python3 -c 'import socket,sys
k=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
for _ in range(int(sys.argv[1])):
	k.sendto(b"u"*int(sys.argv[2]),("10.11.0.2",int(sys.argv[3])))' "$@"
}

# B's UDP datagrams for no socket
udp_noports() {
	in_ns "$B" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }'
}

for hook in xdpgeneric ingress; do
	"$TCCTL" -n "$A" attach dev v0 "$hook" fw
	"$TCCTL" -n "$B" attach dev v1 "$hook" fw

	# --- default drop ---------------------------------------------------
	"$TCCTL" fw policy drop
	flush_neigh
	check "$hook: policy drop with no rules: IPv4 pings fail" expect_eq pings "$(pings "$A" 10.11.0.2 3)" 0
	check "$hook: ... but ARP works: A resolved B's address" resolved "$A" v0 10.11.0.2
	check "$hook: ... and B resolved A's" resolved "$B" v1 10.11.0.1
	check "$hook: policy drop with no rules: IPv6 pings fail" expect_eq pings "$(pings "$A" fd00::2 3)" 0
	check "$hook: ... but neighbour discovery works: A resolved fd00::2" resolved "$A" v0 fd00::2
	"$TCCTL" fw rule add proto icmpv6 icmp-type echo-request pass
	"$TCCTL" fw rule add proto icmpv6 icmp-type echo-reply pass
	flush_neigh
	check "$hook: with echo-request and echo-reply passed, ping -6 works (it needs ND)" \
		expect_eq pings "$(pings "$A" fd00::2 3)" 3
	check "$hook: ... the echo-request rule counts 3 requests of 118 bytes (at B)" \
		expect_eq counters "$(rule_counters "proto icmpv6 icmp-type echo-request pass")" "3 354"
	check "$hook: ... the echo-reply rule 3 replies (at A)" \
		expect_eq counters "$(rule_counters "proto icmpv6 icmp-type echo-reply pass")" "3 354"
	check "$hook: ... IPv4 pings still fail" expect_eq pings "$(pings "$A" 10.11.0.2 2)" 0
	"$TCCTL" fw rule add at 1 proto icmpv6 icmp-type neighbour-solicit drop
	flush_neigh
	check "$hook: a rule that drops neighbour solicitations applies: ping -6 fails" \
		expect_eq pings "$(pings "$A" fd00::2 2)" 0
	check "$hook: ... fd00::2 stays unresolved" bash -c "! ip -n '$A' neigh show fd00::2 dev v0 | grep -q lladdr"
	"$TCCTL" fw rule flush
	"$TCCTL" fw policy pass
	check "$hook: policy pass again: pings work" expect_eq pings "$(pings "$A" 10.11.0.2 2)" 2

	# --- per-rule counters ----------------------------------------------
	"$TCCTL" fw rule add src 10.11.0.1 proto icmp icmp-type echo-request count
	"$TCCTL" fw rule add src 10.11.0.2 proto icmp icmp-type echo-reply count
	"$TCCTL" fw rule add src 10.11.0.1 proto udp dport 7000 drop
	"$TCCTL" fw rule add proto tcp drop
	check "$hook: 7 pings pass count rules" expect_eq pings "$(pings "$A" 10.11.0.2 7)" 7
	check "$hook: the echo-request count rule: 7 packets, 7 x 98 bytes" \
		expect_eq counters "$(rule_counters "src 10.11.0.1 proto icmp icmp-type echo-request count")" "7 686"
	check "$hook: the echo-reply count rule (at A): 7 packets, 7 x 98 bytes" \
		expect_eq counters "$(rule_counters "src 10.11.0.2 proto icmp icmp-type echo-reply count")" "7 686"
	before=$(udp_noports)
	udp_to_b 5 100 7000
	udp_to_b 3 100 7001
	sleep 0.2
	check "$hook: the UDP drop rule: 5 packets, 5 x 142 bytes" \
		expect_eq counters "$(rule_counters "src 10.11.0.1 proto udp dport 7000 drop")" "5 710"
	check "$hook: ... B got only the 3 datagrams to port 7001" expect_eq datagrams "$(($(udp_noports) - before))" 3
	check "$hook: the rule nothing matched counts nothing" \
		expect_eq counters "$(rule_counters "proto tcp drop")" "0 0"
	"$TCCTL" fw rule flush

	"$TCCTL" -n "$A" detach dev v0 "$hook" fw
	"$TCCTL" -n "$B" detach dev v1 "$hook" fw
done

# --- tc egress: dir out ---------------------------------------------------
# B's v1 carries table 1 both ways; the rule drops echo requests going out
"$TCCTL" -n "$B" fw bind dev v1 ingress table 1
"$TCCTL" -n "$B" fw bind dev v1 egress table 1
"$TCCTL" -n "$B" attach dev v1 ingress fw
"$TCCTL" -n "$B" attach dev v1 egress fw
"$TCCTL" fw rule add table 1 dir out proto icmp icmp-type echo-request drop
"$TCCTL" fw rule add table 1 dir out proto udp dport 7002 drop
check "egress: B's pings out fail" expect_eq pings "$(pings "$B" 10.11.0.1 3)" 0
# ping sends again when a send fails (a drop on egress is ENOBUFS to it), so
# the rule counts each attempt: at least the 3
out=$(rule_counters "dir out proto icmp icmp-type echo-request drop" 1)
check "egress: the dir out rule counted B's requests" test "${out% *}" -ge 3
check "egress: A's pings in (requests in, replies out) pass" expect_eq pings "$(pings "$A" 10.11.0.2 4)" 4
check "egress: ... and its requests coming in were not counted" \
	expect_eq counters "$(rule_counters "dir out proto icmp icmp-type echo-request drop" 1)" "$out"
before=$(udp_noports)
udp_to_b 4 10 7002
sleep 0.2
check "egress: UDP to B's port 7002 comes in: dir out is not dir in" \
	expect_eq datagrams "$(($(udp_noports) - before))" 4
before=$(in_ns "$A" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }')
in_ns "$B" python3 -c 'import socket
k=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
for _ in range(4):
	k.sendto(b"x",("10.11.0.1",7002))'
sleep 0.2
after=$(in_ns "$A" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }')
check "egress: UDP from B to port 7002 goes nowhere" expect_eq datagrams "$((after - before))" 0
check "egress: ... counted by its rule: 4 packets of 14 + 20 + 8 + 1 bytes" \
	expect_eq counters "$(rule_counters "dir out proto udp dport 7002 drop" 1)" "4 172"
"$TCCTL" fw rule flush table 1
check "egress: with the rules gone B's pings pass" expect_eq pings "$(pings "$B" 10.11.0.1 2)" 2
exit "$ret"
