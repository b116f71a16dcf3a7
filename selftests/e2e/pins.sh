#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl pins: lists tcctl's link pins and object maps with their state;
# prune removes the links whose device or namespace went away and the maps
# of objects no program uses, never a part of an object's maps, never
# another tool's pin, nothing in a dry run.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

LINK_DIR=/sys/fs/bpf/tcctl/links
N_FW_MAPS=$(find "$TOP/objects/abi" -name 'fw*.h' -exec grep -h '#define FW_MAP_' {} + | wc -l)
# fw.o also defines the XDP chain maps: they go with the last of our objects
N_CHAIN_MAPS=$(grep -c '#define CHAIN_MAP_' "$TOP/objects/abi/chain.h")
N_EVENTS_MAPS=4 # the events ring and its settings, fw.o defines them too

netns_new A pna && netns_new B pnb && veth_pair "$A" "$B" || exit 1
TMP_ERR=$(mktemp)
trap 'rm -f "$TMP_ERR"; cleanup' EXIT

# "state ifindex prog" of each link pin, one line each
pin_links() {
	"$TCCTL" -j pins | jq -r '.links[] | "\(.state) \(.ifindex) \(.prog)"'
}
# "name state maps users" of each object with pinned maps
pin_objects() {
	"$TCCTL" -j pins | jq -r '.objects[] | select(.name == "fw") | "\(.name) \(.state) \(.maps | length) \(.used_by | length)"'
}
# the kernel frees a detached filter's program a moment later: wait for it
wait_objects() {
	for _ in $(seq 50); do
		[ "$(pin_objects)" = "$1" ] && return 0
		sleep 0.1
	done
}
fw_pins() {
	find "$PIN_DIR" -name 'fw_*' 2>/dev/null | wc -l
}

check "no pins: pins -j lists nothing" \
	expect_eq pins "$("$TCCTL" -j pins)" '{"links":[],"objects":[]}'
check "... and pins prune removes nothing" expect_eq out "$("$TCCTL" pins prune)" ""

bpftool map create "$PIN_DIR/foreign_map" type hash key 4 value 4 entries 4 name foreign_map
check "a foreign pin in PIN_DIR is not listed" \
	expect_eq objects "$("$TCCTL" -j pins | jq -c .objects)" "[]"

# fw on tc ingress in A, by tcctl, on a device that outlives B (v0 goes with B)
ip -n "$A" link add name d0 type veth peer name d1 && ip -n "$A" link set d0 up
"$TCCTL" -n "$A" attach dev d0 ingress fw
fw_tc_id=$(in_ns "$A" tc filter show dev d0 ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p')
check "fw maps in use by the tc filter's program" \
	expect_eq objects "$(pin_objects)" "fw in-use $N_FW_MAPS 1"
check "... which pins -j names" \
	expect_eq users "$("$TCCTL" -j pins | jq -r '.objects[] | select(.name == "fw") | .used_by[] | "\(.id) \(.prog)"')" \
	"$fw_tc_id fw_tc"
check "the map ids are those of the pins" \
	expect_eq id "$("$TCCTL" -j pins | jq -r '.objects[] | select(.name == "fw") | .maps[] | select(.name=="fw_verdicts") | .id')" \
	"$(bpftool -j map show pinned "$PIN_DIR/fw_verdicts" | jq .id)"
check "-n NS pins shows the same" expect_eq "pins -n" "$("$TCCTL" -n "$B" -j pins)" \
	"$("$TCCTL" -j pins)"
check "tc exec tcctl pins shows the same" expect_eq "tc exec" "$(tc exec tcctl -j pins)" \
	"$("$TCCTL" -j pins)"
check "text: one line for the object" \
	expect_eq text "$("$TCCTL" pins | head -1)" "object fw  in use by prog $fw_tc_id fw_tc"

# fw as a tcx link in B: attached, then orphaned when B goes
if kernel_has tcx; then
	"$TCCTL" -n "$B" attach dev v1 ingress fw tcx
	v1=$(ip -n "$B" -j link show dev v1 | jq '.[0].ifindex')
	check "the tcx link pin is attached on v1" \
		expect_eq links "$(pin_links)" "attached $v1 fw_tc"
	check "... of type tcx ingress" \
		expect_eq type "$("$TCCTL" -j pins | jq -r '.links[0] | "\(.type) \(.direction)"')" \
		"tcx ingress"
	check "fw maps used by two programs" expect_eq objects "$(pin_objects)" \
		"fw in-use $N_FW_MAPS 2"
	check "prune dry-run would remove nothing" expect_eq out "$("$TCCTL" pins prune dry-run)" ""

	link_pin=$(find "$LINK_DIR" -type f)
	ip netns del "$B"
	# the kernel detaches the link when the namespace's devices go, not at once
	for _ in $(seq 50); do
		[ "$(pin_links)" = "orphaned 0 fw_tc" ] && break
		sleep 0.1
	done
	check "with B gone the link pin is orphaned" \
		expect_eq links "$(pin_links)" "orphaned 0 fw_tc"
	check "text: the link's line says so" \
		expect_eq text "$("$TCCTL" pins | head -1)" "link $link_pin  orphaned  tcx ingress  prog $(
			"$TCCTL" -j pins | jq '.links[0].prog_id') fw_tc"
	check "its program is marked as held by an orphaned link" \
		expect_eq orphan "$("$TCCTL" -j pins | jq '[.objects[] | select(.name == "fw") | .used_by[].orphaned_link] | sort')" \
		"$(jq -n '[false, true]')"
	check "dry-run would remove the link pin only" \
		expect_eq out "$("$TCCTL" pins prune dry-run)" "would remove $link_pin"
	check "... and removes nothing" test -e "$link_pin"
	check "prune removes the link pin and says so" \
		expect_eq out "$("$TCCTL" pins prune)" "removed $link_pin"
	check "... leaving no link pin" expect_eq links "$(pin_links)" ""
	check "... and the maps, which the tc filter uses" \
		expect_eq objects "$(pin_objects)" "fw in-use $N_FW_MAPS 1"
	check "... all of them" expect_eq pins "$(fw_pins)" "$N_FW_MAPS"
	netns_new B pnb && veth_pair "$A" "$B" || exit 1
