#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, events (issue 7), run by run.sh inside selftests/sandbox.sh
# with bench.sh's helpers and cleanup:
#  11. how many events per second tcctl monitor shows without loss: fw on a
#      veth's tc ingress drops a UDP flood from the peer (build/bench/pktgen,
#      AF_PACKET, one core) with drop events on; the budget sets the rate of
#      events offered to the ring (min(budget, drops/s)), from low to the
#      maximum, and at each step "monitor >/dev/null" (text) and
#      "monitor -j >/dev/null" report shown and lost (their summary: the
#      objects' own counters). Beside it, in the same run, tcpdump -nn -l on
#      the same device with fw passing the flood: captured against dropped by
#      kernel, as tcpdump reports them.
# Usage: BENCH_SECTIONS=events selftests/bench/run.sh; knobs:
# BENCH_EVENTS_SECONDS (flood per step, 1), BENCH_EVENTS_BUDGETS (the steps,
# "10000 30000 100000 300000 1000000 100000000").
set -u

# shellcheck source=selftests/bench/bench.sh
. "$(dirname "$0")/bench.sh"

E_SECS=${BENCH_EVENTS_SECONDS:-1}
E_BUDGETS=${BENCH_EVENTS_BUDGETS:-10000 30000 100000 300000 1000000 100000000}
E_OUT=$FRAMES_DIR/events

ns_new etx
ETX=$REPLY
ns_new erx
ERX=$REPLY
veth "$ETX" tx0 "$ERX" rx0
ERX_MAC=$(ip -n "$ERX" -j link show dev rx0 | json 'j[0]["address"]')
"$TCCTL" -n "$ERX" attach dev rx0 ingress fw >/dev/null || die "tcctl attach fw failed"
"$TCCTL" fw proto udp drop || die "tcctl fw proto udp drop failed"

# flood: "sent ns" of E_SECS seconds of UDP from tx0 on CPU
flood() {
	in_ns "$ETX" taskset -c "$CPU" "$PKTGEN" packet tx0 "$ERX_MAC" 10.11.0.1 10.11.0.2 9 "$E_SECS" |
		awk '{ print $2, $4 }'
}

drop_counters() { # emitted lost over_budget of drop events
	"$TCCTL" -j events show | json '"%d %d %d" % tuple(j["counters"]["drop"][k] for k in ("emitted", "lost", "over_budget"))'
}

# monitor_step MODE BUDGET: "shown lost offered ns" for one flood with
# monitor in MODE (text or json), on another core than the sender's
monitor_step() {
	local mode=$1 budget=$2 opt=() pid e0 l0 o0 e1 l1 o1 sent ns shown lost
	[ "$mode" == json ] && opt=(-j)
	"$TCCTL" events set drops on budget "$budget" || die "tcctl events set failed"
	taskset -c "$OTHER_CPU" "$TCCTL" -n "$ERX" "${opt[@]}" monitor >/dev/null 2>"$E_OUT" &
	pid=$!
	PIDS+=("$pid")
	sleep 0.3
	read -r e0 l0 o0 < <(drop_counters)
	read -r sent ns < <(flood)
	read -r e1 l1 o1 < <(drop_counters)
	kill -INT "$pid"
	wait "$pid"
	read -r shown lost < <(sed -n 's/^\([0-9]*\) events shown, \([0-9]*\) lost.*/\1 \2/p' "$E_OUT")
	record "events $mode budget $budget sent $sent ns $ns emitted $((e1 - e0)) lost $((l1 - l0)) over $((o1 - o0)) shown ${shown:--} monitor_lost ${lost:--}"
	echo "${shown:-0} ${lost:-0} $((e1 - e0 + l1 - l0)) $ns"
}

# tcpdump_step: "captured dropped ns": tcpdump -nn -l on rx0 while fw passes the flood
tcpdump_step() {
	local pid sent ns captured dropped
	"$TCCTL" fw proto udp pass
	"$TCCTL" events set drops off
	# not through in_ns: a function in the background is a subshell, and $!
	# would be that shell's pid, not tcpdump's
	nsenter --net="/run/netns/$ERX" taskset -c "$OTHER_CPU" tcpdump -nn -l -i rx0 >/dev/null 2>"$E_OUT" &
	pid=$!
	PIDS+=("$pid")
	sleep 1 # tcpdump has no ready signal: it prints "listening on" when it is
	read -r sent ns < <(flood)
	sleep 0.2
	kill -INT "$pid"
	wait "$pid"
	captured=$(sed -n 's/^\([0-9]*\) packets\? captured.*/\1/p' "$E_OUT")
	dropped=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel.*/\1/p' "$E_OUT")
	"$TCCTL" fw proto udp drop
	record "events tcpdump sent $sent ns $ns captured ${captured:--} dropped ${dropped:--}"
	echo "${captured:-0} ${dropped:-0} $ns"
}

echo
echo "13. Events: tcctl monitor under a UDP flood dropped by fw (tc ingress, veth, sender on core $CPU,"
echo "   reader on core $OTHER_CPU); the budget sets the events/s offered to the ring; $E_SECS s per step;"
echo "   shown/s and lost% from monitor's summary (a flood crosses two of the budget's seconds,"
echo "   so a low budget lets through up to twice its figure)"
echo
printf '   %10s %12s | %12s %7s | %12s %7s\n' budget "offered ev/s" "text shown/s" "lost" "-j shown/s" "lost"
best_text=0 best_json=0
for budget in $E_BUDGETS; do
	row=()
	for mode in text json; do
		read -r shown lost offered ns < <(monitor_step "$mode" "$budget")
		row+=("$(calc '%.0f' 'div(s * 1e9, t)' s="$shown" t="$ns")"
			"$(calc '%.1f%%' 'div(l * 100, s + l)' s="$shown" l="$lost")")
		[ "$mode" == text ] && offered_rate=$(calc '%.0f' 'div(o * 1e9, t)' o="$offered" t="$ns")
		# the best step without loss (a busy machine can make a middle step lose)
		if [ "$lost" -eq 0 ] && [ "$mode" == text ] && gt "${row[0]}" "$best_text"; then
			best_text=${row[0]}
		elif [ "$lost" -eq 0 ] && [ "$mode" == json ] && gt "${row[2]}" "$best_json"; then
			best_json=${row[2]}
		fi
		[ "$mode" == json ] && full_json="$shown $lost"
		[ "$mode" == text ] && full_text="$shown $lost"
	done
	printf '   %10s %12s | %12s %7s | %12s %7s\n' "$budget" "$offered_rate" "${row[@]}"
done
read -r captured dropped tns < <(tcpdump_step)
read -r ts tl <<<"$full_text"
read -r js jl <<<"$full_json"
echo
echo "   highest rate shown without loss: text $best_text events/s, -j $best_json events/s"
printf '   at the last step (budget %s), share of events seen: monitor text %s, -j %s;\n' \
	"${E_BUDGETS##* }" "$(calc '%.3f' 'div(s, s + l)' s="$ts" l="$tl")" \
	"$(calc '%.3f' 'div(s, s + l)' s="$js" l="$jl")"
printf '   tcpdump -nn -l (fw passing) captured %s (%s/s), dropped by kernel %s: share %s;\n' \
	"$captured" "$(calc '%.0f' 'div(c * 1e9, t)' c="$captured" t="$tns")" "$dropped" \
	"$(calc '%.3f' 'div(c, c + d)' c="$captured" d="$dropped")"
printf '   ratio monitor text / tcpdump: %s\n' \
	"$(calc '%.2f' 'div(div(s, s + l), div(c, c + d))' s="$ts" l="$tl" c="$captured" d="$dropped")"
