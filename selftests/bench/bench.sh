#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, run by run.sh inside selftests/sandbox.sh (a private mount
# namespace with its own bpffs and /run/netns). Measures fw beside what an
# admin would otherwise use, in the same run, and prints figures and ratios:
#   1. per-packet program cost (BPF_PROG_TEST_RUN): fw at XDP and tc,
#      xdp-filter, and programs that only return (the floor);
#   2. UDP packets dropped per second through a veth pair: fw (XDP generic,
#      XDP native, tc ingress), xdp-filter, iptables, nftables;
#   3. TCP throughput through the same pair with each filter loaded;
#   4. rule-loading time: tcctl, iptables, iptables-restore, nft, nft -f.
# Everything happens in network namespaces with random names on veth pairs
# made here; nothing touches the host's interfaces. The raw figures go to
# build/bench/results.txt.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "${TCCTL_SANDBOXED:-}" == 1 ] || die "run selftests/bench/run.sh (it sets up the sandbox)"

TCCTL=$top/build/tcctl
PKTGEN=$top/build/bench/pktgen
PASS_O=$top/build/bench/pass.o
RESULTS=$top/build/bench/results.txt
RULES=$top/selftests/bench/rules.sh
PASS_PIN=/sys/fs/bpf/tcctl-bench
export TCCTL

REPEAT=${BENCH_REPEAT:-2000000} # BPF_PROG_TEST_RUN repeats per run
RUNS=3                          # runs per program and frame: the median is kept
SECS=${BENCH_SECONDS:-1.5}      # seconds per traffic case and round
ROUNDS=${BENCH_ROUNDS:-3}       # rounds of the drop-rate cases
TCP_SECS=${BENCH_TCP_SECONDS:-2} # seconds per TCP case and round
TCP_ROUNDS=${BENCH_TCP_ROUNDS:-2}
NRULES=256
SECTIONS=${BENCH_SECTIONS:-cost drop tcp rules}
CPU=${BENCH_CPU:-0} # the sender's core; the one-core cases run all of it there
OTHER_CPU=$(((CPU + 1) % $(nproc)))

for f in "$TCCTL" "$PKTGEN" "$PASS_O" "$top/build/bpf/fw.o"; do
	[ -e "$f" ] || die "missing $f (run selftests/bench/run.sh)"
done

# xdp-filter and libxdp keep lock files in /run, which the sandbox shares with
# the host; a tmpfs of our own there lets none outlive us, whatever happens.
mount -t tmpfs tcctl-bench-run /run || die "cannot mount a private /run"
mkdir -p /run/netns || die "cannot create /run/netns"

# --- cleanup ------------------------------------------------------------------

FRAMES_DIR=$(mktemp -d) || die "mktemp failed"
NS_LIST=()     # namespaces made here
XDPF_LOADED=() # "ns dev" pairs xdp-filter is loaded on
PIDS=()        # background processes started here

cleanup() {
	local pid entry ns
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for entry in "${XDPF_LOADED[@]}"; do
		nsenter --net="/run/netns/${entry%% *}" xdp-filter unload "${entry#* }" 2>/dev/null
	done
	for ns in "${NS_LIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$PASS_PIN" "$FRAMES_DIR" 2>/dev/null
	rm -f /sys/fs/bpf/tc/globals/fw_* 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ------------------------------------------------------------------

# ns_new PREFIX: a namespace with a random name, in $REPLY
ns_new() {
	local name
	name=bench-$1-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)
	ip netns add "$name" || die "ip netns add $name failed"
	NS_LIST+=("$name")
	ip -n "$name" link set lo up
	REPLY=$name
}

