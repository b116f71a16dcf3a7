#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, traffic statistics (issue 7), run by run.sh inside
# selftests/sandbox.sh with bench.sh's helpers and cleanup:
#  11. per-packet cost of stats (BPF_PROG_TEST_RUN, repeat N on one frame: a
#      flow already in the table), at XDP and tc, with sampling off and on,
#      beside fw's cost and the floor (programs that only return);
#  12. what stats costs beside fw through a veth pair: UDP packets received
#      per second (one core sending and receiving) and TCP throughput, with
#      no filter, fw, fw + stats (tc ingress and XDP generic), and nft doing
#      the same accounting (per-protocol counters, dynamic sets of ports and
#      flows with counters) as the tool an admin would otherwise use.
# Arms run interleaved in rounds; each figure is the median round.
# Usage: BENCH_SECTIONS=stats selftests/bench/run.sh; knobs: BENCH_REPEAT,
# BENCH_SECONDS, BENCH_ROUNDS, BENCH_TCP_SECONDS (bench.sh's).
set -u

# shellcheck source=selftests/bench/bench.sh
. "$(dirname "$0")/bench.sh"

[ -e "$top/build/bpf/stats.o" ] || die "missing build/bpf/stats.o"

# --- 11. cost ---------------------------------------------------------------------

bench_stats_cost() {
	local pc prog frame key r ns ret all
	local -A ids cost
	ns_new pc
	pc=$REPLY
	ip -n "$pc" link add name pc0 type veth peer name pc1 || die "cannot create veth pc0/pc1"
	ip -n "$pc" link set pc0 up && ip -n "$pc" link set pc1 up
	local how
	for how in "pc0 xdpgeneric stats" "pc0 ingress stats" "pc1 xdpgeneric fw" "pc1 ingress fw"; do
		# shellcheck disable=SC2086 # the words are dev, hook and object
		"$TCCTL" -n "$pc" attach dev $how >/dev/null || die "tcctl attach dev $how failed"
	done
	ids[stats_xdp]=$("$TCCTL" -n "$pc" -j status dev pc0 | json 'j[0]["xdp"][0]["id"]')
	ids[stats_tc]=$("$TCCTL" -n "$pc" -j status dev pc0 | json 'j[0]["tc"][0]["id"]')
	ids[fw_xdp]=$("$TCCTL" -n "$pc" -j status dev pc1 | json 'j[0]["xdp"][0]["id"]')
	ids[fw_tc]=$("$TCCTL" -n "$pc" -j status dev pc1 | json 'j[0]["tc"][0]["id"]')
	bpftool prog loadall "$PASS_O" "$PASS_PIN" || die "bpftool prog loadall $PASS_O failed"
	ids[empty_xdp]=$(bpftool -j prog show pinned "$PASS_PIN/bench_xdp_pass" | json 'j["id"]')
	ids[empty_tc]=$(bpftool -j prog show pinned "$PASS_PIN/bench_tc_pass" | json 'j["id"]')
	"$PKTGEN" frame udp4 "$FRAMES_DIR/udp4" || die "cannot write the test frames"
	"$PKTGEN" frame tcp6 "$FRAMES_DIR/tcp6" || die "cannot write the test frames"

	for frame in udp4 tcp6; do
		for prog in empty_xdp empty_tc fw_xdp fw_tc stats_xdp stats_tc; do
			r=$(prog_run "$pc" "${ids[$prog]}" "$FRAMES_DIR/$frame") || exit 1
			read -r ns ret all <<<"$r"
			cost[$prog/$frame]=$ns
			record "statscost $prog $frame ns $ns retval $ret runs $all repeat $REPEAT"
		done
		# sampling 1 in 100, the budget at its default: most packets pay for the
		# draw only; nobody reads, so once the ring is full an event is a loss
		"$TCCTL" events set sample 100 >/dev/null || die "tcctl events set sample 100 failed"
		for prog in stats_xdp stats_tc; do
			r=$(prog_run "$pc" "${ids[$prog]}" "$FRAMES_DIR/$frame") || exit 1
			read -r ns ret all <<<"$r"
			cost[$prog-sampled/$frame]=$ns
			record "statscost $prog-sampled $frame ns $ns retval $ret runs $all repeat $REPEAT"
		done
		"$TCCTL" events set sample off >/dev/null
	done
	rm -rf "$PASS_PIN"

	echo
	echo "11. Per-packet cost of stats: BPF_PROG_TEST_RUN, $REPEAT repeats of one frame (its flow and"
	echo "   port are in the tables after the first), median of $RUNS runs, ns/packet. stats counts"
	echo "   the protocol, the service port and the flow; 'sampled' adds events at 1 in 100."
	echo "   fw passes the same frames with an empty configuration; the floor returns at once."
	echo
	printf '   %-24s %7s %7s %9s %9s %9s %9s %9s %9s\n' frame "floor" "floor" "stats" "stats" \
		"sampled" "sampled" "fw" "fw"
	printf '   %-24s %7s %7s %9s %9s %9s %9s %9s %9s\n' "" xdp tc xdp tc xdp tc xdp tc
	for key in udp4 tcp6; do
		printf '   %-24s %7s %7s %9s %9s %9s %9s %9s %9s\n' \
			"$([ $key == udp4 ] && echo "IPv4 UDP 64 B" || echo "IPv6 TCP 74 B")" \
			"${cost[empty_xdp/$key]}" "${cost[empty_tc/$key]}" "${cost[stats_xdp/$key]}" \
			"${cost[stats_tc/$key]}" "${cost[stats_xdp-sampled/$key]}" \
			"${cost[stats_tc-sampled/$key]}" "${cost[fw_xdp/$key]}" "${cost[fw_tc/$key]}"
	done
	echo
	echo "   over the floor (ns/packet minus the empty program of the same hook), and stats / fw:"
	for key in udp4 tcp6; do
		local sx st fx
		sx=$((cost[stats_xdp/$key] - cost[empty_xdp/$key]))
		st=$((cost[stats_tc/$key] - cost[empty_tc/$key]))
		fx=$((cost[fw_xdp/$key] - cost[empty_xdp/$key]))
		printf '   %-24s stats xdp %4s, stats tc %4s, fw xdp %4s; stats xdp / fw xdp %s\n' \
			"$key" "$sx" "$st" "$fx" "$(calc '%.2f' 'div(a, b)' a="$sx" b="$fx")"
	done
	SUMMARY+=("stats cost (ns/packet, IPv4 UDP): xdp ${cost[stats_xdp/udp4]}, tc ${cost[stats_tc/udp4]}, sampled 1/100 xdp ${cost[stats_xdp-sampled/udp4]}; floor xdp ${cost[empty_xdp/udp4]}, fw xdp ${cost[fw_xdp/udp4]}")
}

