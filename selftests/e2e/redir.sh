#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# redir end to end: a web server on 8081 and a UDP echo server on 5354 in
# namespace B, redirects 8080 -> 8081 and 5353 -> 5354, clients in A over a
# veth pair (IPv4 and IPv6) and in B itself over lo. The clients only ever
# see the port they asked for: the accepted TCP socket's local port is 8080,
# and UDP replies reach a connected socket, which takes datagrams from the
# port it connected to and no other. Then the counters, a redirect with no
# socket behind it, address and device scoping, delete, and tc exec.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT
T=$TCCTL

netns_new A rda && netns_new B rdb && veth_pair "$A" "$B" || exit 1
echo served-by-8081 >"$tmp/index.html"

# the servers, dual-stack, in B: HTTP on 8081, UDP echo ("pong:" + datagram) on 5354
in_ns "$B" python3 -m http.server 8081 --bind :: -d "$tmp" >/dev/null 2>&1 &
in_ns "$B" python3 -c 'import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 5354))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(b"pong:" + d, a)' &
wait_listen "$B" tcp 8081 && wait_listen "$B" udp 5354 || exit 1

# http NS URL [CURL_OPTION...]: the page, or nothing when the connection fails
http() {
	in_ns "$1" curl -sS -g --max-time 3 "${@:2}" 2>/dev/null
}

# udp NS HOST PORT: the reply to one datagram "ping" from a connected socket
udp() {
	local to="UDP:$2:$3"
	[[ $2 == *:* ]] && to="UDP6:[$2]:$3"
	echo ping | in_ns "$1" socat -T 1 - "$to" 2>/dev/null
}

# field PROTO PORT FIELD: a counter of the redirect of PROTO PORT (any address)
field() {
	"$T" -j redir show | jq --arg p "$1" --argjson n "$2" --arg f "$3" \
		'[.[] | select(.proto == $p and .port == $n) | .[$f]] | add // 0'
}

"$T" pin redir || exit 1
for dev in v1 lo; do
	"$T" -n "$B" attach dev "$dev" ingress redir && "$T" -n "$B" attach dev "$dev" egress redir || exit 1
done
check "redir attached at tc ingress and egress of v1 and lo, prio 15" expect_eq filters \
	"$(tc_filters "$B" v1 ingress)/$(tc_filters "$B" v1 egress)/$(tc_filters "$B" lo ingress)" \
	"15 0x1 redir.o:[tc]/15 0x1 redir.o:[tc]/15 0x1 redir.o:[tc]"

check "before any redirect, nothing answers on 8080" expect_eq page "$(http "$A" http://10.11.0.2:8080/)" ""
"$T" redir add tcp 8080 to 8081 && "$T" redir add udp 5353 to 5354 || exit 1

# --- TCP -----------------------------------------------------------------------------
check "remote IPv4: curl to 8080 gets the 8081 server's page" \
	expect_eq page "$(http "$A" http://10.11.0.2:8080/)" served-by-8081
check "remote IPv6: the same" expect_eq page "$(http "$A" 'http://[fd00::2]:8080/')" served-by-8081
check "local over lo, IPv4" expect_eq page "$(http "$B" http://127.0.0.1:8080/)" served-by-8081
check "local over lo, IPv6" expect_eq page "$(http "$B" 'http://[::1]:8080/')" served-by-8081
check "local to the veth address (over lo too)" \
	expect_eq page "$(http "$B" http://10.11.0.2:8080/)" served-by-8081
check "the server still answers on 8081" expect_eq page "$(http "$A" http://10.11.0.2:8081/)" served-by-8081

# a connection held open: what each end's socket says
in_ns "$A" python3 -c 'import socket, time
s = socket.create_connection(("10.11.0.2", 8080))
time.sleep(2)' &
holder=$!
for _ in $(seq 20); do
	in_ns "$B" ss -tnH state established | grep -q 10.11.0.1 && break
	sleep 0.1
