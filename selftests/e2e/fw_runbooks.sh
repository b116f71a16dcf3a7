#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The firewall runbooks as an admin runs them, with real traffic between two
# namespaces, at XDP (generic) and on tc ingress: fw-blocklist, fw-allow-ssh,
# fw-rate-limit, each run twice, and fw-rollback back through the history.
# The client has three addresses on one link, so one source can be blocked,
# one allowed and one neither.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT
export TCCTL_FW_HISTORY=$tmp/history
RB=$TOP/scripts

netns_new A rba && netns_new B rbb && veth_pair "$A" "$B" || exit 1
ip -n "$A" addr add 10.11.0.3/24 dev v0
ip -n "$A" addr add 10.11.0.4/24 dev v0
ip -n "$A" addr add fd00::3/64 dev v0 nodad

# in B, a service on port 22 (IPv4 and IPv6) and one on 8022
in_ns "$B" socat TCP6-LISTEN:22,ipv6only=0,fork,reuseaddr SYSTEM:'echo ssh-ok' &
in_ns "$B" socat TCP-LISTEN:8022,fork,reuseaddr SYSTEM:'echo web-ok' &

# pings from SRC in A to B that got answers, of COUNT
ping_from() {
	in_ns "$A" ping -q -n -I "$1" -c "$2" -i 0.05 -W 1 10.11.0.2 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# tcp_says SRC DST PORT: what the service says to a connection from SRC
tcp_says() {
	local to="TCP:$2:$3,bind=$1"
	[[ $2 == *:* ]] && to="TCP6:[$2]:$3,bind=[$1]"
	in_ns "$A" socat -T 2 - "$to,connect-timeout=1" </dev/null 2>/dev/null
}

# the hits of the element PREFIX in set NAME
set_hits() {
	"$TCCTL" -j fw set list "$1" members | python3 -c 'import json,sys
s=json.load(sys.stdin)[0]
print(sum(m["hits"] for m in s["members"] if m["prefix"]==sys.argv[1]))' "$2"
}

# what a runbook run twice must leave as it was: the configuration, the
# rules' and the set's counters, the attachment and the history
state() {
	"$TCCTL" fw save
	"$TCCTL" -j fw rule list
	"$TCCTL" -j fw set list blocklist members 2>&1
	"$TCCTL" -n "$B" -j status dev v1
	ls "$TCCTL_FW_HISTORY" 2>&1
}

# the number of rules in table 0
nrules() {
	"$TCCTL" -j fw rule list table 0 | python3 -c 'import json,sys
print(sum(len(t["rules"]) for t in json.load(sys.stdin) if t["table"]==0))'
}

# recv_udp PORT OUT: counts the UDP datagrams to PORT in B by source, until
# nothing came for 3 s, into OUT ("ADDR COUNT" lines); OUT.ready once bound
recv_udp() {
	in_ns "$B" python3 -c 'import socket,sys,collections
k=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
k.setsockopt(socket.SOL_SOCKET,33,1<<24)  # SO_RCVBUFFORCE: hold a whole burst
k.bind(("0.0.0.0",int(sys.argv[1])))
open(sys.argv[2]+".ready","w").close()
k.settimeout(3)
c=collections.Counter()
try:
	while True:
		c[k.recvfrom(2048)[1][0]]+=1
except socket.timeout:
	pass
with open(sys.argv[2],"w") as f:
	for a,n in sorted(c.items()):
		print(a,n,file=f)' "$1" "$2"
}

# send_udp PORT COUNT SECONDS SRC...: COUNT datagrams from each SRC in A,
# interleaved, evenly over SECONDS; prints the seconds it took
send_udp() {
	in_ns "$A" python3 -c 'import socket,sys,time
port,count,dur=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3])
socks=[]
for a in sys.argv[4:]:
	k=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
	k.bind((a,0))
	socks.append(k)
t0=time.monotonic()
for i in range(count):
	for k in socks:
		k.sendto(b"x"*18,("10.11.0.2",port))
	d=t0+(i+1)*dur/count-time.monotonic()
	if d>0:
		time.sleep(d)
print("%.3f"%(time.monotonic()-t0))' "$@"
}

# within GOT WANT: GOT is WANT, give or take 10% and 3 packets (the sender
# says how long it took, $took)
# shellcheck disable=SC2317 # called through check
within() {
	python3 -c 'import sys
got,want=float(sys.argv[1]),float(sys.argv[2])
sys.exit(0 if abs(got-want)<=want*0.1+3 else 1)' "$1" "$2" ||
		fail_msg "got $1 packets, want about $2 (sent in ${took}s)"
}

