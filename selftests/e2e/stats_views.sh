#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# stats ports, flows and show percpu over a veth pair, stats at B's generic
# XDP and tc egress: 300 UDP datagrams (and 5 over IPv6) to an echo server's
# port 5353 from port 40000, 400 connections from port 41000 to a closed
# port 8080 (a SYN and a RST each) and 10 pings are counted exactly, per service port and
# per flow in both directions; top N and both sort orders; per-CPU columns
# add up to the totals; reset empties the three maps.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
UDP=300
UDP6=5
SYN=400
PINGS=10
UDP_BYTES=$((14 + 20 + 8 + 100))  # 142
UDP6_BYTES=$((14 + 40 + 8 + 100)) # 162
SYN_BYTES=$((14 + 20 + 40))	  # Linux's SYN: MSS, SACK, timestamps, window scale
RST_BYTES=$((14 + 20 + 20))
ICMP_BYTES=$((14 + 20 + 8 + 56))  # 98

netns_new A sva && netns_new B svb && veth_pair "$A" "$B" || exit 1
"$T" -n "$B" attach dev v1 xdpgeneric stats && "$T" -n "$B" attach dev v1 egress stats || exit 1

# an echo server on B's port 5353, IPv4 and IPv6, for the datagrams to come
# (in a subshell: not a job of this shell, which would report its end)
(in_ns "$B" timeout 60 python3 -c 'import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 5353))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)' 2>/dev/null &)
wait_listen "$B" udp 5353 || exit 1

# udp_send ADDR FAMILY COUNT: COUNT datagrams of 100 bytes from port 40000, each echoed
udp_send() {
	in_ns "$A" python3 -c 'import socket, sys
fam = socket.AF_INET6 if sys.argv[2] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 40000))
s.settimeout(2)
got = 0
for _ in range(int(sys.argv[3])):
    s.sendto(b"x" * 100, (sys.argv[1], 5353))
    s.recv(2048)
    got += 1
print(got)' "$@"
}

