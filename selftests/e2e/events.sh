#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Events end to end: fw and stats attached with tcctl on B's v1 (tc ingress),
# crafted frames from A's v0, tcctl monitor reading the ring. Checked: every
# drop shows once with its reason, rule id, addresses, ports and flags, and
# the counters agree; sampling 1 in 10 stays within binomial bounds and
# sample 1 shows every packet; the budget caps a burst within one second;
# under a flood with the monitor stopped, shown + lost is exactly what fw
# dropped; filters, count, events written before the monitor, | head.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT
K=40

# frames NS DEV DSTMAC KIND COUNT [at-second]: COUNT frames through an
# AF_PACKET socket (exact counts, no retransmits, no replies needed).
# KIND syn: TCP SYNs to port 80 from ports 40000, 40001, ...; ping: ICMP
# echo requests (98-byte frames); udp: datagrams to port 9 (60-byte frames).
# at-second: start just after the monotonic clock turns a second.
cat >"$DIR/frames.py" <<'PY'
import socket, struct, sys, time

dev, dmac, kind, count = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), sys.argv[3], int(sys.argv[4])
src, dst = socket.inet_aton("10.11.0.1"), socket.inet_aton("10.11.0.2")

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def frame(proto, l4):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + l4

def l4(i):
    if kind == "syn":
        return frame(6, struct.pack("!HHIIBBHHH", 40000 + i, 80, 1, 0, 5 << 4, 0x02, 65535, 0, 0))
    if kind == "ping":
        return frame(1, struct.pack("!BBHHH", 8, 0, 0, 0x4242, i) + b"\xab" * 56)
    return frame(17, struct.pack("!HHHH", 4000, 9, 8 + 18, 0) + b"\xab" * 18)

frames = [l4(i) for i in range(count)]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind((dev, 0))
if len(sys.argv) > 5:
    while time.monotonic() % 1 > 0.02:
        time.sleep(0.005)
for f in frames:
    s.send(f)
PY

frames() {
	in_ns "$A" python3 "$DIR/frames.py" v0 "$MAC" "$@"
}

# counters KIND FIELD: events_count summed over the CPUs
counter() {
	"$T" -j events show | jq ".counters.$1.$2"
}

# monitor_start ARGS...: tcctl -n B monitor ARGS in the background, stdout to
# $DIR/out, stderr to $DIR/err; returns once it reads the ring
monitor_start() {
	local id
	"$T" -n "$B" "$@" >"$DIR/out" 2>"$DIR/err" &
	MON=$!
	id=$(bpftool -j map show pinned "$PIN_DIR/events_ring" | jq .id)
	for _ in $(seq 50); do
		# its reader lock is taken just before it starts reading
		if [ -e "/run/tcctl/events-ring-$id.lock" ] &&
			! flock -n "/run/tcctl/events-ring-$id.lock" true; then
			sleep 0.1
			return 0
		fi
		sleep 0.1
	done
	fail_msg "monitor did not start"
}

# stats_packets: every packet stats counted on v1's ingress
stats_packets() {
	"$T" -n "$B" -j stats show dev v1 hook ingress | jq '[.[].packets] | add // 0'
}

netns_new A eva && netns_new B evb && veth_pair "$A" "$B" || exit 1
MAC=$(ip -n "$B" -j link show v1 | jq -r '.[0].address')
"$T" events set drops on || exit 1
"$T" -n "$B" attach dev v1 ingress fw && "$T" -n "$B" attach dev v1 ingress stats || exit 1
"$T" fw rule add proto tcp dport 80 drop && "$T" fw proto icmp drop || exit 1
RULE=$("$T" -j fw rule list | jq '.[0].rules[0].id')
NCPUS=$(nproc --all)

# --- events written before the monitor starts are not shown -------------------------------
frames syn 5
monitor_start monitor duration 0.5
wait "$MON"
check "5 drops left in the ring before the monitor: not shown" expect_eq summary \
	"$(cat "$DIR/out")$(cat "$DIR/err")" "0 events shown, 0 lost, 0 over budget"

