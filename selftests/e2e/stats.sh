#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# stats over a veth pair: tcctl attaches it at tc ingress and at generic XDP,
# real pings and UDP datagrams are counted exactly (packets and frame bytes),
# reset and detach; then beside fw on one hook, ordered by tc prio: after
# fw's ICMP drop stats sees no ICMP, before it (prio 5) every ping.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

N=7
UDP_PAYLOAD=100
ICMP_BYTES=98				 # 14 Ethernet + 20 IPv4 + 8 ICMP + 56 (ping's default)
UDP_BYTES=$((14 + 20 + 8 + UDP_PAYLOAD)) # 142

# stats_get NS DEV HOOK PROTO FIELD: packets or bytes of one row (family ip), 0 when absent
stats_get() {
	"$TCCTL" -n "$1" -j stats show dev "$2" hook "$3" |
		jq --arg p "$4" --arg f "$5" \
			'[.[] | select(.proto == $p and .family == "ip") | .[$f]] | add // 0'
}

# wait_count NS DEV HOOK PROTO WANT: until the row holds WANT packets (2 s at most)
wait_count() {
	for _ in $(seq 20); do
		[ "$(stats_get "$1" "$2" "$3" "$4" packets)" -ge "$5" ] && return 0
		sleep 0.1
	done
}

# udp_send NS ADDR COUNT: COUNT datagrams of UDP_PAYLOAD bytes to ADDR port 7009
udp_send() {
	in_ns "$1" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"x" * int(sys.argv[3]), (sys.argv[1], 7009))' "$2" "$3" "$UDP_PAYLOAD"
}

# traffic A -> B: N pings (all answered or none, as want says) and N datagrams
traffic() {
	local want_answered=$1 rc
	expect_eq "pings answered" "$(ping_count "$A" 10.11.0.2 "$N")" "$want_answered"
	rc=$?
	udp_send "$A" 10.11.0.2 "$N" && return "$rc"
}

netns_new A sta && netns_new B stb && veth_pair "$A" "$B" || exit 1

expect_error "stats show before any load: exit 1, load the object first" 1 \
	"tcctl: $PIN_DIR/stats_proto does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)" \
	"$B" "$TCCTL" -n "$B" stats show
expect_error "stats reset before any load: the same error" 1 \
	"tcctl: $PIN_DIR/stats_proto does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)" \
	"$B" "$TCCTL" -n "$B" stats reset

# --- tc ingress ---------------------------------------------------------------
"$TCCTL" -n "$B" attach dev v1 ingress stats
check "attach dev v1 ingress stats: one filter at prio 20 handle 1" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "20 0x1 stats.o:[tc]"
check "$N pings all answered, $N datagrams sent" traffic "$N"
wait_count "$B" v1 ingress udp "$N"
check "ingress: exactly $N icmp packets" \
	expect_eq icmp "$(stats_get "$B" v1 ingress icmp packets)" "$N"
check "ingress: icmp bytes are $N frames of $ICMP_BYTES" \
	expect_eq bytes "$(stats_get "$B" v1 ingress icmp bytes)" $((N * ICMP_BYTES))
check "ingress: exactly $N udp packets" \
	expect_eq udp "$(stats_get "$B" v1 ingress udp packets)" "$N"
check "ingress: udp bytes are $N frames of $UDP_BYTES" \
	expect_eq bytes "$(stats_get "$B" v1 ingress udp bytes)" $((N * UDP_BYTES))
rows=$("$TCCTL" -n "$B" -j stats show dev v1 |
	jq -c '[.[] | select(.dev != "v1" or .hook != "ingress" or .ifindex == null)] | length')
check "show dev v1: only v1's ingress rows, no overflow" expect_eq "other rows" "$rows" 0
line=$("$TCCTL" -n "$B" stats show dev v1 | awk '$4 == "icmp" { $1 = $1; print }')
check "text: one line per device, hook, family, protocol" \
	expect_eq line "$line" "v1 ingress ip icmp $N $((N * ICMP_BYTES))"
check "show without filters has the same icmp row" \
	expect_eq rows "$("$TCCTL" -n "$B" -j stats show | jq -c '[.[] | select(.proto == "icmp")]')" \
	"[{\"dev\":\"v1\",\"ifindex\":$(ip -n "$B" -j link show v1 | jq '.[0].ifindex'),\"hook\":\"ingress\",\"family\":\"ip\",\"proto\":\"icmp\",\"slot\":1,\"packets\":$N,\"bytes\":$((N * ICMP_BYTES))}]"
check "show hook xdp: no rows" expect_eq rows "$("$TCCTL" -n "$B" -j stats show hook xdp)" "[]"

"$TCCTL" -n "$B" stats reset dev v1
check "reset dev v1 empties v1's rows" expect_eq rows "$("$TCCTL" -n "$B" -j stats show dev v1)" "[]"
"$TCCTL" -n "$B" detach dev v1 ingress stats
check "detach removes the filter" expect_eq filters "$(tc_filters "$B" v1 ingress)" ""
traffic "$N" >/dev/null
check "after detach nothing is counted" \
	expect_eq rows "$("$TCCTL" -n "$B" -j stats show dev v1)" "[]"

