#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl attach and detach: idempotent, in place, never over someone else's
# program, all-or-nothing; per-interface tables; egress; mixed with tc.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A ata && netns_new B atb && veth_pair "$A" "$B" || exit 1

"$TCCTL" -n "$B" attach dev v1 ingress fw
check "attach creates clsact and one fw filter at prio 10 handle 1" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "10 0x1 fw.o:[tc]"
"$TCCTL" fw proto icmp drop
id1=$(in_ns "$B" tc filter show dev v1 ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p')
"$TCCTL" -n "$B" attach dev v1 ingress fw
id2=$(in_ns "$B" tc filter show dev v1 ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p')
check "attaching twice keeps the same program" expect_eq id "$id2" "$id1"
check "attaching twice leaves one attachment" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" "10 0x1 fw.o:[tc]"
check "configuration survives re-attach" expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 0
n=$("$TCCTL" -n "$B" -j status dev v1 | python3 -c 'import json,sys
print(sum(1 for t in json.load(sys.stdin)[0]["tc"] if t.get("object")=="fw" and t["pinned"]))')
check "status -j shows one fw filter sharing the pinned maps" expect_eq "fw filters" "$n" 1
"$TCCTL" fw proto icmp pass

# egress, with a table of its own: A drops ICMP it sends, B's ingress does not
"$TCCTL" -n "$A" attach dev v0 egress fw prio 20 handle 7
check "attach on egress with an explicit prio and handle" \
	expect_eq filters "$(tc_filters "$A" v0 egress)" "20 0x7 fw.o:[tc]"
"$TCCTL" -n "$A" fw bind dev v0 egress table 2
"$TCCTL" fw proto icmp drop table 2
t0=$(fw_count icmp drop 0)
check "egress table 2 drops the pings A sends" expect_eq pings "$(ping_count "$A" 10.11.0.2 4)" 0
# ping sends again when the kernel reports the drop: at least 4, not exactly
check "the drops are counted in table 2" test "$(fw_count icmp drop 2)" -ge 4
check "... and not in table 0" expect_eq "table 0 drops" "$(fw_count icmp drop 0)" "$t0"
check "B's ingress (table 0) saw none of them" expect_eq "table 0 icmp" "$(fw_count icmp pass 0)" 0
"$TCCTL" -n "$A" fw unbind dev v0 egress
check "after unbind, egress uses table 0 again" expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 2
"$TCCTL" -n "$A" detach dev v0 egress fw
check "detach removes the egress filter" expect_eq filters "$(tc_filters "$A" v0 egress)" ""

# someone else's filter at our prio and handle is left alone
in_ns "$B" tc filter add dev v1 ingress prio 30 handle 1 bpf da obj "$FOREIGN_O" sec tc
before=$(snapshot "$B")
out=$("$TCCTL" -n "$B" attach dev v1 ingress fw prio 30 2>&1)
rc=$?
check "attach over a foreign filter fails with exit 1" expect_eq rc "$rc" 1
check "... saying which filter holds the slot" \
	expect_eq error "$out" "tcctl: v1 ingress prio 30 handle 0x1 holds another filter (bpf foreign.o:[tc]); choose another prio or add 'force'"
check "... and changes nothing" expect_eq state "$(snapshot "$B")" "$before"
"$TCCTL" -n "$B" attach dev v1 ingress fw prio 30 force
check "force replaces it" expect_eq filters "$(tc_filters "$B" v1 ingress | grep '^30')" \
	"30 0x1 fw.o:[tc]"

# plain tc's filter and tcctl's are the same thing
in_ns "$B" tc filter add dev v1 ingress prio 40 handle 1 bpf da obj "$FW_O" sec tc
"$TCCTL" -n "$B" attach dev v1 ingress fw prio 40
check "tcctl attach replaces fw loaded by tc in place" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | grep -c '^40')" 1

# fw without direct-action counts drops but passes the packets: not "already attached"
in_ns "$B" tc filter add dev v1 ingress prio 50 handle 1 bpf obj "$FW_O" sec tc
"$TCCTL" -n "$B" attach dev v1 ingress fw prio 50
check "attach replaces an fw filter that lacks direct-action" \
	bash -c "nsenter --net=/run/netns/$B tc filter show dev v1 ingress | grep -q 'pref 50 .*fw.o:\[tc\] direct-action'"

# explicit prio and handle: still not someone else's without force
in_ns "$B" tc filter add dev v1 ingress prio 60 handle 1 bpf da obj "$FOREIGN_O" sec tc
out=$("$TCCTL" -n "$B" detach dev v1 ingress prio 60 handle 1 2>&1)
check "detach prio/handle refuses a foreign filter" expect_eq "rc/error" "$?/$out" \
	"1/tcctl: v1 ingress prio 60 handle 0x1 holds a filter that is not tcctl's (bpf foreign.o:[tc]); add 'force' to remove it"
"$TCCTL" -n "$B" detach dev v1 ingress prio 60 handle 1 force
check "detach prio/handle force removes it" \
	expect_eq filters "$(tc_filters "$B" v1 ingress | grep -c '^60')" 0

"$TCCTL" -n "$B" detach dev v1 ingress
check "detach without prio removes every fw filter, ours only" \
	expect_eq filters "$(tc_filters "$B" v1 ingress)" ""
"$TCCTL" -n "$B" detach dev v1 ingress
check "detach of nothing succeeds" test $? -eq 0

# XDP: idempotent, foreign programs refused, detach in the running mode
"$TCCTL" -n "$B" attach dev v1 xdpgeneric fw
id1=$(ip -n "$B" -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])')
"$TCCTL" -n "$B" attach dev v1 xdpgeneric fw
id2=$(ip -n "$B" -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])')
check "attaching XDP twice changes nothing, not even the program id" expect_eq id "$id2" "$id1"
out=$("$TCCTL" -n "$B" attach dev v1 xdpdrv fw 2>&1)
check "changing the XDP mode in place is refused" expect_eq error "$out" \
	"tcctl: v1 runs XDP in generic mode; detach it before attaching in native mode"
