#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl map as an admin uses it on fw's pinned maps: what tcctl fw configured
# shows by field name, addresses as addresses and LPM keys as prefixes;
# updates through tcctl map show in tcctl fw; per-CPU values per CPU; maps
# without BTF in hex; prog arrays by id; and every bad input gets one line,
# its exit code, and changes nothing.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
H="(see 'tcctl help')"
DIR=$(mktemp -d)
NOBTF=/sys/fs/bpf/nobtf
PA=/sys/fs/bpf/pa
trap 'rm -rf "$DIR"; rm -f "$NOBTF" "$PA" "$PIN_DIR/aprog"; cleanup' EXIT
"$T" pin fw || exit 1
netns_new NS map || exit 1

# --- what tcctl fw configured, read back through tcctl map ---------------------
"$T" fw proto icmp drop
"$T" fw set create blk
"$T" fw set add blk 10.0.0.0/8 2001:db8::/32
"$T" fw rule add src @blk drop
"$T" fw rule add src 198.51.100.0/24 proto tcp dport 22 pass
"$T" -n "$NS" fw bind dev lo ingress table 2

check "a verdict: array index 1 (icmp in table 0) is 1 (drop)" expect_eq verdict \
	"$("$T" map lookup fw_verdicts key 1)" "key 1 value 1"
check "a binding by field name, one line per entry" expect_eq ifaces \
	"$("$T" map dump fw_ifaces)" 'key {"ifindex": 1, "hook": 1} value {"table": 2}'
check "-j dump: a list of key and value" expect_eq json \
	"$("$T" -j map dump fw_ifaces | jq -c .)" '[{"key":{"ifindex":1,"hook":1},"value":{"table":2}}]'
slot=$("$T" -j map dump fw_setmeta | jq '[.[] | select(.value.name == "blk")][0].key')
check "a char array is a string: the set's slot by name" expect_eq slot "$slot" 0
check "IPv4 set member: the LPM key as slot and prefix" expect_eq set4 \
	"$("$T" -j map dump fw_set4 | jq -c '[.[].key]')" "[{\"slot\":$slot,\"addr\":\"10.0.0.0/8\"}]"
check "IPv6 set member" expect_eq set6 \
	"$("$T" -j map dump fw_set6 | jq -r '.[].key.addr')" "2001:db8::/32"
bank=$("$T" -j map lookup fw_state key 0 | jq .value.bank)
check "a rule by field name (bank $bank, table 0, rule 1)" expect_eq rule \
	"$("$T" -j map lookup fw_rules key $((bank * 16 * 1024 + 1)) | jq -c '.value | [.id, .proto, .dport, .action, .src_len]')" \
	'[2,6,[22,22],2,24]'
check "map show: every fw map, with its BTF types" expect_eq show \
	"$("$T" -j map show | jq -r '.[] | select(.name == "fw_set4" or .name == "fw_counters") | "\(.name) \(.type) \(.key_size) \(.value_size) \(.btf_key) \(.btf_value)"')" \
	"fw_counters percpu_array 4 16 __u32 struct fw_counter
fw_set4 lpm_trie 12 8 struct fw_set4_key struct fw_set_elem"
# fw.o's maps: its own, the chain's (it can be chained at XDP) and the events'
fw_maps=$(sed -n 's/^#define \(FW\|CHAIN\|EVENTS\)_MAP_[A-Z0-9_]*[[:space:]]*"\([a-z0-9_]*\)"$/\2/p' \
	"$TOP"/objects/abi/{fw,fw_rules,chain,events}.h | sort)
check "map show: fw.o's $(wc -l <<<"$fw_maps") maps pinned, those the headers name" \
	expect_eq maps "$("$T" -j map show | jq -r '.[].name' | sort)" "$fw_maps"
