#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, steering (issue 6), run by run.sh inside selftests/sandbox.sh
# with bench.sh's helpers and cleanup:
#   9. TCP throughput (iperf3, one stream), request/response rate (TCP_RR)
#      and connection rate (TCP_CRR, build/bench/rr) through redir and lb,
#      against a direct connection and against iptables doing the same job
#      (nat REDIRECT, nat DNAT with conntrack); targets: at least 0.95 of
#      direct, above iptables;
#  10. per-packet cost of lb and redir through BPF_PROG_TEST_RUN
#      (build/bench/progrun: every run starts from the same frame).
# Arms run interleaved in rounds, so a drift in the machine's speed hits all
# of them; each figure is the median round, each ratio the median of the
# rounds' ratios.
# Usage: BENCH_SECTIONS=steer selftests/bench/run.sh; knobs: BENCH_STEER_ROUNDS
# (3), BENCH_STEER_SECONDS (2, per arm, test and round), BENCH_STEER_SIZE
# (request and response bytes, 1), BENCH_STEER_CLIENTS (parallel RR/CRR
# clients, 1), BENCH_STEER_RUNS (test runs per frame for 10, 20000).
set -u

# shellcheck source=selftests/bench/bench.sh
. "$(dirname "$0")/bench.sh"

RR=$top/build/bench/rr
PROGRUN=$top/build/bench/progrun
S_ROUNDS=${BENCH_STEER_ROUNDS:-3}
S_SECS=${BENCH_STEER_SECONDS:-2}
S_SIZE=${BENCH_STEER_SIZE:-1}
S_CLIENTS=${BENCH_STEER_CLIENTS:-1}
S_RUNS=${BENCH_STEER_RUNS:-20000}
# iperf3 takes whole seconds
T_SECS=$(calc '%.0f' 'v < 1 ? 1 : v' v="$S_SECS")
VIP=10.0.100.1
BACKEND=10.0.21.2

for f in "$RR" "$PROGRUN"; do
	[ -e "$f" ] || die "missing $f (run selftests/bench/run.sh)"
done
# redir and lb arms run when their objects are built (issue 6 lands them)
HAVE_REDIR=0 HAVE_LB=0
[ -e "$top/build/bpf/redir.o" ] && HAVE_REDIR=1
[ -e "$top/build/bpf/lb.o" ] && HAVE_LB=1

# --- topology -------------------------------------------------------------------

# (a) redir from a remote client: CLI's c0 (10.11.0.1) -- SRV's s0 (10.11.0.2)
ns_new cli
CLI=$REPLY
ns_new srv
SRV=$REPLY
veth "$CLI" c0 "$SRV" s0

# (b) redir over lo: client and server in LOC
ns_new loc
LOC=$REPLY

# (c) lb, the topology of the tests: LCLI (10.0.1.2) -- LB (10.0.1.1; 10.0.2N.1)
# -- backend N (10.0.2N.2), default routes through LB both ways
ns_new lcli
LCLI=$REPLY
ns_new lb
LB=$REPLY
ip -n "$LCLI" link add name l0 type veth peer name lc netns "$LB" || die "cannot create veth l0/lc"
ip -n "$LCLI" addr add 10.0.1.2/24 dev l0
ip -n "$LB" addr add 10.0.1.1/24 dev lc
ip -n "$LCLI" link set l0 up
ip -n "$LB" link set lc up
ip -n "$LCLI" route add default via 10.0.1.1
in_ns "$LB" sysctl -qw net.ipv4.ip_forward=1
BNS=()
for n in 1 2 3; do
	ns_new "b$n"
	BNS+=("$REPLY")
	ip -n "$LB" link add name "lb$n" type veth peer name b0 netns "$REPLY" ||
		die "cannot create veth lb$n/b0"
	ip -n "$LB" addr add "10.0.2$n.1/24" dev "lb$n"
	ip -n "$REPLY" addr add "10.0.2$n.2/24" dev b0
	ip -n "$LB" link set "lb$n" up
	ip -n "$REPLY" link set b0 up
	ip -n "$REPLY" route add default via "10.0.2$n.1"
done
LB_DEVS=(lc lb1 lb2 lb3)

# CRR leaves a TIME_WAIT socket per connection in the client (rr.c says why):
# ports around them, and those older than 1 s reused
for ns in "$CLI" "$LOC" "$LCLI"; do
	in_ns "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
