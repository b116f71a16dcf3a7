#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Odd frames on the wire: truncated and invalid IP headers, non-IP and VLAN
# frames, sent raw over a veth pair. fw counts each where documented, passes
# them by default (fail-open), and drops them once told to.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

netns_new A mfa && netns_new B mfb && veth_pair "$A" "$B" || exit 1

# send_frames KIND COUNT: raw frames from A's v0, built by python's struct
send_frames() {
	in_ns "$A" python3 - "$1" "$2" <<'EOP'
import socket, struct, sys
kind, count = sys.argv[1], int(sys.argv[2])
eth = lambda t: b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!H", t)
ip4 = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0,
                  socket.inet_aton("10.11.0.1"), socket.inet_aton("10.11.0.2"))
frames = {
    "eth-only-ipv4": eth(0x0800),                          # no IP header at all
    "ipv4-cut": eth(0x0800) + ip4[:10],                    # half an IPv4 header
    "ipv4-ihl4": eth(0x0800) + b"\x44" + ip4[1:] + b"\0" * 8,
    "ipv4-options-cut": eth(0x0800) + b"\x4f" + ip4[1:],   # ihl 15, 20 bytes there
    "ipv6-cut": eth(0x86dd) + b"\x60" + b"\0" * 19,        # half an IPv6 header
    "lldp": eth(0x88cc) + b"\0" * 46,                      # non-IP
    "qinq-udp": eth(0x88a8) + b"\x00\x01\x81\x00" + b"\x00\x02\x08\x00" + ip4 + b"\0" * 8,
}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("v0", 0))
for _ in range(count):
    s.send(frames[kind])
EOP
}

slot_count() { # SLOT VERDICT
	"$TCCTL" -j fw counters | python3 -c 'import json,sys
print(sum(r["packets"] for r in json.load(sys.stdin) if r["proto"]==sys.argv[1] and r["verdict"]==sys.argv[2]))' "$1" "$2"
}

# A knows B's address for good: no ARP of its own lands among the counted
# non-IP frames, but for the one test that wants it
v1_mac=$(ip -n "$B" -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
pin_neighbour() {
	ip -n "$A" neigh replace 10.11.0.2 lladdr "$v1_mac" dev v0 nud permanent
}
pin_neighbour
for hook in ingress xdpgeneric; do
	"$TCCTL" -n "$B" attach dev v1 "$hook" fw || exit 1
	for kind in eth-only-ipv4 ipv4-cut ipv4-ihl4 ipv4-options-cut ipv6-cut; do
		before=$(slot_count malformed pass)
		send_frames "$kind" 5
		check "$hook: $kind frames pass as malformed (fail-open)" \
			expect_eq "malformed pass" "$(($(slot_count malformed pass) - before))" 5
	done
	before=$(slot_count non-ip pass)
	send_frames lldp 3
	check "$hook: LLDP frames pass as non-ip" \
		expect_eq "non-ip pass" "$(($(slot_count non-ip pass) - before))" 3

	"$TCCTL" fw proto malformed drop
	"$TCCTL" fw proto non-ip drop
	before=$(slot_count malformed drop)
	send_frames ipv4-cut 4
	check "$hook: with malformed drop, they are dropped and counted" \
		expect_eq "malformed drop" "$(($(slot_count malformed drop) - before))" 4
	before=$(slot_count non-ip drop)
	send_frames lldp 2
	check "$hook: with non-ip drop, LLDP is dropped" \
		expect_eq "non-ip drop" "$(($(slot_count non-ip drop) - before))" 2
	ip -n "$A" neigh del 10.11.0.2 dev v0
	check "$hook: non-ip drop drops ARP too: an unresolved neighbour stays so" \
		expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 0
	pin_neighbour
	"$TCCTL" fw proto malformed pass
	"$TCCTL" fw proto non-ip pass

	"$TCCTL" fw proto udp drop
	before=$(slot_count udp drop)
	send_frames qinq-udp 3
	check "$hook: UDP behind two VLAN tags is classified and dropped" \
		expect_eq "udp drop" "$(($(slot_count udp drop) - before))" 3
	"$TCCTL" fw proto udp pass
	"$TCCTL" -n "$B" detach dev v1 "$hook" fw
done
exit "$ret"
