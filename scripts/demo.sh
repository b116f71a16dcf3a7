#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The demo: two namespaces on a veth pair; fw loaded with plain tc, then with
# ip at XDP; pings dropped and counted; ICMP switched back to pass at run
# time with tcctl (and with tc exec tcctl); then rules, a blocklist set and a
# default-drop policy loaded at once from a file; everything removed at the
# end.
#
# It runs in a private mount namespace with a bpffs of its own, so the pins it
# makes can never meet a live fw on this host.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${TCCTL_SANDBOXED:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "demo: run as root" >&2; exit 1; }
	exec "$top/selftests/sandbox.sh" "$0" "$@"
fi

export PATH=$top/build:$PATH TC_LIB_DIR=$top/build
fw_o=$top/build/bpf/fw.o
suffix=$(printf '%04x%04x' "$RANDOM" "$RANDOM")
client=demo-client-$suffix server=demo-server-$suffix

cleanup() {
	ip netns del "$client" 2>/dev/null || true
	ip netns del "$server" 2>/dev/null || true
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# in the server namespace, without the /sys remount of ip netns exec
srv() { printf '[server] $ %s\n' "$*"; nsenter --net="/run/netns/$server" "$@"; }
pings() { # COUNT ANSWERS [FROM]
	local got from=${3:-10.11.0.1}
	# ping exits 1 when nothing answers: that is the point here
	got=$(nsenter --net="/run/netns/$client" ping -q -n -c "$1" -i 0.1 -W 1 -I "$from" 10.11.0.2 |
		sed -n 's/.* \([0-9]*\) received.*/\1/p' || true)
	echo "[client] $1 pings from $from to 10.11.0.2: $got answered"
	[ "$got" -eq "$2" ] || { echo "demo: expected $2 answers" >&2; exit 1; }
}
drops() {
	local got
	got=$(tcctl -j fw counters | python3 -c 'import json,sys
print(sum(r["packets"] for r in json.load(sys.stdin) if r["proto"]=="icmp" and r["verdict"]=="drop"))')
	[ "$got" -eq "$1" ] || { echo "demo: expected $1 counted drops, tcctl shows $got" >&2; exit 1; }
}

say "Two namespaces, $client (10.11.0.1) and $server (10.11.0.2), on a veth pair"
ip netns add "$client"
ip netns add "$server"
ip -n "$client" link add name v0 type veth peer name v1 netns "$server"
ip -n "$client" addr add 10.11.0.1/24 dev v0 && ip -n "$client" link set v0 up
ip -n "$server" addr add 10.11.0.2/24 dev v1 && ip -n "$server" link set v1 up
pings 3 3

say "Load fw with plain tc on the server's ingress"
srv tc qdisc add dev v1 clsact
srv tc filter add dev v1 ingress prio 10 handle 1 bpf da obj "$fw_o" sec tc
run tcctl -n "$server" status dev v1

say "Drop ICMP at run time with tcctl: pings stop, and are counted"
run tcctl fw proto icmp drop
pings 5 0
run tcctl fw counters
drops 5

say "Switch ICMP back to pass: pings flow again"
run tcctl fw proto icmp pass
pings 3 3

say "Now at XDP, loaded by ip; configured through tc's plugin (tc exec tcctl)"
srv tc filter del dev v1 ingress prio 10 handle 1 bpf
srv tc qdisc del dev v1 clsact
srv ip link set dev v1 xdpgeneric obj "$fw_o" sec xdp
srv tc exec tcctl fw proto icmp drop
pings 4 0
run tcctl fw counters
drops 9
run tcctl -n "$server" status dev v1
srv tc exec tcctl fw proto icmp pass
pings 2 2

say "Rules and sets: a blocklist, and a default-drop policy that lets one host ping"
nsenter --net="/run/netns/$client" ip addr add 10.11.0.3/24 dev v0
run tcctl fw set create blocklist counters
run tcctl fw set add blocklist 10.11.0.3 192.0.2.0/24
run tcctl fw rule add src @blocklist drop
pings 2 2
pings 3 0 10.11.0.3
run tcctl fw rule list
run tcctl fw set list blocklist members
conf=$(mktemp)
cat >"$conf" <<'EOF'
set create blocklist counters
set add blocklist 10.11.0.3
policy drop
rule add src 10.11.0.1 proto icmp icmp-type echo-request pass
EOF
echo "[a configuration file]"
cat "$conf"
echo "(loaded at once: packets see the old rules or these, never a mix)"
run tcctl fw load "$conf"
pings 2 2
pings 2 0 10.11.0.3
run tcctl fw rule list
run tcctl fw save
rm -f "$conf"

say "Remove everything"
srv ip link set dev v1 xdpgeneric off
run tcctl unpin fw
ip netns del "$client"
ip netns del "$server"
left=$(ip netns list; ls /sys/fs/bpf/tc/globals)
[ -z "$left" ] || { echo "demo: left behind: $left" >&2; exit 1; }
echo "no namespace, no pin, no program left"
say "Demo done"
