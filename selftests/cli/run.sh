#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl run and tcctl replay as an admin types them: every malformed packet,
# target, config and pcap gets one line and its exit code and leaves no
# scratch directory; fw's verdicts and deciding rules, from live and from
# empty and with a config; lb's rewrite with valid checksums; no live map
# moves, not a counter.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
PY=/usr/bin/python3 # Debian's, where python3-scapy is
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT
SCRATCH=/sys/fs/bpf/tcctl

"$T" pin fw || exit 1
"$T" pin lb || exit 1
"$T" fw proto icmp drop
"$T" fw rule add proto tcp dport 22 drop
"$T" fw rule add proto tcp count
"$T" fw rule add proto tcp dport 80 pass

# what a dry run must not change: fw's configuration, counters and rule counters, lb's maps
live_state() {
	"$T" fw save -
	"$T" -j fw counters
	"$T" -j fw rule list
	"$T" -j lb show
	ls "$PIN_DIR"
}
LIVE=$(live_state)

# shellcheck disable=SC2317 # called through check
no_scratch() {
	[ ! -e "$SCRATCH" ] || fail_msg "left behind: $(ls -R "$SCRATCH")"
}

# expect_dry_error NAME RC MESSAGE CMD...: one line on stderr, nothing on stdout, no scratch left
expect_dry_error() {
	local name=$1 want_rc=$2 want_msg=$3 out rc
	shift 3
	out=$("$@" 2>"$DIR/err")
	rc=$?
	check "$name" expect_eq "exit/stderr/stdout" "$rc/$(cat "$DIR/err")/$out" "$want_rc/$want_msg/"
	check "$name: no scratch directory left" no_scratch
}

SEE=" (see 'tcctl help')"
P=(proto tcp src 10.0.0.1 dst 10.0.0.2)
# --- bad input -----------------------------------------------------------------
expect_dry_error "run without an object" 2 "tcctl: expected an object (fw, stats, redir, lb)$SEE" \
	"$T" run
expect_dry_error "unknown object" 2 "tcctl: unknown object \"nat\" (fw, stats, redir, lb)$SEE" \
	"$T" run nat ingress "${P[@]}"
expect_dry_error "unknown hook" 2 "tcctl: unknown hook \"sideways\" (xdp, ingress or egress)$SEE" \
	"$T" run fw sideways "${P[@]}"
expect_dry_error "an object without that hook" 2 "tcctl: lb has no XDP program$SEE" \
	"$T" run lb xdp "${P[@]}"
expect_dry_error "no proto" 2 "tcctl: the packet needs proto PROTO$SEE" \
	"$T" run fw ingress src 10.0.0.1 dst 10.0.0.2
expect_dry_error "no dst" 2 "tcctl: the packet needs src ADDR and dst ADDR$SEE" \
	"$T" run fw ingress proto udp src 10.0.0.1
expect_dry_error "families differ" 2 "tcctl: src and dst are not of the same family$SEE" \
	"$T" run fw ingress proto udp src 10.0.0.1 dst fd00::1
expect_dry_error "icmp with IPv6" 2 "tcctl: proto icmp is IPv4's: IPv6 addresses go with icmpv6$SEE" \
	"$T" run fw ingress proto icmp src fd00::1 dst fd00::2
expect_dry_error "icmpv6 with IPv4" 2 "tcctl: proto icmpv6 is IPv6's: IPv4 addresses go with icmp$SEE" \
	"$T" run fw ingress proto icmpv6 src 10.0.0.1 dst 10.0.0.2
expect_dry_error "bad address" 2 "tcctl: src takes an IPv4 or IPv6 address, not \"10.0.0.300\"$SEE" \
	"$T" run fw ingress proto udp src 10.0.0.300 dst 10.0.0.2
expect_dry_error "bad MAC" 2 "tcctl: smac takes a MAC address (02:00:00:00:00:01), not \"02:00:00:00:01\"$SEE" \
	"$T" run fw ingress smac 02:00:00:00:01 "${P[@]}"
expect_dry_error "bad protocol" 2 "tcctl: proto takes an IP protocol (tcp, udp, icmp, icmpv6, sctp or a number 0-255), not \"tcpp\"$SEE" \
	"$T" run fw ingress proto tcpp src 10.0.0.1 dst 10.0.0.2