"$TCCTL" -n "$B" detach dev v1 xdp
check "detach removes a generic-mode program" \
	bash -c "! ip -n '$B' link show v1 | grep -q prog/xdp"
in_ns "$B" ip link set dev v1 xdpgeneric obj "$FOREIGN_O" sec xdp
out=$("$TCCTL" -n "$B" attach dev v1 xdp fw 2>&1)
rc=$?
check "attach over a foreign XDP program fails" expect_eq "rc/error" "$rc/$out" \
	"1/tcctl: v1 already runs XDP program id $(ip -n "$B" -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])') (foreign_xdp), which is not tcctl's; detach it first or add 'force'"
out=$("$TCCTL" -n "$B" detach dev v1 xdp 2>&1)
check "detach leaves a foreign XDP program alone" \
	bash -c "ip -n '$B' link show v1 | grep -q 'prog/xdp.*foreign_xdp'"
"$TCCTL" -n "$B" detach dev v1 xdp force
check "detach force removes it" bash -c "! ip -n '$B' link show v1 | grep -q prog/xdp"

# all or nothing: a load that fails leaves no qdisc and no pins behind
"$TCCTL" -n "$B" qdisc del dev v1
"$TCCTL" unpin fw
before=$(snapshot "$B")
out=$("$TCCTL" -n "$B" attach dev v1 ingress fw obj /etc/hostname 2>&1)
rc=$?
check "attach of a file that is no BPF object fails" expect_eq rc "$rc" 1
check "... in one line" expect_eq lines "$(printf '%s\n' "$out" | wc -l)" 1
check "... and leaves no clsact qdisc and no pins" expect_eq state "$(snapshot "$B")" "$before"
exit "$ret"
