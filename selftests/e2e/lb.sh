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
