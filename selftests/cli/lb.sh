#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lb's configuration as an admin types it: services and backends added,
# weighted, drained, marked down and removed, shown as text and JSON; the
# rings read back from lb_rings hold the weighted Maglev table and the live
# bank flips with each change; every bad input gets one line and its exit
# code and changes nothing; tc exec tcctl lb does the same.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
M=16381 # LB_RING_SIZE
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT
VIP=10.0.100.1:80
VIP6='[fd00:100::1]:443'

lb_state() { "$T" -j lb show; }

# expect_lb_error NAME RC MESSAGE CMD...: one line, that exit code, same state
expect_lb_error() {
	local name=$1 want_rc=$2 want_msg=$3 before out rc
	shift 3
	before=$(lb_state)
	out=$("$@" 2>"$DIR/err")
	rc=$?
	check "$name" expect_eq "exit/stderr/stdout" "$rc/$(cat "$DIR/err")/$out" "$want_rc/$want_msg/"
	check "$name: nothing changed" expect_eq state "$(lb_state)" "$before"
}

# svc PROTO VIP PORT FILTER: jq's FILTER on that service in lb show -j (strings raw)
svc() {
	"$T" -j lb show | jq -rc --arg p "$1" --arg v "$2" --argjson port "$3" \
		".services[] | select(.proto == \$p and .vip == \$v and .port == \$port) | $4"
}

# ring IDX: lb_rings[IDX] as "ID COUNT" lines, sorted by id (65535: no backend)
ring() {
	"$T" -j map lookup lb_rings key "$1" |
		jq -r '.value.backend | group_by(.) | map("\(.[0]) \(length)") | .[]'
}

ring_sum() { "$T" -j map lookup lb_rings key "$1" | jq -c .value.backend | md5sum; }

# --- before anything: nothing pinned, nothing shown ------------------------------
check "show with nothing configured: no service, counters at 0" expect_eq show \
	"$("$T" -j lb show | jq -c '[.services, ([.counters[]] | add)]')" '[[],0]'
"$T" lb flush
check "flush with nothing configured pins nothing" test ! -e /sys/fs/bpf/tc/globals/lb_services

# --- services ----------------------------------------------------------------------
"$T" lb service add tcp $VIP
check "the first change pins lb's maps from lb.o" expect_eq pins \
	"$("$T" -j pins | jq -r '.objects[] | select(.name == "lb") | .maps | length')" 7
"$T" lb service add udp 10.0.100.1:53 && "$T" lb service add tcp "$VIP6" || exit 1
check "services, sorted by protocol, family, VIP and port" expect_eq services \
	"$("$T" -j lb show | jq -c '[.services[] | [.proto, .family, .vip, .port, .up, (.backends | length)]]')" \
	'[["tcp","ip","10.0.100.1",80,0,0],["tcp","ip6","fd00:100::1",443,0,0],["udp","ip","10.0.100.1",53,0,0]]'
id=$(svc tcp 10.0.100.1 80 .id)
bank=$(svc tcp 10.0.100.1 80 .bank)
check "a new service's live ring sends nowhere" expect_eq ring "$(ring $((id * 2 + bank)))" "65535 $M"

# --- backends, weighted --------------------------------------------------------------
for i in 1 2 3; do
	"$T" lb backend add tcp $VIP 10.0.2$i.2:8080 weight $i || exit 1
done
"$T" lb backend add tcp "$VIP6" '[fd00:21::2]:8443' || exit 1
check "backends with weight, state and ids" expect_eq backends \
	"$(svc tcp 10.0.100.1 80 '[.backends[] | [.addr, .port, .weight, .state]]')" \
	'[["10.0.21.2",8080,1,"up"],["10.0.22.2",8080,2,"up"],["10.0.23.2",8080,3,"up"]]'
check "default weight 1, IPv6 backend" expect_eq backend6 \
	"$(svc tcp fd00:100::1 443 '[.backends[] | [.addr, .port, .weight, .state, .slots]]')" \
	"[[\"fd00:21::2\",8443,1,\"up\",$M]]"

