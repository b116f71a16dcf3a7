#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# fw's configuration commands as an admin types them: rules, policy, sets,
# save and load; every bad input gets one line, its exit code, and changes
# nothing (the saved configuration is the same before and after).
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT
"$T" pin fw || exit 1

fw_state() {
	"$T" fw save -
	"$T" fw set list
}

# expect_fw_error NAME RC MESSAGE CMD...
expect_fw_error() {
	local name=$1 want_rc=$2 want_msg=$3 before out rc
	shift 3
	before=$(fw_state)
	out=$("$@" 2>"$DIR/err")
	rc=$?
	check "$name" expect_eq "exit/stderr/stdout" "$rc/$(cat "$DIR/err")/$out" "$want_rc/$want_msg/"
	check "$name: nothing changed" expect_eq state "$(fw_state)" "$before"
}

rules() { # table: the rule texts in order, one per line
	"$T" -j fw rule list table "${1:-0}" | jq -r '.[0].rules[] | "\(.id) \(.rule)"'
}

# --- rules ---------------------------------------------------------------------
"$T" fw rule add src 192.0.2.0/24 proto tcp dport 22 pass
"$T" fw rule add proto udp dport 5000-5010 drop
"$T" fw rule add at 1 family ip6 proto icmpv6 icmp-type echo-request count
check "rules in order, each with its id, as written back" expect_eq rules "$(rules)" \
	"3 family ip6 proto icmpv6 icmp-type echo-request count
1 src 192.0.2.0/24 proto tcp dport 22 pass
2 proto udp dport 5000-5010 drop"
"$T" fw rule move 3 3
check "move keeps ids" expect_eq rules "$(rules | cut -d' ' -f1 | tr '\n' ' ')" "1 2 3 "
"$T" fw rule del 2
check "del by id" expect_eq rules "$(rules | cut -d' ' -f1 | tr '\n' ' ')" "1 3 "
"$T" fw rule add src 10.1.2.3/8 drop
check "host bits under the prefix are cleared" expect_eq rule \
	"$(rules | tail -1)" "4 src 10.0.0.0/8 drop"
"$T" fw rule add table 3 dir out dst 2001:db8::/32 proto udp sport 53 rate pps 100 burst 20 bytes 100000 per-source
check "a rate rule in another table, with its defaults filled in" expect_eq rule "$(rules 3)" \
	"1 dir out dst 2001:db8::/32 proto udp sport 53 rate pps 100 burst 20 bytes 100000 burst-bytes 10000 per-source"
check "JSON fields of a rule" expect_eq json \
	"$("$T" -j fw rule list table 3 | jq -c '.[0].rules[0] | [.dir, .dst, .proto, .sport, .action, .rate.pps, .rate.per_source, .packets]')" \
	'["out","2001:db8::/32",17,[53,53],"rate",100,true,0]'
"$T" fw policy table 3 drop
check "policy shows in the list" expect_eq policy \
	"$("$T" -j fw rule list | jq -c '[.[] | [.table, .policy]]')" '[[0,"pass"],[3,"drop"]]'
"$T" fw rule flush table 3
"$T" fw policy table 3 pass
check "flush empties one table" expect_eq tables "$("$T" -j fw rule list | jq length)" 1

# --- sets ------------------------------------------------------------------------
"$T" fw set create bl counters
"$T" fw set add bl 198.51.100.0/24 203.0.113.7 2001:db8:1::/48
printf '# blocklist\n\n10.9.0.0/16\n  10.10.0.1  # a host\n2001:db8:2::/64\n' >"$DIR/list"
"$T" fw set load other "$DIR/list"
check "sets with their sizes" expect_eq sets \
	"$("$T" -j fw set list | jq -c '[.[] | [.name, .counters, .ipv4, .ipv6, .used]]')" \
	'[["bl",true,2,1,false],["other",false,2,1,false]]'
check "set members from a file with comments and blanks" expect_eq members \
	"$("$T" -j fw set list other members | jq -r '[.[0].members[].prefix] | join(" ")')" \
	"10.9.0.0/16 10.10.0.1 2001:db8:2::/64"
"$T" fw set del bl 203.0.113.7
"$T" fw rule add src @bl drop
check "a rule names a set" expect_eq rule "$(rules | tail -1)" "5 src @bl drop"
"$T" fw set load bl "$DIR/list"
check "set load replaces the contents" expect_eq members \
	"$("$T" -j fw set list bl members | jq -r '[.[0].members[] | "\(.prefix)=\(.hits)"] | join(" ")')" \
	"10.9.0.0/16=0 10.10.0.1=0 2001:db8:2::/64=0"
check "the rule still names it" expect_eq used "$("$T" -j fw set list bl | jq '.[0].used')" true
"$T" fw set flush other
check "flush empties a set" expect_eq size "$("$T" -j fw set list other | jq -c '.[0] | [.ipv4, .ipv6]')" "[0,0]"
"$T" fw set destroy other
check "destroy removes an unused set" expect_eq sets "$("$T" -j fw set list | jq -r '.[].name')" bl

# --- bad input: one line, nothing changed ---------------------------------------------
H="(see 'tcctl help')"
expect_fw_error "bad CIDR" 2 "tcctl: bad src \"10.0.0.300\": not an IPv4 or IPv6 address $H" \
	"$T" fw rule add src 10.0.0.300 drop