# in_ns NS CMD...: without the /sys remount of ip netns exec (pins stay visible)
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# veth NS_A DEV_A NS_B DEV_B: A's DEV_A (10.11.0.1, fd00::1) faces B's DEV_B (.2, ::2)
veth() {
	ip -n "$1" link add name "$2" type veth peer name "$4" netns "$3" ||
		die "cannot create veth $2/$4"
	ip -n "$1" addr add 10.11.0.1/24 dev "$2"
	ip -n "$3" addr add 10.11.0.2/24 dev "$4"
	ip -n "$1" addr add fd00::1/64 dev "$2" nodad
	ip -n "$3" addr add fd00::2/64 dev "$4" nodad
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# raw figures, one "key value..." line each
record() {
	echo "$*" >>"$RESULTS"
}

# calc FORMAT EXPR NAME=VALUE...: awk arithmetic; div(x, y) divides, and a
# division by zero (a figure that is missing) prints '-'
calc() {
	local fmt=$1 expr=$2 vars=() v
	shift 2
	for v in "$@"; do
		vars+=(-v "$v")
	done
	awk -v fmt="$fmt" "${vars[@]}" '
		function div(x, y) { if (y == 0) { bad = 1; return 0 } return x / y }
		BEGIN { v = '"$expr"'; print bad ? "-" : sprintf(fmt, v) }'
}

# gt A B: A > B, as numbers ('-' is 0)
gt() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'
}

# spread RUNS...: (max - min) / median, in percent
spread() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]; if (m > 0) printf "%.0f%%", (v[NR] - v[1]) * 100 / m; else print "-" }'
}

median() {
	printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"
}

# json PYTHON_EXPR: evaluates EXPR with j = the JSON document on stdin
json() {
	python3 -c 'import json, sys
j = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}

# xdp_prog_id NS DEV: the id of the XDP program on DEV
xdp_prog_id() {
	ip -n "$1" -j -d link show dev "$2" | json 'j[0]["xdp"]["prog"]["id"]'
}

# --- 1. per-packet program cost -----------------------------------------------

# prog_run NS ID FRAME: "median_ns retval", RUNS runs of REPEAT repeats
prog_run() {
	local ns=$1 id=$2 frame=$3 out durs=() ret=- i
	for ((i = 0; i < RUNS; i++)); do
		out=$(in_ns "$ns" bpftool -j prog run id "$id" data_in "$frame" repeat "$REPEAT") ||
			die "bpftool prog run id $id failed"
		durs+=("$(json 'j["duration"]' <<<"$out")")
		ret=$(json 'j["retval"]' <<<"$out")
	done
	echo "$(median "${durs[@]}") $ret ${durs[*]}"
}

