#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, fw's rules and sets (issue 4), run by run.sh inside
# selftests/sandbox.sh after bench.sh, whose helpers, cleanup and drop-rate
# set-up it sources. Prints figures and ratios beside the targets:
#   5. program cost (BPF_PROG_TEST_RUN) of fw at XDP and tc with 1 / 100 /
#      1,000 rules and with a set of 10 / 10,000 / 1,000,000 CIDRs, against
#      xdp-filter with the equivalent entries (docs/benchmarks.md says what
#      "equivalent" is): fw/xdp-filter <= 0.7, 1M-entry cost / 10 <= 1.5;
#   6. UDP packets dropped per second through a veth pair, the flood's source
#      in a 10,000-entry blocklist: fw at tc and XDP, programs that only drop,
#      iptables raw with 10,000 rules, an nftables set of 10,000 elements:
#      fw >= 0.9 of the drop-only program, >= 20 x iptables;
#   7. loading 1,000,000 CIDRs into a set: tcctl fw set load (< 3 s), and
#      the same list into an nftables set with nft -f.
# Usage: BENCH_SECTIONS="fwcost fwdrop fwload" selftests/bench/run.sh (or a
# subset of the three); knobs in run.sh. About 2.5 minutes.
set -u

# shellcheck source=selftests/bench/bench.sh
. "$(dirname "$0")/bench.sh"

DROP_O=$top/build/bench/drop.o
CIDRS_AWK=$top/selftests/bench/cidrs.awk
XDPF_PIN=/sys/fs/bpf/xdp-filter # libxdp pins xdp-filter's maps here

REPEAT=${BENCH_FW_REPEAT:-1000000}
RUNS=${BENCH_FW_RUNS:-5} # test runs per program and case: the median is kept
LOAD_ROUNDS=${BENCH_FW_LOAD_ROUNDS:-3}
NFT_ROUNDS=${BENCH_FW_NFT_ROUNDS:-1} # about 20 s and 750 MB each
SECTIONS=${BENCH_SECTIONS:-fwcost fwdrop fwload}
XDPF_MAX=9999 # xdp-filter's address map holds 10,000: room for the hit
HIT_CIDR=10.11.0.0/24 # holds the frames' source, 10.11.0.1 (cidrs.awk leaves out 10/8)
HIT_ADDR=10.11.0.1

[ -e "$DROP_O" ] || die "missing $DROP_O (run selftests/bench/run.sh)"

# everything written here goes to bench.sh's temporary directory, which its
# cleanup removes; namespaces, xdp-filter and pins are its cleanup's too
DIR=$FRAMES_DIR

# fwr_cidrs COUNT FILE: the first COUNT CIDRs of the blocklist (cidrs.awk)
fwr_cidrs() {
	if [ -e "$DIR/cidrs-1m" ] && [ "$1" -le 1000000 ]; then
		head -n "$1" "$DIR/cidrs-1m" >"$2"
	else
		awk -v n="$1" -f "$CIDRS_AWK" >"$2"
	fi
}

# count_fw_rules: packets counted by fw's rules (table 0, the only one used)
count_fw_rules() {
	"$TCCTL" -j fw rule list | json 'sum(r["packets"] for t in j for r in t["rules"])'
}

# fwr_set_check NAME COUNT: warns when set NAME does not hold COUNT IPv4
# elements (a figure about another set would be meaningless)
fwr_set_check() {
	local got
	got=$("$TCCTL" -j fw set list "$1" | json 'j[0]["ipv4"]')
	[ "$got" == "$2" ] || echo "bench: warning: set $1 holds $got IPv4 elements, not $2" >&2
}

# fwr_reset [ SET... ]: no rules, policy pass, and SETs destroyed
fwr_reset() {
	local name
	"$TCCTL" fw rule flush >/dev/null || return 1
	"$TCCTL" fw policy pass >/dev/null || return 1
	for name in "$@"; do
		"$TCCTL" fw set destroy "$name" >/dev/null 2>&1
	done
	return 0
}

# --- 5. program cost with rules and sets -------------------------------------

