#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# docs/json.md is the schema and this is its test: each section's command
# runs with -j on a firewall that is attached, configured and has counted
# traffic; every row of the section's table (a jq path and a type) must be
# there with that type, and the output must have no field the page leaves out.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DOC=$TOP/docs/json.md
netns_new A ja && netns_new B jb && veth_pair "$A" "$B" || exit 1

has_tcx=true
kernel_has tcx || has_tcx=false

# pins prune lists what it would remove: link pins orphaned by a deleted
# namespace, and the maps of objects only such links use. The firewall set
# up below uses every object, so that document is taken first.
netns_new C jc && ip -n "$C" link add name v2 type veth peer name v3 || exit 1
"$T" -n "$C" attach dev v2 xdp stats link || exit 1
ip netns del "$C"
for _ in {1..50}; do # the kernel takes the namespace down in the background
	[ "$("$T" -j pins | jq -r '.links[].state')" == orphaned ] && break
	sleep 0.1
done
declare -A taken=([pins prune]=$("$T" -j pins prune dry-run))

{
	"$T" -n "$B" attach dev v1 ingress fw &&
		"$T" -n "$B" attach dev v1 xdp fw &&
		"$T" -n "$B" attach dev v1 xdp stats && # a chain: fw, then stats
		{ ! $has_tcx || "$T" -n "$B" attach dev v1 egress fw tcx; } &&
		"$T" -n "$B" attach dev v1 egress stats &&
		"$T" fw proto icmp drop &&
		"$T" fw proto udp drop table 2 &&
		"$T" -n "$B" fw bind dev v1 ingress table 2 &&
		"$T" fw set create bl counters &&
		"$T" fw set add bl 10.11.0.1 2001:db8::/32 &&
		"$T" fw rule add table 2 src @bl proto tcp sport 1000-2000 dport 22 drop &&
		"$T" fw rule add table 2 family ip6 dir in proto icmpv6 icmp-type echo-request count &&
		"$T" fw rule add table 2 dir out dst 10.1.0.0/16 rate pps 10 per-source &&
		"$T" fw policy table 2 drop &&
		"$T" lb service add tcp 10.0.100.1:80 &&
		"$T" lb backend add tcp 10.0.100.1:80 10.0.21.2:8080 weight 2 &&
		"$T" lb backend add tcp 10.0.100.1:80 10.0.22.2:8080 &&
		"$T" pin redir &&
		"$T" redir add tcp 8080 to 8081 &&
		"$T" -n "$B" redir add udp 53 to 5353 addr 10.11.0.2 dev v1
} || exit 1
ping_count "$A" 10.11.0.2 2 >/dev/null # counters and hits to show
# datagrams that fw's table 0 passes at XDP, for stats' ports and flows
in_ns "$A" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"x" * 10, ("10.11.0.2", 5353))'

# a pcap for replay: two frames, TCP to port 22 (table 2's rule 1 drops it) and 80
PCAP=$(mktemp) PCAP_OUT=$(mktemp -u)
trap 'rm -f "$PCAP" "$PCAP_OUT"; cleanup' EXIT
python3 - "$PCAP" <<'PYEOF' || exit 1
import struct, sys
def frame(dport):
    tcp = struct.pack("!HHIIBBHHH", 1500, dport, 1, 0, 5 << 4, 2, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0, bytes([10, 11, 0, 1]), bytes([10, 11, 0, 2]))
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for d in (22, 80):
        fr = frame(d)
        f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)
PYEOF

# monitor prints JSON lines, one document per event: events of every shape,
# from crafted frames (a VLAN tag, a first fragment, a SYN fw's rule drops) and
# a ping, taken while fw and stats (sample 1) see them on v1
"$T" events set sample 1 drops on || exit 1
"$T" -n "$B" -j monitor duration 2 >"$TOP/build/json-monitor.$$" 2>/dev/null &
mon=$!
sleep 0.5
in_ns "$A" python3 -c 'import socket, struct, sys
dmac = bytes.fromhex(sys.argv[1].replace(":", ""))
def ip(proto, l4, frag=0):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, frag, 64, proto, 0,
                       socket.inet_aton("10.11.0.1"), socket.inet_aton("10.11.0.2")) + l4
udp = struct.pack("!HHHH", 4000, 53, 16, 0) + b"x" * 8
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind(("v0", 0))
eth = dmac + b"\x02\0\0\0\0\x01"
s.send(eth + b"\x81\x00\x00\x05\x08\x00" + ip(17, udp))
s.send(eth + b"\x08\x00" + ip(17, udp, 0x2000))
s.send(eth + b"\x08\x00" + ip(6, struct.pack("!HHIIBBHHH", 1500, 22, 1, 0, 0x50, 2, 65535, 0, 0)))' \
	"$(ip -n "$B" -j link show v1 | jq -r '.[0].address')"
ping_count "$A" 10.11.0.2 1 >/dev/null
wait "$mon"
json_lines=$(cat "$TOP/build/json-monitor.$$")
rm -f "$TOP/build/json-monitor.$$"
"$T" events set sample off drops off

