#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lb, a tc-only object: tcctl attaches it at tc ingress (and refuses XDP),
# plain tc loads it too and shares its pinned maps, status, pins, detach and
# unpin know it. Then real connections through it: client A -> balancer B
# (forwarding) -> backend C, with a service written into the pinned maps
# with bpftool (tcctl's lb commands are not this test's), so that locally
# sent packets (CHECKSUM_PARTIAL) are rewritten both ways for TCP over IPv4
# and IPv6 and for UDP over IPv4, and the replies reach the client from the
# VIP.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

LB_O=$BPF_DIR/lb.o

netns_new A lba && netns_new B lbb && netns_new C lbc && veth_pair "$A" "$B" || exit 1

# --- attaching ------------------------------------------------------------------

"$TCCTL" -n "$B" attach dev v1 ingress lb
check "attach lb: one filter at its default prio 30, handle 1" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "30 0x1 lb.o:[tc]"
check "its seven maps are pinned" \
	expect_eq pins "$(cd "$PIN_DIR" && echo lb_*)" \
	"lb_backends lb_conns lb_counters lb_reverse lb_rings lb_services lb_stats"
check "status -j: object lb, prog lb_tc, on the pinned maps" \
	expect_eq status "$("$TCCTL" -n "$B" -j status dev v1 |
		jq -c '[.[0].tc[] | {object, prog, pinned}]')" \
	'[{"object":"lb","prog":"lb_tc","pinned":true}]'
check "pins -j: lb complete and in use" \
	expect_eq pins "$("$TCCTL" -j pins | jq -c '.objects[] | select(.name == "lb") |
		[.complete, .state, (.maps | length)]')" '[true,"in-use",7]'
expect_error "xdp lb: no XDP program" 1 "tcctl: lb has no XDP program" \
	"$B" "$TCCTL" -n "$B" attach dev v1 xdp lb

in_ns "$B" tc filter add dev v1 ingress prio 31 handle 1 bpf da obj "$LB_O" sec tc
check "tc filter add ... obj lb.o sec tc loads beside it" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "$(printf '30 0x1 lb.o:[tc]\n31 0x1 lb.o:[tc]')"
check "... and status takes it for lb on the same pinned maps" \
	expect_eq status "$("$TCCTL" -n "$B" -j status dev v1 |
		jq -c '[.[0].tc[] | select(.prio == 31) | {object, pinned}]')" \
	'[{"object":"lb","pinned":true}]'
"$TCCTL" -n "$B" detach dev v1 ingress lb
check "detach lb removes both lb filters" expect_eq filters "$(tc_filters "$B" v1 ingress)" ""

# --- a service through it ---------------------------------------------------------

# B's w0 (10.12.0.1, fd01::1) faces C's w1 (10.12.0.2, fd01::2)
ip -n "$B" link add name w0 type veth peer name w1 netns "$C"
ip -n "$B" addr add 10.12.0.1/24 dev w0
ip -n "$C" addr add 10.12.0.2/24 dev w1
ip -n "$B" addr add fd01::1/64 dev w0 nodad
ip -n "$C" addr add fd01::2/64 dev w1 nodad
ip -n "$B" link set w0 up
ip -n "$C" link set w1 up
in_ns "$B" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Locally sent packets carry a partial checksum (CHECKSUM_PARTIAL) that veth
# never completes, and a receiver trusts it unchecked. With tx checksumming
# off on B's devices, B completes the sum in software as it sends, from
# the field lb updated, and C and A verify it: a wrong update drops there.
in_ns "$B" ethtool -K w0 tx off >/dev/null
in_ns "$B" ethtool -K v1 tx off >/dev/null
ip -n "$A" route add 10.0.100.1 via 10.11.0.2
ip -n "$A" route add fd00:100::1 via fd00::2
ip -n "$C" route add default via 10.12.0.1
ip -n "$C" route add default via fd01::1

# hex BYTES...: the bytes bpftool reads, from dotted or colon-less hex groups
ring_of() { # ring_of ID: every slot backend ID (little endian), then the pad
	local slot
	slot=$(printf '%02x %02x ' $(($1 & 255)) $(($1 >> 8)))
	yes "$slot" | head -n 16381 | tr -d '\n'
	echo 00 00
}
zeros() { printf '00 %.0s' $(seq "$1"); }
upd() { # upd MAP KEY VALUE: through bpftool, into the pinned map
	# shellcheck disable=SC2086 # the hex bytes are words on purpose
	bpftool map update pinned "$PIN_DIR/$1" key hex $2 value hex $3
}