bench_prog_cost() {
	local pc frame cfg prog key id r ns ret all
	local -A ids cost
	ns_new pc
	pc=$REPLY
	ip -n "$pc" link add name pc0 type veth peer name pc1 || die "cannot create veth pc0/pc1"
	ip -n "$pc" link set pc0 up && ip -n "$pc" link set pc1 up

	"$TCCTL" -n "$pc" attach dev pc0 xdpgeneric fw >/dev/null || die "tcctl attach xdpgeneric failed"
	"$TCCTL" -n "$pc" attach dev pc0 ingress fw >/dev/null || die "tcctl attach ingress failed"
	ids[fw_xdp]=$("$TCCTL" -n "$pc" -j status dev pc0 | json 'j[0]["xdp"][0]["id"]')
	ids[fw_tc]=$("$TCCTL" -n "$pc" -j status dev pc0 | json 'j[0]["tc"][0]["id"]')

	in_ns "$pc" xdp-filter load -m skb pc1 || die "xdp-filter load -m skb failed"
	XDPF_LOADED+=("$pc pc1")
	ids[xdpfilter]=$(xdp_prog_id "$pc" pc1)

	bpftool prog loadall "$PASS_O" "$PASS_PIN" || die "bpftool prog loadall $PASS_O failed"
	ids[empty_xdp]=$(bpftool -j prog show pinned "$PASS_PIN/bench_xdp_pass" | json 'j["id"]')
	ids[empty_tc]=$(bpftool -j prog show pinned "$PASS_PIN/bench_tc_pass" | json 'j["id"]')

	"$PKTGEN" frame udp4 "$FRAMES_DIR/udp4" || die "cannot write the test frames"
	"$PKTGEN" frame tcp6 "$FRAMES_DIR/tcp6" || die "cannot write the test frames"

	for cfg in drop pass; do
		if [ "$cfg" == drop ]; then
			"$TCCTL" fw proto udp drop || die "tcctl fw proto udp drop failed"
			in_ns "$pc" xdp-filter port 9 -p udp -m dst || die "xdp-filter port failed"
		else
			"$TCCTL" fw proto udp pass || die "tcctl fw proto udp pass failed"
			in_ns "$pc" xdp-filter port 9 -p udp -m dst -r || die "xdp-filter port -r failed"
		fi
		for frame in udp4 tcp6; do
			[ "$cfg/$frame" == drop/tcp6 ] && continue
			key=$frame-$cfg
			for prog in fw_xdp fw_tc xdpfilter empty_xdp empty_tc; do
				r=$(prog_run "$pc" "${ids[$prog]}" "$FRAMES_DIR/$frame") || exit 1
				read -r ns ret all <<<"$r"
				cost[$prog/$key]=$ns
				record "progcost $prog $key ns $ns retval $ret runs $all repeat $REPEAT"
				check_retval "$prog" "$key" "$ret"
			done
		done
	done

	in_ns "$pc" xdp-filter unload pc1 || echo "bench: xdp-filter unload pc1 failed" >&2
	XDPF_LOADED=()
	"$TCCTL" fw proto udp pass
	rm -rf "$PASS_PIN"

	echo
	echo "1. Per-packet program cost: BPF_PROG_TEST_RUN, $REPEAT repeats, median of $RUNS runs, ns/packet"
	echo "   fw loaded by tcctl (xdpgeneric, ingress); xdp-filter $XDPF_VERSION (-m skb, all features, port 9 udp dst);"
	echo "   the floor: programs that only return XDP_PASS / TC_ACT_OK"
	echo
	printf '   %-28s %7s %7s %11s %10s %9s %10s %10s\n' frame "fw xdp" "fw tc" xdp-filter \
		"empty xdp" "empty tc" "fw xdp/" "fw tc/"
	printf '   %-28s %7s %7s %11s %10s %9s %10s %10s\n' "" "" "" "" "" "" xdp-filter xdp-filter
	local label
	for key in udp4-drop udp4-pass tcp6-pass; do
		case $key in
		udp4-drop) label="(a) IPv4 UDP 64 B, dropped" ;;
		udp4-pass) label="(b) IPv4 UDP 64 B, passed" ;;
		tcp6-pass) label="(c) IPv6 TCP 74 B, passed" ;;
		esac
		printf '   %-28s %7s %7s %11s %10s %9s %10s %10s\n' "$label" "${cost[fw_xdp/$key]}" \
			"${cost[fw_tc/$key]}" "${cost[xdpfilter/$key]}" "${cost[empty_xdp/$key]}" \
			"${cost[empty_tc/$key]}" \
			"$(calc '%.2f' 'div(a, b)' a="${cost[fw_xdp/$key]}" b="${cost[xdpfilter/$key]}")" \
			"$(calc '%.2f' 'div(a, b)' a="${cost[fw_tc/$key]}" b="${cost[xdpfilter/$key]}")"
	done
	echo
	echo "   over the floor (ns/packet minus the empty program of the same hook):"
	printf '   %-28s %7s %7s %11s %10s\n' frame "fw xdp" "fw tc" xdp-filter "fw xdp/xdp-filter"
	for key in udp4-drop udp4-pass tcp6-pass; do
		case $key in
		udp4-drop) label="(a) IPv4 UDP, dropped" ;;
		udp4-pass) label="(b) IPv4 UDP, passed" ;;
		tcp6-pass) label="(c) IPv6 TCP, passed" ;;
		esac
		local nx nt nf
		nx=$((cost[fw_xdp/$key] - cost[empty_xdp/$key]))
		nt=$((cost[fw_tc/$key] - cost[empty_tc/$key]))
		nf=$((cost[xdpfilter/$key] - cost[empty_xdp/$key]))
		printf '   %-28s %7s %7s %11s %17s\n' "$label" "$nx" "$nt" "$nf" \
			"$(calc '%.2f' 'div(a, b)' a="$nx" b="$nf")"
	done
	SUMMARY+=("program cost, IPv4 UDP dropped: fw xdp ${cost[fw_xdp/udp4-drop]} ns, fw tc ${cost[fw_tc/udp4-drop]} ns, xdp-filter ${cost[xdpfilter/udp4-drop]} ns, empty xdp ${cost[empty_xdp/udp4-drop]} ns (fw xdp/xdp-filter $(calc '%.2f' 'div(a, b)' a="${cost[fw_xdp/udp4-drop]}" b="${cost[xdpfilter/udp4-drop]}"))")
	SUMMARY+=("program cost, IPv6 TCP passed: fw xdp ${cost[fw_xdp/tcp6-pass]} ns, fw tc ${cost[fw_tc/tcp6-pass]} ns, xdp-filter ${cost[xdpfilter/tcp6-pass]} ns (fw xdp/xdp-filter $(calc '%.2f' 'div(a, b)' a="${cost[fw_xdp/tcp6-pass]}" b="${cost[xdpfilter/tcp6-pass]}"))")
}

