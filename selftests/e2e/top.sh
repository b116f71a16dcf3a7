#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl top in a real terminal (tmux, 160x50) while pings and UDP datagrams
# flow: the pane shows the header, protocol and port rows with rates that
# are not zero, and the flows; a smaller window redraws to its size; 'q' and
# Ctrl-C end it with the terminal as it was (canonical mode, echo, the
# normal screen); count N ends by itself; without a tty, frames are plain
# text separated by a blank line.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
SOCK=$DIR/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$DIR"; cleanup' EXIT

netns_new A tpa && netns_new B tpb && veth_pair "$A" "$B" || exit 1
"$T" -n "$B" attach dev v1 ingress stats && "$T" -n "$B" attach dev v1 egress stats || exit 1

# traffic for the whole test: 100 pings and 100 datagrams to port 5353 a second
in_ns "$A" ping -q -i 0.01 -w 60 10.11.0.2 >/dev/null 2>&1 &
in_ns "$A" timeout 60 python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40000))
while True:
    s.sendto(b"x" * 100, ("10.11.0.2", 5353))
    time.sleep(0.01)' >/dev/null 2>&1 &

# a shell in a 160x50 terminal, in B's namespace, that runs what is typed
tmux -S "$SOCK" new-session -d -s top -x 160 -y 50 \
	"nsenter --net=/run/netns/$B env PS1='$ ' bash --norc --noprofile" || exit 1
pane() { tmux -S "$SOCK" capture-pane -p -t top; }
type_line() { tmux -S "$SOCK" send-keys -t top "$1" Enter; }
# wait_for WHAT CMD...: until CMD succeeds, 10 s at most
wait_for() {
	local what=$1
	shift
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	fail_msg "timed out waiting for $what"
}
# shellcheck disable=SC2317 # called through wait_for
shell_idle() { [ "$(tmux -S "$SOCK" display -p -t top '#{pane_current_command}')" = bash ]; }
# shellcheck disable=SC2317 # called through wait_for
pane_has() { pane | grep -q -e "$1"; }

type_line "clear; $T top interval 1; echo rc=\$?; stty -a >$DIR/stty"
wait_for "the first frame" pane_has '^PROTOCOLS'
sleep 1.2 # a second frame: the rates of a whole second of traffic
pane >"$DIR/frame"
check "header: the time, the interval, the device" \
	grep -qE '^tcctl top - [0-9]{2}:[0-9]{2}:[0-9]{2}  interval 1s  devices: v1$' "$DIR/frame"
check "header: total rates and the events line" \
	bash -c "grep -q '^total: .* pkt/s  .* bit/s$' '$DIR/frame' && grep -q '^events: ' '$DIR/frame'"
# a row's pkt/s and bit/s, the last two columns: not zero
nonzero='[0-9.]*[1-9][0-9.]*[kMGT]\? \+[0-9.]*[1-9][0-9.]*[kMGT]\?$'
check "protocols: udp in and icmp both ways, with rates" bash -c \
	"grep -q '^v1 \+ingress \+ip \+udp \+$nonzero' '$DIR/frame' &&
	 grep -q '^v1 \+ingress \+ip \+icmp \+$nonzero' '$DIR/frame' &&
	 grep -q '^v1 \+egress \+ip \+icmp \+$nonzero' '$DIR/frame'"
check "ports: udp 5353 with rates" grep -q "^v1 \+ingress \+udp \+5353 \+$nonzero" "$DIR/frame"
check "flows: 10.11.0.1:40000 -> 10.11.0.2:5353 with rates" \
	grep -q "^v1 \+ingress \+udp \+10.11.0.1:40000 \+-> 10.11.0.2:5353 \+$nonzero" "$DIR/frame"
check "flows: the pings both ways" bash -c \
	"grep -q '^v1 \+ingress \+icmp \+10.11.0.1 \+-> 10.11.0.2 ' '$DIR/frame' &&
	 grep -q '^v1 \+egress \+icmp \+10.11.0.2 \+-> 10.11.0.1 ' '$DIR/frame'"