# --- 12. beside fw through a veth pair -----------------------------------------

ACCT_NFT="table netdev acct {
	set ports { type inet_proto . inet_service; flags dynamic; size 16384; counter; }
	set flows4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service . inet_service; flags dynamic; size 32768; counter; }
	chain ingress {
		type filter hook ingress device \"rx0\" priority 0; policy accept;
		meta l4proto tcp counter
		meta l4proto udp counter
		meta l4proto icmp counter
		meta l4proto { tcp, udp } update @ports { meta l4proto . th dport }
		meta protocol ip meta l4proto { tcp, udp } update @flows4 { ip saddr . ip daddr . meta l4proto . th sport . th dport }
	}
}"

acct_on() {
	case $1 in
	none) ;;
	fw) "$TCCTL" -n "$RX" attach dev rx0 ingress fw >/dev/null ;;
	fw-stats)
		"$TCCTL" -n "$RX" attach dev rx0 ingress fw >/dev/null &&
			"$TCCTL" -n "$RX" attach dev rx0 ingress stats >/dev/null
		;;
	fw-stats-xdp)
		"$TCCTL" -n "$RX" attach dev rx0 xdpgeneric fw >/dev/null &&
			"$TCCTL" -n "$RX" attach dev rx0 xdpgeneric stats >/dev/null
		;;
	nft) in_ns "$RX" nft -f - <<<"$ACCT_NFT" ;;
	esac
}

acct_off() {
	case $1 in
	fw) "$TCCTL" -n "$RX" detach dev rx0 ingress fw ;;
	fw-stats)
		"$TCCTL" -n "$RX" detach dev rx0 ingress stats &&
			"$TCCTL" -n "$RX" detach dev rx0 ingress fw
		;;
	fw-stats-xdp)
		"$TCCTL" -n "$RX" detach dev rx0 xdp stats && "$TCCTL" -n "$RX" detach dev rx0 xdp fw
		;;
	nft) in_ns "$RX" nft flush ruleset ;;
	esac
	"$TCCTL" -n "$RX" qdisc del dev rx0 2>/dev/null
	"$TCCTL" stats reset >/dev/null 2>&1
	return 0
}