done

# --- servers ----------------------------------------------------------------------

# serve KIND NS...: an iperf3 or rr server on port $PB in each NS, on the other
# core than the clients (setpriv --pdeathsig: gone with this shell, see bench.sh)
SERVERS=()
serve() {
	local kind=$1 ns i
	shift
	for ns in "$@"; do
		if [ "$kind" == iperf3 ]; then
			nsenter --net="/run/netns/$ns" setpriv --pdeathsig KILL \
				taskset -c "$OTHER_CPU" iperf3 -s -p "$PB" >/dev/null 2>&1 &
		else
			nsenter --net="/run/netns/$ns" setpriv --pdeathsig KILL \
				taskset -c "$OTHER_CPU" "$RR" server "$PB" &
		fi
		PIDS+=("$!")
		SERVERS+=("$!")
	done
	for ns in "$@"; do
		for ((i = 0; i < 50; i++)); do
			in_ns "$ns" ss -Hltn "sport = :$PB" | grep -q . && break
			sleep 0.1
		done
	done
}

unserve() {
	local pid
	for pid in "${SERVERS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	SERVERS=()
}

# --- arms -------------------------------------------------------------------------

# arm_on ARM / arm_off ARM: what the arm loads; arm_target ARM: "NS ADDR PORT"
# the client runs in and connects to
arm_target() {
	case $1 in
	remote-direct) echo "$CLI 10.11.0.2 $PB" ;;
	remote-*) echo "$CLI 10.11.0.2 $PA" ;;
	local-direct) echo "$LOC 127.0.0.1 $PB" ;;
	local-*) echo "$LOC 127.0.0.1 $PA" ;;
	lb-direct) echo "$LCLI $BACKEND $PB" ;;
	lb-*) echo "$LCLI $VIP 80" ;;
	esac
}

# tcctl_quiet ARGS...: tcctl with its output dropped (errors stay on stderr)
tcctl_quiet() {
	"$TCCTL" "$@" >/dev/null
}

lb_service() { # lb_service BACKENDS: the VIP's service with backends 1..N
	local n
	tcctl_quiet lb service add tcp "$VIP:80" || return 1
	for ((n = 1; n <= $1; n++)); do
		tcctl_quiet lb backend add tcp "$VIP:80" "10.0.2$n.2:$PB" || return 1
	done
}

arm_on() {
	local dev
	case $1 in
	*-direct) ;;
	remote-redir)
		tcctl_quiet -n "$SRV" attach dev s0 ingress redir &&
			tcctl_quiet redir add tcp "$PA" to "$PB"
		;;
	local-redir)
		tcctl_quiet -n "$LOC" attach dev lo ingress redir &&
			tcctl_quiet redir add tcp "$PA" to "$PB"
		;;
	remote-ipt)
		in_ns "$SRV" iptables -t nat -A PREROUTING -p tcp --dport "$PA" -j REDIRECT --to-ports "$PB"
		;;
	local-ipt)
		in_ns "$LOC" iptables -t nat -A OUTPUT -p tcp --dport "$PA" -j REDIRECT --to-ports "$PB"
		;;
	lb-lb | lb-lb3)
		for dev in "${LB_DEVS[@]}"; do
			tcctl_quiet -n "$LB" attach dev "$dev" ingress lb || return 1
		done
		if [ "$1" == lb-lb ]; then
			lb_service 1
		else
			lb_service 3
		fi
		;;
	lb-ipt)
		in_ns "$LB" iptables -t nat -A PREROUTING -d "$VIP" -p tcp --dport 80 \
			-j DNAT --to-destination "$BACKEND:$PB"
		;;
	esac
}

arm_off() {
	local dev
	case $1 in
	remote-redir | local-redir)
		local ns=$SRV dev=s0
		[ "$1" == local-redir ] && ns=$LOC dev=lo
		tcctl_quiet redir flush
		tcctl_quiet -n "$ns" detach dev "$dev" ingress redir
		tcctl_quiet -n "$ns" qdisc del dev "$dev"
		;;
	lb-lb | lb-lb3)
		tcctl_quiet lb flush
		for dev in "${LB_DEVS[@]}"; do
			tcctl_quiet -n "$LB" detach dev "$dev" ingress lb
			tcctl_quiet -n "$LB" qdisc del dev "$dev"
		done
		;;
	# the namespaces are ours: no table, even an empty one, stays hooked
	remote-ipt) in_ns "$SRV" nft flush ruleset ;;
	local-ipt) in_ns "$LOC" nft flush ruleset ;;
	lb-ipt) in_ns "$LB" nft flush ruleset ;;
	esac
}

