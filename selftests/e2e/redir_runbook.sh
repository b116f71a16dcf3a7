#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The redirect-port runbook as an admin runs it: redirect 8080 to 8081 (TCP)
# and 5353 to 5354 (UDP) on v1, for a remote client and a local one over lo;
# run again and nothing changes; --no-lo leaves lo alone; --delete, twice,
# takes the redirects and then redir itself away; a bad argument changes
# nothing.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT
RB=$TOP/scripts

netns_new A rra && netns_new B rrb && veth_pair "$A" "$B" || exit 1
echo served-by-8081 >"$tmp/index.html"
in_ns "$B" python3 -m http.server 8081 --bind 0.0.0.0 -d "$tmp" >/dev/null 2>&1 &
in_ns "$B" socat UDP-LISTEN:5354,fork,reuseaddr SYSTEM:'echo pong' &
wait_listen "$B" tcp 8081 && wait_listen "$B" udp 5354 || exit 1

http() {
	in_ns "$1" curl -sS --max-time 3 "$2" 2>/dev/null
}

udp() {
	echo ping | in_ns "$1" socat -T 1 - "UDP:$2:$3" 2>/dev/null
}

# redir's filters in B: "DEV HOOK" lines
filters() {
	"$TCCTL" -n "$B" -j status |
		jq -r '.[] | .dev as $d | .tc[] | select(.object == "redir") | "\($d) \(.direction)"' | sort | xargs
}

"$RB/redirect-port" -n "$B" v1 tcp 8080 8081 >/dev/null
check "redirect-port v1 tcp 8080 8081: remote clients get 8081's page" \
	expect_eq page "$(http "$A" http://10.11.0.2:8080/)" served-by-8081
check "... and local ones over lo" expect_eq page "$(http "$B" http://127.0.0.1:8080/)" served-by-8081
check "... redir on the ingress of lo and v1 only (TCP needs no egress)" \
	expect_eq filters "$(filters)" "lo ingress v1 ingress"
state=$(snapshot "$B")$("$TCCTL" -j redir show)
"$RB/redirect-port" -n "$B" v1 tcp 8080 8081 >/dev/null
check "run twice: nothing changes" expect_eq state "$(snapshot "$B")$("$TCCTL" -j redir show)" "$state"

out=$("$RB/redirect-port" -n "$B" v1 tcp 8080 8082 2>&1)
check "the same port to another: refused, one line" expect_eq "exit/message" "$?/$out" \
	"1/redirect-port: tcp 8080 on v1 already goes to 8081: redirect-port --delete first"

"$RB/redirect-port" -n "$B" v1 udp 5353 5354 >/dev/null
check "redirect-port v1 udp 5353 5354: remote and local clients answered from 5353" \
	expect_eq replies "$(udp "$A" 10.11.0.2 5353)/$(udp "$B" 127.0.0.1 5353)" "pong/pong"
check "... redir on egress too, for UDP's replies" \
	expect_eq filters "$(filters)" "lo egress lo ingress v1 egress v1 ingress"

"$RB/redirect-port" -n "$B" --no-lo v1 tcp 8090 8081 >/dev/null
check "--no-lo: remote clients redirected" expect_eq page "$(http "$A" http://10.11.0.2:8090/)" served-by-8081
check "--no-lo: local ones not" expect_eq page "$(http "$B" http://127.0.0.1:8090/)" ""

state=$(snapshot "$B")$("$TCCTL" -j redir show)
out=$("$RB/redirect-port" -n "$B" v1 sctp 1 2 2>&1)
check "a bad protocol: exit 1, one line" expect_eq "exit/message" "$?/$out" \
	"1/redirect-port: PROTO must be tcp or udp, not \"sctp\""
"$RB/redirect-port" -n "$B" v1 tcp 1 2 addr nonsense >/dev/null 2>&1
check "a bad address: fails" test $? -ne 0
check "... and nothing changed" expect_eq state "$(snapshot "$B")$("$TCCTL" -j redir show)" "$state"

"$RB/redirect-port" -n "$B" --delete v1 tcp 8080 >/dev/null
check "--delete v1 tcp 8080: 8080 refused again, remote and local" \
	expect_eq pages "$(http "$A" http://10.11.0.2:8080/)/$(http "$B" http://127.0.0.1:8080/)" "/"
check "... the others stay, and redir with them" expect_eq "ports/filters" \
	"$("$TCCTL" -j redir show | jq -c '[.[].port] | unique')/$(filters)" \
	"[5353,8090]/lo egress lo ingress v1 egress v1 ingress"
"$RB/redirect-port" -n "$B" --delete v1 udp 5353 >/dev/null
"$RB/redirect-port" -n "$B" --delete --no-lo v1 tcp 8090 >/dev/null
check "the last one deleted: redir is off v1 and lo" expect_eq "show/filters" \
	"$("$TCCTL" -j redir show)/$(filters)" "[]/"
"$RB/redirect-port" -n "$B" --delete v1 tcp 8090 >/dev/null
check "--delete again: nothing to do, exit 0" test $? -eq 0
check "8081 serves as before" expect_eq page "$(http "$A" http://10.11.0.2:8081/)" served-by-8081
exit "$ret"