check "$UDP datagrams echoed" expect_eq echoed "$(udp_send 10.11.0.2 4 "$UDP")" "$UDP"
check "$UDP6 IPv6 datagrams echoed" expect_eq echoed "$(udp_send fd00::2 6 "$UDP6")" "$UDP6"
refused=$(in_ns "$A" python3 -c 'import socket, sys
n = 0
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.11.0.1", 41000))
    try:
        s.connect(("10.11.0.2", 8080))
    except ConnectionRefusedError:
        n += 1
    s.close()
print(n)' "$SYN")
check "$SYN connections from port 41000 refused: one SYN and one RST each" expect_eq refused "$refused" "$SYN"
check "$PINGS pings answered" expect_eq pings "$(ping_count "$A" 10.11.0.2 "$PINGS")" "$PINGS"

# port NS HOOK PROTO PORT: "packets bytes" of one stats ports row
port() {
	"$T" -n "$B" -j stats ports hook "$1" proto "$2" |
		jq -r --argjson p "$3" '.[] | select(.port == $p) | "\(.packets) \(.bytes)"'
}

# flow HOOK PROTO SRC DST [SPORT DPORT]: "packets bytes" of one flow
flow() {
	"$T" -n "$B" -j stats flows hook "$1" top 1000 |
		jq -r --arg p "$2" --arg s "$3" --arg d "$4" --argjson sp "${5:-null}" --argjson dp "${6:-null}" \
			'.[] | select(.proto == $p and .src == $s and .dst == $d and .sport == $sp and .dport == $dp) |
			"\(.packets) \(.bytes)"'
}

# the RSTs may still be on their way when the pings are answered: wait for all
for _ in $(seq 20); do
	[ "$(port egress tcp 8080)" = "$SYN $((SYN * RST_BYTES))" ] && break
	sleep 0.1
done

# --- ports ------------------------------------------------------------------------
check "ports xdp udp 5353: every datagram in, IPv4 and IPv6" expect_eq row "$(port xdp udp 5353)" \
	"$((UDP + UDP6)) $((UDP * UDP_BYTES + UDP6 * UDP6_BYTES))"
check "ports egress udp 5353: every echo out" expect_eq row "$(port egress udp 5353)" \
	"$((UDP + UDP6)) $((UDP * UDP_BYTES + UDP6 * UDP6_BYTES))"
check "ports xdp tcp 8080: the service port is the lower, not 41000" \
	expect_eq row "$(port xdp tcp 8080)" "$SYN $((SYN * SYN_BYTES))"
check "ports egress tcp 8080: every RST" expect_eq row "$(port egress tcp 8080)" \
	"$SYN $((SYN * RST_BYTES))"
check "ports: no row for a client port" \
	expect_eq rows "$("$T" -n "$B" -j stats ports | jq '[.[] | select(.port >= 40000)] | length')" 0
check "ports proto udp: udp rows only" \
	expect_eq protos "$("$T" -n "$B" -j stats ports proto udp | jq -c '[.[].proto] | unique')" '["udp"]'
check "ports: sorted by bytes, biggest first" \
	expect_eq order "$("$T" -n "$B" -j stats ports | jq -c '[.[] | "\(.hook) \(.proto) \(.port)"]')" \
	'["xdp udp 5353","egress udp 5353","xdp tcp 8080","egress tcp 8080"]'
check "ports top 1: the first row only" \
	expect_eq rows "$("$T" -n "$B" -j stats ports top 1 | jq -c '[.[] | "\(.hook) \(.port)"]')" '["xdp 5353"]'
line=$("$T" -n "$B" stats ports hook egress proto tcp | awk 'NR == 2 { $1 = $1; print }')
check "ports text: dev hook proto port packets bytes" \
	expect_eq line "$line" "v1 egress tcp 8080 $SYN $((SYN * RST_BYTES))"

# --- flows ------------------------------------------------------------------------
check "flow in: 10.11.0.1:40000 -> 10.11.0.2:5353" \
	expect_eq flow "$(flow xdp udp 10.11.0.1 10.11.0.2 40000 5353)" "$UDP $((UDP * UDP_BYTES))"
check "flow out: 10.11.0.2:5353 -> 10.11.0.1:40000" \
	expect_eq flow "$(flow egress udp 10.11.0.2 10.11.0.1 5353 40000)" "$UDP $((UDP * UDP_BYTES))"
check "flow in over IPv6: fd00::1:40000 -> fd00::2:5353" \
	expect_eq flow "$(flow xdp udp fd00::1 fd00::2 40000 5353)" "$UDP6 $((UDP6 * UDP6_BYTES))"
check "flow in: the SYNs" \
	expect_eq flow "$(flow xdp tcp 10.11.0.1 10.11.0.2 41000 8080)" "$SYN $((SYN * SYN_BYTES))"
check "flow out: the RSTs" \
	expect_eq flow "$(flow egress tcp 10.11.0.2 10.11.0.1 8080 41000)" "$SYN $((SYN * RST_BYTES))"
check "flow in: the pings, without ports" \
	expect_eq flow "$(flow xdp icmp 10.11.0.1 10.11.0.2)" "$PINGS $((PINGS * ICMP_BYTES))"
check "flow out: the replies" \
	expect_eq flow "$(flow egress icmp 10.11.0.2 10.11.0.1)" "$PINGS $((PINGS * ICMP_BYTES))"
check "flows: IPv4 addresses plain, not ::ffff:" \
	expect_eq mapped "$("$T" -n "$B" -j stats flows top 1000 | jq '[.[] | select(.src | startswith("::ffff:"))] | length')" 0
check "flows: 20 rows at most by default" \
	test "$("$T" -n "$B" -j stats flows | jq length)" -le 20
top_bytes=$("$T" -n "$B" -j stats flows top 3 | jq -c '[.[] | "\(.hook) \(.proto)"]')
check "flows top 3: by bytes, the udp flows first, then the SYNs" \
	expect_eq order "$top_bytes" '["xdp udp","egress udp","xdp tcp"]'
top_packets=$("$T" -n "$B" -j stats flows top 3 sort packets | jq -c '[.[] | "\(.hook) \(.proto)"]')
check "flows top 3 sort packets: the SYNs and RSTs first" \
	expect_eq order "$top_packets" '["xdp tcp","egress tcp","xdp udp"]'
sleep 1
ages=$("$T" -n "$B" -j stats flows hook xdp | jq -r '.[] | select(.proto == "udp" and .family == "ip") |
	"\(.age_ms >= .idle_ms) \(.idle_ms >= 900 and .idle_ms < 10000) \(.first_ns <= .last_ns)"')
check "flows: age >= idle, idle about the second slept (CLOCK_MONOTONIC)" expect_eq ages "$ages" "true true true"
line=$("$T" -n "$B" stats flows hook egress | awk '$3 == "udp" && $4 ~ /^10/ { print $1, $2, $3, $4, $5, $6, $7, $8 }')
check "flows text: dev hook proto src -> dst packets bytes" \
	expect_eq line "$line" "v1 egress udp 10.11.0.2:5353 -> 10.11.0.1:40000 $UDP $((UDP * UDP_BYTES))"
line=$("$T" -n "$B" stats flows hook xdp | awk '$3 == "udp" && $4 ~ /^\[/ { print $4, $5, $6 }')
check "flows text: IPv6 as [addr]:port" expect_eq line "$line" "[fd00::1]:40000 -> [fd00::2]:5353"

# --- show percpu ---------------------------------------------------------------------
ncpus=$(($(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1))
check "show percpu: one cpus entry per possible CPU in every row" \
	expect_eq counts "$("$T" -n "$B" -j stats show percpu | jq -c '[.[] | .cpus | length] | unique')" "[$ncpus]"
check "show percpu: the CPUs add up to each row's packets and bytes" \
	expect_eq wrong "$("$T" -n "$B" -j stats show percpu |
		jq '[.[] | select(([.cpus[].packets] | add) != .packets or ([.cpus[].bytes] | add) != .bytes)] | length')" 0
check "show without percpu: no cpus" \
	expect_eq rows "$("$T" -n "$B" -j stats show | jq '[.[] | select(has("cpus"))] | length')" 0
hdr=$("$T" -n "$B" stats show percpu | head -n 1 | awk '{ print $(NF) }')
check "show percpu text: a column per CPU" expect_eq last "$hdr" "cpu$((ncpus - 1))"
line=$("$T" -n "$B" stats show percpu hook xdp | awk '$4 == "tcp" { s = 0; for (i = 7; i <= NF; i++) s += $i; print $5, s }')
check "show percpu text: the columns add up to the packets" expect_eq line "$line" "$SYN $SYN"

# --- reset -----------------------------------------------------------------------------
"$T" -n "$B" stats reset dev lo
check "reset dev lo leaves v1's ports and flows" \
	expect_eq rows "$("$T" -n "$B" -j stats ports | jq length)/$("$T" -n "$B" -j stats flows | jq 'length > 0')" "4/true"
"$T" -n "$B" detach dev v1 xdp stats && "$T" -n "$B" detach dev v1 egress stats
"$T" -n "$B" stats reset
check "reset: show, ports and flows are empty" \
	expect_eq rows "$("$T" -n "$B" -j stats show)$("$T" -n "$B" -j stats ports)$("$T" -n "$B" -j stats flows)" "[][][]"
check "reset: no key left in stats_ports or stats_flows" \
	expect_eq keys "$(bpftool -j map dump pinned "$PIN_DIR/stats_ports" | jq length)/$(bpftool -j map dump pinned "$PIN_DIR/stats_flows" | jq length)" "0/0"
exit "$ret"
