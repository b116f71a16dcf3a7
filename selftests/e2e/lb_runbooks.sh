#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The lb runbooks as an admin runs them on the lb topology (lb_topo.sh):
# lb-setup sets up, changes nothing the second time and converges to a new
# backend list; lb-health-check marks a backend whose server stopped down,
# so new connections avoid it, and up again when it is back.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/lb_topo.sh
source "$(dirname "$0")/../lb_topo.sh"

RB=$TOP/scripts
lb_topo_up || exit 1
S4="$VIP4:80"
S6="[$VIP6]:80"

# what a second run must leave as it was: services, backends, live rings,
# and the programs on the devices
state() {
	"$TCCTL" -j lb show | jq -c '[.services[] | [.proto, .vip, .port, .bank,
		[.backends[] | [.addr, .port, .weight, .state, .slots]]]]'
	"$TCCTL" -n "$LB" -j status | jq -c '[.[] | [.dev, [.tc[]? | [.object, .id]]]]'
}

# the "NAME COUNT" spread of COUNT new connections to the IPv4 VIP
spread4() {
	http_many 4 "$1" | by_name | tr '\n' ' '
}

# run NAME CMD...: CMD's stdout and stderr in $out, its exit code in $rc
run() {
	out=$("$@" 2>&1)
	rc=$?
}

# --- lb-setup --------------------------------------------------------------
run "$RB/lb-setup" -n "$LB" "${LB_DEVS[@]}" -- tcp "$S4" \
	"$(be4 1):80" "$(be4 2):80@2" "$(be4 3):80@3"
check "lb-setup: exit 0" expect_eq rc "$rc" 0
check "lb-setup: lb attached at ingress on the four lb-side veths" expect_eq attached \
	"$("$TCCTL" -n "$LB" -j status | jq -r '[.[] | select(any(.tc[]?; .object == "lb")) | .dev] | sort | join(" ")')" \
	"vb1 vb2 vb3 vc"
check "lb-setup: the service with weights 1, 2, 3" expect_eq backends \
	"$("$TCCTL" -j lb show tcp "$S4" | jq -r '[.services[0].backends[] | "\(.addr)@\(.weight)"] | join(" ")')" \
	"10.0.21.2@1 10.0.22.2@2 10.0.23.2@3"
got=$(spread4 60)
check "lb-setup: the VIP answers, from all three backends" \
	expect_eq "backends, failures" "$(grep -o 'b[0-9]' <<<"$got" | tr -d '\n')/$(grep -c -- - <<<"$got")" "b1b2b3/0"

before=$(state)
run "$RB/lb-setup" -n "$LB" "${LB_DEVS[@]}" -- tcp "$S4" \
	"$(be4 1):80@1" "$(be4 2):80@2" "$(be4 3):80@3"
check "lb-setup twice: exit 0, nothing reported changed" \
	expect_eq "rc, changes" "$rc/$(grep -c '^lb-setup:' <<<"$out")" "0/0"
check "lb-setup twice: services, rings and attachments as they were" expect_eq state "$(state)" "$before"

run "$RB/lb-setup" -n "$LB" "${LB_DEVS[@]}" -- tcp "$S4" "$(be4 1):80" "$(be4 3):80@5" "$(be4 2):8080"
check "lb-setup, another list: reports each change" expect_eq changes "$(grep '^lb-setup:' <<<"$out")" \
	"lb-setup: backend 10.0.23.2:80 weight 3 -> 5
lb-setup: backend 10.0.22.2:8080 added, weight 1
lb-setup: backend 10.0.22.2:80 deleted"
check "lb-setup, another list: the service converged to it" expect_eq backends \
	"$("$TCCTL" -j lb show tcp "$S4" | jq -r '[.services[0].backends[] | "\(.addr):\(.port)@\(.weight)"] | join(" ")')" \
	"10.0.21.2:80@1 10.0.22.2:8080@1 10.0.23.2:80@5"
run "$RB/lb-setup" -n "$LB" "${LB_DEVS[@]}" -- tcp "$S4" "$(be4 1):80@1" "$(be4 3):80@5"
got=$(spread4 60)
check "lb-setup, b2 dropped: no connection on b2, none failed" \
	expect_eq "b2, failures" "$(grep -c b2 <<<"$got")/$(grep -c -- - <<<"$got")" "0/0"

run "$RB/lb-setup" -n "$LB" vc vb1 -- tcp "$S6" "[fd00:21:0::2]:80@4"
check "lb-setup, IPv6: exit 0" expect_eq rc "$rc" 0
run "$RB/lb-setup" -n "$LB" vc vb1 -- tcp "$S6" "[fd00:21::2]:80@4"
check "lb-setup, IPv6: the same address written otherwise is the same backend" \
	expect_eq "rc, changes" "$rc/$(grep -c '^lb-setup:' <<<"$out")" "0/0"
check "lb-setup, IPv6: the VIP answers" expect_eq answer "$(in_ns "$C" curl -s -m 3 "$(vip_url 6 /name)")" b1

