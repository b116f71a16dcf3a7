#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Replacing fw's whole configuration (tcctl fw load) with real traffic: under
# a UDP flood, 100 replaces between two configurations that both drop it let
# no datagram through (a packet that met an empty table or a mix would pass,
# the policy being pass), at XDP (generic) and on tc ingress; a load of a
# 1,000,000-entry set killed half-way leaves the old configuration in force
# and its leftovers to the next command; saved files load back.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/flood.sh
source "$(dirname "$0")/../flood.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT

netns_new A fla && netns_new B flb && veth_pair "$A" "$B" || exit 1
"$TCCTL" pin fw

# the packets the drop rules of the live configuration counted
drops() {
	"$TCCTL" -j fw rule list | python3 -c 'import json,sys
print(sum(r["packets"] for t in json.load(sys.stdin) for r in t["rules"] if r["action"]=="drop"))'
}

# set slots in use (flag 1), "KEY NAME" a line; with "loading", only those
# no bank's configuration has yet (flags 4 and 8: banks 0 and 1)
slots() {
	bpftool -j map dump pinned "$PIN_DIR/fw_setmeta" | python3 -c 'import json,sys
for e in json.load(sys.stdin):
	v=e["formatted"]["value"]
	if v["flags"] & 1 and (sys.argv[1] != "loading" or not v["flags"] & 12):
		print(e["formatted"]["key"],v["name"])' "$1"
}

: >"$tmp/empty.conf"
# the count of switches fw_state keeps
fw_version() {
	bpftool -j map lookup pinned "$PIN_DIR/fw_state" key 0 0 0 0 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["formatted"]["value"]["version"])'
}

# tcctl fw save prints what FILE holds (a diff's first lines when not)
# shellcheck disable=SC2317 # called through check
same_save() {
	local d
	d=$(diff <("$TCCTL" fw save) "$1" | head -6)
	[ -z "$d" ] || fail_msg "tcctl fw save differs from $1: $d"
}

cat >"$tmp/a.conf" <<'EOF'
# drops the flood by its source network
set create other
set add other 192.0.2.0/24
set add other 2001:db8::/32
rule add proto tcp dport 80 pass
rule add src 10.11.0.0/24 proto udp drop
rule add src @other drop
rule add proto icmp count
EOF
cat >"$tmp/b.conf" <<'EOF'
# drops the flood through a set, in other rules, other sets, another order
set create flood counters
set add flood 198.51.100.0/24
set add flood 10.11.0.1
set create extra
set add extra 203.0.113.0/24
rule add proto icmp count
rule add dst @extra drop
rule add proto tcp dport 80 pass
rule add src @flood proto udp drop
rule add table 3 proto udp drop
policy table 3 drop
EOF

for hook in xdpgeneric ingress; do
	"$TCCTL" -n "$B" attach dev v1 "$hook" fw
	"$TCCTL" fw load "$tmp/empty.conf"

	before=$(udp_in)
	flood "$tmp/stop" "$tmp/sent"
	sleep 0.3
	touch "$tmp/stop"
	wait "$fpid"
	check "$hook: with no rules the flood reaches B" test $(($(udp_in) - before)) -gt 1000

	"$TCCTL" fw load "$tmp/a.conf"
	flood "$tmp/stop" "$tmp/sent"
	sleep 0.3
	before=$(udp_in)
	failed=0
	for _ in $(seq 50); do
		"$TCCTL" fw load "$tmp/b.conf" || failed=$((failed + 1))
		"$TCCTL" fw load "$tmp/a.conf" || failed=$((failed + 1))
	done
	"$TCCTL" fw load "$tmp/b.conf" || failed=$((failed + 1))
	sleep 0.3
	got=$(($(udp_in) - before))
	touch "$tmp/stop"
	wait "$fpid"
	check "$hook: 101 loads under the flood all succeed" expect_eq failures "$failed" 0
	check "$hook: the flood ran (more than 10,000 datagrams sent)" test "$(cat "$tmp/sent")" -gt 10000
	check "$hook: no datagram of the flood reached B while the configuration changed" \
		expect_eq "datagrams at B" "$got" 0
	check "$hook: the live configuration's drop rule counted the flood" test "$(drops)" -gt 0
	check "$hook: ... and so did the set's element" \
		bash -c "'$TCCTL' -j fw set list flood members | grep -q '\"prefix\":\"10.11.0.1\",\"hits\":[1-9]'"
	"$TCCTL" -n "$B" detach dev v1 "$hook" fw
done

# --- a saved configuration loads back ---------------------------------------
"$TCCTL" fw save "$tmp/saved.conf"
"$TCCTL" fw load "$tmp/saved.conf"
check "a saved configuration loads back to the identical state" \
	expect_eq save "$("$TCCTL" fw save)" "$(cat "$tmp/saved.conf")"
