#!/bin/bash
# shellcheck disable=SC2034 # variables for the tests that source this file
# SPDX-License-Identifier: GPL-2.0-only
# The load balancer's test topology, sourced after lib.sh (whose cleanup
# removes the namespaces and the processes in them):
#
#   client $C  v0 10.0.1.2/24 fd00:1::2/64
#        |
#   lb $LB     vc 10.0.1.1 fd00:1::1, vbN 10.0.2N.1 fd00:2N::1 (forwarding on)
#        |
#   backend ${BK[N]}  v0 10.0.2N.2/24 fd00:2N::2/64, default route via the lb
#
# The client routes the VIPs (10.0.100.0/24, fd00:100::/64) via the lb
# namespace, which has no route for them: without a balancer (or a DNAT
# standing in for one) nothing reaches a VIP. Each backend serves HTTP on
# port 80 (GET /name says "bN", /big is BIG_SIZE bytes of its own) and
# answers any UDP datagram to port 80 with "bN", over IPv4 and IPv6.

VIP4=10.0.100.1
VIP6=fd00:100::1
BIG_SIZE=${BIG_SIZE:-2000000}
LB_DEVS=()       # the lb namespace's veths, where lb is attached
declare -a BK    # BK[N]: backend N's namespace
declare -a HTTP_PID UDP_PID
LB_WWW=$(mktemp -d)
trap 'rm -rf "$LB_WWW"; cleanup' EXIT

be4() { echo "10.0.2$1.2"; }
be6() { echo "fd00:2$1::2"; }

# lb_topo_sysctl NS KEY=VALUE...
lb_topo_sysctl() {
	local ns=$1
	shift
	in_ns "$ns" sysctl -q -w "$@" >/dev/null
}

# lb_topo_backend N: backend namespace N behind the lb, with its servers
lb_topo_backend() {
	local n=$1 ns
	netns_new ns "lbb$n" || return 1
	BK[n]=$ns
	ip -n "$LB" link add name "vb$n" type veth peer name v0 netns "$ns" || return 1
	# no reverse path check: replies leave the lb from the VIP, which it does not route
	lb_topo_sysctl "$LB" "net.ipv4.conf.vb$n.rp_filter=0"
	ip -n "$LB" addr add "10.0.2$n.1/24" dev "vb$n"
	ip -n "$LB" addr add "fd00:2$n::1/64" dev "vb$n" nodad
	ip -n "$ns" addr add "$(be4 "$n")/24" dev v0
	ip -n "$ns" addr add "$(be6 "$n")/64" dev v0 nodad
	ip -n "$LB" link set "vb$n" up
	ip -n "$ns" link set v0 up
	ip -n "$ns" route add default via "10.0.2$n.1"
	ip -n "$ns" -6 route add default via "fd00:2$n::1"
	LB_DEVS+=("vb$n")

	mkdir -p "$LB_WWW/b$n"
	echo "b$n" >"$LB_WWW/b$n/name"
	head -c "$BIG_SIZE" /dev/urandom >"$LB_WWW/b$n/big"
	lb_topo_http_start "$n" && lb_topo_udp_start "$n"
}

# lb_topo_up: the client, the lb and backends 1 to 3, servers running
lb_topo_up() {
	local n
	netns_new C lbc && netns_new LB lbx || return 1
	lb_topo_sysctl "$LB" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n "$C" link add name v0 type veth peer name vc netns "$LB" || return 1
	lb_topo_sysctl "$LB" net.ipv4.conf.vc.rp_filter=0
	ip -n "$C" addr add 10.0.1.2/24 dev v0
	ip -n "$C" addr add fd00:1::2/64 dev v0 nodad
	ip -n "$LB" addr add 10.0.1.1/24 dev vc
	ip -n "$LB" addr add fd00:1::1/64 dev vc nodad
	ip -n "$C" link set v0 up
	ip -n "$LB" link set vc up
	ip -n "$C" route add 10.0.100.0/24 via 10.0.1.1
	ip -n "$C" -6 route add fd00:100::/64 via fd00:1::1
	LB_DEVS=(vc)
	for n in 1 2 3; do
		lb_topo_backend "$n" || return 1
	done
	for n in 1 2 3; do
		wait_listen "${BK[n]}" tcp 80 && wait_listen "${BK[n]}" udp 80 || return 1
	done
}

# lb_topo_attach: lb at tc ingress on every lb-namespace veth
lb_topo_attach() {
	local dev
	for dev in "${LB_DEVS[@]}"; do
		"$TCCTL" -n "$LB" attach dev "$dev" ingress lb || return 1
	done
}

# HTTP/1.0 on [::]:80 (dual stack): one connection per request
lb_topo_http_start() {
	in_ns "${BK[$1]}" python3 -m http.server --bind :: --directory "$LB_WWW/b$1" 80 \
		>/dev/null 2>&1 &
	HTTP_PID[$1]=$!
}

lb_topo_http_stop() {
	kill "${HTTP_PID[$1]}" 2>/dev/null
	wait "${HTTP_PID[$1]}" 2>/dev/null
	return 0
}

# UDP on [::]:80: each datagram answered with the backend's name
lb_topo_udp_start() {
	in_ns "${BK[$1]}" python3 -c 'import socket,sys
k=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
k.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)
k.bind(("::",80))
name=sys.argv[1].encode()+b"\n"
while True:
	_,peer=k.recvfrom(2048)
	k.sendto(name,peer)' "b$1" >/dev/null 2>&1 &
	UDP_PID[$1]=$!
}

# vip_url FAMILY PATH: the VIP's URL (family 4 or 6)
vip_url() {
	if [ "$1" = 6 ]; then
		echo "http://[$VIP6]$2"
	else
		echo "http://$VIP4$2"
	fi
}

# http_names FAMILY COUNT [CURL_ARGS...]: COUNT GETs of /name at the VIP,
# one connection each; prints the answers, one name a line ("-" for a failure)
http_names() {
	local fam=$1 count=$2 url i
	shift 2
	url=$(vip_url "$fam" /name)
	for ((i = 0; i < count; i++)); do
		in_ns "$C" curl -s -m 3 "$@" "$url" || echo -
	done
}

# udp_names FAMILY COUNT: COUNT datagrams to VIP:80, each from its own
# socket connected to VIP:80 (so only an answer from VIP:80 is received);
# prints the answers, one name a line ("-" for no answer)
udp_names() {
	local vip=$VIP4 af=AF_INET
	[ "$1" = 6 ] && vip=$VIP6 af=AF_INET6
	in_ns "$C" python3 -c 'import socket,sys
af,vip,count=getattr(socket,sys.argv[1]),sys.argv[2],int(sys.argv[3])
for i in range(count):
	k=socket.socket(af,socket.SOCK_DGRAM)
	k.settimeout(2)
	k.connect((vip,80))
	k.send(b"hello\n")
	try:
		print(k.recv(2048).decode().strip())
	except socket.timeout:
		print("-")
	k.close()' "$af" "$vip" "$2"
}

# tally: "bN COUNT" lines from names on stdin, for b1..b3 and failures (-)
tally() {
	sort | uniq -c | awk '{print $2, $1}'
}

# count_of NAME: NAME's count in a tally on stdin (0 when absent)
count_of() {
	awk -v n="$1" '$1 == n {c = $2} END {print c + 0}'
}