# measure TEST NS ADDR PORT: Gbit/s (tput), transactions/s (rr), connections/s (crr)
measure() {
	local out
	case $1 in
	tput)
		out=$(in_ns "$2" taskset -c "$CPU" iperf3 -c "$3" -p "$4" -t "$T_SECS" -O 1 -J) ||
			return 1
		json '"%.2f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9)' <<<"$out"
		;;
	rr | crr)
		out=$(in_ns "$2" taskset -c "$CPU" "$RR" client "$1" "$3" "$4" "$S_SECS" "$S_SIZE" "$S_CLIENTS") ||
			return 1
		record "steer-raw $1 $out"
		# shellcheck disable=SC2086 # the words are "transactions N ns T errors E"
		set -- $out
		calc '%.0f' 'div(n * 1e9, t)' n="$2" t="$4"
		;;
	esac
}

# --- 9. the rounds ------------------------------------------------------------------

ARMS=(remote-direct remote-ipt local-direct local-ipt lb-direct lb-ipt)
[ "$HAVE_REDIR" == 1 ] && ARMS+=(remote-redir local-redir)
[ "$HAVE_LB" == 1 ] && ARMS+=(lb-lb lb-lb3)
declare -A val # val[TEST/ARM/ROUND]

run_arm() { # run_arm TEST ARM ROUND
	local v target
	[ "$2" == lb-lb3 ] && [ "$1" != crr ] && return # three backends: connections only
	if ! arm_on "$2"; then
		echo "bench: cannot set up $2; skipped" >&2
		arm_off "$2" 2>/dev/null
		return
	fi
	target=$(arm_target "$2")
	# shellcheck disable=SC2086 # "NS ADDR PORT"
	if v=$(measure "$1" $target) && [ -n "$v" ]; then
		val[$1/$2/$3]=$v
		record "steer $1 $2 round $3 value $v"
	else
		echo "bench: $1 through $2 failed (round $3)" >&2
	fi
	arm_off "$2"
}

echo
echo "9. Steering: redir and lb against a direct connection and iptables ($S_ROUNDS rounds of $S_SECS s"
echo "   per arm and test, arms interleaved; client on CPU $CPU, server on CPU $OTHER_CPU)"
echo "   Ports: rr on 8080 -> 8081 as labelled, iperf3 on 5200 -> 5201 (its TIME_WAITs kept apart)"
[ "$HAVE_REDIR" == 1 ] || echo "   (build/bpf/redir.o is missing: no redir arms)"
[ "$HAVE_LB" == 1 ] || echo "   (build/bpf/lb.o is missing: no lb arms)"

# Ports A and B: 8080 -> 8081 for rr, 5200 -> 5201 for iperf3. iperf3's
# server closes first and leaves TIME_WAIT sockets for 60 s; on rr's ports
# they would meet the next arms' client ports (docs/design-decisions.md,
# redir: a SYN meeting TIME_WAIT costs the client a second).
for ((round = 0; round < S_ROUNDS; round++)); do
	PA=5200 PB=5201
	serve iperf3 "$SRV" "$LOC" "${BNS[0]}"
	for arm in "${ARMS[@]}"; do
		run_arm tput "$arm" "$round"
	done
	unserve
	PA=8080 PB=8081
	serve rr "$SRV" "$LOC" "${BNS[@]}"
	for test in rr crr; do
		for arm in "${ARMS[@]}"; do
			run_arm "$test" "$arm" "$round"
		done
	done
	unserve
done

# fig TEST ARM: the median round; ratio TEST ARM BASE: the median of the rounds' ARM / BASE
fig() {
	local r v=()
	for ((r = 0; r < S_ROUNDS; r++)); do
		[ -n "${val[$1/$2/$r]:-}" ] && v+=("${val[$1/$2/$r]}")
	done
	[ "${#v[@]}" -gt 0 ] || {
		echo -
		return
	}
	printf '%s\n' "${v[@]}" | sort -g | sed -n "$(((${#v[@]} + 1) / 2))p"
}