expect_dry_error "non-ip is no IP protocol" 2 "tcctl: proto takes an IP protocol (tcp, udp, icmp, icmpv6, sctp or a number 0-255), not \"non-ip\"$SEE" \
	"$T" run fw ingress proto non-ip src 10.0.0.1 dst 10.0.0.2
expect_dry_error "proto twice" 2 "tcctl: proto is given twice$SEE" \
	"$T" run fw ingress "${P[@]}" proto udp
expect_dry_error "port out of range" 2 "tcctl: \"dport\" takes a number from 0 to 65535, not \"70000\"$SEE" \
	"$T" run fw ingress "${P[@]}" dport 70000
expect_dry_error "ports without ports" 2 "tcctl: sport and dport go with proto tcp, udp or sctp$SEE" \
	"$T" run fw ingress proto icmp src 10.0.0.1 dst 10.0.0.2 dport 22
expect_dry_error "flags on udp" 2 "tcctl: flags go with proto tcp$SEE" \
	"$T" run fw ingress proto udp src 10.0.0.1 dst 10.0.0.2 flags S
expect_dry_error "bad flags" 2 "tcctl: flags takes letters (S, SA, F, R, P, ., U, E, W) or names (syn,ack,fin,rst,psh,urg,ece,cwr), not \"SX\"$SEE" \
	"$T" run fw ingress "${P[@]}" flags SX
expect_dry_error "type on tcp" 2 "tcctl: type and code go with proto icmp or icmpv6$SEE" \
	"$T" run fw ingress "${P[@]}" type 8
expect_dry_error "a later fragment has no ports" 2 "tcctl: frag later carries no L4 header: no ports, flags, type or code$SEE" \
	"$T" run fw ingress "${P[@]}" frag later dport 22
expect_dry_error "bad frag" 2 "tcctl: frag takes first or later, not \"middle\"$SEE" \
	"$T" run fw ingress "${P[@]}" frag middle
expect_dry_error "vlan out of range" 2 "tcctl: \"vlan\" takes a number from 0 to 4095, not \"5000\"$SEE" \
	"$T" run fw ingress vlan 5000 "${P[@]}"
expect_dry_error "three vlan tags" 2 "tcctl: at most two vlan tags$SEE" \
	"$T" run fw ingress vlan 1 2 3 "${P[@]}"
expect_dry_error "len below the headers" 2 "tcctl: len 40 is less than the 54 bytes the headers take$SEE" \
	"$T" run fw ingress "${P[@]}" len 40
expect_dry_error "len above a frame" 2 "tcctl: \"len\" takes a number from 0 to 1522, not \"9000\"$SEE" \
	"$T" run fw ingress "${P[@]}" len 9000
expect_dry_error "unknown keyword" 2 "tcctl: unknown keyword \"colour\": expected dev, from, config, -j or the packet's fields$SEE" \
	"$T" run fw ingress "${P[@]}" colour red
expect_dry_error "bad from" 2 "tcctl: from takes live or empty, not \"yesterday\"$SEE" \
	"$T" run fw ingress from yesterday "${P[@]}"
expect_dry_error "unknown device" 1 "tcctl: device \"nosuch0\" does not exist" \
	"$T" run fw ingress dev nosuch0 "${P[@]}"

printf 'fw rule add proto udp dport 53 drop\nfw rule add proto udp dorp\n' >"$DIR/bad.conf"
expect_dry_error "config: a bad line" 2 "tcctl: $DIR/bad.conf:2: expected a match (family, dir, src, dst, proto, sport, dport, icmp-type) or an action (drop, pass, count, rate), not \"dorp\"$SEE" \
	"$T" run fw ingress config "$DIR/bad.conf" "${P[@]}"
printf 'fw rule add proto udp drop\n-j attach dev lo ingress fw\n' >"$DIR/attach.conf"
expect_dry_error "config: attach is refused" 2 "tcctl: $DIR/attach.conf:2: attach is not allowed in a dry-run config: only fw, lb, redir, map and stats lines, which change maps$SEE" \
	"$T" run fw ingress config "$DIR/attach.conf" "${P[@]}"