# an admin's edit: one more rule, first in table 0, without an id
sed '0,/^rule add table 0 /s//rule add table 0 proto gre drop\n&/' "$tmp/saved.conf" >"$tmp/edited.conf"
out=$("$TCCTL" fw load "$tmp/edited.conf" 2>&1)
check "a saved file with a rule added without an id loads" expect_eq "tcctl fw load" "$out" ""
check "... and that rule is first" \
	bash -c "'$TCCTL' fw save | grep '^rule add table 0 ' | head -1 | grep -q ' proto gre drop$'"

# --- a load killed half-way -------------------------------------------------
"$TCCTL" -n "$B" attach dev v1 ingress fw
cat >"$tmp/old.conf" <<'EOF'
set create old
set add old 10.9.0.0/16
set add old 10.11.0.1
rule add src @old proto icmp drop
EOF
# 20.0.0.0/24 to 35.65.63.0/24: not 10.11.0.1, whose pings pass then
printf 'set load big big.txt\nrule add src @big drop\n' >"$tmp/big.conf"
awk 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "%d.%d.%d.0/24\n", 20 + int(i / 65536), int(i / 256) % 256, i % 256 }' >"$tmp/big.txt"
"$TCCTL" fw load "$tmp/old.conf"
check "the old configuration drops pings from 10.11.0.1" expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 0
saved=$("$TCCTL" fw save)
sets=$("$TCCTL" fw set list)

# killed once the set it loads is half there: it has a slot (in no bank) and
# the load takes a second or more after that
"$TCCTL" fw load "$tmp/big.conf" &
lpid=$!
# the first element, 20.0.0.0/24, in the loading slot: the batches have begun
first_in() {
	bpftool map lookup pinned "$PIN_DIR/fw_set4" key 64 0 0 0 0 0 0 "${1:-0}" 20 0 0 1 >/dev/null 2>&1
}
pending=
for _ in $(seq 3000); do
	pending=$(slots loading)
	[ -n "$pending" ] && first_in "${pending%% *}" && break
	kill -0 "$lpid" 2>/dev/null || break
	sleep 0.01
done
check "tcctl fw load BIG is still loading when its first elements are in" kill -0 "$lpid"
kill -KILL "$lpid"
wait "$lpid" 2>/dev/null
check "... it left a half-loaded slot behind" test -n "$pending"
slot=${pending%% *}
check "... which holds some of the new elements" first_in "$slot"
check "after the kill, the old configuration is in force: pings from 10.11.0.1 fail" \
	expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 0
check "... tcctl fw save prints the old configuration" expect_eq save "$("$TCCTL" fw save)" "$saved"
check "... tcctl fw set list shows the old sets only, no partial one" \
	expect_eq "set list" "$("$TCCTL" fw set list)" "$sets"
"$TCCTL" fw policy pass
check "the next change cleans up: no slot left loading" expect_eq pending "$(slots loading)" ""
check "... the leftover slot's elements are gone from fw_set4" \
	bash -c "! bpftool map lookup pinned '$PIN_DIR/fw_set4' key 64 0 0 0 0 0 0 ${slot:-0} 20 0 0 1 >/dev/null 2>&1"
check "... only the old set's slot is in use" expect_eq used "$(slots used | cut -d' ' -f2)" old
check "... and the configuration is the old one still" expect_eq save "$("$TCCTL" fw save)" "$saved"
"$TCCTL" fw load "$tmp/big.conf"
check "loaded in full, the big configuration is live: pings pass" \
	expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 2
check "... with 1,000,000 entries in its set" \
	bash -c "'$TCCTL' fw set list | grep -qx 'set big: 1000000 IPv4, 0 IPv6'"
"$TCCTL" fw save "$tmp/big.saved"
"$TCCTL" fw load "$tmp/old.conf"
check "... and loading the old one back restores it" expect_eq save "$("$TCCTL" fw save)" "$saved"

# killed just after the switch, before it tidied up: the new configuration
# is in force, and what it replaced (the set old) goes with the next change
version=$(fw_version)
"$TCCTL" fw load "$tmp/big.conf" &
lpid=$!
for _ in $(seq 3000); do
	[ "$(fw_version)" != "$version" ] && break
	kill -0 "$lpid" 2>/dev/null || break
	sleep 0.01
done
kill -KILL "$lpid" 2>/dev/null
killed=$?
wait "$lpid" 2>/dev/null
check "tcctl fw load BIG killed just after it switched (before it finished)" test "$killed" -eq 0
check "... the new configuration is in force: pings pass" \
	expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 2
"$TCCTL" fw policy pass
check "... after the next change, the configuration is what the full load gives" same_save "$tmp/big.saved"
check "... and the replaced set old is gone" bash -c "! '$TCCTL' fw set list | grep -q '^set old'"
exit "$ret"