# --- XDP, generic ----------------------------------------------------------------
"$TCCTL" -n "$B" attach dev v1 xdpgeneric stats
check "attach dev v1 xdpgeneric stats" \
	expect_eq prog "$("$TCCTL" -n "$B" -j status dev v1 | jq -r '.[0].xdp[0] | "\(.mode) \(.object)"')" \
	"generic stats"
check "$N pings all answered through XDP, $N datagrams" traffic "$N"
wait_count "$B" v1 xdp udp "$N"
check "xdp: exactly $N icmp packets of $ICMP_BYTES bytes" \
	expect_eq icmp "$(stats_get "$B" v1 xdp icmp packets)/$(stats_get "$B" v1 xdp icmp bytes)" \
	"$N/$((N * ICMP_BYTES))"
check "xdp: exactly $N udp packets of $UDP_BYTES bytes" \
	expect_eq udp "$(stats_get "$B" v1 xdp udp packets)/$(stats_get "$B" v1 xdp udp bytes)" \
	"$N/$((N * UDP_BYTES))"
# the overflow count, written as the program would when stats_proto is full:
# bpftool sets a per-CPU value on every possible CPU
possible=$(cat /sys/devices/system/cpu/possible)
ncpus=$((${possible##*-} + 1))
bpftool map update pinned "$PIN_DIR/stats_overflow" key 0 0 0 0 \
	value 1 0 0 0 0 0 0 0 64 0 0 0 0 0 0 0
check "overflow: one JSON row with proto, packets and bytes only" \
	expect_eq overflow "$("$TCCTL" -n "$B" -j stats show dev v1 | jq -c '.[] | select(.proto == "overflow")')" \
	"{\"proto\":\"overflow\",\"packets\":$ncpus,\"bytes\":$((64 * ncpus))}"
check "overflow: the text's last line" \
	expect_eq line "$("$TCCTL" -n "$B" stats show hook ingress | tail -n 1 | xargs)" \
	"overflow (stats_proto was full) $ncpus $((64 * ncpus))"
"$TCCTL" -n "$B" stats reset dev v1
check "reset dev v1 keeps the overflow count, which is no device's" \
	expect_eq rows "$("$TCCTL" -n "$B" -j stats show | jq -c 'map(.proto)')" '["overflow"]'
"$TCCTL" -n "$B" stats reset
check "reset (all devices) empties every row, overflow too" expect_eq rows "$("$TCCTL" -n "$B" -j stats show)" "[]"
"$TCCTL" -n "$B" detach dev v1 xdp stats
check "detach xdp removes the program" \
	expect_eq xdp "$("$TCCTL" -n "$B" -j status dev v1 | jq -c '.[0].xdp')" "[]"

# --- beside fw, by tc prio -----------------------------------------------------
"$TCCTL" -n "$B" attach dev v1 ingress fw
"$TCCTL" fw proto icmp drop
"$TCCTL" -n "$B" attach dev v1 ingress stats
check "fw at prio 10, stats at prio 20" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | tr '\n' ' ')" "10 0x1 fw.o:[tc] 20 0x1 stats.o:[tc] "
check "fw drops the pings; the datagrams are sent" traffic 0
wait_count "$B" v1 ingress udp "$N"
check "stats after fw sees no icmp" expect_eq icmp "$(stats_get "$B" v1 ingress icmp packets)" 0
check "... and every udp datagram fw passed" \
	expect_eq udp "$(stats_get "$B" v1 ingress udp packets)" "$N"

"$TCCTL" -n "$B" detach dev v1 ingress stats
"$TCCTL" -n "$B" stats reset && "$TCCTL" fw reset
"$TCCTL" -n "$B" attach dev v1 ingress stats prio 5
check "stats at prio 5, fw at prio 10" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | tr '\n' ' ')" "5 0x1 stats.o:[tc] 10 0x1 fw.o:[tc] "
check "fw still drops the pings" traffic 0
wait_count "$B" v1 ingress icmp "$N"
check "stats before fw sees every ping" expect_eq icmp "$(stats_get "$B" v1 ingress icmp packets)" "$N"
check "fw dropped what stats counted" test "$(fw_count icmp drop)" -eq "$N"

# --- usage errors ------------------------------------------------------------------
expect_error "stats show hook bogus: usage error, exit 2" 2 \
	"tcctl: expected a hook (xdp, ingress, egress), not bogus (see 'tcctl help')" \
	"$B" "$TCCTL" -n "$B" stats show hook bogus
expect_error "stats reset dev nope: exit 1" 1 "tcctl: device \"nope\" does not exist" \
	"$B" "$TCCTL" -n "$B" stats reset dev nope
expect_error "stats reset hook xdp: reset takes no hook" 2 \
	"tcctl: unexpected argument \"hook\" (see 'tcctl help')" \
	"$B" "$TCCTL" -n "$B" stats reset hook xdp
expect_error "stats frob: usage error" 2 \
	"tcctl: stats: expected show, ports, flows, reset or prometheus, not frob (see 'tcctl help')" \
	"$B" "$TCCTL" -n "$B" stats frob

"$TCCTL" -n "$B" detach dev v1 ingress
check "detach dev v1 ingress removes both" expect_eq filters "$(tc_filters "$B" v1 ingress)" ""
exit "$ret"