printf 'qdisc add dev lo\n' >"$DIR/qdisc.conf"
expect_dry_error "config: qdisc is refused" 2 "tcctl: $DIR/qdisc.conf:1: qdisc is not allowed in a dry-run config: only fw, lb, redir, map and stats lines, which change maps$SEE" \
	"$T" run fw xdp config "$DIR/qdisc.conf" "${P[@]}"
printf 'map update pinned %s/fw_verdicts key 1 value 1\n' "$PIN_DIR" >"$DIR/pinned.conf"
expect_dry_error "config: a live map by path is refused" 2 "tcctl: $DIR/pinned.conf:1: map update pinned in a dry-run config: name the map, so the scratch copy is the one changed$SEE" \
	"$T" run fw xdp config "$DIR/pinned.conf" "${P[@]}"
expect_dry_error "config: a missing file" 1 "tcctl: config $DIR/none.conf: No such file or directory" \
	"$T" run fw xdp config "$DIR/none.conf" "${P[@]}"

"$PY" - "$DIR" <<'PYEOF' 2>/dev/null
import sys
from scapy.all import Ether, IP, ICMP, wrpcap
d = sys.argv[1]
wrpcap(d + "/raw.pcap", [IP(dst="10.0.0.2") / ICMP()])
wrpcap(d + "/one.pcap", [Ether() / IP(dst="10.0.0.2") / ICMP()])
PYEOF
echo "not a capture" >"$DIR/text.pcap"
expect_dry_error "replay without a pcap" 2 "tcctl: expected a pcap file to replay$SEE" \
	"$T" replay fw xdp verbose
expect_dry_error "replay: two pcaps" 2 "tcctl: unexpected \"$DIR/one.pcap\" after the pcap file $DIR/one.pcap$SEE" \
	"$T" replay fw xdp "$DIR/one.pcap" "$DIR/one.pcap"
expect_dry_error "replay: a missing pcap" 1 "tcctl: $DIR/no.pcap: No such file or directory" \
	"$T" replay fw xdp "$DIR/no.pcap"
expect_dry_error "replay: not a pcap" 1 "tcctl: $DIR/text.pcap: unknown file format" \
	"$T" replay fw xdp "$DIR/text.pcap"
expect_dry_error "replay: not Ethernet" 1 "tcctl: $DIR/raw.pcap: link type IPV4 (Raw IPv4): only Ethernet (EN10MB) captures can be replayed" \
	"$T" replay fw ingress "$DIR/raw.pcap"
expect_dry_error "replay: a bad config writes no pcap" 2 "tcctl: $DIR/attach.conf:2: attach is not allowed in a dry-run config: only fw, lb, redir, map and stats lines, which change maps$SEE" \
	"$T" replay fw ingress config "$DIR/attach.conf" write "$DIR/w.pcap" "$DIR/one.pcap"
check "replay: no pcap written after a failure, not even a temporary one" \
	expect_eq files "$(compgen -G "$DIR/w.pcap*")" ""

# a scratch directory whose tcctl died is removed by the next dry run
mkdir -p "$SCRATCH/dryrun-999999"
"$T" run fw xdp "${P[@]}" >/dev/null
check "a dead run's scratch directory is removed" no_scratch

# --- fw ----------------------------------------------------------------------------
jrun() { "$T" -j run "$@"; }
verdict_rule() { jq -r '"\(.verdict) \(.rule.id // "-")"'; }
check "icmp: the live protocol verdict drops, no rule" expect_eq run \
	"$(jrun fw ingress proto icmp src 10.0.0.1 dst 10.0.0.2 | verdict_rule)" "TC_ACT_SHOT -"
check "tcp 22 at XDP: rule 1 drops" expect_eq run \
	"$(jrun fw xdp "${P[@]}" dport 22 | verdict_rule)" "XDP_DROP 1"
check "tcp 80 at egress: rule 3 passes, rule 2 counted" expect_eq run \
	"$(jrun fw egress "${P[@]}" dport 80 | jq -r '"\(.verdict) \(.rule.id) \(.rule.action) \([.counted[].id])"')" \
	'TC_ACT_UNSPEC 3 pass [2]'