done
# the server's socket is dual-stack: IPv4 shows as [::ffff:a.b.c.d]
server=$(in_ns "$B" ss -tnH state established | awk '$4 ~ /10\.11\.0\.1\]?:/ { print $3 }' |
	sed 's/^\[::ffff:\(.*\)\]/\1/')
client=$(in_ns "$A" ss -tnH state established | awk '$4 ~ /^10.11.0.2:/ { print $4 }')
check "the server's accepted socket has local port 8080" expect_eq local "$server" 10.11.0.2:8080
check "the client's socket is connected to 8080" expect_eq peer "$client" 10.11.0.2:8080

# get_closed_by_server SPORT DPORT: GET / from A's SPORT to B's DPORT, A closing
# only after the server did, so the TIME_WAIT stays on B
get_closed_by_server() {
	in_ns "$A" python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("10.11.0.1", int(sys.argv[1])))
s.connect(("10.11.0.2", int(sys.argv[2])))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
while s.recv(4096):
	pass
time.sleep(0.2)
s.close()' "$1" "$2"
}

# port_free PORT: waits until A's end of PORT's connection (closing second,
# in LAST_ACK for a moment) is gone, or the port cannot be bound again
port_free() {
	for _ in $(seq 30); do
		[ -z "$(in_ns "$A" ss -tanH "( sport = :$1 )")" ] && return
		sleep 0.1
	done
}

# A direct connection to 8081 that the server closes first leaves a
# TIME_WAIT socket on B with the client's port. A redirected SYN from that
# same port must still reach the listener, not that socket's tuple.
get_closed_by_server 40123 8081
check "a direct connection from port 40123 left TIME_WAIT on B's 8081" expect_eq tw \
	"$(in_ns "$B" ss -tanH state time-wait '( sport = :8081 and dport = :40123 )' | wc -l)" 1
port_free 40123
check "from port 40123 to 8080 all the same: the listener, not the TIME_WAIT socket" \
	expect_eq page "$(http "$A" http://10.11.0.2:8080/ --local-port 40123)" served-by-8081

# The other way round: a redirected connection the server closes first
# leaves TIME_WAIT on B's 8080 side; the same client port again must get
# through (the stack resets the TIME_WAIT, the retransmitted SYN is
# redirected: about a second), not hang until the TIME_WAIT ends.
get_closed_by_server 40124 8080
check "a redirected connection from 40124 left TIME_WAIT on B's 8080" expect_eq tw \
	"$(in_ns "$B" ss -tanH state time-wait '( sport = :8080 and dport = :40124 )' | wc -l)" 1
port_free 40124
check "from port 40124 to 8080 again, within 3 s" \
	expect_eq page "$(http "$A" http://10.11.0.2:8080/ --local-port 40124)" served-by-8081
wait "$holder"

check "TCP: packets and bytes counted, no miss" expect_eq "packets>0/bytes>0/misses" \
	"$(($(field tcp 8080 packets) > 0))/$(($(field tcp 8080 bytes) > 0))/$(field tcp 8080 misses)" \
	"1/1/0"

# --- UDP -----------------------------------------------------------------------------
check "remote IPv4: a connected UDP socket gets the reply from 5353" \
	expect_eq reply "$(udp "$A" 10.11.0.2 5353)" pong:ping
check "remote IPv6: the same" expect_eq reply "$(udp "$A" fd00::2 5353)" pong:ping
check "local over lo, IPv4" expect_eq reply "$(udp "$B" 127.0.0.1 5353)" pong:ping
check "local over lo, IPv6" expect_eq reply "$(udp "$B" ::1 5353)" pong:ping
check "direct to 5354: the reply is not rewritten" expect_eq reply "$(udp "$A" 10.11.0.2 5354)" pong:ping

# exact counts on a fresh redirect: delete and add again zeroes its counters
"$T" redir delete udp 5353 && "$T" redir add udp 5353 to 5354 || exit 1
check "re-added: counters at zero" expect_eq "packets/replies" \
	"$(field udp 5353 packets)/$(field udp 5353 replies)" "0/0"
