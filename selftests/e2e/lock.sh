#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Concurrent tcctl writers take turns on the pins lock, so no update is
# lost: 20 processes at once each turn their device's lone fw into an XDP
# chain with stats (each picks a free chain id: without the lock two would
# pick the same one, and one device would run the other's chain), and 20
# batches at once add 5 fw rules each.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

WRITERS=20
tmp=$(mktemp -d)
# wait_jobs: waits for every background job; $failed says how many failed
wait_jobs() {
	failed=0
	for job in $(jobs -p); do
		wait "$job" || failed=$((failed + 1))
	done
}
trap 'rm -rf "$tmp"; cleanup' EXIT
netns_new A lka && netns_new B lkb || exit 1
for i in $(seq "$WRITERS"); do
	ip -n "$A" link add name "p$i" type veth peer name "v$i" netns "$B" || exit 1
	ip -n "$A" link set "p$i" up && ip -n "$B" link set "v$i" up
	echo "attach dev v$i xdpgeneric fw"
done >"$tmp/fw"
"$TCCTL" -n "$B" -b "$tmp/fw" || exit 1

for i in $(seq "$WRITERS"); do
	"$TCCTL" -n "$B" attach dev "v$i" xdpgeneric stats 2>"$tmp/err$i" &
done
wait_jobs
check "$WRITERS concurrent attaches all succeed" expect_eq "failed/stderr" \
	"$failed/$(cat "$tmp"/err*)" "0/"
status=$("$TCCTL" -n "$B" -j status)
check "every device runs fw then stats" expect_eq chains \
	"$(jq -r '[.[] | select(.dev | startswith("v")) | [.xdp[0].chain[].object] | join(",")] | unique | join(" ")' <<<"$status")/$(jq '[.[] | select(.xdp[0].chain)] | length' <<<"$status")" \
	"fw,stats/$WRITERS"
check "... each its own chain: $((2 * WRITERS)) distinct member programs" expect_eq members \
	"$(jq '[.[].xdp[0].chain[]?.id] | unique | length' <<<"$status")" "$((2 * WRITERS))"
check "... and $WRITERS chain heads in use, one per device" expect_eq heads \
	"$("$TCCTL" -j map dump chain_heads | jq '[.[] | select(.value.netns != 0) | .value.ifindex] | unique | length')" \
	"$WRITERS"

"$TCCTL" fw rule flush
for i in $(seq "$WRITERS"); do
	for r in $(seq 5); do
		echo "fw rule add src 10.$i.$r.0/24 proto udp drop"
	done >"$tmp/rules$i"
	"$TCCTL" -b "$tmp/rules$i" 2>"$tmp/rerr$i" &
done
wait_jobs
check "$WRITERS concurrent batches of 5 rule adds all succeed" expect_eq "failed/stderr" \
	"$failed/$(cat "$tmp"/rerr*)" "0/"
check "... and all $((5 * WRITERS)) rules are there" expect_eq rules \
	"$("$TCCTL" -j fw rule list | jq '[.[].rules[].src] | unique | length')" "$((5 * WRITERS))"
exit "$ret"