check "IPv6 with two VLAN tags: rule 1 still drops" expect_eq run \
	"$(jrun fw ingress vlan 10 vlan 20 proto tcp src fd00::1 dst fd00::2 dport 22 flags SA | verdict_rule)" \
	"TC_ACT_SHOT 1"
check "a later fragment has no port: not rule 1's" expect_eq run \
	"$(jrun fw xdp "${P[@]}" frag later | verdict_rule)" "XDP_PASS -"
check "from empty: nothing drops" expect_eq run \
	"$(jrun fw xdp from empty "${P[@]}" dport 22 | verdict_rule)" "XDP_PASS -"
printf '# block DNS\nfw rule add proto udp dport 53 drop\n' >"$DIR/dns.conf"
check "config: its rule drops, after the live ones (id 4)" expect_eq run \
	"$(jrun fw ingress config "$DIR/dns.conf" proto udp src 10.0.0.1 dst 10.0.0.2 dport 53 | verdict_rule)" \
	"TC_ACT_SHOT 4"
check "config from empty: its rule is the first (id 1)" expect_eq run \
	"$(jrun fw ingress from empty config "$DIR/dns.conf" proto udp src 10.0.0.1 dst 10.0.0.2 dport 53 | verdict_rule)" \
	"TC_ACT_SHOT 1"
out=$("$T" run fw xdp "${P[@]}" dport 22)
# fw_rcount's key is the live bank's: either half of the map
check "text output: verdict, rule, packet, counters" expect_eq text \
	"$(sed 's/ cpu [0-9]*//; s/fw_rcount key [0-9]*/fw_rcount key N/' <<<"$out")" \
	'verdict XDP_DROP
rule 1 (table 0): drop
packet unchanged
counter fw_counters key 13 value {"packets": 1, "bytes": 54}
counter fw_rcount key N value {"packets": 1, "bytes": 54}'
check "the packet's length as given" expect_eq len \
	"$(jrun stats xdp "${P[@]}" len 300 | jq -c '[.len, .counters[0].value.bytes]')" '[300,300]'

# --- lb: the rewrite, decoded, with valid checksums ------------------------------
cat >"$DIR/lb.conf" <<'CONF'
lb service add tcp 10.0.100.1:80
lb backend add tcp 10.0.100.1:80 10.0.21.2:8080
lb service add udp [2001:db8::100]:53
lb backend add udp [2001:db8::100]:53 [2001:db8::21]:5353
CONF
check "lb forward: the backend's address and port, checksums valid" expect_eq run \
	"$(jrun lb ingress config "$DIR/lb.conf" proto tcp src 10.0.0.1 dst 10.0.100.1 dport 80 |
		jq -c '[.verdict, .checksums_ok, [.changes[] | "\(.field) \(.from) -> \(.to)"
			| select(test("csum") | not)]]')" \
	'["TC_ACT_UNSPEC",true,["ip dst 10.0.100.1 -> 10.0.21.2","tcp dport 80 -> 8080"]]'
check "lb forward over IPv6 UDP, checksums valid" expect_eq run \
	"$(jrun lb ingress config "$DIR/lb.conf" proto udp src 2001:db8::1 dst 2001:db8::100 dport 53 len 200 |
		jq -c '[.checksums_ok, [.changes[].field]]')" \
	'[true,["ip6 dst","udp dport","udp csum"]]'
check "lb: not a service, unchanged" expect_eq run \
	"$(jrun lb ingress config "$DIR/lb.conf" proto tcp src 10.0.0.1 dst 10.0.100.2 dport 80 | jq -c '[.changed, .changes]')" \
	'[false,[]]'

"$PY" - "$DIR" <<'PYEOF' 2>/dev/null
import sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, Raw, wrpcap
d = sys.argv[1]
p = [Ether() / IP(src="10.0.0.%d" % i, dst="10.0.100.1") / TCP(sport=1000 + i, dport=80) / Raw(b"x" * i)
     for i in range(1, 6)]
