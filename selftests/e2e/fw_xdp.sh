#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fw loaded by ip at XDP, in generic and native mode, configured by tcctl.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A xa && netns_new B xb && veth_pair "$A" "$B" || exit 1

for mode in xdpgeneric xdpdrv; do
	"$TCCTL" fw proto icmp pass 2>/dev/null
	in_ns "$B" ip link set dev v1 "$mode" obj "$FW_O" sec xdp
	check "ip link set $mode obj fw.o sec xdp loads fw_xdp" \
		bash -c "ip -n '$B' -d link show v1 | grep -q 'prog/xdp id [0-9]* name fw_xdp'"
	check "$mode: pings pass by default" expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 3

	before=$(fw_count icmp drop)
	"$TCCTL" fw proto icmp drop
	check "$mode: tcctl fw proto icmp drop stops pings" \
		expect_eq pings "$(ping_count "$A" 10.11.0.2 8)" 0
	check "$mode: counters show exactly the 8 dropped pings" \
		expect_eq "icmp drop" "$(($(fw_count icmp drop) - before))" 8
	check "$mode: tcctl status names the program fw" \
		bash -c "'$TCCTL' -n '$B' status dev v1 | grep -q 'xdp .* fw_xdp  tcctl fw$'"

	in_ns "$B" ip link set dev v1 "$mode" off
	check "$mode: ip ... $mode off removes it" \
		bash -c "! ip -n '$B' link show v1 | grep -q prog/xdp"
done

# ip pins under /sys/fs/bpf/xdp/globals: the same directory as tc's only
# through the xdp -> tc link iproute2 (and tcctl) make
check "ip's XDP pins and tc's are one directory" test "$(readlink -f /sys/fs/bpf/xdp)" = \
	"$(readlink -f /sys/fs/bpf/tc)"
exit "$ret"
