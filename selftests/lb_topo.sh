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
# port 80 (GET /name says "bN", as does every answer's X-Backend header, /big is BIG_SIZE bytes of its own, /slow
# streams for seconds) and
# answers any UDP datagram to port 80 with "bN", over IPv4 and IPv6.

VIP4=10.0.100.1
VIP6=fd00:100::1
BIG_SIZE=${BIG_SIZE:-2000000}
STREAM_LINES=${STREAM_LINES:-200}
STREAM_MS=${STREAM_MS:-20}
LB_DEVS=()       # the lb namespace's veths, where lb is attached
declare -a BK    # BK[N]: backend N's namespace
declare -a HTTP_PID UDP_PID
LB_WWW=$(mktemp -d) # the servers' files; a test that sets its own trap removes it
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

# HTTP/1.0 on [::]:80 (dual stack), one connection per request: /name,
# /big (the file), and /slow, a long-lived answer: stream_body's lines
# STREAM_MS ms apart, so bytes keep crossing the balancer for seconds
# (and held half way while lb_topo_hold says so)
# (nsenter, not in_ns: a function run with & is a subshell, and $! its pid)
lb_topo_http_start() {
	nsenter --net="/run/netns/${BK[$1]}" python3 -c 'import http.server,os,socket,sys,time
name,root,lines,ms=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
class H(http.server.BaseHTTPRequestHandler):
	def log_message(self,*a):
		pass
	def do_GET(self):
		path=self.path.split("?")[0]
		if path=="/slow":
			parts=[("%s %d\n"%(name,i)).encode() for i in range(lines)]
		elif path in ("/name","/big"):
			parts=[open(root+path,"rb").read()]
		else:
			self.send_error(404)
			return
		self.send_response(200)
		self.send_header("X-Backend",name)
		self.send_header("Content-Length",str(sum(map(len,parts))))
		self.end_headers()
		for i,p in enumerate(parts):
			self.wfile.write(p)
			self.wfile.flush()
			if len(parts)>1:
				time.sleep(ms/1000)
			# half way, a held stream waits for the test to release it (at most a minute)
			hold=root+"/../hold"
			for _ in range(1200):
				if i!=len(parts)//2 or not os.path.exists(hold):
					break
				time.sleep(0.05)
class S(http.server.ThreadingHTTPServer):
	address_family=socket.AF_INET6
	daemon_threads=True
	request_queue_size=128  # not 5: a burst of connections must not see SYNs dropped
	def server_bind(self):
		self.socket.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)
		super().server_bind()
S(("::",80),H).serve_forever()' "b$1" "$LB_WWW/b$1" "$STREAM_LINES" "$STREAM_MS" >/dev/null 2>&1 &
	HTTP_PID[$1]=$!
}

# lb_topo_hold / lb_topo_release: /slow answers started while held stop
# half way until released, so a test's checks and changes happen while
# every stream is still open, however slow the machine (the 6.1 VM's
# emulated CPU is)
lb_topo_hold() {
	touch "$LB_WWW/hold"
}

lb_topo_release() {
	rm -f "$LB_WWW/hold"
}

# stream_body NAME: what /slow sends from backend NAME
stream_body() {
	local i
	for ((i = 0; i < STREAM_LINES; i++)); do
		echo "$1 $i"
	done
}

lb_topo_http_stop() {
	kill "${HTTP_PID[$1]}" 2>/dev/null
	wait "${HTTP_PID[$1]}" 2>/dev/null
	return 0
}

# UDP on [::]:80: each datagram answered with the backend's name
lb_topo_udp_start() {
	nsenter --net="/run/netns/${BK[$1]}" python3 -c 'import socket,sys
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

# udp_names FAMILY COUNT: COUNT datagrams to VIP:80, each from its own
# socket connected to VIP:80 (so only an answer from VIP:80 is received);
# "PORT NAME" lines, the client's port and the answer ("-" for none)
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
		name=k.recv(2048).decode().strip()
	except socket.timeout:
		name="-"
	print(k.getsockname()[1],name)
	k.close()' "$af" "$vip" "$2"
}

# http_many FAMILY COUNT: COUNT GETs at the VIP from one curl, each its own
# connection (HTTP/1.0) from a port the kernel picks; "PORT NAME" lines,
# NAME from the X-Backend header ("-" for a failure)
http_many() {
	in_ns "$C" curl -s -m 60 -o /dev/null -w '%{local_port} %header{x-backend}\n' \
		"$(vip_url "$1" "/name?[1-$2]")" | awk '{print $1, ($2 == "" ? "-" : $2)}'
}

# by_name: "NAME COUNT" lines from "PORT NAME" lines, one per connection
by_name() {
	awk '{print $2}' | tally
}

# flows_by_name: the same, counting each PORT NAME once: the flows as lb
# counts them (a port the kernel gives out again is the same flow, and lb's
# connection table keeps it where it was)
flows_by_name() {
	sort -u | by_name
}

# tally: "NAME COUNT" lines from names on stdin, one a line (- for failures)
tally() {
	sort | uniq -c | awk '{print $2, $1}'
}

# count_of NAME: NAME's count in a tally on stdin (0 when absent)
count_of() {
	awk -v n="$1" '$1 == n {c = $2} END {print c + 0}'
}

# slow_get FAMILY PORT OUT: in the background, GET /slow from client port
# PORT into OUT.body; OUT gets "HTTP_CODE SIZE" when it ends. slow_wait
# waits for all of them (a plain wait would wait for the servers too)
SLOW_PIDS=()
slow_get() {
	in_ns "$C" curl -s -m 90 --local-port "$2" -o "$3.body" \
		-w '%{http_code} %{size_download}\n' "$(vip_url "$1" /slow)" >"$3" 2>/dev/null &
	SLOW_PIDS+=($!)
}

slow_wait() {
	[ ${#SLOW_PIDS[@]} -eq 0 ] || wait "${SLOW_PIDS[@]}"
	SLOW_PIDS=()
}

# backend_of PORT: the backend (bN) holding an established connection from
# client port PORT, "-" if none does
backend_of() {
	local n
	for n in "${!BK[@]}"; do
		if [ -n "$(in_ns "${BK[n]}" ss -Htn state established "( sport = :80 and dport = :$1 )")" ]; then
			echo "b$n"
			return
		fi
	done
	echo -
}

# lb_topo_strict_csum: no checksum offload on any veth, so every receiver
# checks every checksum in software and a wrong one drops the packet (with
# offload on, veth marks packets as checked and a bad checksum goes unseen)
lb_topo_strict_csum() {
	local n
	in_ns "$C" ethtool -K v0 rx off tx off >/dev/null || return 1
	for dev in "${LB_DEVS[@]}"; do
		in_ns "$LB" ethtool -K "$dev" rx off tx off >/dev/null || return 1
	done
	for n in "${!BK[@]}"; do
		in_ns "${BK[n]}" ethtool -K v0 rx off tx off >/dev/null || return 1
	done
}