check "map show MAP: one line" expect_eq line \
	"$("$T" map show fw_ifaces | sed 's/ id [0-9]* / id N /')" \
	"fw_ifaces: id N hash key 8 value 4 max_entries 1024 flags 0x0 btf struct fw_iface_key -> struct fw_iface"
id=$("$T" -j map show fw_state | jq '.[0].id')
check "the same map by id and by path" expect_eq same \
	"$("$T" map lookup id "$id" key 0)/$("$T" map lookup pinned "$PIN_DIR/fw_state" key 0)" \
	"$("$T" map lookup fw_state key 0)/$("$T" map lookup fw_state key 0)"

check "the tc plugin runs it too" expect_eq plugin \
	"$(tc exec tcctl map lookup fw_verdicts key 1)" "key 1 value 1"

# --- writes through tcctl map, seen by tcctl fw --------------------------------
"$T" map update fw_verdicts key 17 value 1
check "a verdict updated: fw show has udp dropped" expect_eq show \
	"$("$T" -j fw show | jq -c '.tables[0].drop')" '["icmp","udp"]'
"$T" map update fw_set4 key "{\"slot\": $slot, \"addr\": \"192.0.2.0/24\"}" value '{"hits": 0}'
check "a member added by its key: fw lists it" expect_eq members \
	"$("$T" -j fw set list blk members | jq -r '[.[0].members[].prefix] | join(" ")')" \
	"10.0.0.0/8 192.0.2.0/24 2001:db8::/32"
"$T" map delete fw_set4 key "{\"slot\": $slot, \"addr\": \"10.0.0.0/8\"}"
check "a member deleted" expect_eq members \
	"$("$T" -j fw set list blk members | jq -r '[.[0].members[].prefix] | join(" ")')" \
	"192.0.2.0/24 2001:db8::/32"
"$T" map update fw_ifaces key '{"ifindex": 1, "hook": 1}' value '{"table": 5}' exist
check "update exist: the binding moved" expect_eq bind \
	"$("$T" -n "$NS" -j fw show | jq -c '.bindings')" '[{"dev":"lo","ifindex":1,"hook":"ingress","table":5}]'
"$T" map delete fw_ifaces key '{"ifindex": 1, "hook": 1}'
check "delete: unbound" expect_eq bind "$("$T" map dump fw_ifaces)" ""