# the live ring, read from lb_rings: slots in proportion 1:2:3, as show counts them
bank=$(svc tcp 10.0.100.1 80 .bank)
live=$(ring $((id * 2 + bank)))
ids=$(svc tcp 10.0.100.1 80 '[.backends[].id] | map(tostring) | join(" ")')
read -r id1 id2 id3 <<<"$ids"
# shellcheck disable=SC2317 # called through check
within() { # GOT WANT: within 1 % of M
	local d=$(($1 - $2))
	((${d#-} <= M / 100)) || fail_msg "got $1 slots, want $2 within $((M / 100))"
}
check "the live ring has every slot: only the three backends" expect_eq ids \
	"$(cut -d' ' -f1 <<<"$live" | xargs)" "$(tr ' ' '\n' <<<"$ids" | sort -n | xargs)"
check "weight 1: a sixth of the slots" within "$(awk -v i="$id1" '$1 == i { print $2 }' <<<"$live")" $((M / 6))
check "weight 2: a third" within "$(awk -v i="$id2" '$1 == i { print $2 }' <<<"$live")" $((M / 3))
check "weight 3: a half" within "$(awk -v i="$id3" '$1 == i { print $2 }' <<<"$live")" $((M / 2))
check "show's slots are the live ring's" expect_eq slots \
	"$(svc tcp 10.0.100.1 80 '.backends[] | "\(.id) \(.slots)"' | tr -d '"' | sort -n)" "$live"

# a change writes the spare bank and flips: the old table stays in the old bank
old_sum=$(ring_sum $((id * 2 + bank)))
"$T" lb backend set tcp $VIP 10.0.21.2:8080 weight 3
nbank=$(svc tcp 10.0.100.1 80 .bank)
check "a weight change flips the live bank" expect_eq bank "$nbank" $((1 - bank))
check "... the bank left holds the table before" expect_eq ring "$(ring_sum $((id * 2 + bank)))" "$old_sum"
check "... the live one the new weights (3:2:3)" within \
	"$(ring $((id * 2 + nbank)) | awk -v i="$id1" '$1 == i { print $2 }')" $((M * 3 / 8))
check "... and only the service's own rings changed" expect_eq other \
	"$(ring $(($(svc tcp fd00:100::1 443 .id) * 2 + $(svc tcp fd00:100::1 443 .bank))))" \
	"$(svc tcp fd00:100::1 443 '.backends[0].id') $M"

"$T" lb backend set tcp $VIP 10.0.21.2:8080 weight 0
"$T" lb backend set tcp $VIP 10.0.22.2:8080 down
check "drain (weight 0) and down: out of the ring, their state shown" expect_eq states \
	"$(svc tcp 10.0.100.1 80 '[.up, [.backends[] | [.weight, .state, .slots]]]')" \
	"[1,[[0,\"drain\",0],[2,\"down\",0],[3,\"up\",$M]]]"
check "... the live ring holds only the one up" expect_eq ring \
	"$(ring $(($(svc tcp 10.0.100.1 80 .id) * 2 + $(svc tcp 10.0.100.1 80 .bank))))" "$id3 $M"
"$T" lb backend set tcp $VIP 10.0.22.2:8080 up
check "up again: back in the ring with its weight" expect_eq up \
	"$(svc tcp 10.0.100.1 80 '[.up, (.backends[] | select(.addr == "10.0.22.2") | .state)]')" '[2,"up"]'
before=$(lb_state)
"$T" lb backend set tcp $VIP 10.0.22.2:8080 up
check "setting what is already so changes nothing, not even the bank" expect_eq state "$(lb_state)" "$before"

# backend entries in lb_backends: gen counts the owners of an id
gen_before=$("$T" -j map lookup lb_backends key "$id1" | jq .value.gen)
"$T" lb backend delete tcp $VIP 10.0.21.2:8080
check "delete: gone from show and ring" expect_eq backends \
	"$(svc tcp 10.0.100.1 80 '[.backends[].addr]')" '["10.0.22.2","10.0.23.2"]'
check "... its entry in lb_backends is free (flags 0)" expect_eq flags \
	"$("$T" -j map lookup lb_backends key "$id1" | jq .value.flags)" 0
"$T" lb backend add tcp $VIP 10.0.24.2:8080
check "a freed id is given again, with the next gen" expect_eq gen \
	"$("$T" -j map lookup lb_backends key "$id1" | jq -c '[.value.gen, .value.flags, .value.port]')" \
	"[$((gen_before + 1)),1,8080]"
check "... and its counters start at 0" expect_eq counters \
	"$(svc tcp 10.0.100.1 80 ".backends[] | select(.id == $id1) | [.packets, .bytes, .flows, .replies]")" \
	'[0,0,0,0]'

# --- text ------------------------------------------------------------------------------
check "text show, ipvsadm style" expect_eq text "$("$T" lb show tcp $VIP | sed 's/  */ /g')" \
	"Prot VIP:Port Backends
 -> Backend:Port Weight State Slots Packets Bytes Flows Replies
TCP 10.0.100.1:80 3 up of 3
 -> 10.0.22.2:8080 2 up $(svc tcp 10.0.100.1 80 '.backends[] | select(.addr == "10.0.22.2") | .slots') 0 0 0 0
 -> 10.0.23.2:8080 3 up $(svc tcp 10.0.100.1 80 '.backends[] | select(.addr == "10.0.23.2") | .slots') 0 0 0 0
 -> 10.0.24.2:8080 1 up $(svc tcp 10.0.100.1 80 '.backends[] | select(.addr == "10.0.24.2") | .slots') 0 0 0 0
counters: forward 0 reply 0 no_backend 0 fragment 0 conn_moved 0 rewrite_err 0"
check "show of one IPv6 service" expect_eq show6 \
	"$("$T" lb show tcp "$VIP6" | sed -n 3,4p | sed 's/  */ /g')" \
	"TCP [fd00:100::1]:443 1 up of 1
 -> [fd00:21::2]:8443 1 up $M 0 0 0 0"
check "show -j of one service: only it, and the counters" expect_eq json \
	"$("$T" -j lb show udp 10.0.100.1:53 | jq -c '[(.services | length), .services[0].proto, (.counters | keys)]')" \
	'[1,"udp",["conn_moved","forward","fragment","no_backend","reply","rewrite_err"]]'

# --- refused: one line, exit code, nothing changed ---------------------------------------
H=" (see 'tcctl help')"
B='expected ADDR:PORT or [ADDR6]:PORT, port 1 to 65535'
expect_lb_error "service added twice" 1 "tcctl: lb service tcp 10.0.100.1:80 exists" \
	"$T" lb service add tcp $VIP
expect_lb_error "unknown service deleted" 1 "tcctl: lb service udp 10.0.100.9:53 does not exist" \
	"$T" lb service delete udp 10.0.100.9:53
expect_lb_error "same VIP:port, other protocol, is another service" 1 \
	"tcctl: lb service udp 10.0.100.1:80 does not exist" "$T" lb backend add udp $VIP 10.0.21.2:80
expect_lb_error "backend added twice" 1 \
	"tcctl: backend 10.0.22.2:8080 is already in lb service tcp 10.0.100.1:80" \
	"$T" lb backend add tcp $VIP 10.0.22.2:8080 weight 5
expect_lb_error "unknown backend deleted" 1 \
	"tcctl: backend 10.0.22.2:8081 is not in lb service tcp 10.0.100.1:80" \
	"$T" lb backend delete tcp $VIP 10.0.22.2:8081
expect_lb_error "unknown backend set" 1 \
	"tcctl: backend [fd00:21::3]:8443 is not in lb service tcp [fd00:100::1]:443" \
	"$T" lb backend set tcp "$VIP6" '[fd00:21::3]:8443' down
expect_lb_error "family mismatch" 2 \
	"tcctl: backend [fd00::1]:80 is IPv6 but the service is IPv4: a backend's family must be the VIP's$H" \
	"$T" lb backend add tcp $VIP '[fd00::1]:80'
expect_lb_error "family mismatch, the other way" 2 \
	"tcctl: backend 10.0.0.1:80 is IPv4 but the service is IPv6: a backend's family must be the VIP's$H" \
	"$T" lb backend add tcp "$VIP6" 10.0.0.1:80
expect_lb_error "weight above 65535" 2 "tcctl: \"weight\" takes a number from 0 to 65535, not \"65536\"$H" \
	"$T" lb backend add tcp $VIP 10.0.29.2:80 weight 65536
expect_lb_error "negative weight" 2 "tcctl: \"weight\" takes a number from 0 to 65535, not \"-1\"$H" \
	"$T" lb backend set tcp $VIP 10.0.22.2:8080 weight -1
expect_lb_error "set without what to set" 2 \
	"tcctl: lb backend set: expected weight W, down or up, not the end$H" \
	"$T" lb backend set tcp $VIP 10.0.22.2:8080
expect_lb_error "set: one change at a time" 2 "tcctl: unexpected argument \"down\"$H" \
	"$T" lb backend set tcp $VIP 10.0.22.2:8080 weight 2 down
expect_lb_error "not tcp or udp" 2 "tcctl: lb: expected tcp or udp, not sctp$H" \
	"$T" lb service add sctp $VIP
expect_lb_error "service without VIP" 2 "tcctl: lb: expected VIP:PORT after the protocol$H" \
	"$T" lb service add tcp
expect_lb_error "backend without its address" 2 \
	"tcctl: lb backend: expected the backend's ADDR:PORT after VIP:PORT$H" \
	"$T" lb backend delete tcp $VIP
expect_lb_error "unknown lb word" 2 "tcctl: lb: expected service, backend, show or flush, not frob$H" \
	"$T" lb frob
expect_lb_error "service: unknown verb" 2 "tcctl: lb service: expected add or delete, not del$H" \
	"$T" lb service del tcp $VIP
expect_lb_error "flush takes nothing" 2 "tcctl: unexpected argument \"now\"$H" "$T" lb flush now
for ep in 10.0.0.1 10.0.0.1:0 10.0.0.1:65536 10.0.0.1:+80 10.0.0.1:8o 10.0.0.300:80 fd00::1:80 \
	'[fd00::1]' '[fd00::1]:' '[10.0.0.1]:80' host:80 :80; do
	expect_lb_error "bad endpoint $ep" 2 "tcctl: bad endpoint \"$ep\": $B$H" \
		"$T" lb backend add tcp $VIP "$ep"
done
expect_lb_error "bad VIP" 2 "tcctl: bad endpoint \"10.0.100.1\": $B$H" "$T" lb service add tcp 10.0.100.1
expect_lb_error "show of an unknown service" 1 "tcctl: lb service tcp 10.0.100.2:80 does not exist" \
	"$T" lb show tcp 10.0.100.2:80

# --- limits: LB_MAX_SERVICES services, LB_MAX_BACKENDS backends over all ------------------
n=$("$T" -j lb show | jq '.services | length')
for ((i = n; i < 128; i++)); do
	echo "lb service add udp 10.1.$((i / 256)).$((i % 256)):53"
done >"$DIR/services"
"$T" -b "$DIR/services" || exit 1
check "128 services" expect_eq services "$("$T" -j lb show | jq '.services | length')" 128
expect_lb_error "the 129th service" 1 "tcctl: lb service udp 10.2.0.1:53: no room, 128 services is the most" \
	"$T" lb service add udp 10.2.0.1:53
"$T" lb service delete udp 10.1.0.127:53
"$T" lb service add udp 10.2.0.1:53
check "a deleted service's id is given again" expect_eq id "$(svc udp 10.2.0.1 53 .id)" 127
# fill lb_backends behind tcctl's back (a service id no service has): every id but one used
used=$("$T" -j lb show | jq '[.services[].backends[]] | length')
g=/sys/fs/bpf/tc/globals
"$T" -j map dump lb_backends | jq -r '.[] | select(.value.flags == 0) | .key' | head -n $((4096 - used - 1)) |
	while read -r k; do
		# 10.9.X.Y:53, family 4, flags USED, service 200, weight 1, gen 1
		printf 'map update pinned %s/lb_backends key %d %d 0 0 value 10 9 %d %d%s 0 53 4 1 200 0 1 0 1 0 0 0\n' \
			"$g" $((k % 256)) $((k / 256)) $((k / 256)) $((k % 256)) "$(printf ' 0%.0s' {1..12})"
	done >"$DIR/fill"
bpftool batch file "$DIR/fill" >/dev/null || exit 1
"$T" lb backend add udp 10.2.0.1:53 10.0.21.2:53 || exit 1
expect_lb_error "backend 4097" 1 \
	"tcctl: no room for backend 10.0.21.3:53: 4096 backends (over all services) is the most" \
	"$T" lb backend add udp 10.2.0.1:53 10.0.21.3:53
"$T" lb service delete udp 10.2.0.1:53
"$T" -b <(for ((i = n; i < 128; i++)); do echo "lb service delete udp 10.1.$((i / 256)).$((i % 256)):53"; done | grep -v '10.1.0.127:53') ||
	exit 1

# --- tc exec tcctl lb: the same ------------------------------------------------------------
check "tc exec tcctl -j lb show prints what tcctl prints" expect_eq show \
	"$(tc exec tcctl -j lb show)" "$("$T" -j lb show)"
tc exec tcctl lb backend set tcp $VIP 10.0.23.2:8080 weight 7
check "tc exec tcctl lb backend set changes the weight" expect_eq weight \
	"$(svc tcp 10.0.100.1 80 '.backends[] | select(.addr == "10.0.23.2") | .weight')" 7
out=$(tc exec tcctl lb service add tcp $VIP 2>&1)
check "tc exec: the same error" expect_eq "exit/error" "$?/$out" "1/tcctl: lb service tcp 10.0.100.1:80 exists"

# --- service delete takes its backends; flush takes everything -----------------------------
ids=$(svc tcp 10.0.100.1 80 '.backends[].id')
"$T" lb service delete tcp $VIP
check "service delete: the service is gone" expect_eq services \
	"$("$T" -j lb show | jq -c '[.services[] | "\(.proto) \(.vip) \(.port)"]')" \
	'["tcp fd00:100::1 443","udp 10.0.100.1 53"]'
check "... and its backends' entries are free" expect_eq flags \
	"$(for k in $ids; do "$T" -j map lookup lb_backends key "$k" | jq .value.flags; done | sort -u)" 0
"$T" lb flush
check "flush: nothing left" expect_eq show "$("$T" -j lb show | jq -c .services)" '[]'
check "... no backend entry left in use, not even those of no service (the fill's)" expect_eq used \
	"$("$T" -j map dump lb_backends | jq '[.[] | select(.value.flags != 0)] | length')" 0
exit "$ret"