expect_fw_error "prefix too long" 2 \
	"tcctl: bad dst \"10.0.0.0/33\": the prefix length of an IPv4 address is 0 to 32 $H" \
	"$T" fw rule add dst 10.0.0.0/33 drop
expect_fw_error "port 70000" 2 \
	"tcctl: dport \"70000\": a port is a number from 0 to 65535, a range PORT-PORT $H" \
	"$T" fw rule add proto tcp dport 70000 drop
expect_fw_error "backwards port range" 2 "tcctl: sport 90-80: the range ends before it starts $H" \
	"$T" fw rule add proto udp sport 90-80 drop
expect_fw_error "unknown set" 2 \
	"tcctl: unknown set \"nope\": create it first with \"tcctl fw set create nope\" $H" \
	"$T" fw rule add src @nope drop
expect_fw_error "rate 0" 2 "tcctl: rate needs \"pps N\" or \"bytes N\" (per second), greater than 0 $H" \
	"$T" fw rule add proto udp rate pps 0
expect_fw_error "no action" 2 \
	"tcctl: the rule needs an action at its end: drop, pass, count or rate $H" \
	"$T" fw rule add proto udp
expect_fw_error "families mixed" 2 "tcctl: dst 2001:db8::1 is IPv6 but the rule is IPv4 $H" \
	"$T" fw rule add src 10.0.0.1 dst 2001:db8::1 drop
expect_fw_error "ports on ICMP" 2 "tcctl: ports need proto tcp, udp, udplite or sctp $H" \
	"$T" fw rule add proto icmp dport 1 drop
expect_fw_error "delete an unknown rule" 1 \
	"tcctl: table 0 has no rule with id 99 (see tcctl fw rule list table 0)" "$T" fw rule del 99
expect_fw_error "move past the end" 2 "tcctl: position 9: table 0 has rules 1 to 4 $H" \
	"$T" fw rule move 1 9
expect_fw_error "a set in use" 1 "tcctl: set bl is named by rules: delete them first" \
	"$T" fw set destroy bl
expect_fw_error "a set twice" 1 "tcctl: set bl exists" "$T" fw set create bl
expect_fw_error "a member that is not there" 1 \
	"tcctl: set bl does not hold one of these exactly (see tcctl fw set list bl members); nothing deleted" \
	"$T" fw set del bl 10.9.0.0/16 10.99.0.0/16
printf '10.0.0.0/8\n10.1.1.1/40\n' >"$DIR/bad"
expect_fw_error "a bad line in a set file" 1 \
	"tcctl: $DIR/bad:2: bad address \"10.1.1.1/40\": the prefix length of an IPv4 address is 0 to 32" \
	"$T" fw set load bl "$DIR/bad"

# --- save and load ---------------------------------------------------------------------
"$T" fw save "$DIR/saved"
printf 'policy drop\nrule add proto tcp dport 22 pass\nset create x\nset add x 10.0.0.0/8\nrule add src @x drop\n' >"$DIR/new"
"$T" fw load "$DIR/new"
check "load replaces everything" expect_eq config "$("$T" fw save - | grep -v '^#')" \
	"set create x
set add x 10.0.0.0/8
policy table 0 drop
rule add table 0 id 1 proto tcp dport 22 pass
rule add table 0 id 2 src @x drop"
"$T" fw load "$DIR/saved"
check "a saved configuration loads back to the identical state" expect_eq config \
	"$("$T" fw save -)" "$(cat "$DIR/saved")"
printf 'set create y\nrule add src @y drop\nrule add dport 70000 drop\n' >"$DIR/badconf"
expect_fw_error "a bad line in a configuration" 2 \
	"tcctl: $DIR/badconf:3: dport \"70000\": a port is a number from 0 to 65535, a range PORT-PORT $H" \
	"$T" fw load "$DIR/badconf"
printf 'rule add src @undefined drop\n' >"$DIR/badconf"
expect_fw_error "a set used before it is created" 2 \
	"tcctl: $DIR/badconf:1: unknown set \"undefined\": create it first with \"tcctl fw set create undefined\" $H" \
	"$T" fw load "$DIR/badconf"

# --- a million members ------------------------------------------------------------------
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "10.%d.%d.%d\n", i / 65536, (i / 256) % 256, i % 256 }' >"$DIR/million"
"$T" fw set load big "$DIR/million"
check "a set of 1,000,000 members loads whole" expect_eq size \
	"$("$T" -j fw set list big | jq -c '.[0] | [.ipv4, .ipv6]')" "[1000000,0]"

# --- writers take turns ------------------------------------------------------------------
"$T" fw rule flush table 5
for i in $(seq 1 20); do
	"$T" fw rule add table 5 proto udp dport $((1000 + i)) drop &
	"$T" fw set load "par$i" "$DIR/list" &
done
wait
check "20 rule adds and 20 set loads at once: none lost" expect_eq counts \
	"$("$T" -j fw rule list table 5 | jq '.[0].rules | length') $("$T" -j fw set list | jq '[.[] | select(.name | startswith("par")) | .ipv4] | add')" \
	"20 40"

# --- limits ---------------------------------------------------------------------------------
for i in 1 2 3 4 5 6 7 8 9; do "$T" fw set create "lim$i"; done
for i in 1 2 3 4 5 6 7 8; do "$T" fw rule add table 6 src "@lim$i" drop; done
expect_fw_error "a ninth set on one side of a table" 1 \
	"tcctl: table 6: its rules name more than 8 sets as src, or as dst" \
	"$T" fw rule add table 6 src @lim9 drop