else
	not_applicable "pins: tcx link pins attached, then orphaned and pruned" "$NA_REASON"
fi

# the maps of tc's own load of fw.o count as used
in_ns "$B" tc qdisc add dev v1 clsact
in_ns "$B" tc filter add dev v1 ingress prio 1 handle 1 bpf da obj "$FW_O" sec tc
check "fw loaded by plain tc shares the maps and counts as a user" \
	expect_eq objects "$(pin_objects)" "fw in-use $N_FW_MAPS 2"
"$TCCTL" -n "$A" detach dev d0 ingress fw
wait_objects "fw in-use $N_FW_MAPS 1"
check "with tcctl's filter gone, tc's still uses the maps" \
	expect_eq objects "$(pin_objects)" "fw in-use $N_FW_MAPS 1"
check "... so prune removes nothing" expect_eq out "$("$TCCTL" pins prune)" ""
check "... and the maps stay" expect_eq pins "$(fw_pins)" "$N_FW_MAPS"

# veth deleted under the tcx link: orphaned, pruned, and the maps go with it
if kernel_has tcx; then
	in_ns "$B" tc filter del dev v1 ingress prio 1 handle 1 bpf
	wait_objects "fw unused $N_FW_MAPS 0"
	"$TCCTL" -n "$A" attach dev v0 egress fw tcx
	link_pin=$(find "$LINK_DIR" -type f)
	ip -n "$A" link del v0
	for _ in $(seq 50); do
		[ "$(pin_links)" = "orphaned 0 fw_tc" ] && break
		sleep 0.1
	done
	check "a deleted veth leaves its tcx link pin orphaned" \
		expect_eq links "$(pin_links)" "orphaned 0 fw_tc"
	out=$("$TCCTL" pins prune dry-run)
	check "dry-run: the link first" expect_eq first "$(head -1 <<<"$out")" "would remove $link_pin"
	check "... then the maps, as its program was their last user" \
		expect_eq maps "$(grep -c "^would remove $PIN_DIR/fw_" <<<"$out")" "$N_FW_MAPS"
	check "... and changes nothing" expect_eq pins "$(fw_pins)" "$N_FW_MAPS"
	out=$("$TCCTL" -j pins prune)
	check "prune -j removes the link, then the maps its program was the last to use" \
		expect_eq removed "$(jq -r '.removed[].kind' <<<"$out" | sort | uniq -c |
			awk '{print $1, $2}')" "1 link
$((N_FW_MAPS + N_CHAIN_MAPS + N_EVENTS_MAPS)) map"
	check "... naming the link pin" \
		expect_eq pin "$(jq -r '.removed[] | select(.kind=="link") | .pin' <<<"$out")" "$link_pin"
	check "... and the object of the maps" \
		expect_eq object "$(jq -r '[.removed[] | select(.kind=="map") | .object] | unique[]' <<<"$out")" "chain