p += [Ether() / IPv6(src="2001:db8::1", dst="2001:db8::100") / UDP(sport=999, dport=53) / Raw(b"dns")]
p += [Ether() / IP(src="10.0.0.9", dst="10.0.0.10") / UDP(dport=53)]
wrpcap(d + "/lb.pcap", p)
PYEOF
out=$("$T" replay lb ingress config "$DIR/lb.conf" write "$DIR/lb-out.pcap" verbose "$DIR/lb.pcap")
check "lb replay: one line per packet" expect_eq lines "$(grep -c '^[0-9]* TC_ACT_UNSPEC rule - ' <<<"$out")" 7
check "lb replay: six changed, one not" expect_eq summary "$(grep '^\(changed\|unchanged\|written\)' <<<"$out")" \
	"changed 6
unchanged 1
written 7 to $DIR/lb-out.pcap"
check "lb replay: the written packets' checksums verify (scapy)" expect_eq scapy \
	"$("$PY" - "$DIR/lb-out.pcap" <<'PYEOF' 2>/dev/null
import sys
from scapy.all import rdpcap, IP, TCP, UDP, Ether
out = []
for p in rdpcap(sys.argv[1]):
    q = Ether(bytes(p))
    for layer in (IP, TCP, UDP):
        if layer in q:
            del q[layer].chksum
    q = Ether(bytes(q))
    ok = bytes(q) == bytes(p)
    dst = p[IP].dst if IP in p else p["IPv6"].dst
    port = p[TCP].dport if TCP in p else p[UDP].dport
    out.append("%s:%d:%s" % (dst, port, "ok" if ok else "BAD"))
print(" ".join(out))
PYEOF
)" "10.0.21.2:8080:ok 10.0.21.2:8080:ok 10.0.21.2:8080:ok 10.0.21.2:8080:ok 10.0.21.2:8080:ok 2001:db8::21:5353:ok 10.0.0.10:53:ok"

# --- replay: per packet and in sum -------------------------------------------------
"$PY" - "$DIR" <<'PYEOF' 2>/dev/null
import sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, ICMP, wrpcap
d = sys.argv[1]
wrpcap(d + "/mix.pcap", [
    Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(dport=22),
    Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(dport=80),
    Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP(),
    Ether() / IPv6(src="fd00::1", dst="fd00::2") / TCP(dport=22),
    Ether() / IPv6(src="fd00::1", dst="fd00::2") / UDP(dport=53),
])
PYEOF
check "replay verbose: each packet's verdict and rule" expect_eq verbose \
	"$("$T" replay fw xdp verbose "$DIR/mix.pcap" | grep '^[0-9]')" \
	"1 XDP_DROP rule 1 unchanged
2 XDP_PASS rule 3 unchanged
3 XDP_DROP rule - unchanged
4 XDP_DROP rule 1 unchanged
5 XDP_PASS rule - unchanged"
# rule 2 counts only the TCP packet rule 1 did not end first
check "replay -j: per verdict and per rule" expect_eq json \
	"$("$T" -j replay fw ingress "$DIR/mix.pcap" | jq -c '[.packets, .verdicts, [.rules[] | [.id, .packets]], .changed, .unchanged]')" \
	'[5,{"TC_ACT_SHOT":3,"TC_ACT_UNSPEC":2},[[1,2],[2,1],[3,1]],0,5]'
check "replay -j verbose: the same packets as the lines" expect_eq json \
	"$("$T" -j replay fw xdp verbose "$DIR/mix.pcap" | jq -r '.detail[] | "\(.index) \(.verdict) \(.rule.id // "-")"' | tr '\n' ' ')" \
	"1 XDP_DROP 1 2 XDP_PASS 3 3 XDP_DROP - 4 XDP_DROP 1 5 XDP_PASS - "
"$T" replay fw xdp write "$DIR/passed.pcap" "$DIR/mix.pcap" >/dev/null
check "write: the packets that passed" expect_eq written \
	"$(tcpdump -nnr "$DIR/passed.pcap" 2>/dev/null | sed 's/^[0-9:.]* //; s/: .*//')" \
	"IP 10.0.0.1.20 > 10.0.0.2.80
IP6 fd00::1.53 > fd00::2.53"

check "nothing live changed: fw, its counters, lb" expect_eq live "$(live_state)" "$LIVE"
check "no scratch directory left" no_scratch
exit "$ret"