"$TCCTL" pin lb
# service 0: tcp 10.0.100.1:80 -> backend 1, 10.12.0.2:8080
upd lb_services "0a 00 64 01 $(zeros 12) 00 50 06 04" "00 00 00 00 01 00 00 00"
upd lb_backends "01 00 00 00" "0a 0c 00 02 $(zeros 12) 1f 90 04 01 00 00 01 00 01 00 00 00"
upd lb_rings "00 00 00 00" "$(ring_of 1)"
# service 1: tcp [fd00:100::1]:80 -> backend 2, [fd01::2]:8080
upd lb_services "fd 00 01 00 $(zeros 11) 01 00 50 06 06" "01 00 00 00 01 00 00 00"
upd lb_backends "02 00 00 00" "fd 01 $(zeros 13) 02 1f 90 06 01 01 00 01 00 01 00 00 00"
upd lb_rings "02 00 00 00" "$(ring_of 2)"
# service 2: udp 10.0.100.1:53 -> backend 3, 10.12.0.2:5353
upd lb_services "0a 00 64 01 $(zeros 12) 00 35 11 04" "02 00 00 00 01 00 00 00"
upd lb_backends "03 00 00 00" "0a 0c 00 02 $(zeros 12) 14 e9 04 01 02 00 01 00 01 00 00 00"
upd lb_rings "04 00 00 00" "$(ring_of 3)"
"$TCCTL" -n "$B" attach dev v1 ingress lb
"$TCCTL" -n "$B" attach dev w0 ingress lb

# shellcheck disable=SC2016 # the backend's shell expands them
{
	in_ns "$C" socat TCP4-LISTEN:8080,bind=10.12.0.2,fork,reuseaddr \
		SYSTEM:'echo backend4 $SOCAT_PEERADDR' &
	in_ns "$C" socat "TCP6-LISTEN:8080,bind=[fd01::2],fork,reuseaddr" \
		SYSTEM:'echo backend6 $SOCAT_PEERADDR' &
	in_ns "$C" socat UDP4-RECVFROM:5353,bind=10.12.0.2,fork SYSTEM:'read l; echo udp-$l' &
}
wait_listen "$C" tcp 8080
wait_listen "$C" udp 5353

# the backend names the peer it saw: the client itself (lb does no SNAT)
check "tcp to 10.0.100.1:80: the backend on 8080 answers the client" \
	expect_eq reply "$(in_ns "$A" timeout 5 socat -T3 - TCP4:10.0.100.1:80 </dev/null)" \
	"backend4 10.11.0.1"
check "tcp to [fd00:100::1]:80: the backend on 8080 answers the client" \
	expect_eq reply "$(in_ns "$A" timeout 5 socat -T3 - "TCP6:[fd00:100::1]:80" </dev/null)" \
	"backend6 [fd00:0000:0000:0000:0000:0000:0000:0001]"
check "udp to 10.0.100.1:53: the backend on 5353 answers from the VIP" \
	expect_eq reply "$(echo hi | in_ns "$A" timeout 5 socat -T2 - UDP4:10.0.100.1:53)" udp-hi

# per-backend counters, summed over the CPUs: the backend's packets and replies
stat() { # stat ID FIELD
	bpftool -j map lookup pinned "$PIN_DIR/lb_stats" key "$1" 0 0 0 |
		jq --arg f "$2" '[.formatted.values[].value[$f]] | add'
}
check "lb_stats: backend 1 got packets and sent replies" \
	test "$(stat 1 packets)" -gt 0 -a "$(stat 1 replies)" -gt 0 -a "$(stat 1 flows)" -eq 1
check "lb_stats: backend 3 got one datagram, one flow, one reply" \
	expect_eq udp "$(stat 3 packets)/$(stat 3 flows)/$(stat 3 replies)" 1/1/1
check "nothing failed a rewrite (lb_counters[LB_CNT_REWRITE_ERR])" \
	expect_eq errors "$(bpftool -j map lookup pinned "$PIN_DIR/lb_counters" key 5 0 0 0 |
		jq '[.formatted.values[].value] | add')" 0

"$TCCTL" -n "$B" detach dev v1 ingress lb
"$TCCTL" -n "$B" detach dev w0 ingress lb
check "unpin lb removes its pins" bash -c "\"$TCCTL\" unpin lb && ! ls '$PIN_DIR'/lb_* 2>/dev/null"
exit $ret
