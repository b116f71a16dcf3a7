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
{
	"$T" -n "$B" attach dev v1 ingress fw &&
		"$T" -n "$B" attach dev v1 xdp fw &&
		{ ! $has_tcx || "$T" -n "$B" attach dev v1 egress fw tcx; } &&
		"$T" fw proto icmp drop &&
		"$T" fw proto udp drop table 2 &&
		"$T" -n "$B" fw bind dev v1 ingress table 2 &&
		"$T" fw set create bl counters &&
		"$T" fw set add bl 10.11.0.1 2001:db8::/32 &&
		"$T" fw rule add table 2 src @bl proto tcp sport 1000-2000 dport 22 drop &&
		"$T" fw rule add table 2 family ip6 dir in proto icmpv6 icmp-type echo-request count &&
		"$T" fw rule add table 2 dir out dst 10.1.0.0/16 rate pps 10 per-source &&
		"$T" fw policy table 2 drop
} || exit 1
ping_count "$A" 10.11.0.2 2 >/dev/null # counters and hits to show

# the command each section documents, as run here
declare -A commands=(
	[status]="-n $B status"
	[qdisc show]="-n $B qdisc show dev v1"
	[feature]="feature"
	[fw show]="-n $B fw show"
	[fw counters]="fw counters"
	[fw rule list]="fw rule list"
	[fw set list]="fw set list bl members"
)

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

# field_ok JSON PATH TYPE: present with that type (a TYPE? may be absent in some)
# shellcheck disable=SC2317 # called through check
field_ok() {
	local json=$1 path=$2 type=$3 opt=false want
	[[ $type == *'?' ]] && opt=true
	case ${type%'?'} in
	integer) want='type == "number" and . == floor' ;;
	'string|null') want='type == "string" or type == "null"' ;;
	*) want="type == \"${type%'?'}\"" ;;
	esac
	jq -e --argjson opt "$opt" \
		"[$path] | if \$opt then map(select(. != null)) else . end | length > 0 and all(.[]; $want)" \
		<<<"$json" >/dev/null || fail_msg "$path is not a $type in: $(jq -c "[$path]" <<<"$json")"
}

mapfile -t sections < <(sed -n 's/^## //p' "$DOC" | grep -vx Conventions)
for s in "${sections[@]}"; do
	check "json.md's section \"$s\" has a command in json.sh" test -n "${commands[$s]:-}" || continue
	read -ra cmd <<<"${commands[$s]}"
	json=$("$T" -j "${cmd[@]}")
	check "tcctl -j ${commands[$s]}: one document, on one line" \
		expect_eq "documents/lines" "$(jq -s length <<<"$json")/$(wc -l <<<"$json")" "1/1"
	while read -r path type; do
		if [[ $path == *.tcx* ]] && ! $has_tcx; then
			not_applicable "$s: $path" "this kernel has no tcx"
			continue
		fi
		check "$s: $path is $type" field_ok "$json" "$path" "$type"
	done < <(rows "$s")
	check "$s: every field in the output is documented" expect_eq undocumented \
		"$(comm -23 <(fields <<<"$json") <(rows "$s" | cut -d' ' -f1 | sort -u) | xargs)" ""
done
for s in "${!commands[@]}"; do
	check "json.sh's \"$s\" has its section in json.md" grep -qx "## $s" "$DOC"
done
exit "$ret"
