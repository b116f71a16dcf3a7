#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lb end to end: a client, the balancer and three backends in namespaces
# (lb_topo.sh), real curl and UDP clients, real HTTP and UDP servers. Weighted
# spread and per-backend counters (TCP and UDP, IPv4 and IPv6), long-lived
# connections through weight changes, an addition and a drain, down and up,
# removal, replies from the VIP, checksums checked in software, bad input.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/lb_topo.sh
source "$(dirname "$0")/../lb_topo.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$LB_WWW"; cleanup' EXIT

lb_topo_up || exit 1
lb_topo_attach || exit 1

S4="$VIP4:80"
S6="[$VIP6]:80"
ep() { if [ "$1" = 6 ]; then echo "[$(be6 "$2")]:80"; else echo "$(be4 "$2"):80"; fi; }
svc() { if [ "$1" = 6 ]; then echo "$S6"; else echo "$S4"; fi; }

# the backends' flows in lb show -j for PROTO VIP:PORT: "bN FLOWS" lines
lb_flows() {
	"$TCCTL" -j lb show "$1" "$2" | jq -r '.services[0].backends[] |
		"b\(.addr | capture("(?<n>[0-9])(\\.2|::2)$").n) \(.flows)"'
}

# the state of backend N of PROTO VIP:PORT (up, down, drain; "" if absent)
lb_state() {
	"$TCCTL" -j lb show "$1" "$2" | jq -r --arg a "$3" \
		'.services[0].backends[] | select(.addr == $a) | .state'
}

# service PROTO FAMILY N:W...: a fresh service with backends N of weight W
service() {
	local proto=$1 fam=$2 nw
	shift 2
	"$TCCTL" lb service delete "$proto" "$(svc "$fam")" 2>/dev/null
	"$TCCTL" lb service add "$proto" "$(svc "$fam")" || return 1
	for nw in "$@"; do
		"$TCCTL" lb backend add "$proto" "$(svc "$fam")" "$(ep "$fam" "${nw%:*}")" \
			weight "${nw#*:}" || return 1
	done
}