ratio() {
	local r v=()
	for ((r = 0; r < S_ROUNDS; r++)); do
		[ -n "${val[$1/$2/$r]:-}" ] && [ -n "${val[$1/$3/$r]:-}" ] &&
			v+=("$(calc '%.3f' 'div(a, b)' a="${val[$1/$2/$r]}" b="${val[$1/$3/$r]}")")
	done
	[ "${#v[@]}" -gt 0 ] || {
		echo -
		return
	}
	printf '%.2f\n' "$(printf '%s\n' "${v[@]}" | sort -g | sed -n "$(((${#v[@]} + 1) / 2))p")"
}

# group_table TITLE ARM...: one line per arm, each test with its ratios to
# the group's direct and iptables arms
group_table() {
	local title=$1 arm group label t row
	shift
	group=${1%%-*}
	echo
	echo "   $title"
	printf '   %-30s %7s %5s %5s  %8s %5s %5s  %8s %5s %5s\n' "" Gbit/s /dir /ipt RR/s /dir /ipt CRR/s /dir /ipt
	for arm in "$@"; do
		case $arm in
		remote-direct) label="direct, to :8081" ;;
		remote-redir) label="redir 8080 -> 8081 (s0 ingress)" ;;
		remote-ipt) label="iptables REDIRECT (PREROUTING)" ;;
		local-direct) label="direct, 127.0.0.1:8081" ;;
		local-redir) label="redir 8080 -> 8081 (lo ingress)" ;;
		local-ipt) label="iptables REDIRECT (OUTPUT)" ;;
		lb-direct) label="direct, to $BACKEND:8081" ;;
		lb-lb) label="lb, $VIP:80, 1 backend" ;;
		lb-lb3) label="lb, $VIP:80, 3 backends" ;;
		lb-ipt) label="iptables DNAT (PREROUTING)" ;;
		esac
		row=()
		for t in tput rr crr; do
			row+=("$(fig "$t" "$arm")")
			if [ "$arm" == "$group-direct" ]; then
				row+=("" "")
			else
				row+=("$(ratio "$t" "$arm" "$group-direct")")
				if [ "$arm" == "$group-ipt" ]; then
					row+=("")
				else
					row+=("$(ratio "$t" "$arm" "$group-ipt")")
				fi
			fi
			record "steer-median $t $arm value ${row[-3]} vs_direct ${row[-2]:--} vs_iptables ${row[-1]:--}"
		done
		printf '   %-30s %7s %5s %5s  %8s %5s %5s  %8s %5s %5s\n' "$label" "${row[@]}"
	done
}

echo "   Gbit/s: iperf3, one stream, $T_SECS s after 1 s of warm-up. RR/s: $S_CLIENTS client(s), $S_SIZE-byte"
echo "   request and response back to back on one connection. CRR/s: a new connection per"
echo "   transaction. /dir and /ipt: the median of the rounds' ratios to the direct and iptables arms"
echo "   (targets: /dir >= 0.95, /ipt > 1)."
group_table "(a) redir, remote client: client ns --veth-- server ns (server on 8081)" \
	remote-direct remote-redir remote-ipt
group_table "(b) redir, local client over lo (one namespace)" local-direct local-redir local-ipt
group_table "(c) lb: client ns -- lb ns (forwarding) -- backend ns; one backend unless said" \
	lb-direct lb-lb lb-lb3 lb-ipt

for g in remote local lb; do
	arm=$g-redir
	[ "$g" == lb ] && arm=lb-lb
	case $g in
	remote) what="redir (remote client)" ;;
	local) what="redir (lo)" ;;
	lb) what="lb (1 backend)" ;;
	esac
	SUMMARY+=("$what: Gbit/s $(fig tput "$arm") (/direct $(ratio tput "$arm" "$g-direct"), /iptables $(ratio tput "$arm" "$g-ipt")), RR/s $(fig rr "$arm") ($(ratio rr "$arm" "$g-direct"), $(ratio rr "$arm" "$g-ipt")), CRR/s $(fig crr "$arm") ($(ratio crr "$arm" "$g-direct"), $(ratio crr "$arm" "$g-ipt")); targets /direct >= 0.95, /iptables > 1")
done

# --- 10. per-packet program cost -----------------------------------------------------