# fwr_rules_conf N: a tcctl fw load file of N rules the test frame (UDP
# 10.11.0.1:4000 -> 10.11.0.2:9) misses, so the policy decides: in turn a
# source address, a UDP and a TCP destination port, the three things
# xdp-filter can match
fwr_rules_conf() {
	awk -v n="$1" 'BEGIN {
		print "policy pass"
		for (i = 0; i < n; i++) {
			if (i % 3 == 0)
				printf "rule add src 198.%d.%d.%d drop\n", 18 + int(i / 65536), int(i / 256) % 256, i % 256
			else
				printf "rule add proto %s dport %d drop\n", i % 3 == 1 ? "udp" : "tcp", 10000 + i
		}
	}'
}

# fwr_rules_xdpf N: the same N entries for xdp-filter, as a bpftool batch
# (its own CLI takes 2 ms an entry). Values are xdp-filter's flags: 1 source,
# 2 destination, 4 TCP, 8 UDP; ports are keyed in network order.
fwr_rules_xdpf() {
	awk -v n="$1" -v pin="$XDPF_PIN" 'BEGIN {
		for (i = 0; i < n; i++) {
			if (i % 3 == 0)
				printf "map update pinned %s/filter_ipv4 key %d %d %d %d value 1 0 0 0 0 0 0 0\n",
					pin, 198, 18 + int(i / 65536), int(i / 256) % 256, i % 256
			else
				printf "map update pinned %s/filter_ports key %d %d 0 0 value %d 0 0 0 0 0 0 0\n",
					pin, int((10000 + i) / 256), (10000 + i) % 256, i % 3 == 1 ? 10 : 6
		}
	}'
}

# fwr_addrs_xdpf FILE: the network address of each CIDR in FILE, as source
# entries for xdp-filter, in a bpftool batch
fwr_addrs_xdpf() {
	awk -F '[./]' -v pin="$XDPF_PIN" '{
		printf "map update pinned %s/filter_ipv4 key %d %d %d %d value 1 0 0 0 0 0 0 0\n",
			pin, $1, $2, $3, $4
	}' "$1"
}

# xdpf_fresh NS DEV [ BATCH ]: xdp-filter loaded anew (its maps empty), then
# the entries of BATCH; the program's id in $REPLY (no subshell: XDPF_LOADED
# is the cleanup's)
xdpf_fresh() {
	local ns=$1 dev=$2 batch=${3:-}
	if [ "${#XDPF_LOADED[@]}" -gt 0 ]; then
		in_ns "$ns" xdp-filter unload "$dev" || return 1
		XDPF_LOADED=()
	fi
	in_ns "$ns" xdp-filter load -m skb "$dev" || return 1
	XDPF_LOADED+=("$ns $dev")
	if [ -n "$batch" ] && [ -s "$batch" ]; then
		bpftool batch file "$batch" >/dev/null || return 1
	fi
	REPLY=$(xdp_prog_id "$ns" "$dev")
}

