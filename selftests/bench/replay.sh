#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench, replay (issue 7), run by run.sh inside selftests/sandbox.sh
# with bench.sh's helpers and cleanup:
#  11. tcctl replay's speed: a pcap of BENCH_REPLAY_PACKETS (1,000,000)
#      mixed packets (TCP, UDP, ICMP; IPv4 and IPv6; many addresses and
#      ports), written by a small struct writer, run through fw at XDP from
#      empty with a config of a realistic rule set; packets per second, and
#      beside it what an admin would otherwise do to see what a filter keeps
#      of a capture: tcpdump -r FILE -w /dev/null 'not icmp' (a BPF filter
#      over the same pcap), and the ratio of the two times (wall time of
#      each whole command).
# Each arm runs BENCH_REPLAY_ROUNDS (3) times, interleaved; figures are medians.
set -u

# shellcheck source=selftests/bench/bench.sh
. "$(dirname "$0")/bench.sh"

R_PACKETS=${BENCH_REPLAY_PACKETS:-1000000}
R_ROUNDS=${BENCH_REPLAY_ROUNDS:-3}
R_DIR=$(mktemp -d) || die "cannot create a temporary directory"
PCAP=$R_DIR/mix.pcap
CONF=$R_DIR/rules.conf

command -v tcpdump >/dev/null || die "missing tcpdump (Debian package tcpdump)"

# a pcap of n packets, cycling through 64 shapes and many addresses and ports
python3 - "$PCAP" "$R_PACKETS" <<'PYEOF' || die "cannot write $PCAP"
import struct, sys
path, n = sys.argv[1], int(sys.argv[2])

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

eth4 = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
eth6 = eth4[:12] + b"\x86\xdd"
frames = []
for i in range(64):
    proto = (6, 17, 1)[i % 3]
    sport, dport = 1024 + i * 97, (22, 80, 443, 53, 123, 8080, 5001, 3306)[i % 8]
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 2, 65535, 0, 0)
    elif proto == 17:
        l4 = struct.pack("!HHHH", sport, dport, 8 + 18, 0) + bytes(18)
    else:
        l4 = struct.pack("!BBHHH", 8, 0, 0, i, 1) + bytes(18)
        l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
    if i % 4 == 3 and proto != 1:  # IPv6; checksums left zero, fw does not check them
        src = bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [i])
        ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + src + bytes(15) + b"\x01"
        frames.append(eth6 + ip + l4)
    else:
        src = bytes([10, i % 4, i, 1 + i % 200])
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), i, 0, 64, proto, 0) + src + bytes([10, 99, 0, 1])
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frames.append(eth4 + ip + l4)
recs = [struct.pack("<IIII", 0, 0, len(f), len(f)) + f for f in frames]
with open(path, "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    chunk = b"".join(recs)
    for _ in range(n // 64):
        out.write(chunk)
    out.write(b"".join(recs[: n % 64]))
PYEOF

cat >"$CONF" <<'CONF'
# a small site's edge: ssh from the admin nets only, web open, DNS and NTP
# to the resolvers, a block list, databases closed, a UDP range dropped
fw set create blocked
fw set add blocked 10.3.0.0/16 198.51.100.0/24 203.0.113.0/24
fw rule add src @blocked drop
fw rule add src 10.0.0.0/16 proto tcp dport 22 pass
fw rule add proto tcp dport 22 drop
fw rule add proto tcp dport 80 pass
fw rule add proto tcp dport 443 pass
fw rule add proto tcp dport 8080 pass
fw rule add dst 10.99.0.0/24 proto udp dport 53 pass
fw rule add dst 10.99.0.0/24 proto udp dport 123 pass
fw rule add proto udp dport 5000-5010 drop
fw rule add proto tcp dport 3306 drop
fw rule add family ip6 proto tcp count
fw rule add proto icmp count
fw policy drop
CONF

# wall time of a whole command, as an admin waits for it (tcctl's includes
# loading fw and its config; its own "seconds" are the packets alone)
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || return 1
	t1=$(date +%s.%N)
	calc '%.3f' 'b - a' a="$t0" b="$t1"
}

TCCTL=$top/build/tcctl
r=() d=()
for round in $(seq "$R_ROUNDS"); do
	r+=("$(wall "$TCCTL" replay fw xdp from empty config "$CONF" "$PCAP")") ||
		die "tcctl replay failed"
	d+=("$(wall tcpdump -r "$PCAP" -w /dev/null 'not icmp')") || die "tcpdump -r failed"
	record "replay round $round tcctl_s ${r[-1]} tcpdump_s ${d[-1]} packets $R_PACKETS"
done
rs=$(median "${r[@]}")
ds=$(median "${d[@]}")
echo
echo "14. tcctl replay: $R_PACKETS packets through fw at XDP (from empty, 13 rules and a set),"
echo "   one BPF_PROG_TEST_RUN per packet; beside it tcpdump -r FILE -w /dev/null 'not icmp'"
echo "   over the same pcap; medians of $R_ROUNDS rounds"
echo
printf '   %-44s %9s %14s\n' "" seconds "packets/s"
printf '   %-44s %9s %14s\n' "tcctl replay fw xdp" "$rs" "$(calc '%.0f' 'div(n, s)' n="$R_PACKETS" s="$rs")"
printf '   %-44s %9s %14s\n' "tcpdump -r (BPF filter 'not icmp')" "$ds" "$(calc '%.0f' 'div(n, s)' n="$R_PACKETS" s="$ds")"
printf '   %-44s %9s\n' "replay time / tcpdump time" "$(calc '%.2f' 'div(a, b)' a="$rs" b="$ds")"
record "replay-median tcctl_s $rs tcpdump_s $ds packets $R_PACKETS"
rm -rf "$R_DIR"