printf '# the networks that attacked us\n10.11.0.1\n\n192.0.2.0/24  # a whole range\n2001:db8::/32\n' \
	>"$tmp/blocklist"
printf '10.11.0.3\n198.51.100.0/24\n' >"$tmp/blocklist2"

for hook in xdpgeneric ingress; do
	"$TCCTL" pin fw
	declare -A conf=([0]="$("$TCCTL" fw save)")

	# --- fw-blocklist ---------------------------------------------------
	out=$("$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist" "$hook" 2>&1)
	check "$hook: fw-blocklist succeeds" test $? -eq 0
	check "$hook: fw-blocklist says what it did and the set size" \
		bash -c "grep -q 'drops the sources in set blocklist' <<<\"\$1\" &&
			grep -q '^set blocklist counters: 2 IPv4, 1 IPv6' <<<\"\$1\"" _ "$out"
	check "$hook: pings from the blocked 10.11.0.1 fail" expect_eq pings "$(ping_from 10.11.0.1 4)" 0
	check "$hook: pings from 10.11.0.3 pass" expect_eq pings "$(ping_from 10.11.0.3 3)" 3
	check "$hook: the set counts the 4 pings of 10.11.0.1" expect_eq hits "$(set_hits blocklist 10.11.0.1)" 4
	check "$hook: ... and none for 192.0.2.0/24" expect_eq hits "$(set_hits blocklist 192.0.2.0/24)" 0
	check "$hook: the rule src @blocklist drop is first" \
		bash -c "'$TCCTL' fw save | grep '^rule add table 0 ' | head -1 | grep -q ' src @blocklist drop$'"
	before=$(state)
	"$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist" "$hook" >/dev/null
	check "$hook: fw-blocklist run twice changes nothing (not even the counters)" \
		expect_eq state "$(state)" "$before"

	# another list: only the set changes, the rule stays one
	"$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist2" "$hook" >/dev/null
	check "$hook: fw-blocklist with another file: 10.11.0.1 passes" expect_eq pings "$(ping_from 10.11.0.1 2)" 2
	check "$hook: ... and 10.11.0.3 is blocked" expect_eq pings "$(ping_from 10.11.0.3 2)" 0
	check "$hook: ... with one rule still" expect_eq rules "$(nrules)" 1
	"$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist" "$hook" >/dev/null
	conf[1]=$("$TCCTL" fw save)

	# --- fw-allow-ssh ---------------------------------------------------
	ping_from 10.11.0.1 2 >/dev/null
	out=$("$RB/fw-allow-ssh" -n "$B" v1 10.11.0.3/32 fd00::3 198.51.100.0/24 "$hook" 2>&1)
	check "$hook: fw-allow-ssh succeeds" test $? -eq 0
	check "$hook: ... and leaves the blocklist as it was: its 2 hits for 10.11.0.1 stay" \
		expect_eq hits "$(set_hits blocklist 10.11.0.1)" 2
	check "$hook: SSH from the allowed 10.11.0.3 connects" \
		expect_eq reply "$(tcp_says 10.11.0.3 10.11.0.2 22)" ssh-ok
	check "$hook: SSH from 10.11.0.4, not allowed, fails" \
		expect_eq reply "$(tcp_says 10.11.0.4 10.11.0.2 22)" ""
	check "$hook: SSH from the allowed fd00::3 connects" \
		expect_eq reply "$(tcp_says fd00::3 fd00::2 22)" ssh-ok
	check "$hook: SSH from fd00::1, not allowed, fails" expect_eq reply "$(tcp_says fd00::1 fd00::2 22)" ""
	check "$hook: the rest is untouched: TCP 8022 from 10.11.0.4 connects" \
		expect_eq reply "$(tcp_says 10.11.0.4 10.11.0.2 8022)" web-ok
	check "$hook: ... and 10.11.0.4 pings" expect_eq pings "$(ping_from 10.11.0.4 2)" 2
	check "$hook: ... and the blocked 10.11.0.1 stays blocked" expect_eq pings "$(ping_from 10.11.0.1 2)" 0
	check "$hook: the policy is still pass" \
		bash -c "'$TCCTL' fw rule list table 0 | grep -q '^table 0 policy pass$'"
	check "$hook: the blocklist rule stays first" \
		bash -c "'$TCCTL' fw save | grep '^rule add table 0 ' | head -1 | grep -q ' src @blocklist drop$'"
	conf[2]=$("$TCCTL" fw save)
	before=$(state)
	"$RB/fw-allow-ssh" -n "$B" v1 fd00::3 10.11.0.3 198.51.100.7/24 "$hook" >/dev/null
	check "$hook: fw-allow-ssh run twice (CIDRs spelt otherwise) changes nothing" \
		expect_eq state "$(state)" "$before"
	"$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist" "$hook" >/dev/null
	check "$hook: ... nor fw-blocklist after it" expect_eq state "$(state)" "$before"
	"$RB/fw-allow-ssh" -n "$B" v1 10.11.0.4 "$hook" >/dev/null
	check "$hook: fw-allow-ssh with other CIDRs replaces the SSH rules" \
		bash -c "'$TCCTL' fw save | grep -c 'dport 22' | grep -qx 2"
	check "$hook: ... rules: blocklist, one pass and one drop" expect_eq rules "$(nrules)" 3
	check "$hook: ... 10.11.0.4 connects now" expect_eq reply "$(tcp_says 10.11.0.4 10.11.0.2 22)" ssh-ok
	check "$hook: ... and 10.11.0.3 is refused" expect_eq reply "$(tcp_says 10.11.0.3 10.11.0.2 22)" ""
	conf[3]=$("$TCCTL" fw save)

	# --- fw-rate-limit --------------------------------------------------
	out=$("$RB/fw-rate-limit" -n "$B" v1 udp 5353 100 "$hook" 2>&1)
	check "$hook: fw-rate-limit succeeds" test $? -eq 0
	rm -f "$tmp/recv" "$tmp/recv.ready"
	recv_udp 5353 "$tmp/recv" &
	rpid=$!
	for _ in $(seq 50); do [ -e "$tmp/recv.ready" ] && break; sleep 0.1; done
	took=$(send_udp 5353 2000 1 10.11.0.3 10.11.0.4)
	wait "$rpid"
	want=$(python3 -c "print(round(5 + 100 * ${took:-0}))")
	check "$hook: 2,000 datagrams from 10.11.0.3 in 1 s: about 5 + 100/s x 1 s arrive" \
		within "$(sed -n 's/^10.11.0.3 //p' "$tmp/recv")" "$want"
	check "$hook: 10.11.0.4, sending at the same time, has a bucket of its own" \
		within "$(sed -n 's/^10.11.0.4 //p' "$tmp/recv")" "$want"
	conf[4]=$("$TCCTL" fw save)
	before=$(state)
	"$RB/fw-rate-limit" -n "$B" v1 udp 5353 100 "$hook" >/dev/null
	check "$hook: fw-rate-limit run twice changes nothing" expect_eq state "$(state)" "$before"
	"$RB/fw-rate-limit" -n "$B" v1 udp 5353 300 "$hook" >/dev/null
	check "$hook: fw-rate-limit with another rate replaces its rule" \
		bash -c "'$TCCTL' fw save | grep 'dport 5353' | grep -qx 'rule add table 0 id [0-9]* proto udp dport 5353 rate pps 300 burst 5 per-source'"
	check "$hook: ... one rate rule" expect_eq rules "$(nrules)" 4

	# --- fw-rollback ----------------------------------------------------
	# blocklist, blocklist2, blocklist, allow-ssh, allow-ssh, rate 100, rate 300
	check "$hook: the history holds one entry per change" \
		expect_eq entries "$(find "$TCCTL_FW_HISTORY" -name '*.conf' | wc -l)" 7
	undo=([4]="fw-rate-limit 300" [3]="fw-rate-limit 100" [2]="fw-allow-ssh 10.11.0.4"
		[1]="fw-allow-ssh 10.11.0.3 ...")
	for want in 4 3 2 1; do
		out=$("$RB/fw-rollback" 2>&1)
		check "$hook: fw-rollback undoes ${undo[$want]}: the saved configuration, exactly" \
			expect_eq save "$("$TCCTL" fw save)" "${conf[$want]}"
		check "$hook: ... and says which file it loaded" \
			bash -c "grep -q 'loaded $TCCTL_FW_HISTORY/[0-9]*-.*\.conf' <<<\"\$1\"" _ "$out"
	done
	check "$hook: rolled back before fw-allow-ssh, SSH from 10.11.0.4 connects again" \
		expect_eq reply "$(tcp_says 10.11.0.4 10.11.0.2 22)" ssh-ok
	for _ in 1 2 3; do "$RB/fw-rollback" >/dev/null; done
	check "$hook: rolling back through the whole history restores the first configuration" \
		expect_eq save "$("$TCCTL" fw save)" "${conf[0]}"
	check "$hook: ... and 10.11.0.1 pings again" expect_eq pings "$(ping_from 10.11.0.1 2)" 2
	out=$("$RB/fw-rollback" 2>&1)
	rc=$?
	check "$hook: fw-rollback with an empty history fails with one clear line" \
		expect_eq "exit/output" "$rc/$out" \
		"1/fw-rollback: no fw configuration to roll back to in $TCCTL_FW_HISTORY"

	"$RB/fw-teardown" -n "$B" --purge v1 >/dev/null
	rm -rf "$TCCTL_FW_HISTORY"