# --- per-CPU ---------------------------------------------------------------------
ncpus=$("$T" -j map lookup fw_counters key 3 | jq '.values | length')
possible=$(($(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1))
check "per-CPU: a value per possible CPU" expect_eq cpus "$ncpus" "$possible"
"$T" map update fw_counters key 3 value '{"packets": 2, "bytes": 100}'
check "one value for every CPU: fw counters adds them up" expect_eq packets \
	"$(fw_count icmp drop)" $((2 * ncpus))
"$T" map update fw_counters key 3 value '[{"cpu": 0, "value": {"packets": 7}}]'
check "a value for one CPU, the others zero" expect_eq values \
	"$("$T" -j map lookup fw_counters key 3 | jq -c '[.values[] | .value.packets] | add')/$(fw_count icmp drop)" "7/7"
check "per-CPU text line" expect_eq line "$("$T" map lookup fw_counters key 3 | cut -c1-60)" \
	'key 3 values [{"cpu": 0, "value": {"packets": 7, "bytes": 0}'

# --- no BTF: hex -----------------------------------------------------------------
bpftool map create "$NOBTF" type hash key 4 value 8 entries 4 name nobtf
"$T" map update pinned "$NOBTF" key hex 0a 00 00 01 value hex 01 02 03 04 05 06 07 08
"$T" map update pinned "$NOBTF" key 7 value hex 0x1112131415161718
check "no BTF: hex, as it is typed" expect_eq dump "$("$T" map dump pinned "$NOBTF" | sort)" \
	"key hex 07 00 00 00 value hex 11 12 13 14 15 16 17 18
key hex 0a 00 00 01 value hex 01 02 03 04 05 06 07 08"
check "no BTF, -j: bpftool's byte lists, which lookup takes back" expect_eq lookup \
	"$("$T" map lookup pinned "$NOBTF" key "$("$T" -j map dump pinned "$NOBTF" | jq -c '.[] | select(.key[0] == "0x0a") | .key')")" \
	"key hex 0a 00 00 01 value hex 01 02 03 04 05 06 07 08"
check "no BTF in map show" expect_eq show "$("$T" -j map show pinned "$NOBTF" | jq -c '.[0] | [.name, .btf_key, .pinned]')" \
	"[\"nobtf\",null,\"$NOBTF\"]"

# --- prog arrays: program ids ----------------------------------------------------
bpftool prog load "$FOREIGN_O" "$PIN_DIR/aprog"
bpftool map create "$PA" type prog_array key 4 value 4 entries 4 name pa
prog=$(bpftool -j prog show pinned "$PIN_DIR/aprog" | jq .id)
"$T" map update pinned "$PA" key hex 01 00 00 00 value "$prog"
check "a prog array's value is the program's id" expect_eq pa \
	"$("$T" -j map dump pinned "$PA" | jq -c '[.[].value]')" "[$prog]"
check "map show lists maps only, not programs pinned beside them" expect_eq count \
	"$("$T" -j map show | jq '[.[].name] | index("aprog")')" null

# --- errors: one line, the exit code, nothing changed ----------------------------
map_state() {
	"$T" fw save -
	"$T" map dump fw_ifaces
	"$T" map dump fw_set4
	"$T" map dump pinned "$NOBTF" | sort
	"$T" map dump pinned "$PA"
	"$T" map lookup fw_counters key 3
}

# expect_map_error NAME RC MESSAGE CMD...
expect_map_error() {
	local name=$1 want_rc=$2 want_msg=$3 before out rc
	shift 3
	before=$(map_state)
	out=$("$@" 2>"$DIR/err")
	rc=$?
	check "$name" expect_eq "exit/stderr/stdout" "$rc/$(cat "$DIR/err")/$out" "$want_rc/$want_msg/"
	check "$name: nothing changed" expect_eq state "$(map_state)" "$before"
}

"$T" map update fw_ifaces key '{"ifindex": 1, "hook": 0}' value '{"table": 1}'
expect_map_error "lookup of a missing key" 1 \
	'tcctl: fw_ifaces: no entry for key {"ifindex": 9, "hook": 0}' \
	"$T" map lookup fw_ifaces key '{"ifindex": 9}'
expect_map_error "delete of a missing key" 1 \
	'tcctl: fw_set4: no entry for key {"slot": 0, "addr": "203.0.113.0/24"}' \
	"$T" map delete fw_set4 key '{"addr": "203.0.113.0/24"}'
expect_map_error "update noexist of a key there" 1 \
	'tcctl: fw_ifaces: key {"ifindex": 1, "hook": 0} has an entry already (noexist)' \
	"$T" map update fw_ifaces key '{"ifindex": 1, "hook": 0}' value '{"table": 3}' noexist
expect_map_error "update exist of a key not there" 1 \
	'tcctl: fw_ifaces: no entry for key {"ifindex": 2, "hook": 0} (exist)' \
	"$T" map update fw_ifaces key '{"ifindex": 2, "hook": 0}' value '{"table": 3}' exist
expect_map_error "unknown member" 2 \
	"tcctl: fw_ifaces: bad key: unknown member \"ifidx\" in struct fw_iface_key $H" \
	"$T" map update fw_ifaces key '{"ifidx": 1}' value '{"table": 3}'
expect_map_error "a value out of range" 2 \
	"tcctl: fw_ifaces: bad value: table: 4294967296 does not fit in 32 unsigned bits $H" \
	"$T" map update fw_ifaces key '{"ifindex": 1}' value '{"table": 4294967296}'
expect_map_error "a number for a struct" 2 \
	"tcctl: fw_ifaces: bad key: want an object with the members of struct fw_iface_key, not an integer $H" \
	"$T" map lookup fw_ifaces key 3
expect_map_error "not an address" 2 \
	"tcctl: fw_set4: bad key: addr: \"2001:db8::\" is not an IPv4 address $H" \
	"$T" map update fw_set4 key '{"addr": "2001:db8::/48"}' value '{}'
expect_map_error "a prefix too long" 2 \
	"tcctl: fw_set4: bad key: \"10.0.0.0/40\": the prefix length must be 0 to 32 $H" \
	"$T" map update fw_set4 key '{"addr": "10.0.0.0/40"}' value '{}'
expect_map_error "hex of the wrong size" 2 \
	"tcctl: $NOBTF: bad key: 3 bytes given, 4 wanted $H" \
	"$T" map update pinned "$NOBTF" key hex 0a 00 00 value hex 00
expect_map_error "not hex" 2 \
	"tcctl: $NOBTF: bad value: \"zz\" is not bytes in hex $H" \
	"$T" map update pinned "$NOBTF" key 1 value hex zz
expect_map_error "a per-CPU list of the wrong length" 2 \
	"tcctl: fw_counters: bad value: 1 values for $ncpus CPUs $H" \
	"$T" map update fw_counters key 3 value '[{"packets": 1}]'
expect_map_error "an array index past the end" 2 \
	"tcctl: fw_verdicts: bad key: 4128 is past the end (the array has 4128 entries) $H" \
	"$T" map update fw_verdicts key 4128 value 1
expect_map_error "delete from an array" 2 \
	"tcctl: fw_verdicts: an array's entries cannot be deleted: update them instead $H" \
	"$T" map delete fw_verdicts key 1
expect_map_error "unknown map" 2 \
	"tcctl: fw_nope: no such map (pinned at $PIN_DIR/fw_nope) $H" \
	"$T" map dump fw_nope
expect_map_error "a name with a slash" 2 \
	"tcctl: \"tc/globals/fw_state\" is not a map name in $PIN_DIR (pinned PATH for others) $H" \
	"$T" map dump tc/globals/fw_state
expect_map_error "a path outside bpffs" 2 \
	"tcctl: pinned /etc/passwd: the path must be inside /sys/fs/bpf $H" \
	"$T" map dump pinned /etc/passwd
expect_map_error "a path climbing out with .." 2 \
	"tcctl: pinned /sys/fs/bpf/../../etc: \"..\" is not allowed in the path $H" \
	"$T" map dump pinned /sys/fs/bpf/../../etc
expect_map_error "a directory is not a map" 2 \
	"tcctl: /sys/fs/bpf/tc is a directory, not a map $H" \
	"$T" map dump pinned /sys/fs/bpf/tc
expect_map_error "a program is not a map" 2 \
	"tcctl: aprog: $PIN_DIR/aprog is not a map $H" \
	"$T" map dump aprog
expect_map_error "an id no map has" 2 "tcctl: no map has id 4000000000 $H" \
	"$T" map show id 4000000000
expect_map_error "a prog array value: no such program" 2 \
	"tcctl: $PA: bad value: no program has id 4000000000 $H" \
	"$T" map update pinned "$PA" key hex 00 00 00 00 value 4000000000
expect_map_error "no key" 2 "tcctl: expected \"key KEY\" after the map $H" \
	"$T" map lookup fw_ifaces
expect_map_error "no value" 2 "tcctl: expected \"value VALUE\" after the key $H" \
	"$T" map update fw_verdicts key 1
expect_map_error "a flag that is none" 2 "tcctl: unexpected argument \"always\" $H" \
	"$T" map update fw_verdicts key 1 value 0 always
expect_map_error "unknown map command" 2 "tcctl: unknown map command \"get\" $H" \
	"$T" map get fw_verdicts

exit "$ret"
