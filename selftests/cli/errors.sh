#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input: one clear line on stderr, the documented exit code, nothing on
# stdout and nothing changed.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new N cli || exit 1
ip -n "$N" link add name v0 type veth peer name v1 && ip -n "$N" link set v0 up || exit 1
T=("$TCCTL" -n "$N")

expect_error "fw proto before fw is loaded" 1 \
	"tcctl: /sys/fs/bpf/tc/globals/fw_verdicts does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)" \
	"$N" "${T[@]}" fw proto icmp drop
expect_error "unknown device" 1 'tcctl: device "nope0" does not exist' \
	"$N" "${T[@]}" attach dev nope0 ingress fw
expect_error "missing object file" 1 \
	"tcctl: object file /nonexistent/fw.o: No such file or directory" \
	"$N" "${T[@]}" attach dev v0 ingress fw obj /nonexistent/fw.o
expect_error "deleting a clsact qdisc that is not there" 1 "tcctl: v0 has no clsact qdisc" \
	"$N" "${T[@]}" qdisc del dev v0
expect_error "network namespace that does not exist" 1 \
	'tcctl: network namespace "nonexistent-ns" does not exist' \
	"$N" "$TCCTL" -n nonexistent-ns status

in_ns "$N" tc qdisc add dev v0 ingress
expect_error "an ingress qdisc where clsact goes" 1 \
	"tcctl: v0 has an ingress qdisc where clsact goes (tc qdisc del dev v0 ingress)" \
	"$N" "${T[@]}" attach dev v0 egress fw
in_ns "$N" tc qdisc del dev v0 ingress

"${T[@]}" attach dev v0 ingress fw || exit 1
expect_error "the kernel's own message (extack) when it refuses" 1 \
	"tcctl: lo xdp: cannot attach fw: Underlying driver does not support XDP in native mode" \
	"$N" "${T[@]}" attach dev lo xdpdrv fw
expect_error "unknown protocol" 2 \
	'tcctl: unknown protocol "icmpx": give a name (icmp, tcp, udp, icmpv6, ...), a number from 0 to 255, non-ip or malformed (see '"'tcctl help'"')' \
	"$N" "${T[@]}" fw proto icmpx drop
expect_error "protocol number out of range" 2 \
	'tcctl: unknown protocol "256": give a name (icmp, tcp, udp, icmpv6, ...), a number from 0 to 255, non-ip or malformed (see '"'tcctl help'"')' \
	"$N" "${T[@]}" fw proto 256 drop
expect_error "unknown verdict" 2 \
	"tcctl: fw proto icmp: expected drop or pass, not reject (see 'tcctl help')" \
	"$N" "${T[@]}" fw proto icmp reject
expect_error "table out of range" 2 \
	"tcctl: \"table\" takes a number from 0 to 15, not \"16\" (see 'tcctl help')" \
	"$N" "${T[@]}" fw proto icmp drop table 16
expect_error "unknown command" 2 "tcctl: unknown command \"frobnicate\" (see 'tcctl help')" \
	"$N" "${T[@]}" frobnicate
expect_error "unknown hook" 2 \
	"tcctl: expected a hook (xdp, xdpdrv, xdpgeneric, ingress, egress), not forward (see 'tcctl help')" \
	"$N" "${T[@]}" attach dev v0 forward fw
expect_error "unknown object" 2 "tcctl: expected an object (fw, stats, redir, lb), not lb9 (see 'tcctl help')" \
	"$N" "${T[@]}" attach dev v0 ingress lb9
expect_error "prio 0" 2 \
	"tcctl: prio and handle must not be 0: tc would pick them anew on every attach (see 'tcctl help')" \
	"$N" "${T[@]}" attach dev v0 ingress fw prio 0
expect_error "prio that is no number" 2 \
	"tcctl: \"prio\" takes a number from 0 to 65535, not \"high\" (see 'tcctl help')" \
	"$N" "${T[@]}" attach dev v0 ingress fw prio high
expect_error "trailing garbage" 2 "tcctl: unexpected argument \"now\" (see 'tcctl help')" \
	"$N" "${T[@]}" fw show now
expect_error "bind without a table" 2 "tcctl: fw bind: expected \"table TABLE\" (see 'tcctl help')" \
	"$N" "${T[@]}" fw bind dev v0 ingress

# bpffs not mounted: a mount namespace of its own, without it (and without
# any bpffs mounted below ours, as a VM's init may have done)
no_bpffs="while mountpoint -q /sys/fs/bpf; do umount /sys/fs/bpf || exit 99; done"
out=$(unshare -m --propagation private bash -c "$no_bpffs; '$TCCTL' -n '$N' fw proto icmp drop" 2>&1)
check "bpffs not mounted: one line, exit 1" expect_eq "exit/output" "$?/$out" \
	"1/tcctl: bpffs is not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)"
out=$(unshare -m --propagation private bash -c "$no_bpffs; '$TCCTL' -n '$N' attach dev v0 egress fw" 2>&1)
check "bpffs not mounted: attach fails too" expect_eq "exit/output" "$?/$out" \
	"1/tcctl: bpffs is not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)"
check "... and leaves v0's egress empty" expect_eq filters "$(tc_filters "$N" v0 egress)" ""

out=$("$TCCTL" 2>&1)
check "no command prints usage and exits 2" expect_eq "exit" "$?/$(printf '%s' "$out" | head -1)" \
	"2/Usage: tcctl [ OPTIONS ] COMMAND [ ARGS ]"
check "help exits 0" bash -c "'$TCCTL' help | grep -q '^Usage: tcctl'"
check "-V prints the version" bash -c "'$TCCTL' -V | grep -q '^tcctl [0-9]'"

# every read command's -j output is JSON
for cmd in "status" "qdisc show dev v0" "fw show" "fw counters"; do
	# shellcheck disable=SC2086
	check "-j $cmd prints valid JSON" \
		bash -c "'$TCCTL' -n '$N' -j $cmd | python3 -m json.tool >/dev/null"
done
exit "$ret"