done

out=$("$RB/fw-rollback" 2>&1)
check "fw-rollback with no history directory fails with one clear line" \
	expect_eq "exit/output" "$?/$out" \
	"1/fw-rollback: no fw configuration to roll back to: $TCCTL_FW_HISTORY does not exist"

for i in $(seq 12); do
	"$RB/fw-allow-ssh" -n "$B" v1 "10.12.$i.0/24" >/dev/null
done
check "the history keeps the last 10 configurations" \
	expect_eq entries "$(find "$TCCTL_FW_HISTORY" -name '*.conf' | wc -l)" 10
check "... the newest is the one before the last change" \
	bash -c "grep -q 'src 10.12.11.0/24 proto tcp dport 22 pass' \"\$(ls '$TCCTL_FW_HISTORY'/*.conf | tail -1)\""

# the blocklist rule moved down and doubled by hand: the runbook puts it
# back first, once
"$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist" >/dev/null
"$TCCTL" fw rule add at 1 proto gre drop
"$TCCTL" fw rule add src @blocklist drop
"$RB/fw-blocklist" -n "$B" v1 "$tmp/blocklist" >/dev/null
check "fw-blocklist puts its rule back first, and once" \
	bash -c "'$TCCTL' fw save | grep '^rule add table 0 ' | sed 's/ id [0-9]*//' | grep -n '@blocklist\|gre' |
		tr '\n' ' ' | grep -qx '1:rule add table 0 src @blocklist drop 2:rule add table 0 proto gre drop '"