# frame4 {tcp|udp} SRC SPORT DST DPORT FILE: an Ethernet + IPv4 frame, a TCP
# ACK or a UDP datagram with 22 bytes of payload, checksums right
frame4() {
	python3 - "$@" <<-'EOF'
		import socket, struct, sys
		proto, src, sport, dst, dport, path = sys.argv[1:]
		def csum(b):
		    if len(b) % 2:
		        b += b"\0"
		    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
		    while s >> 16:
		        s = (s & 0xffff) + (s >> 16)
		    return ~s & 0xffff
		sa, da = socket.inet_aton(src), socket.inet_aton(dst)
		payload = b"\xab" * 22
		if proto == "tcp":
		    num = 6
		    l4 = struct.pack("!HHIIBBHHH", int(sport), int(dport), 1, 1, 5 << 4, 0x10, 65535, 0, 0) + payload
		    off = 16
		else:
		    num = 17
		    l4 = struct.pack("!HHHH", int(sport), int(dport), 8 + len(payload), 0) + payload
		    off = 6
		c = csum(sa + da + struct.pack("!BBH", 0, num, len(l4)) + l4) or 0xffff
		l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
		ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, num, 0, sa, da)
		ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
		eth = bytes.fromhex("020000000002020000000001") + struct.pack("!H", 0x0800)
		open(path, "wb").write(eth + ip + l4)
	EOF
}

# cost ID FRAME KEY WANT_REWRITTEN [ingress]: progrun's median into cost[KEY]
declare -A cost
cost() {
	local out ns ret rw
	out=$(in_ns "$PC" "$PROGRUN" "$1" "$FRAMES_DIR/$2" "$S_RUNS" ${5:+"$5"}) || return 1
	read -r _ ns _ ret _ rw <<<"$out"
	cost[$3]=$ns
	record "steercost $3 frame $2 ns $ns retval $ret rewritten $rw runs $S_RUNS"
	[ "$rw" == "$4" ] ||
		echo "bench: warning: $3: the frame came back rewritten=$rw, not $4: the figure is another path" >&2
}

# prog_id NS DEV DIRECTION OBJECT: the id of OBJECT's program on DEV (tc or tcx)
prog_id() {
	"$TCCTL" -n "$1" -j status dev "$2" | json "[e['id'] for k in ('tc', 'tcx') for e in j[0].get(k, [])
		if e.get('direction') == '$3' and e.get('object') == '$4'][0]"
}

steer_cost_lb() {
	local id
	[ "$HAVE_LB" == 1 ] || return 0
	if ! tcctl_quiet -n "$PC" attach dev pc0 ingress lb || ! lb_service 1; then
		echo "bench: cannot set up lb for its program cost" >&2
		return
	fi
	id=$(prog_id "$PC" pc0 ingress lb) || die "no lb program on pc0"
	frame4 tcp 10.0.1.2 40000 "$VIP" 80 "$FRAMES_DIR/lb-fwd" || die "cannot write the test frames"
	frame4 tcp "$BACKEND" 8081 10.0.1.2 40000 "$FRAMES_DIR/lb-reply" || die "cannot write the test frames"
	# the first run makes the flow's conn and reverse entries: the median is a hit
	cost "$id" lb-fwd lb-fwd 1 ingress
	cost "$id" lb-reply lb-reply 1 ingress
	cost "$id" other lb-other 0 ingress
	tcctl_quiet lb flush
	tcctl_quiet -n "$PC" detach dev pc0 ingress lb
	tcctl_quiet -n "$PC" qdisc del dev pc0
}