# spread GOT_TALLY TOTAL N:W...: each backend N's count is within 15 % of
# its share of TOTAL, and nothing failed
spread() {
	local got=$1 total=$2 sum=0 nw want n bad=0
	for nw in "${@:3}"; do
		sum=$((sum + ${nw#*:}))
	done
	for nw in "${@:3}"; do
		n=$(count_of "b${nw%:*}" <<<"$got")
		want=$((total * ${nw#*:} / sum))
		if [ $((100 * (n - want))) -gt $((15 * want)) ] || [ $((100 * (want - n))) -gt $((15 * want)) ]; then
			fail_msg "b${nw%:*}: $n of $total, want $want +- 15 %"
			bad=1
		fi
	done
	[ "$(count_of - <<<"$got")" -eq 0 ] || fail_msg "$(count_of - <<<"$got") failed" || bad=1
	[ "$(awk '{s += $2} END {print s + 0}' <<<"$got")" -eq "$total" ] ||
		fail_msg "$(awk '{s += $2} END {print s + 0}' <<<"$got") answers of $total" || bad=1
	return $bad
}

# --- weighted spread ------------------------------------------------------
# 2400 connections, not 300: with 300, b1's share (1/6, 50 flows) has a
# standard deviation of 6.5 flows (13 %), so a perfect balancer would miss
# 15 % one run in four; at 2400 the margin is 3.3 standard deviations for b1
# (more for b2 and b3), a failure in a thousand runs.
N=2400
for fam in 4 6; do
	service tcp "$fam" 1:1 2:2 3:3 || exit 1
	http_many "$fam" "$N" >"$tmp/got"
	check "TCP IPv$fam: $N connections spread 1:2:3 within 15 %" \
		spread "$(by_name <"$tmp/got")" "$N" 1:1 2:2 3:3
	check "TCP IPv$fam: lb show's per-backend flows are what curl saw" \
		expect_eq flows "$(lb_flows tcp "$(svc "$fam")")" "$(flows_by_name <"$tmp/got")"
	service udp "$fam" 1:1 2:2 3:3 || exit 1
	udp_names "$fam" "$N" >"$tmp/got"
	check "UDP IPv$fam: $N flows spread 1:2:3 within 15 %, answers from VIP:80" \
		spread "$(by_name <"$tmp/got")" "$N" 1:1 2:2 3:3
	check "UDP IPv$fam: lb show's per-backend flows are what the client saw" \
		expect_eq flows "$(lb_flows udp "$(svc "$fam")")" "$(flows_by_name <"$tmp/got")"
done
"$TCCTL" lb flush

# streams FIRST COUNT: COUNT long-lived GETs of /slow (IPv4) from client
# ports FIRST.. (below the ephemeral range, so no earlier connection holds
# them); waits until each is established on a backend and prints "PORT bN"
streams() {
	local p b i
	for ((p = $1; p < $1 + $2; p++)); do
		slow_get 4 "$p" "$tmp/s$p"
	done
	for ((p = $1; p < $1 + $2; p++)); do
		for i in $(seq 30); do
			b=$(backend_of "$p")
			[ "$b" != - ] && break
			sleep 0.1
		done
		echo "$p $b"
	done
}

# stream_ok PORT NAME: the stream from PORT ended with 200 and every byte
# NAME's /slow sends, in order
stream_ok() {
	expect_eq "stream from $1" "$(cat "$tmp/s$1")" "200 $(stream_body "$2" | wc -c)" || return 1
	cmp -s "$tmp/s$1.body" <(stream_body "$2") || fail_msg "stream from $1: not $2's bytes"
}

# streams_ok LINES: stream_ok for each "PORT NAME" line
streams_ok() {
	local p b bad=0
	while read -r p b; do
		stream_ok "$p" "$b" || bad=1
	done <<<"$1"
	return $bad
}

# --- long-lived connections: weight change, addition, drain -------------
# 12 streams of 4 s over b1 and b2; while they run: b2's weight 1 -> 3, b3
# added, b1 drained. Every stream must end byte-exact, from its backend.
service tcp 4 1:1 2:1 || exit 1
lb_topo_hold
streams 21000 12 >"$tmp/on" # not in $(...): slow_wait needs the pids
on=$(cat "$tmp/on")
check "12 long-lived connections, each established on a backend" \
	expect_eq "streams with no backend" "$(grep -c ' -$' <<<"$on")" 0
check "... on both b1 and b2 (so both changes have something to move)" \
	expect_eq backends "$(awk '{print $2}' <<<"$on" | sort -u | tr '\n' ' ')" "b1 b2 "
check "the client sees only VIP:80 as the peer of its connections" \
	expect_eq peers "$(in_ns "$C" ss -Htn state established | awk '{print $4}' | sort -u)" "$S4"
"$TCCTL" lb backend set tcp "$S4" "$(ep 4 2)" weight 3
"$TCCTL" lb backend add tcp "$S4" "$(ep 4 3)" weight 2
"$TCCTL" lb backend set tcp "$S4" "$(ep 4 1)" weight 0
check "b1 at weight 0 shows as draining" expect_eq state "$(lb_state tcp "$S4" "$(be4 1)")" drain
got=$(http_many 4 120 | by_name)
check "draining: 120 new connections, none on b1, all answered" \
	expect_eq spread "$(count_of b1 <<<"$got")/$(count_of - <<<"$got")" 0/0
check "... and the added b3 gets new connections" test "$(count_of b3 <<<"$got")" -gt 0
lb_topo_release
slow_wait
check "every long-lived connection ended byte-exact from its backend (b1's too)" streams_ok "$on"

# --- down and up -----------------------------------------------------------
service tcp 4 1:1 2:1 3:1 || exit 1
"$TCCTL" lb backend set tcp "$S4" "$(ep 4 1)" down
check "backend set down: lb show says down" expect_eq state "$(lb_state tcp "$S4" "$(be4 1)")" down
got=$(http_many 4 120 | by_name)
check "down: 120 new connections, none on b1, all answered" \
	expect_eq "b1/failed" "$(count_of b1 <<<"$got")/$(count_of - <<<"$got")" 0/0
"$TCCTL" lb backend set tcp "$S4" "$(ep 4 1)" up
check "backend set up: lb show says up" expect_eq state "$(lb_state tcp "$S4" "$(be4 1)")" up
http_many 4 120 >"$tmp/got"
check "up again: b1 gets new connections" test "$(by_name <"$tmp/got" | count_of b1)" -gt 0
check "... and its flows in lb show are those" expect_eq "b1 flows" \
	"$(lb_flows tcp "$S4" | count_of b1)" "$(flows_by_name <"$tmp/got" | count_of b1)"

# --- removal moves only the removed backend's flows ----------------------
service tcp 4 1:1 2:1 3:1 || exit 1
lb_topo_hold
streams 22000 24 >"$tmp/on"
on=$(cat "$tmp/on")
check "24 long-lived connections over b1, b2 and b3" \
	expect_eq backends "$(awk '{print $2}' <<<"$on" | sort -u | tr '\n' ' ')" "b1 b2 b3 "
"$TCCTL" lb backend delete tcp "$S4" "$(ep 4 2)"
got=$(http_many 4 120 | by_name)
check "b2 deleted: 120 new connections, none on b2, all answered" \
	expect_eq "b2/failed" "$(count_of b2 <<<"$got")/$(count_of - <<<"$got")" 0/0
lb_topo_release
slow_wait
check "b1's and b3's long-lived connections ended byte-exact" streams_ok "$(grep -v ' b2$' <<<"$on")"
moved=0
while read -r p b; do
	stream_ok "$p" "$b" 2>/dev/null || moved=$((moved + 1))
done <<<"$(grep ' b2$' <<<"$on")"
check "b2's connections moved (cut short by another backend's reset)" \
	expect_eq "b2 streams cut" "$moved" "$(grep -c ' b2$' <<<"$on")"

# --- checksums checked in software ---------------------------------------
# with offload off on every veth, each receiver verifies every checksum, so
# a wrong one after lb's rewrite drops the packet and the transfer fails
lb_topo_strict_csum || exit 1
for fam in 4 6; do
	service tcp "$fam" 1:1 || exit 1
	service udp "$fam" 1:1 || exit 1
	in_ns "$C" timeout 10 tcpdump -i v0 -nn -vv -c 200 -w "$tmp/cap$fam" "tcp port 80" 2>/dev/null &
	cap=$!
	sleep 0.5
	in_ns "$C" curl -s -m 10 -o "$tmp/big$fam" "$(vip_url "$fam" /big)"
	check "no checksum offload: a ${BIG_SIZE}-byte GET over IPv$fam arrives byte-exact" \
		cmp "$tmp/big$fam" "$LB_WWW/b1/big"
	wait "$cap"
	check "tcpdump -vv in the client: no incorrect checksum over IPv$fam" \
		expect_eq "bad checksums" "$(tcpdump -r "$tmp/cap$fam" -nn -vv 2>/dev/null | grep -c -i 'incorrect\|bad .*sum')" 0
	check "no checksum offload: UDP over IPv$fam answered by b1 from the VIP" \
		expect_eq answer "$(udp_names "$fam" 3 | by_name)" "b1 3"
done

# --- bad input: one line, exit code, nothing changed -----------------------
# the services and backends, without the counters (replies may still trickle in)
lb_config() {
	"$TCCTL" -j lb show | jq -c '[.services[] | [.proto, .vip, .port,
		[.backends[] | [.addr, .port, .weight, .state]]]]'
}
lb_error() {
	local name=$1 rc=$2 msg=$3 before out
	shift 3
	before=$(lb_config)
	out=$("$@" 2>&1 >/dev/null)
	check "$name" expect_eq "exit/stderr" "$?/$out" "$rc/$msg"
	check "$name: nothing changed" expect_eq services "$(lb_config)" "$before"
}
H=" (see 'tcctl help')"
lb_error "backend for an unknown service" 1 "tcctl: lb service tcp 10.0.100.2:80 does not exist" \
	"$TCCTL" lb backend add tcp 10.0.100.2:80 "$(ep 4 1)"
lb_error "IPv6 backend for an IPv4 VIP" 2 \
	"tcctl: backend [fd00:21::2]:80 is IPv6 but the service is IPv4: a backend's family must be the VIP's$H" \
	"$TCCTL" lb backend add tcp "$S4" "$(ep 6 1)"
"$TCCTL" lb flush
check "lb flush: nothing answers at the VIP" expect_eq answer "$(http_many 4 3 | by_name)" "- 3"