# --- drops: every one, with its reason ---------------------------------------------------------------
emitted=$(counter drop emitted)
monitor_start -j monitor duration 2
frames syn "$K" && frames ping "$K"
wait "$MON"
check "-j: every line parses, $((2 * K)) lines" expect_eq lines \
	"$(jq -s length "$DIR/out" 2>&1)" $((2 * K))
check "$K TCP drops by rule $RULE: addresses, ports 40000.., SYN, dev, hook, length" expect_eq tcp \
	"$(jq -s -c "[.[] | select(.kind == \"drop\" and .reason == \"rule\" and .rule == $RULE and .table == 0
		and .object == \"fw\" and .dev == \"v1\" and .hook == \"ingress\" and .family == \"ip\"
		and .proto == \"tcp\" and .saddr == \"10.11.0.1\" and .daddr == \"10.11.0.2\" and .dport == 80
		and .tcp_flags == \"S\" and .len == 54) | .sport] | sort == [range(40000; 40000 + $K)]" "$DIR/out")" true
check "$K ICMP drops by proto: echo-request, 98 bytes" expect_eq icmp \
	"$(jq -s "[.[] | select(.kind == \"drop\" and .reason == \"proto\" and (has(\"rule\") | not)
		and .proto == \"icmp\" and .icmp_type == 8 and .icmp_code == 0 and .len == 98)] | length" "$DIR/out")" "$K"
check "the summary: $((2 * K)) shown, none lost or over budget" expect_eq summary "$(cat "$DIR/err")" \
	"$((2 * K)) events shown, 0 lost, 0 over budget"
check "emitted counter moved by $((2 * K))" expect_eq emitted $(($(counter drop emitted) - emitted)) $((2 * K))
check "times are the wall clock's (within 10 s of date)" expect_eq time \
	"$(jq -s --argjson now "$(date +%s)" '[.[] | .time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 |
		. - $now | fabs < 10] | all' "$DIR/out")" true

monitor_start monitor count 2
frames syn 1 && frames ping 1
wait "$MON"
check "text: count 2 ends after two lines, in the documented format" grep -Eqz \
	"^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6} v1 ingress drop rule $RULE IP 10\.11\.0\.1\.40000 > 10\.11\.0\.2\.80: tcp \[S\] length 54
[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6} v1 ingress drop proto IP 10\.11\.0\.1 > 10\.11\.0\.2: icmp echo-request length 98
$" "$DIR/out"

# --- sampling -------------------------------------------------------------------------------------------
N=20000
"$T" events set drops off sample 10 budget 100000000
before=$(( $(counter sample emitted) + $(counter sample lost) + $(counter sample over_budget) ))
monitor_start -j monitor kind sample duration 3
"$T" -n "$B" stats reset
frames udp "$N"
wait "$MON"
n=$(stats_packets)
shown=$(jq -s length "$DIR/out")
after=$(( $(counter sample emitted) + $(counter sample lost) + $(counter sample over_budget) ))
# binomial(n, 1/10): mean n/10, 5 standard deviations sqrt(n * 0.09) * 5
check "sample 10: $shown samples of $n packets, within n/10 +/- 5 sd" python3 -c "
import math, sys
n, s = $n, $shown
sys.exit(not (n >= $N and abs(s - n / 10) <= 5 * math.sqrt(n * 0.09)))"
check "every sample taken is shown, lost or over budget: $shown" expect_eq taken \
	"$((after - before))/$(cat "$DIR/err")" "$shown/$shown events shown, 0 lost, 0 over budget"
check "samples are stats' UDP datagrams to port 9" expect_eq udp \
	"$(jq -s '[.[] | select(.object == "stats" and .proto == "udp" and .dport == 9)] | length' "$DIR/out")" "$shown"

"$T" events set sample 1
monitor_start -j monitor kind sample duration 2
"$T" -n "$B" stats reset
frames udp 500
wait "$MON"
check "sample 1: every packet stats counted is shown" expect_eq shown \
	"$(jq -s length "$DIR/out")" "$(stats_packets)"

# --- the budget -------------------------------------------------------------------------------------------
"$T" events set sample off drops on budget 100
read -r e0 o0 < <("$T" -j events show | jq -r '.counters.drop | "\(.emitted) \(.over_budget)"')
monitor_start monitor duration 2
frames syn 1000 at-second
wait "$MON"
read -r e1 o1 l1 < <("$T" -j events show | jq -r '.counters.drop | "\(.emitted) \(.over_budget) \(.lost)"')
emitted=$((e1 - e0)) over=$((o1 - o0))
check "budget 100, 1000 drops in one second: 100 <= emitted ($emitted) <= 100 + $NCPUS CPUs" \
	test "$emitted" -ge 100 -a "$emitted" -le $((100 + NCPUS))
check "over budget is the rest, exactly" expect_eq sum "$((emitted + over))/$l1" "1000/0"
check "the monitor shows the emitted ones and counts the rest" expect_eq summary "$(cat "$DIR/err")" \
	"$emitted events shown, 0 lost, $over over budget"

# --- ring-buffer loss under a flood ---------------------------------------------------------------------
gcc -O2 -o "$DIR/pktgen" "$TOP/selftests/bench/pktgen.c" || exit 1
"$T" events set budget 100000000
"$T" fw rule add proto udp dport 9 drop
dropped0=$(fw_count udp drop)
monitor_start monitor
kill -STOP "$MON"
in_ns "$A" "$DIR/pktgen" packet v0 "$MAC" 10.11.0.1 10.11.0.2 9 1 >/dev/null
dropped=$(($(fw_count udp drop) - dropped0))
kill -CONT "$MON"
sleep 1
kill -INT "$MON"
wait "$MON"
read -r shown lost over < <(sed -n 's/^\([0-9]*\) events shown, \([0-9]*\) lost, \([0-9]*\) over budget$/\1 \2 \3/p' "$DIR/err")
check "flood of $dropped drops with the monitor stopped: shown $shown + lost $lost = dropped" \
	expect_eq flood "$((shown + lost))/$over" "$dropped/0"
check "the flood was more than the ring holds ($((4 << 20)) / 88): lost > 0" \
	test "$dropped" -gt 47662 -a "${lost:-0}" -gt 0
check "text lines: one per event shown" expect_eq lines "$(wc -l <"$DIR/out")" "$shown"
"$T" fw rule del "$("$T" -j fw rule list | jq '.[0].rules[] | select(.dport == [9, 9]) | .id')"

# --- filters, count, | head ------------------------------------------------------------------------------
"$T" events set sample 1 drops on budget 10000
"$T" -n "$B" attach dev lo ingress stats || exit 1
monitor_start -j monitor dev lo duration 1.5
frames syn 5
in_ns "$B" ping -q -c 3 -i 0.1 127.0.0.1 >/dev/null
wait "$MON"
check "dev lo: only lo's samples (6: 3 pings, 3 replies)" expect_eq lo \
	"$(jq -s -c '[.[] | select(.dev == "lo" and .ifindex == 1 and .kind == "sample")] | length, length' "$DIR/out" | xargs)" "6 6"
monitor_start -j monitor kind drop dev v1 duration 1.5
frames syn 5 && frames udp 5
wait "$MON"
check "kind drop: the 5 drops, not the samples of the datagrams" expect_eq drops \
	"$(jq -s -c '[.[] | select(.kind == "drop")] | length, length' "$DIR/out" | xargs)" "5 5"
monitor_start monitor count 3 kind drop
frames syn 10
sleep 1
check "count 3 of 10: three lines, ended by itself" expect_eq count \
	"$(wc -l <"$DIR/out")/$(kill -0 "$MON" 2>/dev/null && echo running)" "3/"
wait "$MON"
check "count: exit 0, the summary" expect_eq rc "$?/$(cat "$DIR/err")" "0/3 events shown, 0 lost, 0 over budget"

( sleep 0.5; frames syn 3 ) &
sender=$!
start=$(date +%s%N)
out=$("$T" -n "$B" monitor kind drop 2>"$DIR/err" | head -1; echo "status ${PIPESTATUS[*]}")
took=$((($(date +%s%N) - start) / 1000000))
wait "$sender"
check "| head -1: one line, both exit 0, within 2 s ($took ms)" expect_eq head \
	"$(head -1 <<<"$out" | cut -d' ' -f2-6)/$(tail -n +2 <<<"$out")/$((took < 2000))" \
	"v1 ingress drop rule $RULE/status 0 0/1"