steer_cost_redir() {
	local in eg rid
	[ "$HAVE_REDIR" == 1 ] || return 0
	if ! tcctl_quiet -n "$PC" attach dev pc0 ingress redir ||
		! tcctl_quiet -n "$PC" attach dev pc0 egress redir ||
		! tcctl_quiet redir add tcp 8080 to 8081 || ! tcctl_quiet redir add udp 5300 to 5301; then
		echo "bench: cannot set up redir for its program cost" >&2
		return
	fi
	in=$(prog_id "$PC" pc0 ingress redir) || die "no redir program at pc0 ingress"
	eg=$(prog_id "$PC" pc0 egress redir) || die "no redir program at pc0 egress"
	frame4 udp 10.11.0.2 5301 10.11.0.1 4000 "$FRAMES_DIR/redir-udp-reply" ||
		die "cannot write the test frames"
	# the UDP redirect's counters' id, as a host-order (little-endian) __u32
	read -ra rid <<<"$("$TCCTL" -j redir show |
		json '" ".join("%02x" % b for b in [r["id"] for r in j if r["proto"] == "udp"][0].to_bytes(4, "little"))')"
	[ "${#rid[@]}" -eq 4 ] || die "no UDP redirect in tcctl redir show"
	# the flow a datagram assigned at ingress leaves (a test run cannot assign:
	# bpf_sk_assign works at a real tc ingress only), written as objects/abi/redir.h
	# lays it out: local 10.11.0.2, remote 10.11.0.1 (IPv4-mapped), ports 5301 and
	# 4000, IPv4; A 5300
	bpftool map update pinned /sys/fs/bpf/tc/globals/redir_flows \
		key hex 00 00 00 00 00 00 00 00 00 00 ff ff 0a 0b 00 02 \
		00 00 00 00 00 00 00 00 00 00 ff ff 0a 0b 00 01 14 b5 0f a0 04 00 00 00 \
		value hex 14 b4 00 00 "${rid[@]}" || die "cannot add the UDP flow to redir_flows"
	cost "$in" other redir-other 0 ingress
	cost "$eg" redir-udp-reply redir-udp-egress 1
	tcctl_quiet redir flush
	tcctl_quiet -n "$PC" detach dev pc0 ingress redir
	tcctl_quiet -n "$PC" detach dev pc0 egress redir
	tcctl_quiet -n "$PC" qdisc del dev pc0
}

steer_cost_rows() {
	local key label
	for key in lb-fwd lb-reply lb-other redir-other redir-udp-egress; do
		[ -n "${cost[$key]:-}" ] || continue
		case $key in
		lb-fwd) label="lb: client -> VIP:80, a known flow (DNAT to the backend)" ;;
		lb-reply) label="lb: backend -> client, a known flow (source back to VIP)" ;;
		lb-other) label="lb: a packet for no service (passed)" ;;
		redir-other) label="redir @ ingress: a packet for no redirect (passed)" ;;
		redir-udp-egress) label="redir @ egress: UDP reply from 5301, source -> 5300" ;;
		esac
		printf '   %-58s %7s %11s\n' "$label" "${cost[$key]}" \
			"$(calc '%+.0f' 'a - b' a="${cost[$key]}" b="${cost[empty]:-0}")"
	done
	SUMMARY+=("program cost (ns/packet, floor ${cost[empty]:--}): lb forward ${cost[lb-fwd]:--}, lb reply ${cost[lb-reply]:--}, lb unrelated ${cost[lb-other]:--}, redir unrelated ${cost[redir-other]:--}, redir UDP egress rewrite ${cost[redir-udp-egress]:--}")
}

bench_steer_cost() {
	local floor id
	ns_new pc
	PC=$REPLY
	ip -n "$PC" link add name pc0 type veth peer name pc1 || die "cannot create veth pc0/pc1"
	ip -n "$PC" link set pc0 up && ip -n "$PC" link set pc1 up
	bpftool prog loadall "$PASS_O" "$PASS_PIN" || die "bpftool prog loadall $PASS_O failed"
	floor=$(bpftool -j prog show pinned "$PASS_PIN/bench_tc_pass" | json 'j["id"]')
	frame4 tcp 10.0.1.2 40000 10.0.9.9 22 "$FRAMES_DIR/other" || die "cannot write the test frames"
	cost "$floor" other empty 0 ingress
	rm -rf "$PASS_PIN"
	steer_cost_lb
	steer_cost_redir

	echo
	echo "10. Per-packet cost of lb and redir: BPF_PROG_TEST_RUN, median of $S_RUNS runs of one packet"
	echo "   each (every run starts from the same frame: a rewrite is measured as a rewrite), ns/packet;"
	echo "   the floor is a tc program that only returns TC_ACT_OK, measured the same way"
	echo
	printf '   %-58s %7s %11s\n' "packet" ns "over floor"
	printf '   %-58s %7s %11s\n' "empty tc program (the floor)" "${cost[empty]:--}" ""
	steer_cost_rows
}

bench_steer_cost

echo
echo "Summary:"
for line in "${SUMMARY[@]}"; do
	echo "  - $line"
	record "summary $line"
done