for _ in 1 2 3 4 5; do udp "$A" 10.11.0.2 5353 >/dev/null; done
# 14 Ethernet + 20 IPv4 + 8 UDP + "ping\n"
check "5 requests: 5 packets of 47 bytes, 5 replies rewritten, no miss" \
	expect_eq "packets/bytes/replies/misses" \
	"$(field udp 5353 packets)/$(field udp 5353 bytes)/$(field udp 5353 replies)/$(field udp 5353 misses)" \
	"5/235/5/0"

# --- no socket on B ----------------------------------------------------------------------
"$T" redir add tcp 8090 to 8091 || exit 1
in_ns "$A" curl -sS --max-time 3 http://10.11.0.2:8090/ >/dev/null 2>"$tmp/err"
rc=$?
check "nothing on 8091: the client is refused at once (RST from the stack)" \
	expect_eq "curl exit" "$rc/$(grep -c 'Connection refused\|Couldn.t connect' "$tmp/err")" "7/1"
check "... one miss counted, no packet" expect_eq "misses/packets" \
	"$(field tcp 8090 misses)/$(field tcp 8090 packets)" "1/0"

# --- scoping -------------------------------------------------------------------------------
"$T" redir add tcp 8082 to 8081 addr 10.11.0.2 || exit 1
check "addr 10.11.0.2: redirected there" expect_eq page "$(http "$A" http://10.11.0.2:8082/)" served-by-8081
check "addr 10.11.0.2: not for 127.0.0.1" expect_eq page "$(http "$B" http://127.0.0.1:8082/)" ""
check "addr 10.11.0.2: not for IPv6" expect_eq page "$(http "$A" 'http://[fd00::2]:8082/')" ""
"$T" -n "$B" redir add tcp 8083 to 8081 dev lo || exit 1
check "dev lo: redirected over lo" expect_eq page "$(http "$B" http://127.0.0.1:8083/)" served-by-8081
check "dev lo: not from the veth" expect_eq page "$(http "$A" http://10.11.0.2:8083/)" ""
row=$("$T" -n "$B" -j redir show | jq -c '.[] | select(.port == 8083) | [.dev, .addr, .family, .to]')
check "show: dev lo, any address, both families" expect_eq row "$row" '["lo",null,null,8081]'
row=$("$T" -j redir show | jq -c '.[] | select(.port == 8082) | [.dev, .addr, .family]')
check "show: addr 10.11.0.2 is IPv4 on any device" expect_eq row "$row" '[null,"10.11.0.2","ip"]'

# --- delete ----------------------------------------------------------------------------------
"$T" redir delete tcp 8080 && "$T" redir delete udp 5353 || exit 1
check "deleted: 8080 refused again" expect_eq page "$(http "$A" http://10.11.0.2:8080/)" ""
check "deleted: 5353 unanswered" expect_eq reply "$(udp "$A" 10.11.0.2 5353)" ""
check "deleted: no UDP flow left to rewrite" expect_eq flows \
	"$("$T" -j map dump redir_flows | jq length)" 0
check "deleted: 8081 and 5354 serve as before" expect_eq "page/reply" \
	"$(http "$A" http://10.11.0.2:8081/)/$(udp "$A" 10.11.0.2 5354)" "served-by-8081/pong:ping"

# --- through tc ----------------------------------------------------------------------------
in_ns "$B" tc exec tcctl redir add tcp 8080 to 8081
check "tc exec tcctl redir add: redirected again" \
	expect_eq page "$(http "$A" http://10.11.0.2:8080/)" served-by-8081
check "tc exec tcctl -j redir show: the same document as tcctl's" expect_eq show \
	"$(in_ns "$B" tc exec tcctl -j redir show)" "$("$T" -n "$B" -j redir show)"
"$T" redir flush
check "flush: no redirect left" expect_eq show "$("$T" -j redir show)" "[]"
check "flush: 8082 refused again" expect_eq page "$(http "$A" http://10.11.0.2:8082/)" ""

exit "$ret"