# the return codes each program must give, or its figure measures something else
check_retval() {
	local prog=$1 key=$2 ret=$3 want
	case $prog/$key in
	fw_xdp/udp4-drop | xdpfilter/udp4-drop) want=1 ;; # XDP_DROP
	fw_xdp/* | xdpfilter/* | empty_xdp/*) want=2 ;;    # XDP_PASS
	fw_tc/udp4-drop) want=2 ;;                         # TC_ACT_SHOT
	fw_tc/*) want="-1 4294967295" ;;                   # TC_ACT_UNSPEC
	empty_tc/*) want=0 ;;                              # TC_ACT_OK
	esac
	[[ " $want " == *" $ret "* ]] ||
		echo "bench: warning: $prog on $key returned $ret, not $want" >&2
}

# --- 2. drop rate through a veth pair -----------------------------------------

# counters: how many packets the case's filter dropped (or the stack received)
count_stack() { # UDP InDatagrams + NoPorts + InErrors in the receiver
	in_ns "$RX" cat /proc/net/snmp | awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $2 + $3 + $4 }'
}
count_fw() {
	"$TCCTL" -j fw counters table 0 |
		json 'sum(r["packets"] for r in j if r["proto"] == "udp" and r["verdict"] == "drop")'
}
count_xdpfilter() {
	in_ns "$RX" xdp-filter status | awk '$1 == "XDP_DROP" { print $2 }'
}
count_iptables() {
	in_ns "$RX" iptables -t raw -nvxL PREROUTING | awk '$3 == "DROP" { s += $1 } END { print s + 0 }'
}
count_nft() {
	in_ns "$RX" nft list ruleset |
		awk '{ for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) } END { print s + 0 }'
}

# filter set-up and tear-down in the receiver, by case name
filter_on() {
	case $1 in
	none) ;;
	fw-xdpgeneric | fw-xdpdrv | fw-ingress)
		"$TCCTL" -n "$RX" attach dev rx0 "${1#fw-}" fw >/dev/null &&
			"$TCCTL" fw proto udp drop
		;;
	xdpf-skb | xdpf-native)
		in_ns "$RX" xdp-filter load -m "${1#xdpf-}" rx0 || return 1
		XDPF_LOADED+=("$RX rx0")
		in_ns "$RX" xdp-filter port 9 -p udp -m dst
		;;
	iptables)
		in_ns "$RX" iptables -t raw -A PREROUTING -p udp -j DROP
		;;
	nft-ingress)
		in_ns "$RX" nft -f - <<-EOF
			table netdev bench {
				chain ingress {
					type filter hook ingress device "rx0" priority 0; policy accept;
					meta l4proto udp counter drop
				}
			}
		EOF
		;;
	nft-raw)
		in_ns "$RX" nft -f - <<-EOF
			table inet bench {
				chain pre {
					type filter hook prerouting priority raw; policy accept;
					meta l4proto udp counter drop
				}
			}
		EOF
		;;
	esac
}

filter_off() {
	case $1 in
	fw-xdpgeneric | fw-xdpdrv)
		"$TCCTL" -n "$RX" detach dev rx0 xdp fw
		;;
	fw-ingress)
		"$TCCTL" -n "$RX" detach dev rx0 ingress fw && "$TCCTL" -n "$RX" qdisc del dev rx0
		;;
	xdpf-skb | xdpf-native)
		in_ns "$RX" xdp-filter unload rx0 && XDPF_LOADED=()
		;;
	iptables | nft-ingress | nft-raw)
		# the receiver's namespace is ours: no table, even an empty one, stays hooked
		in_ns "$RX" nft flush ruleset
		;;
	esac
	"$TCCTL" fw proto udp pass >/dev/null
}

# send SECONDS: "sent ns" from the AF_PACKET sender on CPU
send() {
	local out
	out=$(in_ns "$TX" taskset -c "$CPU" "$PKTGEN" packet tx0 "$RX_MAC" 10.11.0.1 10.11.0.2 9 "$1") ||
		die "pktgen failed"
	awk '{ print $2, $4 }' <<<"$out"
}

# the sender's and the receiver's namespaces, for 2 and 3
pair_setup() {
	[ -n "${RX:-}" ] && return
	ns_new tx
	TX=$REPLY
	ns_new rx
	RX=$REPLY
	veth "$TX" tx0 "$RX" rx0
	RX_MAC=$(ip -n "$RX" -j link show dev rx0 | json 'j[0]["address"]')
	# fw's maps are pinned by the first attach: have them for tcctl fw
	"$TCCTL" pin fw >/dev/null || die "tcctl pin fw failed"
}

# drop_case NAME: one round of one traffic case; appends to pps_runs[NAME]
drop_case() {
	local name=$1 counter before after sent ns out
	case $name in
	none) counter=count_stack ;;
	fw-*) counter=count_fw ;;
	xdpf-*) counter=count_xdpfilter ;;
	iptables) counter=count_iptables ;;
	nft-*) counter=count_nft ;;
	esac
	if ! filter_on "$name"; then
		echo "bench: cannot set up $name; skipped" >&2
		filter_off "$name" 2>/dev/null
		return
	fi
	before=$($counter)
	out=$(send "$SECS") || exit 1 # (send said why)
	read -r sent ns <<<"$out"
	after=$($counter)
	filter_off "$name"
	pps_runs[$name]+=" $(calc '%.0f' 'div(n * 1e9, t)' n="$sent" t="$ns")"
	dpps_runs[$name]+=" $(calc '%.0f' 'div(n * 1e9, t)' n="$((after - before))" t="$ns")"
	record "droprate $name sent $sent ns $ns filtered $((after - before))"
}

bench_drop_rate() {
	local name label round d i n sp
	local -A pps_runs dpps_runs
	pair_setup
	"$TCCTL" fw reset

	# warm-up: caches, the neighbour entry for the ICMP errors the stack sends back
	send 1 >/dev/null || exit 1

	local cases=(none fw-xdpgeneric fw-xdpdrv fw-ingress xdpf-skb xdpf-native iptables
		nft-ingress nft-raw)
	# rounds go through every case in turn, so a drift in the machine's speed
	# spreads over all of them; each case keeps its median round
	for ((round = 0; round < ROUNDS; round++)); do
		for name in "${cases[@]}"; do
			drop_case "$name"
		done
	done
	for name in "${cases[@]}"; do
		[ -n "${pps_runs[$name]:-}" ] || continue
		# shellcheck disable=SC2086 # the runs are words
		pps[$name]=$(median ${pps_runs[$name]})
		# shellcheck disable=SC2086
		dpps[$name]=$(median ${dpps_runs[$name]})
		record "droprate-median $name sent_pps ${pps[$name]} filtered_pps ${dpps[$name]} rounds${dpps_runs[$name]}"
	done

	echo
	echo "2. UDP dropped per second through a veth pair. An AF_PACKET sender (sendmmsg, PACKET_QDISC_BYPASS,"
	echo "   64-byte frames to UDP port 9) pinned to CPU $CPU; the receiver's softirq runs on that same core,"
	echo "   so a rate is one core sending and filtering: the cheaper the filter, the more the sender sends."
	echo "   Median of $ROUNDS rounds of $SECS s; 'spread' is (max - min) / median of the rounds."
	echo "   'ns/pkt' is the whole path (1e9 / rate); 'vs ipt ns' its difference with iptables', where the"
	echo "   sender's own cost cancels out: what the receive path up to the drop costs more (+) or less (-)."
	echo "   Rules: fw proto udp drop (every UDP packet); xdp-filter port 9 -p udp -m dst (its finest"
	echo "   grain is a port); iptables -t raw -A PREROUTING -p udp -j DROP (iptables-nft); nft meta l4proto"
	echo "   udp counter drop. Counts come from each filter's own counters (tcctl -j fw counters,"
	echo "   xdp-filter status, iptables -L -v, nft counter); with no filter, from the receiver's UDP"
	echo "   counters (no socket on port 9: NoPorts, and an ICMP error now and then)."
	echo "   XDP on veth copies each of these packets (less than 256 bytes of headroom): generic mode in"
	echo "   pskb_expand_head, native mode in skb_pp_cow_data; tc and netfilter see the skb as it is."
	echo
	printf '   %-36s %9s %7s %7s %8s %8s %8s\n' "filter @ hook" dropped spread ns/pkt "vs ipt" "vs ipt" "vs nft"
	printf '   %-36s %9s %7s %7s %8s %8s %8s\n' "" kpps "" "" ns pps ingress
	for name in "${cases[@]}"; do
		[ -n "${pps[$name]:-}" ] || continue
		case $name in
		none) label="no filter (IP stack to UDP)" ;;
		fw-xdpgeneric) label="fw @ XDP generic (xdpgeneric)" ;;
		fw-xdpdrv) label="fw @ XDP native (xdpdrv, veth)" ;;
		fw-ingress) label="fw @ tc ingress (clsact)" ;;
		xdpf-skb) label="xdp-filter @ XDP generic (-m skb)" ;;
		xdpf-native) label="xdp-filter @ XDP native (veth)" ;;
		iptables) label="iptables @ raw PREROUTING" ;;
		nft-ingress) label="nft @ netdev ingress" ;;
		nft-raw) label="nft @ inet prerouting, prio raw" ;;
		esac
		d=$(calc '%+.0f' 'div(1e9, a) - div(1e9, b)' a="${pps[$name]}" b="${pps[iptables]:-0}")
		i=$(calc '%.2f' 'div(a, b)' a="${dpps[$name]}" b="${dpps[iptables]:-0}")
		n=$(calc '%.2f' 'div(a, b)' a="${dpps[$name]}" b="${dpps[nft-ingress]:-0}")
		# shellcheck disable=SC2086 # the runs are words
		sp=$(spread ${dpps_runs[$name]})
		printf '   %-36s %9s %7s %7s %8s %8s %8s\n' "$label" \
			"$(calc '%.1f' 'p / 1000' p="${dpps[$name]}")" "$sp" \
			"$(calc '%.0f' 'div(1e9, p)' p="${pps[$name]}")" "$d" "$i" "$n"
		record "droprate-derived $name ns_per_pkt $(calc '%.1f' 'div(1e9, p)' p="${pps[$name]}") vs_iptables_ns $d vs_iptables $i vs_nft_ingress $n spread $sp"
		# every packet sent should have met the filter: say so when not
		gt "$(calc '%.3f' 'div(s - d, s)' s="${pps[$name]}" d="${dpps[$name]}")" 0.01 &&
			echo "   (!) $label: sent $(calc '%.1f' 'p / 1000' p="${pps[$name]}") kpps, counted $(calc '%.1f' 'p / 1000' p="${dpps[$name]}") kpps"
	done
	local best=fw-xdpgeneric
	for name in fw-xdpdrv fw-ingress; do
		gt "${dpps[$name]:-0}" "${dpps[$best]:-0}" && best=$name
	done
	SUMMARY+=("UDP dropped per second, one core sending and filtering: fw's best hook (${best#fw-}) $(calc '%.0f' 'p / 1000' p="${dpps[$best]:-0}") kpps; iptables $(calc '%.0f' 'p / 1000' p="${dpps[iptables]:-0}") kpps (fw/iptables $(calc '%.2f' 'div(a, b)' a="${dpps[$best]:-0}" b="${dpps[iptables]:-0}")); nft ingress $(calc '%.0f' 'p / 1000' p="${dpps[nft-ingress]:-0}") kpps (fw/nft $(calc '%.2f' 'div(a, b)' a="${dpps[$best]:-0}" b="${dpps[nft-ingress]:-0}")); xdp-filter skb $(calc '%.0f' 'p / 1000' p="${dpps[xdpf-skb]:-0}") kpps; no filter $(calc '%.0f' 'p / 1000' p="${dpps[none]:-0}") kpps")
	SUMMARY+=("per packet against iptables (sender's cost cancelled): fw xdpgeneric $(calc '%+.0f' 'div(1e9, a) - div(1e9, b)' a="${pps[fw-xdpgeneric]:-0}" b="${pps[iptables]:-0}") ns, fw xdpdrv $(calc '%+.0f' 'div(1e9, a) - div(1e9, b)' a="${pps[fw-xdpdrv]:-0}" b="${pps[iptables]:-0}") ns, fw tc $(calc '%+.0f' 'div(1e9, a) - div(1e9, b)' a="${pps[fw-ingress]:-0}" b="${pps[iptables]:-0}") ns, nft ingress $(calc '%+.0f' 'div(1e9, a) - div(1e9, b)' a="${pps[nft-ingress]:-0}" b="${pps[iptables]:-0}") ns")
}

# --- 3. TCP throughput ------------------------------------------------------------

bench_tcp() {
	local name out label round g i cases=(none fw-ingress fw-xdpgeneric fw-xdpdrv xdpf-skb iptables nft-ingress)
	local -A gbps runs
	pair_setup
	# the server on the other core than the client and the sender's softirq
	# (nsenter, setpriv and taskset exec: $! is the server, this shell its
	# parent, and --pdeathsig takes it down with this shell even on SIGKILL)
	nsenter --net="/run/netns/$RX" setpriv --pdeathsig KILL \
		taskset -c "$OTHER_CPU" iperf3 -s -B 10.11.0.2 >/dev/null 2>&1 &
	PIDS+=("$!")
	for ((i = 0; i < 50; i++)); do
		in_ns "$RX" ss -Hltn 'sport = :5201' | grep -q . && break
		sleep 0.1
	done
	for ((round = 0; round < TCP_ROUNDS; round++)); do
		for name in "${cases[@]}"; do
			if ! filter_on "$name"; then
				echo "bench: cannot set up $name; skipped" >&2
				filter_off "$name" 2>/dev/null
				continue
			fi
			out=$(in_ns "$TX" taskset -c "$CPU" iperf3 -c 10.11.0.2 -t "$TCP_SECS" -O 1 -J) ||
				echo "bench: iperf3 failed for $name" >&2
			filter_off "$name"
			g=$(json '"%.2f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9)' <<<"$out" 2>/dev/null)
			[ -n "$g" ] && runs[$name]+=" $g"
		done
	done
	for name in "${cases[@]}"; do
		[ -n "${runs[$name]:-}" ] || continue
		# shellcheck disable=SC2086 # the runs are words
		gbps[$name]=$(printf '%s\n' ${runs[$name]} | awk '{ s += $1 } END { printf "%.2f", s / NR }')
		record "tcp $name gbit_s ${gbps[$name]} rounds${runs[$name]}"
	done
	echo
	echo "3. TCP throughput through the same pair: iperf3, one stream, client on CPU $CPU and server on"
	echo "   CPU $OTHER_CPU, mean of $TCP_ROUNDS rounds of $TCP_SECS s (after 1 s of warm-up). Each filter is loaded as"
	echo "   in 2, dropping UDP: TCP goes through it. A native XDP program without frags support (fw's is"
	echo "   one) turns the veth peer's GSO off: TCP then goes in MTU-sized packets."
	echo
	printf '   %-36s %8s %8s %9s\n' "filter @ hook" Gbit/s spread "vs none"
	for name in "${cases[@]}"; do
		case $name in
		none) label="no filter" ;;
		fw-ingress) label="fw @ tc ingress (clsact)" ;;
		fw-xdpgeneric) label="fw @ XDP generic (xdpgeneric)" ;;
		fw-xdpdrv) label="fw @ XDP native (xdpdrv, veth)" ;;
		xdpf-skb) label="xdp-filter @ XDP generic (-m skb)" ;;
		iptables) label="iptables @ raw PREROUTING" ;;
		nft-ingress) label="nft @ netdev ingress" ;;
		esac
		# shellcheck disable=SC2086 # the runs are words
		printf '   %-36s %8s %8s %9s\n' "$label" "${gbps[$name]:--}" "$(spread ${runs[$name]:-})" \
			"$(calc '%.2f' 'div(a, b)' a="${gbps[$name]:-0}" b="${gbps[none]:-0}")"
	done
	SUMMARY+=("TCP throughput (Gbit/s): none ${gbps[none]:--}, fw tc ${gbps[fw-ingress]:--}, fw xdpgeneric ${gbps[fw-xdpgeneric]:--}, fw xdpdrv ${gbps[fw-xdpdrv]:--}, xdp-filter skb ${gbps[xdpf-skb]:--}, iptables ${gbps[iptables]:--}, nft ingress ${gbps[nft-ingress]:--}")
}

# --- 4. rule-loading time -------------------------------------------------------

bench_rules() {
	local rl tool us label
	local -A ms
	ns_new rl
	rl=$REPLY
	"$TCCTL" pin fw >/dev/null || die "tcctl pin fw failed"
	for tool in tcctl tcctl-pass iptables iptables-restore nft nft-f; do
		us=$(in_ns "$rl" "$RULES" "$tool" "$NRULES") || {
			echo "bench: loading $NRULES rules with $tool failed" >&2
			continue
		}
		in_ns "$rl" nft flush ruleset
		ms[$tool]=$(calc '%.1f' 'u / 1000' u="$us")
		record "rules $tool count $NRULES us $us"
	done
	echo
	echo "4. Rule-loading time: $NRULES rules, one per IP protocol number (stage one of fw has a verdict"
	echo "   per protocol: one map update each). Per-command rows start one process per rule."
	echo
	printf '   %-52s %10s %10s %9s\n' how "total ms" "ms/rule" "vs tcctl"
	for tool in tcctl tcctl-pass iptables iptables-restore nft nft-f; do
		case $tool in
		tcctl) label="$NRULES x tcctl fw proto N drop" ;;
		tcctl-pass) label="$NRULES x tcctl fw proto N pass" ;;
		iptables) label="$NRULES x iptables -t raw -A PREROUTING -p N -j DROP" ;;
		iptables-restore) label="iptables-restore of $NRULES rules" ;;
		nft) label="$NRULES x nft add rule ... meta l4proto N drop" ;;
		nft-f) label="nft -f of $NRULES rules" ;;
		esac
		printf '   %-52s %10s %10s %9s\n' "$label" "${ms[$tool]:--}" \
			"$(calc '%.2f' 'div(a, n)' a="${ms[$tool]:-0}" n="$NRULES")" \
			"$(calc '%.2f' 'div(a, b)' a="${ms[$tool]:-0}" b="${ms[tcctl]:-0}")"
	done
	SUMMARY+=("loading $NRULES rules: tcctl ${ms[tcctl]:-} ms, iptables ${ms[iptables]:-} ms, iptables-restore ${ms[iptables-restore]:-} ms, nft ${ms[nft]:-} ms, nft -f ${ms[nft-f]:-} ms")
}

# --- main -------------------------------------------------------------------------

# sourced by fw_rules.sh for the helpers, the cleanup and the drop-rate set-up
[ "${BASH_SOURCE[0]}" == "$0" ] || return 0

SUMMARY=()
declare -A pps dpps
XDPF_VERSION=$(dpkg-query -W -f='${Version}' xdp-tools 2>/dev/null)
: >"$RESULTS" || die "cannot write $RESULTS"
record "# make bench $(date -u +%Y-%m-%dT%H:%M:%SZ) kernel $(uname -r) cpus $(nproc) $(dpkg-query -W -f='${Package} ${Version} ' xdp-tools iptables nftables 2>/dev/null)"
start=$SECONDS
echo "make bench: kernel $(uname -r), $(nproc) CPUs; raw figures in ${RESULTS#"$top"/}"
read -r load _ </proc/loadavg
record "# load average before the run: $load"
gt "$load" 0.5 &&
	echo "(!) load average $load before the run: other work on this machine makes the figures noisy"

for section in $SECTIONS; do
	case $section in
	cost) bench_prog_cost ;;
	drop) bench_drop_rate ;;
	tcp) bench_tcp ;;
	rules) bench_rules ;;
	*) die "unknown section $section (BENCH_SECTIONS: cost drop tcp rules)" ;;
	esac
done

echo
echo "Summary ($((SECONDS - start)) s):"
for line in "${SUMMARY[@]}"; do
	echo "  - $line"
done
for line in "${SUMMARY[@]}"; do
	record "summary $line"
done