check "sections in order: protocols, ports, flows" expect_eq titles \
	"$(grep -oE '^(PROTOCOLS|PORTS|FLOWS)' "$DIR/frame" | xargs)" "PROTOCOLS PORTS FLOWS"

# a smaller terminal: SIGWINCH, a redraw to its size at once
tmux -S "$SOCK" resize-window -t top -x 100 -y 16
sleep 0.5
pane >"$DIR/small"
# flows rows: those after the FLOWS title
flows_rows() { awk '/^FLOWS/ { on = 1; next } on && /^v1 / { n++ } END { print n + 0 }' "$1"; }
check "resized to 100x16: every section there, flows cut from $(flows_rows "$DIR/frame") rows to 2" bash -c \
	"test \"\$(grep -cE '^(PROTOCOLS|PORTS|FLOWS)' '$DIR/small')\" -eq 3 &&
	 test $(flows_rows "$DIR/frame") -ge 3 && test $(flows_rows "$DIR/small") -eq 2"
tmux -S "$SOCK" resize-window -t top -x 160 -y 50

tmux -S "$SOCK" send-keys -t top q
wait_for "top to end after q" shell_idle
check "q: top ends, exit 0" bash -c "sleep 0.3; grep -qx 'rc=0' <<<\"\$(tmux -S '$SOCK' capture-pane -p -t top)\""
check "q: the normal screen is back (no frame left on it)" bash -c "! grep -q '^PROTOCOLS' <<<\"\$(tmux -S '$SOCK' capture-pane -p -t top)\""
check "q: the terminal is canonical and echoes again" \
	bash -c "grep -qw icanon '$DIR/stty' && grep -qw echo '$DIR/stty' && ! grep -qw -- -icanon '$DIR/stty'"

rm -f "$DIR/stty"
type_line "clear; $T top interval 1; echo rc=\$?; stty -a >$DIR/stty"
wait_for "the frame before Ctrl-C" pane_has '^PROTOCOLS'
tmux -S "$SOCK" send-keys -t top C-c
wait_for "top to end after Ctrl-C" shell_idle
wait_for "stty's report" test -s "$DIR/stty"
check "Ctrl-C: top ends, the terminal is canonical and echoes again" \
	bash -c "grep -qw icanon '$DIR/stty' && grep -qw echo '$DIR/stty' && ! grep -qw -- -icanon '$DIR/stty'"

type_line "clear; $T top interval 1 count 2; echo rc=\$?"
start=$SECONDS
wait_for "count 2 to end by itself" shell_idle
sleep 1
wait_for "count 2 to end by itself" shell_idle
check "count 2: ends by itself within about 2 s, exit 0" bash -c \
	"test $((SECONDS - start)) -le 5 && grep -qx 'rc=0' <<<\"\$(tmux -S '$SOCK' capture-pane -p -t top)\""

# --- no tty --------------------------------------------------------------------------
out=$(in_ns "$B" "$T" top interval 1 count 2 </dev/null)
check "no tty: two frames, each from its header" \
	expect_eq headers "$(grep -c '^tcctl top - ' <<<"$out")" 2
check "no tty: a blank line between frames, no escape sequence" bash -c \
	"awk '/^tcctl top - / && NR > 1 && prev != \"\" { bad = 1 } { prev = \$0 } END { exit bad }' <<<\"\$1\" &&
	 ! grep -q \$'\\033' <<<\"\$1\"" _ "$out"
check "no tty: the port row in each frame" \
	expect_eq rows "$(grep -c "^v1 \+ingress \+udp \+5353 \+$nonzero" <<<"$out")" 2

expect_error "top -j: usage error" 2 \
	"tcctl: top has no JSON output: stats ports -j and stats flows -j have the counters (see 'tcctl help')" \
	"$B" "$T" -n "$B" -j top count 1
exit "$ret"