before=$(state)
run "$RB/lb-setup" -n "$LB" vc tcp "$S4" "$(be4 1):80"
check "lb-setup without --: usage, exit 2" expect_eq "rc, first line" "$rc/${out%%$'\n'*}" \
	"2/lb-setup: expected -- after the devices"
run "$RB/lb-setup" -n "$LB" vc -- tcp "$S4" "$(be4 1):80@70000"
check "lb-setup, weight 70000: usage, exit 2" expect_eq "rc, first line" "$rc/${out%%$'\n'*}" \
	"2/lb-setup: bad weight \"70000\" in \"10.0.21.2:80@70000\" (0 to 65535)"
run "$RB/lb-setup" -n "$LB" vc -- tcp "$S4" "[$(be6 1)]:80"
check "lb-setup, IPv6 backend for an IPv4 VIP: tcctl's error, exit 2" expect_eq "rc, last line" \
	"$rc/${out##*$'\n'}" \
	"2/tcctl: backend [fd00:21::2]:80 is IPv6 but the service is IPv4: a backend's family must be the VIP's (see 'tcctl help')"
run "$RB/lb-setup" -n "$LB" nosuchdev -- tcp "$S4" "$(be4 1):80"
check "lb-setup, unknown device: exit 1" expect_eq rc "$rc" 1
check "lb-setup refusals: nothing changed" expect_eq state "$(state)" "$before"

# --- lb-health-check -------------------------------------------------------
run "$RB/lb-health-check" -n "$LB" --once tcp "$S4"
check "health check, all healthy: exit 0, nothing printed" expect_eq "rc/out" "$rc/$out" "0/"

lb_topo_http_stop 1
run "$RB/lb-health-check" -n "$LB" --once tcp "$S4"
check "b1's server stopped: marked down, one line, exit 3" expect_eq "rc/out" "$rc/$out" "3/10.0.21.2:80 down"
check "... lb show says down" expect_eq state \
	"$("$TCCTL" -j lb show tcp "$S4" | jq -r '.services[0].backends[] | select(.addr == "10.0.21.2") | .state')" down
got=$(spread4 60)
check "... new connections avoid b1, none failed" \
	expect_eq "b1, failures" "$(grep -c b1 <<<"$got")/$(grep -c -- - <<<"$got")" "0/0"
run "$RB/lb-health-check" -n "$LB" --once tcp "$S4"
check "again while b1 is down: nothing printed, exit 3" expect_eq "rc/out" "$rc/$out" "3/"

lb_topo_http_start 1
wait_listen "${BK[1]}" tcp 80
run "$RB/lb-health-check" -n "$LB" --once --http /name tcp "$S4"
check "b1's server back: marked up, one line, exit 0" expect_eq "rc/out" "$rc/$out" "0/10.0.21.2:80 up"
got=$(spread4 60)
check "... new connections reach b1 again" expect_eq "b1 answers" "$(grep -c b1 <<<"$got")" 1

run "$RB/lb-health-check" -n "$LB" --once --http /nosuchpage tcp "$S4"
check "--http on a page that is not there: both marked down, exit 3" expect_eq "rc/out" "$rc/$out" \
	"3/10.0.21.2:80 down
10.0.23.2:80 down"
run "$RB/lb-health-check" -n "$LB" --once tcp "$S4"
check "... and up again with a plain connect" expect_eq "rc/out" "$rc/$out" "0/10.0.21.2:80 up
10.0.23.2:80 up"

# the loop, as it runs for real: a backend that stops is marked down within
# a few intervals, and up again when it is back
"$RB/lb-health-check" -n "$LB" --interval 0.2 --timeout 0.5 tcp "$S4" >"$LB_WWW/loop.out" 2>&1 &
loop=$!
b1_state() {
	"$TCCTL" -j lb show tcp "$S4" | jq -r '.services[0].backends[] | select(.addr == "10.0.21.2") | .state'
}
# wait_state WANT: until b1's state is WANT (5 s at most)
wait_state() {
	for _ in $(seq 50); do
		[ "$(b1_state)" = "$1" ] && return 0
		sleep 0.1
	done
	fail_msg "b1 is $(b1_state), not $1"
}
lb_topo_http_stop 1
check "loop: b1's server stopped, marked down" wait_state down
lb_topo_http_start 1
check "loop: b1's server back, marked up" wait_state up
kill "$loop"
wait "$loop" 2>/dev/null
check "loop: one line per change" expect_eq out "$(cat "$LB_WWW/loop.out")" "10.0.21.2:80 down
10.0.21.2:80 up"

run "$RB/lb-health-check" -n "$LB" --once tcp 10.0.100.9:80
check "health check of an unknown service: tcctl's error, exit 1" expect_eq "rc/out" "$rc/$out" \
	"1/tcctl: lb service tcp 10.0.100.9:80 does not exist"
run "$RB/lb-health-check" --interval x tcp "$S4"
check "health check, bad interval: usage, exit 2" expect_eq "rc, first line" "$rc/${out%%$'\n'*}" \
	"2/lb-health-check: --interval takes a number of seconds, not \"x\""
"$TCCTL" lb flush