bench_stats_path() {
	local arm round out sent ns before after g i label
	local arms=(none fw fw-stats fw-stats-xdp nft)
	local -A rx_runs tcp_runs rx tcp
	pair_setup
	send 1 >/dev/null || exit 1 # warm-up
	nsenter --net="/run/netns/$RX" setpriv --pdeathsig KILL \
		taskset -c "$OTHER_CPU" iperf3 -s -B 10.11.0.2 >/dev/null 2>&1 &
	PIDS+=("$!")
	for ((i = 0; i < 50; i++)); do
		in_ns "$RX" ss -Hltn 'sport = :5201' | grep -q . && break
		sleep 0.1
	done
	for ((round = 0; round < ROUNDS; round++)); do
		for arm in "${arms[@]}"; do
			if ! acct_on "$arm"; then
				echo "bench: cannot set up $arm; skipped" >&2
				acct_off "$arm" 2>/dev/null
				continue
			fi
			before=$(count_stack)
			out=$(send "$SECS") || exit 1
			read -r sent ns <<<"$out"
			after=$(count_stack)
			rx_runs[$arm]+=" $(calc '%.0f' 'div(n * 1e9, t)' n="$((after - before))" t="$ns")"
			out=$(in_ns "$TX" taskset -c "$CPU" iperf3 -c 10.11.0.2 -t "$TCP_SECS" -O 1 -J) ||
				echo "bench: iperf3 failed for $arm" >&2
			g=$(json '"%.2f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9)' <<<"$out" 2>/dev/null)
			[ -n "$g" ] && tcp_runs[$arm]+=" $g"
			acct_off "$arm"
			record "statspath $arm round $round sent $sent ns $ns received $((after - before)) tcp_gbit_s ${g:--}"
		done
	done
	for arm in "${arms[@]}"; do
		# shellcheck disable=SC2086 # the runs are words
		[ -n "${rx_runs[$arm]:-}" ] && rx[$arm]=$(median ${rx_runs[$arm]})
		# shellcheck disable=SC2086
		[ -n "${tcp_runs[$arm]:-}" ] && tcp[$arm]=$(median ${tcp_runs[$arm]})
	done

	echo
	echo "12. stats beside fw through a veth pair: UDP packets the receiver's stack took per second"
	echo "   (64-byte frames from an AF_PACKET sender on CPU $CPU, whose core also runs the receive"
	echo "   path) and TCP throughput (iperf3, one stream); median of $ROUNDS rounds of $SECS s"
	echo "   (UDP) and $TCP_SECS s (TCP), arms interleaved. fw passes everything (empty"
	echo "   configuration); stats counts protocol, port and flow. nft: a netdev ingress chain with"
	echo "   per-protocol counters and dynamic sets of ports and IPv4 flows with counters."
	echo
	printf '   %-34s %9s %8s %8s %8s %8s %8s\n' arm "UDP kpps" "vs fw" "vs nft" "TCP Gb/s" "vs fw" "vs nft"
	for arm in "${arms[@]}"; do
		case $arm in
		none) label="no filter" ;;
		fw) label="fw @ tc ingress" ;;
		fw-stats) label="fw + stats @ tc ingress" ;;
		fw-stats-xdp) label="fw + stats @ XDP generic (chain)" ;;
		nft) label="nft accounting @ netdev ingress" ;;
		esac
		printf '   %-34s %9s %8s %8s %8s %8s %8s\n' "$label" \
			"$(calc '%.1f' 'p / 1000' p="${rx[$arm]:-0}")" \
			"$(calc '%.2f' 'div(a, b)' a="${rx[$arm]:-0}" b="${rx[fw]:-0}")" \
			"$(calc '%.2f' 'div(a, b)' a="${rx[$arm]:-0}" b="${rx[nft]:-0}")" \
			"${tcp[$arm]:--}" \
			"$(calc '%.2f' 'div(a, b)' a="${tcp[$arm]:-0}" b="${tcp[fw]:-0}")" \
			"$(calc '%.2f' 'div(a, b)' a="${tcp[$arm]:-0}" b="${tcp[nft]:-0}")"
	done
	SUMMARY+=("stats beside fw (tc): UDP $(calc '%.2f' 'div(a, b)' a="${rx[fw-stats]:-0}" b="${rx[fw]:-0}") of fw alone, $(calc '%.2f' 'div(a, b)' a="${rx[fw-stats]:-0}" b="${rx[nft]:-0}") of nft accounting; TCP $(calc '%.2f' 'div(a, b)' a="${tcp[fw-stats]:-0}" b="${tcp[fw]:-0}") of fw alone, $(calc '%.2f' 'div(a, b)' a="${tcp[fw-stats]:-0}" b="${tcp[nft]:-0}") of nft")
}

SUMMARY=()
for section in ${BENCH_SECTIONS:-stats}; do
	case $section in
	stats)
		bench_stats_cost
		bench_stats_path
		;;
	esac
done

echo
echo "Summary:"
for line in "${SUMMARY[@]}"; do
	echo "  - $line"
	record "summary $line"
done