# the command each section documents, as run here; " ; " separates the
# commands of a section whose fields no one document has all of (each must
# have the required fields, and every optional one must show in one of them)
declare -A commands=(
	[status]="-n $B status"
	[qdisc show]="-n $B qdisc show dev v1"
	[feature]="feature"
	[pins]="pins"
	[pins prune]="pins prune dry-run"
	[fw show]="-n $B fw show"
	[fw counters]="fw counters"
	[fw rule list]="fw rule list"
	[fw set list]="fw set list bl members"
	[stats show]="-n $B stats show ; -n $B stats show percpu"
	[stats ports]="-n $B stats ports"
	[stats flows]="-n $B stats flows"
	[redir show]="-n $B redir show"
	[map show]="map show ; map show id $("$T" -j map show fw_state | jq '.[0].id')"
	[map dump]="map dump fw_ifaces ; map dump stats_proto"
	[map lookup]="map lookup fw_state key 0 ; map lookup stats_overflow key 0"
	[lb show]="lb show"
	[run]="-n $B run fw ingress dev v1 proto tcp src 10.11.0.1 dst 10.11.0.2 sport 1500 dport 22 ; -n $B run fw ingress dev v1 proto icmpv6 src fd00::1 dst fd00::2 ; run lb ingress proto tcp src 10.0.0.1 dst 10.0.100.1 dport 80"
	[replay]="-n $B replay fw ingress dev v1 verbose write $PCAP_OUT $PCAP ; replay fw xdp $PCAP"
	[events show]="events show"
	[monitor]="-n $B monitor duration 2"
)
# rows only a kernel with tcx can show (besides those under .tcx)
tcx_rows=" .links[].direction "

# rows SECTION: "PATH TYPE" for each row of the section's table
rows() {
	awk -v head="## $1" '
		$0 == head { on = 1; next }
		/^## / { on = 0 }
		on && /^\| `/ {
			gsub(/\\\|/, "OR")
			split($0, col, "|")
			path = col[2]; type = col[3]
			gsub(/[ `]/, "", path); gsub(/ /, "", type); sub(/OR/, "|", type)
			print path, type
		}' "$DOC"
}

# the paths of every field in a document, in the page's notation
fields() {
	jq -r '[paths | select(.[-1] | type == "string")
		| map(if type == "number" then "[]" else "." + . end) | join("")
		| if startswith("[") then "." + . else . end] | unique[]'
}

# the documented fields a document has none of: a field inside an `any`
# value (a map's key or value, shaped by its BTF) is the value's own
undocumented() {
	local docs=$1 s=$2 path any
	mapfile -t any < <(rows "$s" | awk '$2 ~ /^any\??$/ { print $1 }')
	comm -23 <(jq -c '.[]' <<<"$docs" | while read -r doc; do fields <<<"$doc"; done | sort -u) \
		<(rows "$s" | cut -d' ' -f1 | sort -u) |
		while read -r path; do
			for a in "${any[@]}"; do
				[[ $path == "${a}."* || $path == "${a}["* ]] && continue 2
			done
			echo "$path"
		done
}

# field_ok DOCS PATH TYPE: in an array of documents, present wherever its
# parent is, with that type (a TYPE? may be absent, but must show somewhere)
# shellcheck disable=SC2317 # called through check
field_ok() {
	local docs=$1 path=$2 type=$3 opt=false want q
	[[ $type == *'?' ]] && opt=true
	q=${path//'[]'/'[]?'} # an optional array's elements, where it is absent: none
	case ${type%'?'} in
	integer) want='type == "number" and . == floor' ;;
	'string|null') want='type == "string" or type == "null"' ;;
	any) want='. != null' ;;
	*) want="type == \"${type%'?'}\"" ;;
	esac
	jq -e --argjson opt "$opt" \
		"[.[] | $q] | if \$opt then map(select(. != null)) else . end | length > 0 and all(.[]; $want)" \
		<<<"$docs" >/dev/null || fail_msg "$path is not a $type in: $(jq -c "[.[] | $q]" <<<"$docs")"
}

mapfile -t sections < <(sed -n 's/^## //p' "$DOC" | grep -vx Conventions)
for s in "${sections[@]}"; do
	check "json.md's section \"$s\" has a command in json.sh" test -n "${commands[$s]:-}" || continue
	docs=
	if [ "$s" == monitor ]; then
		# JSON lines: each line one document
		check "monitor -j: one document per line" expect_eq "documents/lines" \
			"$(jq -s length <<<"$json_lines")/$(wc -l <<<"$json_lines")" \
			"$(wc -l <<<"$json_lines")/$(wc -l <<<"$json_lines")"
		docs=$json_lines$'\n'
	fi
	[ "$s" == monitor ] || while read -r -d';' line; do
		read -ra cmd <<<"$line"
		json=${taken[$s]:-$("$T" -j "${cmd[@]}")}
		check "tcctl -j ${cmd[*]}: one document, on one line" \
			expect_eq "documents/lines" "$(jq -s length <<<"$json")/$(wc -l <<<"$json")" "1/1"
		docs+=$json$'\n'
	done <<<"${commands[$s]};"
	docs=$(jq -s -c . <<<"$docs")
	while read -r path type; do
		if [[ $path == *.tcx* || $tcx_rows == *" $path "* ]] && ! $has_tcx; then
			not_applicable "$s: $path" "this kernel has no tcx"
			continue
		fi
		check "$s: $path is $type" field_ok "$docs" "$path" "$type"
	done < <(rows "$s")
	check "$s: every field in the output is documented" expect_eq undocumented \
		"$(undocumented "$docs" "$s" | xargs)" ""
done
for s in "${!commands[@]}"; do
	check "json.sh's \"$s\" has its section in json.md" grep -qx "## $s" "$DOC"
done
exit "$ret"