# fwr_want PROG VERDICT: the return codes PROG gives for drop or pass
fwr_want() {
	case $1/$2 in
	fw_xdp/drop | xdpf/drop) echo 1 ;;        # XDP_DROP
	fw_xdp/pass | xdpf/pass) echo 2 ;;        # XDP_PASS
	fw_tc/drop) echo 2 ;;                     # TC_ACT_SHOT
	fw_tc/pass) echo "-1 4294967295 0" ;;     # TC_ACT_UNSPEC, TC_ACT_OK
	empty_xdp/*) echo 2 ;;
	empty_tc/*) echo 0 ;;
	esac
}

# fwr_cost KEY VERDICT PROG...: runs each PROG (ids in ids[]) on the frame,
# into fcost[PROG/KEY]; warns when a verdict is not VERDICT's
fwr_cost() {
	local key=$1 verdict=$2 prog r ns ret all want
	shift 2
	for prog in "$@"; do
		r=$(prog_run "$PC" "${ids[$prog]}" "$FRAME") || exit 1
		read -r ns ret all <<<"$r"
		fcost[$prog/$key]=$ns
		record "fwcost $prog $key ns $ns retval $ret runs $all repeat $REPEAT"
		want=$(fwr_want "$prog" "$verdict")
		[[ " $want " == *" $ret "* ]] ||
			echo "bench: warning: $prog on $key returned $ret, not $want ($verdict)" >&2
	done
}

# fwr_cost_rules N: N rules in fw and xdp-filter, the frame misses them all
fwr_cost_rules() {
	local n=$1
	fwr_rules_conf "$n" >"$DIR/rules-$n.conf"
	fwr_rules_xdpf "$n" >"$DIR/rules-$n.batch"
	"$TCCTL" fw load "$DIR/rules-$n.conf" || die "tcctl fw load of $n rules failed"
	xdpf_fresh "$PC" pc1 "$DIR/rules-$n.batch" || die "xdp-filter with $n entries failed"
	ids[xdpf]=$REPLY
	fwr_cost "rules$n" pass fw_xdp fw_tc xdpf
}

# fwr_cost_set N: a set of N CIDRs named by 'src @bench drop'; the frame's
# source is not in it (the policy decides), then is (the set matches)
fwr_cost_set() {
	local n=$1 m
	fwr_cidrs "$n" "$DIR/set-$n"
	m=$((n < XDPF_MAX ? n : XDPF_MAX))
	head -n "$m" "$DIR/set-$n" >"$DIR/set-$n.xdpf"
	fwr_addrs_xdpf "$DIR/set-$n.xdpf" >"$DIR/set-$n.batch"
	"$TCCTL" fw set load bench "$DIR/set-$n" >/dev/null || die "tcctl fw set load of $n CIDRs failed"
	fwr_set_check bench "$n"
	xdpf_fresh "$PC" pc1 "$DIR/set-$n.batch" || die "xdp-filter with $m entries failed"
	ids[xdpf]=$REPLY
	fwr_cost "set$n-miss" pass fw_xdp fw_tc xdpf

	"$TCCTL" fw set add bench "$HIT_CIDR" || die "tcctl fw set add failed"
	in_ns "$PC" xdp-filter ip "$HIT_ADDR" -m src || die "xdp-filter ip failed"
	fwr_cost "set$n-hit" drop fw_xdp fw_tc xdpf
	"$TCCTL" fw set del bench "$HIT_CIDR" || die "tcctl fw set del failed"
}

fwr_bench_cost() {
	local n key label
	local -A ids # program ids, by fwr_cost's names
	ns_new fc
	PC=$REPLY
	ip -n "$PC" link add name pc0 type veth peer name pc1 || die "cannot create veth pc0/pc1"
	ip -n "$PC" link set pc0 up && ip -n "$PC" link set pc1 up

	"$TCCTL" -n "$PC" attach dev pc0 xdpgeneric fw >/dev/null || die "tcctl attach xdpgeneric failed"
	"$TCCTL" -n "$PC" attach dev pc0 ingress fw >/dev/null || die "tcctl attach ingress failed"
	ids[fw_xdp]=$("$TCCTL" -n "$PC" -j status dev pc0 | json 'j[0]["xdp"][0]["id"]')
	ids[fw_tc]=$("$TCCTL" -n "$PC" -j status dev pc0 | json 'j[0]["tc"][0]["id"]')
	fwr_reset bench || die "tcctl fw rule flush / policy failed"

	bpftool prog loadall "$PASS_O" "$PASS_PIN" || die "bpftool prog loadall $PASS_O failed"
	ids[empty_xdp]=$(bpftool -j prog show pinned "$PASS_PIN/bench_xdp_pass" | json 'j["id"]')
	ids[empty_tc]=$(bpftool -j prog show pinned "$PASS_PIN/bench_tc_pass" | json 'j["id"]')

	FRAME=$DIR/udp4
	"$PKTGEN" frame udp4 "$FRAME" || die "cannot write the test frame"
	fwr_cost floor pass empty_xdp empty_tc

	for n in 1 100 1000; do
		fwr_cost_rules "$n"
	done
	fwr_reset bench || die "tcctl fw rule flush failed"
	"$TCCTL" fw set create bench || die "tcctl fw set create bench failed"
	"$TCCTL" fw rule add src @bench drop || die "tcctl fw rule add src @bench drop failed"
	for n in 10 10000 1000000; do
		fwr_cost_set "$n"
	done

	in_ns "$PC" xdp-filter unload pc1 || echo "bench: xdp-filter unload pc1 failed" >&2
	XDPF_LOADED=()
	fwr_reset bench
	rm -rf "$PASS_PIN"

	echo
	echo "5. fw rules and sets, program cost: BPF_PROG_TEST_RUN, $REPEAT repeats, median of $RUNS runs,"
	echo "   ns/packet, on a 64-byte IPv4 UDP frame 10.11.0.1:4000 -> 10.11.0.2:9. fw loaded by tcctl"
	echo "   (xdpgeneric, ingress); xdp-filter $XDPF_VERSION (-m skb, all features) with the equivalent"
	echo "   entries: rules are source addresses and UDP / TCP destination ports the frame misses (the"
	echo "   policy, pass, decides); a set is CIDRs /24-/32 named by 'src @bench drop', to xdp-filter"
	echo "   their network addresses as sources (at most $XDPF_MAX: its map holds 10,000); 'hit' adds"
	echo "   $HIT_CIDR (xdp-filter: $HIT_ADDR). Programs that only return cost ${fcost[empty_xdp/floor]} ns (XDP), ${fcost[empty_tc/floor]} ns (tc)."
	echo
	printf '   %-30s %7s %7s %10s %9s %9s\n' case "fw xdp" "fw tc" xdp-filter "fw xdp/" "fw tc/"
	printf '   %-30s %7s %7s %10s %9s %9s\n' "" "" "" "" xdp-filter xdp-filter
	for key in rules1 rules100 rules1000 set10-miss set10-hit set10000-miss set10000-hit \
		set1000000-miss set1000000-hit; do
		case $key in
		rules1) label="1 rule, missed" ;;
		rules100) label="100 rules, all missed" ;;
		rules1000) label="1,000 rules, all missed" ;;
		set10-miss) label="set of 10, not in it" ;;
		set10-hit) label="set of 10, in it (drop)" ;;
		set10000-miss) label="set of 10,000, not in it" ;;
		set10000-hit) label="set of 10,000, in it (drop)" ;;
		set1000000-miss) label="set of 1,000,000*, not in it" ;;
		set1000000-hit) label="set of 1,000,000*, in it (drop)" ;;
		esac
		printf '   %-30s %7s %7s %10s %9s %9s\n' "$label" "${fcost[fw_xdp/$key]}" \
			"${fcost[fw_tc/$key]}" "${fcost[xdpf/$key]}" \
			"$(calc '%.2f' 'div(a, b)' a="${fcost[fw_xdp/$key]}" b="${fcost[xdpf/$key]}")" \
			"$(calc '%.2f' 'div(a, b)' a="${fcost[fw_tc/$key]}" b="${fcost[xdpf/$key]}")"
	done
	echo "   * xdp-filter: $XDPF_MAX addresses (+ 1 in it)"
	echo
	echo "   growth, cost at 1,000,000 entries / cost at 10 (target <= 1.50):"
	for key in miss hit; do
		printf '   %-30s %7s %7s %10s\n' "set, $key" \
			"$(calc '%.2f' 'div(a, b)' a="${fcost[fw_xdp/set1000000-$key]}" b="${fcost[fw_xdp/set10-$key]}")" \
			"$(calc '%.2f' 'div(a, b)' a="${fcost[fw_tc/set1000000-$key]}" b="${fcost[fw_tc/set10-$key]}")" \
			"$(calc '%.2f' 'div(a, b)' a="${fcost[xdpf/set1000000-$key]}" b="${fcost[xdpf/set10-$key]}")"
	done

	# the worst ratio over the cases, and the worst growth
	local worst=0 r g=0
	for key in rules1 rules100 rules1000 set10-miss set10-hit set10000-miss set10000-hit \
		set1000000-miss set1000000-hit; do
		r=$(calc '%.2f' 'div(a, b)' a="${fcost[fw_xdp/$key]}" b="${fcost[xdpf/$key]}")
		gt "$r" "$worst" && worst=$r
	done
	for key in miss hit; do
		r=$(calc '%.2f' 'div(a, b)' a="${fcost[fw_xdp/set1000000-$key]}" b="${fcost[fw_xdp/set10-$key]}")
		gt "$r" "$g" && g=$r
	done
	FW_SUMMARY+=("program cost, fw xdp / xdp-filter: worst $worst over rules and sets (target <= 0.70); 1,000 rules ${fcost[fw_xdp/rules1000]} vs ${fcost[xdpf/rules1000]} ns; set of 1M, in it: ${fcost[fw_xdp/set1000000-hit]} vs ${fcost[xdpf/set1000000-hit]} ns")
	FW_SUMMARY+=("program cost growth, set of 1M / set of 10: fw xdp $g at worst (target <= 1.50)")
}

# --- 6. drop rate with a 10,000-entry blocklist ------------------------------

# fwr_on CASE / fwr_off CASE: a filter in the receiver, by case name
fwr_on() {
	case $1 in
	fw-ingress | fw-xdpdrv)
		"$TCCTL" -n "$RX" attach dev rx0 "${1#fw-}" fw >/dev/null
		;;
	trivial-xdpdrv)
		in_ns "$RX" ip link set dev rx0 xdpdrv obj "$DROP_O" sec xdp
		;;
	trivial-ingress)
		in_ns "$RX" tc qdisc add dev rx0 clsact &&
			in_ns "$RX" tc filter add dev rx0 ingress prio 1 handle 1 bpf da obj "$DROP_O" sec tc
		;;
	iptables)
		in_ns "$RX" iptables-restore <"$DIR/blocklist.ipt"
		;;
	nft-set)
		in_ns "$RX" nft -f "$DIR/blocklist.nft"
		;;
	esac
}

fwr_off() {
	case $1 in
	fw-xdpdrv)
		"$TCCTL" -n "$RX" detach dev rx0 xdp fw
		;;
	fw-ingress)
		"$TCCTL" -n "$RX" detach dev rx0 ingress fw && "$TCCTL" -n "$RX" qdisc del dev rx0
		;;
	trivial-xdpdrv)
		in_ns "$RX" ip link set dev rx0 xdpdrv off
		;;
	trivial-ingress)
		in_ns "$RX" tc qdisc del dev rx0 clsact
		;;
	iptables | nft-set)
		in_ns "$RX" nft flush ruleset
		;;
	esac
}

# the drop-only programs count nothing: every frame that reaches rx0 meets
# them and is dropped, so rx0's received packets are their drops
count_rx0() {
	ip -n "$RX" -j -s link show dev rx0 | json 'j[0]["stats64"]["rx"]["packets"]'
}

# fwr_drop_case CASE: one round of one case (bench.sh's drop_case, with
# these cases' set-ups and counters); appends to pps_runs and dpps_runs
fwr_drop_case() {
	local name=$1 counter before after sent ns out
	case $name in
	fw-*) counter=count_fw_rules ;;
	trivial-*) counter=count_rx0 ;;
	iptables) counter=count_iptables ;;
	nft-*) counter=count_nft ;;
	esac
	if ! fwr_on "$name"; then
		echo "bench: cannot set up $name; skipped" >&2
		fwr_off "$name" 2>/dev/null
		return
	fi
	before=$($counter)
	out=$(send "$SECS") || exit 1 # (send said why)
	read -r sent ns <<<"$out"
	after=$($counter)
	fwr_off "$name"
	pps_runs[$name]+=" $(calc '%.0f' 'div(n * 1e9, t)' n="$sent" t="$ns")"
	dpps_runs[$name]+=" $(calc '%.0f' 'div(n * 1e9, t)' n="$((after - before))" t="$ns")"
	record "fwdrop $name sent $sent ns $ns filtered $((after - before))"
}

# fwr_paired A_RUNS B_RUNS: the median of A / B round by round (the two cases
# run one after the other, so a change in the machine's speed between rounds
# cancels out); the ratio of the medians when a round is missing
fwr_paired() {
	local a b i r=()
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	if [ "${#a[@]}" -ne "${#b[@]}" ] || [ "${#a[@]}" -eq 0 ]; then
		# shellcheck disable=SC2086 # the runs are words
		calc '%.2f' 'div(x, y)' x="$(median ${1:-0})" y="$(median ${2:-0})"
		return
	fi
	for i in "${!a[@]}"; do
		r+=("$(calc '%.4f' 'div(x, y)' x="${a[i]}" y="${b[i]}")")
	done
	calc '%.2f' 'v' v="$(median "${r[@]}")"
}

# the 10,000-entry blocklist, the flood's source last: in fw's set, as
# iptables rules (which walk all of them), as an nftables set
fwr_blocklist() {
	fwr_cidrs 9999 "$DIR/blocklist"
	echo "$HIT_CIDR" >>"$DIR/blocklist"
	awk 'BEGIN { print "*raw" } { print "-A PREROUTING -s " $0 " -j DROP" } END { print "COMMIT" }' \
		"$DIR/blocklist" >"$DIR/blocklist.ipt"
	awk 'BEGIN {
		print "table netdev fwbench {"
		print "\tset blocklist {"
		print "\t\ttype ipv4_addr; flags interval;"
		print "\t\telements = {"
	}
	{ printf "\t\t\t%s,\n", $0 }
	END {
		print "\t\t}"
		print "\t}"
		print "\tchain ingress {"
		print "\t\ttype filter hook ingress device \"rx0\" priority 0; policy accept;"
		print "\t\tip saddr @blocklist counter drop"
		print "\t}"
		print "}"
	}' "$DIR/blocklist" >"$DIR/blocklist.nft"
}

fwr_bench_drop() {
	local name label round sp
	local -A pps_runs dpps_runs fpps fdpps ratio
	local cases=(fw-ingress trivial-ingress fw-xdpdrv trivial-xdpdrv iptables nft-set)
	pair_setup
	fwr_blocklist
	fwr_reset blocklist || die "tcctl fw rule flush failed"
	"$TCCTL" fw set load blocklist "$DIR/blocklist" >/dev/null || die "tcctl fw set load blocklist failed"
	fwr_set_check blocklist 10000
	"$TCCTL" fw rule add src @blocklist drop || die "tcctl fw rule add src @blocklist drop failed"

	send 1 >/dev/null || exit 1 # warm-up
	for ((round = 0; round < ROUNDS; round++)); do
		for name in "${cases[@]}"; do
			fwr_drop_case "$name"
		done
	done
	fwr_reset blocklist
	for name in "${cases[@]}"; do
		[ -n "${pps_runs[$name]:-}" ] || continue
		# shellcheck disable=SC2086 # the runs are words
		fpps[$name]=$(median ${pps_runs[$name]})
		# shellcheck disable=SC2086
		fdpps[$name]=$(median ${dpps_runs[$name]})
		record "fwdrop-median $name sent_pps ${fpps[$name]} filtered_pps ${fdpps[$name]} rounds${dpps_runs[$name]}"
	done
	for name in fw-ingress fw-xdpdrv; do
		ratio[$name]=$(fwr_paired "${dpps_runs[$name]:-}" "${dpps_runs[trivial-${name#fw-}]:-}")
		record "fwdrop-ratio $name vs_drop_only ${ratio[$name]}"
	done

	echo
	echo "6. UDP dropped per second through a veth pair, the flood's source (10.11.0.1) in a blocklist of"
	echo "   10,000 CIDRs, last. The AF_PACKET sender of 2, on CPU $CPU with the receiver's softirq; median"
	echo "   of $ROUNDS rounds of $SECS s. fw: tcctl fw set load + rule 'src @blocklist drop' (counted by the"
	echo "   rule); drop-only: a program that returns XDP_DROP / TC_ACT_SHOT (counted as rx0's received"
	echo "   packets); iptables -t raw -A PREROUTING -s CIDR -j DROP, 10,000 rules (iptables-nft);"
	echo "   nft: an interval set of the 10,000, 'ip saddr @blocklist counter drop' at netdev ingress."
	echo "   'vs drop-only' is the median of the rounds' ratios (each fw round runs next to its drop-only"
	echo "   round); the other ratios divide medians."
	echo
	printf '   %-34s %9s %7s %7s %10s %9s %8s\n' "filter @ hook" dropped spread ns/pkt "vs drop-" "vs ipt" "vs nft"
	printf '   %-34s %9s %7s %7s %10s %9s %8s\n' "" kpps "" "" only "" ""
	for name in "${cases[@]}"; do
		[ -n "${fpps[$name]:-}" ] || continue
		case $name in
		fw-ingress) label="fw @ tc ingress (clsact)" ;;
		trivial-ingress) label="drop-only @ tc ingress" ;;
		fw-xdpdrv) label="fw @ XDP native (xdpdrv, veth)" ;;
		trivial-xdpdrv) label="drop-only @ XDP native" ;;
		iptables) label="iptables, 10,000 rules @ raw" ;;
		nft-set) label="nft set @ netdev ingress" ;;
		esac
		local vs=-
		[[ $name == fw-* ]] && vs=${ratio[$name]}
		# shellcheck disable=SC2086 # the runs are words
		sp=$(spread ${dpps_runs[$name]})
		printf '   %-34s %9s %7s %7s %10s %9s %8s\n' "$label" \
			"$(calc '%.1f' 'p / 1000' p="${fdpps[$name]}")" "$sp" \
			"$(calc '%.0f' 'div(1e9, p)' p="${fpps[$name]}")" "$vs" \
			"$(calc '%.2f' 'div(a, b)' a="${fdpps[$name]}" b="${fdpps[iptables]:-0}")" \
			"$(calc '%.2f' 'div(a, b)' a="${fdpps[$name]}" b="${fdpps[nft-set]:-0}")"
		gt "$(calc '%.3f' 'div(s - d, s)' s="${fpps[$name]}" d="${fdpps[$name]}")" 0.01 &&
			echo "   (!) $label: sent $(calc '%.1f' 'p / 1000' p="${fpps[$name]}") kpps, counted $(calc '%.1f' 'p / 1000' p="${fdpps[$name]}") kpps"
	done
	echo "   targets: fw >= 0.90 of drop-only at the same hook, >= 20 x iptables"
	for name in fw-ingress fw-xdpdrv; do
		FW_SUMMARY+=("dropped with a 10,000-entry blocklist, ${name#fw-}: fw $(calc '%.0f' 'p / 1000' p="${fdpps[$name]:-0}") kpps, ${ratio[$name]} of drop-only (target >= 0.90), $(calc '%.1f' 'div(a, b)' a="${fdpps[$name]:-0}" b="${fdpps[iptables]:-0}") x iptables (target >= 20), $(calc '%.2f' 'div(a, b)' a="${fdpps[$name]:-0}" b="${fdpps[nft-set]:-0}") x nft set")
	done
}

# --- 7. loading 1,000,000 CIDRs ------------------------------------------------

# fwr_time CMD...: the seconds CMD took (stdout of CMD discarded)
fwr_time() {
	local start end
	start=${EPOCHREALTIME/./}
	"$@" >/dev/null || return 1
	end=${EPOCHREALTIME/./}
	calc '%.2f' 'u / 1e6' u="$((end - start))"
}

fwr_bench_load() {
	local nl round t new=() repl=() nft=()
	ns_new fl
	nl=$REPLY
	"$TCCTL" pin fw >/dev/null || die "tcctl pin fw failed"
	fwr_reset big
	ln -sf cidrs-1m "$DIR/big"
	awk 'BEGIN { print "table inet fwbench_load {"; print "\tset big {"
		print "\t\ttype ipv4_addr; flags interval;"; print "\t\telements = {" }
	{ printf "\t\t\t%s,\n", $0 }
	END { print "\t\t}"; print "\t}"; print "}" }' "$DIR/big" >"$DIR/big.nft"
	cat "$DIR/big" "$DIR/big.nft" >/dev/null # in the page cache for both

	for ((round = 0; round < LOAD_ROUNDS; round++)); do
		"$TCCTL" fw set destroy big >/dev/null 2>&1
		t=$(fwr_time "$TCCTL" fw set load big "$DIR/big") || die "tcctl fw set load big failed"
		new+=("$t")
		t=$(fwr_time "$TCCTL" fw set load big "$DIR/big") || die "tcctl fw set load big (replace) failed"
		repl+=("$t")
	done
	fwr_set_check big 1000000
	"$TCCTL" fw set destroy big >/dev/null
	for ((round = 0; round < NFT_ROUNDS; round++)); do
		t=$(fwr_time in_ns "$nl" nft -f "$DIR/big.nft") || {
			echo "bench: nft -f of 1,000,000 CIDRs failed" >&2
			break
		}
		nft+=("$t")
		in_ns "$nl" nft flush ruleset
	done
	record "fwload tcctl-new s ${new[*]} tcctl-replace s ${repl[*]} nft-f s ${nft[*]:-}"

	local mn mr mf
	mn=$(median "${new[@]}")
	mr=$(median "${repl[@]}")
	mf=$([ "${#nft[@]}" -gt 0 ] && median "${nft[@]}")
	echo
	echo "7. Loading 1,000,000 CIDRs (/24-/32, one a line, cidrs.awk) into a set, wall-clock seconds of"
	echo "   the whole command. tcctl: median of $LOAD_ROUNDS; nft -f (an interval set in a table of its own):"
	echo "   median of $NFT_ROUNDS."
	echo
	printf '   %-52s %8s %9s  %s\n' how seconds "vs tcctl" runs
	printf '   %-52s %8s %9s  %s\n' "tcctl fw set load big FILE, new set" "$mn" 1.00 "${new[*]}"
	printf '   %-52s %8s %9s  %s\n' "tcctl fw set load big FILE, replacing 1,000,000" "$mr" \
		"$(calc '%.2f' 'div(a, b)' a="$mr" b="$mn")" "${repl[*]}"
	printf '   %-52s %8s %9s  %s\n' "nft -f FILE (interval set)" "${mf:--}" \
		"$(calc '%.2f' 'div(a, b)' a="${mf:-0}" b="$mn")" "${nft[*]:-}"
	echo "   target: tcctl < 3 s"
	FW_SUMMARY+=("loading 1,000,000 CIDRs: tcctl $mn s new, $mr s replacing (target < 3 s); nft -f ${mf:--} s")
}

# --- main -----------------------------------------------------------------------

FW_SUMMARY=()
XDPF_VERSION=$(dpkg-query -W -f='${Version}' xdp-tools 2>/dev/null)
declare -A fcost
start=$SECONDS
record "# fw_rules $(date -u +%Y-%m-%dT%H:%M:%SZ) kernel $(uname -r) cpus $(nproc) $(dpkg-query -W -f='${Package} ${Version} ' xdp-tools iptables nftables 2>/dev/null)"
echo
echo "fw rules and sets (issue 4): kernel $(uname -r), $(nproc) CPUs; raw figures in ${RESULTS#"$top"/}"
read -r load _ </proc/loadavg
record "# load average before fw_rules: $load"
gt "$load" 0.5 &&
	echo "(!) load average $load before the run: other work on this machine makes the figures noisy"
"$TCCTL" pin fw >/dev/null || die "tcctl pin fw failed"
fwr_cidrs 1000000 "$DIR/cidrs-1m"

for section in $SECTIONS; do
	case $section in
	fwcost) fwr_bench_cost ;;
	fwdrop) fwr_bench_drop ;;
	fwload) fwr_bench_load ;;
	*) die "unknown section $section (fw_rules.sh: fwcost fwdrop fwload)" ;;
	esac
done

echo
echo "Summary, fw rules and sets ($((SECONDS - start)) s):"
for line in "${FW_SUMMARY[@]}"; do
	echo "  - $line"
	record "summary $line"
done
