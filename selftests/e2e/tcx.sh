#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fw as a tcx link (Linux 6.6+): attached without a qdisc, pinned so that it
# outlives tcctl, replaced in place, shown by status, detached with its pin.
# Where the kernel has no tcx, attach fails with one line naming 6.6.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A txa && netns_new B txb && veth_pair "$A" "$B" || exit 1

if ! kernel_has tcx; then
	expect_error "attach ... tcx fails with one line naming Linux 6.6" 1 \
		"tcctl: tcx (tc programs attached as tcx links) needs Linux 6.6 or later; this is Linux $(uname -r)" \
		"$B" "$TCCTL" -n "$B" attach dev v1 ingress fw tcx
	check "... and adds no clsact qdisc" \
		expect_eq qdisc "$(in_ns "$B" tc qdisc show dev v1 | grep -c clsact)" 0
	not_applicable "tcx links: attach, drop, replace, status, detach" "$NA_REASON"
	exit "$ret"
fi

# the fields of tcctl -j status for v1's tcx programs: "direction id object link"
tcx_status() {
	"$TCCTL" -n "$B" -j status dev v1 | python3 -c 'import json,sys
for p in json.load(sys.stdin)[0]["tcx"]:
    print(p["direction"], p["id"], p.get("object"), p["tcctl_link"])'
}

"$TCCTL" -n "$B" attach dev v1 ingress fw tcx
check "attach ... tcx succeeds" test $? -eq 0
check "... with no clsact qdisc" \
	expect_eq qdisc "$(in_ns "$B" tc qdisc show dev v1 | grep -c clsact)" 0
check "... and the link pinned under /sys/fs/bpf/tcctl/links" \
	expect_eq pins "$(find /sys/fs/bpf/tcctl/links -name 'tcx-*-ingress-fw' | wc -l)" 1
id1=$(tcx_status | awk '{print $2}')
check "status shows fw on v1's tcx ingress, held by tcctl's link" \
	expect_eq status "$(tcx_status)" "ingress $id1 fw True"

link_id() {
	bpftool -j link show pinned "$(find /sys/fs/bpf/tcctl/links -name 'tcx-*' | head -1)" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
link1=$(link_id)

"$TCCTL" fw proto icmp drop
check "fw drops pings through the link" expect_eq pings "$(ping_count "$A" 10.11.0.2 3)" 0
check "... and counts them" expect_eq "icmp drop" "$(fw_count icmp drop)" 3
"$TCCTL" -n "$B" attach dev v1 ingress fw tcx
check "attaching again keeps the same program" \
	expect_eq status "$(tcx_status)" "ingress $id1 fw True"
"$TCCTL" -n "$B" attach dev v1 ingress fw tcx obj "$TOP/build/selftests/progs/fw-variant.o"
id2=$(tcx_status | awk '{print $2}')
check "a changed object replaces the program" \
	test -n "$id2" -a "$id2" != "$id1" -a "$(tcx_status | wc -l)" -eq 1
check "... in the same link" expect_eq "link id" "$(link_id)" "$link1"
check "... and the configuration stays in force" \
	expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 0

expect_error "a fw filter on the same hook is refused" 1 \
	"tcctl: v1 ingress runs fw as a tcx link; detach it before attaching a filter" "$B" \
	"$TCCTL" -n "$B" attach dev v1 ingress fw
expect_error "prio with tcx is a usage error" 2 \
	"tcctl: a tcx link has no prio or handle (see 'tcctl help')" "$B" \
	"$TCCTL" -n "$B" attach dev v1 ingress fw tcx prio 5
expect_error "tcx on the XDP hook is a usage error" 2 \
	"tcctl: tcx is for the ingress and egress hooks (see 'tcctl help')" "$B" \
	"$TCCTL" -n "$B" attach dev v1 xdp fw tcx

"$TCCTL" -n "$B" detach dev v1 ingress fw
check "detach removes the link" expect_eq status "$(tcx_status)" ""
check "... and its pin" \
	expect_eq pins "$(find /sys/fs/bpf/tcctl/links -name 'tcx-*' | wc -l)" 0
check "pings flow again" expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 2
"$TCCTL" -n "$B" detach dev v1 ingress fw
check "detaching again succeeds and does nothing" test $? -eq 0

# egress, beside a clsact filter of another program: both run
in_ns "$B" tc qdisc add dev v1 clsact
in_ns "$B" tc filter add dev v1 egress prio 1 handle 1 bpf da obj "$FOREIGN_O" sec tc
"$TCCTL" -n "$B" attach dev v1 egress fw tcx
check "on egress, beside another program's clsact filter" \
	expect_eq "status" "$(tcx_status | awk '{print $1, $3}')" "egress fw"
"$TCCTL" -n "$B" fw bind dev v1 egress table 3
"$TCCTL" fw proto icmp drop table 3
"$TCCTL" fw proto icmp pass
check "fw's egress table 3 drops B's replies" expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 0
"$TCCTL" -n "$B" detach dev v1 egress
check "detach without an object removes tcctl's link" expect_eq status "$(tcx_status)" ""
check "... and leaves the other filter" \
	expect_eq filters "$(tc_filters "$B" v1 egress)" "1 0x1 foreign.o:[tc]"
exit "$ret"