events
fw"
	check "... and none is left" expect_eq pins "$(fw_pins)" 0
	veth_pair "$A" "$B" || exit 1
	"$TCCTL" pin fw
	in_ns "$B" tc qdisc add dev v1 clsact
	in_ns "$B" tc filter add dev v1 ingress prio 1 handle 1 bpf da obj "$FW_O" sec tc
fi

# detach everything: the maps are unused, and prune removes all of them
in_ns "$B" tc filter del dev v1 ingress prio 1 handle 1 bpf
wait_objects "fw unused $N_FW_MAPS 0"
check "with no program left, the fw maps are unused" \
	expect_eq objects "$(pin_objects)" "fw unused $N_FW_MAPS 0"
check "text says unused" expect_eq text "$("$TCCTL" pins | head -1)" "object fw  unused"
out=$("$TCCTL" pins prune dry-run)
check "dry-run lists every fw map" expect_eq "lines" "$(grep -c "^would remove $PIN_DIR/fw_" <<<"$out")" \
	"$N_FW_MAPS"
check "... and removes none" expect_eq pins "$(fw_pins)" "$N_FW_MAPS"
# a pin that cannot go (a mount point: EBUSY) is one error line; the rest still go
mount --bind "$PIN_DIR/foreign_map" "$PIN_DIR/fw_counters"
out=$("$TCCTL" pins prune 2>"$TMP_ERR")
check "prune with one pin that cannot go exits 1" test $? -eq 1
check "... with one line naming it" expect_eq stderr "$(cat "$TMP_ERR")" \
	"tcctl: cannot remove $PIN_DIR/fw_counters: Device or resource busy"
check "... after removing the others" expect_eq "left" "$(fw_pins)/$(wc -l <<<"$out")" \
	"1/$((N_FW_MAPS - 1 + N_CHAIN_MAPS + N_EVENTS_MAPS))"
umount "$PIN_DIR/fw_counters"
"$TCCTL" pin fw

out=$("$TCCTL" pins prune)
check "prune removes every fw map, one line each" \
	expect_eq "lines" "$(grep -c "^removed $PIN_DIR/fw_" <<<"$out")/$(wc -l <<<"$out")" \
	"$N_FW_MAPS/$((N_FW_MAPS + N_CHAIN_MAPS + N_EVENTS_MAPS))"
check "... none is left" expect_eq pins "$(fw_pins)" 0
out=$("$TCCTL" fw show 2>&1)
check "fw show then asks to load the object" \
	expect_eq "rc/error" "$?/$out" \
	"1/tcctl: $PIN_DIR/fw_verdicts does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)"
check "the foreign pin stays" test -e "$PIN_DIR/foreign_map"
check "pins still does not list it" expect_eq pins "$("$TCCTL" -j pins)" '{"links":[],"objects":[]}'

# a pin in the link directory that is no link: listed as such, never removed
mkdir -p "$LINK_DIR"
bpftool map create "$LINK_DIR/odd" type hash key 4 value 4 entries 4 name odd
check "a map pinned among the links is listed as not-a-link" \
	expect_eq links "$("$TCCTL" -j pins | jq -c .links)" "[{\"pin\":\"$LINK_DIR/odd\",\"state\":\"not-a-link\"}]"
check "... and prune leaves it" expect_eq out "$("$TCCTL" pins prune)/$(ls "$LINK_DIR")" "/odd"
rm -f "$LINK_DIR/odd"

# prune waits for the pins lock, which every tcctl writer holds; dry-run does not
held=$(mktemp -u)
flock "$PIN_DIR" sh -c "sleep 1; touch $held" &
sleep 0.3
"$TCCTL" pins prune dry-run >/dev/null
check "dry-run does not wait for the pins lock" test ! -e "$held"
"$TCCTL" pins prune >/dev/null
check "prune waits until the lock's holder is done" test -e "$held"
wait
rm -f "$held"

# usage
out=$("$TCCTL" pins prune now 2>&1)
check "an unknown word after prune is a usage error" expect_eq "rc/error" "$?/$out" \
	"2/tcctl: unexpected argument \"now\" (see 'tcctl help')"
out=$("$TCCTL" pins list 2>&1)
check "an unknown pins command is a usage error" expect_eq "rc/error" "$?/$out" \
	"2/tcctl: unknown pins command \"list\" (see 'tcctl help')"
exit "$ret"