# bad arguments stop a runbook before it changes anything
before=$(state)
for args in "v1 10.11.0.300" "v1 10.0.0.0/8 egress" "v1 10.0.0.0/8 ingress 16"; do
	# shellcheck disable=SC2086 # the words are the arguments
	out=$("$RB/fw-allow-ssh" -n "$B" $args 2>&1)
	check "fw-allow-ssh $args: fails with one line" \
		bash -c "[ $? -ne 0 ] && [ \$(wc -l <<<\"\$1\") -eq 1 ] && grep -q '^fw-allow-ssh: ' <<<\"\$1\"" _ "$out"
done
for args in "v1 udp 0 10" "v1 icmp 53 10" "v1 udp 53 0" "v1 udp 53 rate"; do
	# shellcheck disable=SC2086
	out=$("$RB/fw-rate-limit" -n "$B" $args 2>&1)
	check "fw-rate-limit $args: fails with one line" \
		bash -c "[ $? -ne 0 ] && [ \$(wc -l <<<\"\$1\") -eq 1 ] && grep -q '^fw-rate-limit: ' <<<\"\$1\"" _ "$out"
done
out=$("$RB/fw-blocklist" -n "$B" v1 "$tmp/nonexistent" 2>&1)
check "fw-blocklist with a missing file fails with one line" \
	expect_eq output "$out" "fw-blocklist: cannot read the blocklist file \"$tmp/nonexistent\""
printf '10.0.0.0/8\n10.300.0.0/16\n' >"$tmp/bad"
out=$("$RB/fw-blocklist" -n "$B" v1 "$tmp/bad" 2>&1)
check "fw-blocklist with a bad line fails, naming it" \
	bash -c "[ $? -ne 0 ] && grep -q '10.300.0.0/16' <<<\"\$1\"" _ "$out"
check "... and nothing changed, no history entry either" expect_eq state "$(state)" "$before"
exit "$ret"
