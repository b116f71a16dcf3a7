#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: checks the tools, builds the bench's helpers into build/bench/
# (the packet tool, the empty programs that set the floor and the drop-only
# ones), then runs bench.sh, fw_rules.sh (fw's rules and sets) and attach.sh
# (attaching in bulk), steer.sh (redir and lb against a direct
# connection and iptables), stats.sh (stats' cost, and beside fw),
# events.sh (tcctl monitor's event rate) and replay.sh (tcctl replay's
# speed), each in a private mount namespace (selftests/sandbox.sh) with its own bpffs and
# /run/netns. Benchmarks print figures and ratios; they never fail on a
# figure, only when they cannot measure at all.
# Usage: selftests/bench/run.sh   (as root, from anywhere)
# Knobs, all optional: BENCH_SECTIONS="cost drop tcp rules fwcost fwdrop
# fwload attach steer stats events replay" (a subset runs alone: "fwcost
# fwdrop fwload" is fw_rules.sh's part, "attach" attach.sh's, "steer"
# steer.sh's, "stats" stats.sh's, "events" events.sh's, "replay"
# replay.sh's, whose knobs are at their tops), BENCH_REPEAT (test-run repeats, 2000000), BENCH_SECONDS (per drop
# case and round, 1.5), BENCH_ROUNDS (3), BENCH_TCP_SECONDS (2),
# BENCH_TCP_ROUNDS (2), BENCH_CPU (the sender's core, 0); for fw_rules.sh
# BENCH_FW_REPEAT (1000000), BENCH_FW_RUNS (5), BENCH_FW_LOAD_ROUNDS (3),
# BENCH_FW_NFT_ROUNDS (1).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, bpffs, BPF programs): sudo make bench"

# tool, and the Debian package that has it
tools=(
	ip:iproute2 tc:iproute2 bpftool:bpftool xdp-filter:xdp-tools
	iptables:iptables iptables-restore:iptables nft:nftables iperf3:iperf3
	nsenter:util-linux unshare:util-linux taskset:util-linux setpriv:util-linux
	gcc:gcc clang:clang python3:python3 make:make tcpdump:tcpdump
)
for t in "${tools[@]}"; do
	command -v "${t%%:*}" >/dev/null || die "missing ${t%%:*} (Debian package ${t#*:})"
done

# fw.o and tcctl, when run by hand rather than through make bench
make --no-print-directory objects tcctl >/dev/null || die "make objects tcctl failed"

out=build/bench
mkdir -p "$out" || die "cannot create $out"
gcc -O2 -g -Wall -Wextra -Werror -o "$out/pktgen" selftests/bench/pktgen.c ||
	die "cannot build $out/pktgen"
gcc -O2 -g -Wall -Wextra -Werror -pthread -o "$out/rr" selftests/bench/rr.c ||
	die "cannot build $out/rr"
gcc -O2 -g -Wall -Wextra -Werror -o "$out/progrun" selftests/bench/progrun.c -lbpf ||
	die "cannot build $out/progrun"
# clang -target bpf needs the host's include dirs spelled out (as in the Makefile)
mapfile -t sys_inc < <(clang -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter\n\1|p }')
for prog in pass drop; do
	clang -O2 -g -target bpf -Wall -Wextra -Werror "${sys_inc[@]}" \
		-c "selftests/bench/$prog.c" -o "$out/$prog.o" || die "cannot build $out/$prog.o"
done

# each section's script; a script runs once, in a sandbox of its own, with
# the sections asked of it in BENCH_SECTIONS
declare -A script_of=(
	[cost]=bench.sh [drop]=bench.sh [tcp]=bench.sh [rules]=bench.sh
	[fwcost]=fw_rules.sh [fwdrop]=fw_rules.sh [fwload]=fw_rules.sh
	[attach]=attach.sh [steer]=steer.sh [stats]=stats.sh [events]=events.sh
	[replay]=replay.sh
)
scripts=(bench.sh fw_rules.sh attach.sh steer.sh stats.sh events.sh replay.sh)
all="cost drop tcp rules fwcost fwdrop fwload attach steer stats events replay"
declare -A asked
for section in ${BENCH_SECTIONS:-$all}; do
	[ -n "${script_of[$section]:-}" ] || die "unknown section $section (BENCH_SECTIONS: $all)"
	asked[${script_of[$section]}]+=" $section"
done
: >"$out/results.txt" || die "cannot write $out/results.txt"
status=0
for script in "${scripts[@]}"; do
	[ -n "${asked[$script]:-}" ] || continue
	[ -e "selftests/bench/$script" ] || die "missing selftests/bench/$script"
	BENCH_SECTIONS="${asked[$script]# }" selftests/sandbox.sh "$top/selftests/bench/$script" ||
		status=$?
	[ "$status" -ge 128 ] && exit "$status" # interrupted: no next part
done
exit "$status"
