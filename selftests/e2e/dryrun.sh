#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The dry run against the real thing: a pcap of mixed packets (TCP, UDP,
# ICMP, SCTP; IPv4 and IPv6; each tagged DRYRUNnnnn in its payload) is sent
# for real through fw attached on a veth, and what arrived must be exactly
# what tcctl replay says passes, packet by packet, at XDP and at tc ingress.
# The rules live in a table bound to the veth, so a dry run that did not
# see the device would judge by table 0's and fail. Nothing the replay does
# shows: no live counter moves, nothing is attached.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
PY=/usr/bin/python3 # Debian's, where python3-scapy is
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT

netns_new A dra && netns_new B drb && veth_pair "$A" "$B" || exit 1
"$T" pin fw || exit 1
# table 0 drops what the real rules let through: a run that misses dev v1 shows
"$T" fw rule add proto tcp drop
"$T" fw rule add proto udp drop
"$T" fw rule add table 1 proto tcp dport 22 drop
"$T" fw rule add table 1 src 10.12.0.0/16 proto udp drop
"$T" fw rule add table 1 family ip6 proto icmpv6 icmp-type echo-request drop
"$T" fw rule add table 1 proto tcp dport 80 pass
"$T" fw rule add table 1 proto udp dport 5000-5010 drop
"$T" fw proto sctp drop table 1
for hook in xdp ingress; do
	"$T" -n "$B" fw bind dev v1 "$hook" table 1
done

# the test's packets are all there is: no IPv6 chatter (router solicitations,
# MLD) moves the live counters while the replay must leave them be
in_ns "$A" sysctl -qw net.ipv6.conf.v0.disable_ipv6=1
in_ns "$B" sysctl -qw net.ipv6.conf.v1.disable_ipv6=1
mac() { ip -n "$1" -o link show dev "$2" | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/'; }
SMAC=$(mac "$A" v0)
DMAC=$(mac "$B" v1)
"$PY" - "$DIR/mix.pcap" "$SMAC" "$DMAC" <<'PYEOF' 2>/dev/null
import sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, ICMP, ICMPv6EchoRequest, ICMPv6EchoReply, Raw, wrpcap
from scapy.layers.sctp import SCTP
path, smac, dmac = sys.argv[1:4]
pkts = []
for i in range(1, 73):
    tag = Raw(b"DRYRUN%04d" % i)
    v6 = i % 3 == 0
    kind = (i // 3) % 8
    if v6:
        l3 = IPv6(src="fd00::1", dst="fd00::2", fl=i)
    else:
        l3 = IP(src="10.12.0.5" if i % 2 else "10.11.0.1", dst="10.11.0.2", id=i)
    l4 = [TCP(sport=1000 + i, dport=22), TCP(sport=1000 + i, dport=80),
          TCP(sport=1000 + i, dport=443, flags="SA"), UDP(sport=1000 + i, dport=53),
          UDP(sport=1000 + i, dport=5005), UDP(sport=1000 + i, dport=7000),
          ICMPv6EchoRequest() if v6 else ICMP(), ICMPv6EchoReply() if v6 else SCTP(dport=9)][kind]
    pkts.append(Ether(src=smac, dst=dmac) / l3 / l4 / tag)
wrpcap(path, pkts)
PYEOF
check "scapy wrote the pcap's 72 packets" expect_eq packets \
	"$(tcpdump -r "$DIR/mix.pcap" 2>/dev/null | wc -l)" 72

# the tags in a capture, sorted, one line
tags() {
	"$PY" - "$1" <<'PYEOF' 2>/dev/null
import re, sys
from scapy.all import rdpcap
seen = set()
for p in rdpcap(sys.argv[1]):
    m = re.search(rb"DRYRUN(\d{4})", bytes(p))
    if m:
        seen.add(int(m.group(1)))
print(" ".join(str(i) for i in sorted(seen)))
PYEOF
}

# what the replay passes: the index of each packet whose verdict lets it on
passed() {
	awk -v ok="$2" '$1 ~ /^[0-9]+$/ && $2 == ok { printf "%s%s", sep, $1; sep = " " } END { print "" }' "$1"
}

# what a user would look at to see that something changed
live_state() {
	"$T" -j fw counters
	"$T" -j fw rule list
	in_ns "$B" tc filter show dev v1 ingress
	in_ns "$B" ip -d link show dev v1 | sed 's/ state [A-Z]* / /'
	ls /sys/fs/bpf/tc/globals
}

# compare HOOK CAPTURE_DEV PASS_VERDICT: send the pcap for real, replay it, compare
compare() {
	local hook=$1 dev=$2 ok=$3 pid before
	rm -f "$DIR/cap.pcap" "$DIR/tcpdump.log"
	# not through in_ns: $! must be tcpdump's, which a background job's SIGINT would miss
	nsenter --net="/run/netns/$B" tcpdump -i "$dev" -U -w "$DIR/cap.pcap" 2>"$DIR/tcpdump.log" &
	pid=$!
	for _ in $(seq 50); do
		grep -q "listening on" "$DIR/tcpdump.log" 2>/dev/null && break
		sleep 0.1
	done
	in_ns "$A" "$PY" -c 'import sys
from scapy.all import rdpcap, sendp
sendp(rdpcap(sys.argv[1]), iface="v0", verbose=0)' "$DIR/mix.pcap" 2>/dev/null
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	before=$(live_state)
	"$T" -n "$B" replay fw "$hook" dev v1 verbose "$DIR/mix.pcap" >"$DIR/replay.txt"
	check "$hook: replay ran every packet" expect_eq lines "$(grep -c '^[0-9]' "$DIR/replay.txt")" 72
	check "$hook: what arrived is what the dry run passes, packet by packet" \
		expect_eq passed "$(tags "$DIR/cap.pcap")" "$(passed "$DIR/replay.txt" "$ok")"
	check "$hook: some were dropped, some passed" \
		test "$(passed "$DIR/replay.txt" "$ok" | wc -w)" -gt 10 -a \
		"$(passed "$DIR/replay.txt" "$ok" | wc -w)" -lt 62
	check "$hook: the replay moved no live counter and attached nothing" \
		expect_eq state "$(live_state)" "$before"
}

# XDP runs before AF_PACKET taps: tcpdump on v1 sees what fw passed
"$T" -n "$B" attach dev v1 xdp fw || exit 1
compare xdp v1 XDP_PASS
"$T" -n "$B" detach dev v1 xdp fw

# taps see a packet before tc ingress does: what fw passes goes on to a
# second filter that mirrors it to m0, where tcpdump sees it
in_ns "$B" ip link add name m0 type veth peer name m1
in_ns "$B" ip link set m0 up
in_ns "$B" ip link set m1 up
"$T" -n "$B" attach dev v1 ingress fw || exit 1
in_ns "$B" tc filter add dev v1 ingress prio 100 u32 match u32 0 0 \
	action mirred egress mirror dev m0
compare ingress m0 TC_ACT_UNSPEC
"$T" -n "$B" detach dev v1 ingress fw
in_ns "$B" tc filter del dev v1 ingress prio 100

check "nothing attached afterwards" expect_eq filters \
	"$(in_ns "$B" tc filter show dev v1 ingress; in_ns "$B" ip link show dev v1 | grep -c xdp)" "0"
check "no scratch directory left" test ! -e /sys/fs/bpf/tcctl/dryrun-*
exit "$ret"
