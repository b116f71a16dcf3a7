#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl stats prometheus: Prometheus' own promtool accepts the output
# (syntax and lint); every value equals what stats show, stats ports, fw
# counters and fw rule list say, and the events counters as written; no
# series twice, one HELP and TYPE per family; "file PATH" replaces the file
# atomically (a reader never sees half of one) and a bad path changes
# nothing; the stats-prometheus runbook writes once or every N seconds.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT

PROMTOOL=$("$TOP/selftests/tools/promtool.sh" 2>"$DIR/promtool.log")
check "promtool from Debian's prometheus package, not installed" test -x "$PROMTOOL" || {
	cat "$DIR/promtool.log" >&2
	exit 1
}

netns_new A spa && netns_new B spb && veth_pair "$A" "$B" || exit 1
"$T" -n "$B" attach dev v1 ingress fw && "$T" -n "$B" attach dev v1 ingress stats || exit 1
"$T" fw rule add proto udp dport 9 drop && "$T" fw rule add proto icmp count || exit 1

# udp_send PORT COUNT: datagrams of 100 bytes from A to B's PORT
udp_send() {
	in_ns "$A" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"x" * 100, ("10.11.0.2", int(sys.argv[1])))' "$@"
}
ping_count "$A" 10.11.0.2 5 >/dev/null
udp_send 9 4
udp_send 5353 3
sleep 0.2
# the counters stand still from here (IPv6 neighbour discovery would not), the pins stay
"$T" -n "$B" detach dev v1 ingress stats && "$T" -n "$B" detach dev v1 ingress fw || exit 1
# events counters as the programs would write them (bpftool sets every CPU):
# drops emitted 7, lost 2, over budget 1
ncpus=$(($(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1))
bpftool map update pinned "$PIN_DIR/events_count" key 1 0 0 0 \
	value 7 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0

"$T" -n "$B" stats prometheus >"$DIR/out.prom"
check "stats prometheus: exit 0" test $? -eq 0
lint=$("$PROMTOOL" check metrics <"$DIR/out.prom" 2>&1)
check "promtool check metrics: no error, no lint" expect_eq "exit/output" "$?/$lint" "0/"

# the samples as "name{labels} value" lines, labels sorted, for the comparisons below
cat >"$DIR/compare.py" <<'EOF'
import json, re, subprocess, sys
tcctl, ns, prom = sys.argv[1], sys.argv[2], sys.argv[3]
samples, problems = {}, []
helps, types = {}, {}
for line in open(prom):
    line = line.rstrip("\n")
    m = re.match(r"# (HELP|TYPE) (\S+) ", line)
    if m:
        d = helps if m[1] == "HELP" else types
        d[m[2]] = d.get(m[2], 0) + 1
        continue
    m = re.match(r'([a-z_]+)(?:\{(.*)\})? (\d+)$', line)
    if not m:
        problems.append("unparsed: " + line); continue
    labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m[2] or "")))
    key = (m[1], labels)
    if key in samples:
        problems.append("duplicate series: " + line)
    samples[key] = int(m[3])
for name in set(helps) | set(types):
    if helps.get(name) != 1 or types.get(name) != 1:
        problems.append("family %s: %s HELP, %s TYPE" % (name, helps.get(name), types.get(name)))
names = {k[0] for k in samples}
if names - set(types):
    problems.append("samples without a family: %s" % (names - set(types)))

def j(*args):
    return json.loads(subprocess.check_output([tcctl, "-n", ns, "-j"] + list(args)))

def want(name, labels, value):
    got = samples.pop((name, tuple(sorted(labels.items()))), None)
    if got != value:
        problems.append("%s%s: got %s, want %s" % (name, labels, got, value))

for r in j("stats", "show"):
    if "dev" not in r:
        continue
    l = dict(dev=r["dev"], hook=r["hook"], family=r["family"] or "none", proto=r["proto"])
    want("tcctl_stats_packets_total", l, r["packets"])
    want("tcctl_stats_bytes_total", l, r["bytes"])
for r in j("stats", "ports"):
    if "dev" not in r:
        continue
    l = dict(dev=r["dev"], hook=r["hook"], proto=r["proto"], port=str(r["port"]))
    want("tcctl_stats_port_packets_total", l, r["packets"])
    want("tcctl_stats_port_bytes_total", l, r["bytes"])
for r in j("fw", "counters"):
    l = dict(table=str(r["table"]), proto=r["proto"], verdict=r["verdict"])
    want("tcctl_fw_packets_total", l, r["packets"])
    want("tcctl_fw_bytes_total", l, r["bytes"])
for t in j("fw", "rule", "list"):
    for r in t["rules"]:
        l = dict(table=str(t["table"]), rule=str(r["id"]))
        want("tcctl_fw_rule_packets_total", l, r["packets"])
        want("tcctl_fw_rule_bytes_total", l, r["bytes"])
ncpus = int(sys.argv[4])
for kind, vals in (("sample", (0, 0, 0)), ("drop", (7 * ncpus, 2 * ncpus, ncpus))):
    for outcome, v in zip(("emitted", "lost", "over_budget"), vals):
        want("tcctl_events_total", dict(kind=kind, outcome=outcome), v)
for m in ("stats_proto", "stats_ports", "stats_flows"):
    want("tcctl_stats_overflow_packets_total", dict(map=m), 0)
    want("tcctl_stats_overflow_bytes_total", dict(map=m), 0)
want("tcctl_stats_flow_entries", {}, len(j("stats", "flows", "top", "1000000")))
for o in ("stats", "events", "fw"):
    want("tcctl_maps_pinned", dict(object=o), 1)
for k, v in samples.items():
    problems.append("a sample no command shows: %s %s" % (k, v))
print("\n".join(problems) if problems else "ok")
EOF
check "every value equals the commands' counters; no duplicate series, one HELP and TYPE per family" \
	expect_eq compare "$(python3 "$DIR/compare.py" "$T" "$B" "$DIR/out.prom" "$ncpus")" ok
check "the traffic is there: 3 datagrams to port 5353, 4 to port 9 that rule 1 dropped, 5 pings" \
	expect_eq lines "$(grep -c -e '^tcctl_stats_port_packets_total{dev="v1",hook="ingress",proto="udp",port="5353"} 3$' \
		-e '^tcctl_fw_rule_packets_total{table="0",rule="1"} 4$' \
		-e '^tcctl_fw_rule_packets_total{table="0",rule="2"} 5$' "$DIR/out.prom")" 3
check "flows are not exported (unbounded labels), only their count" \
	expect_eq lines "$(grep -c -e 'sport=' -e 'src=' -e 'addr' "$DIR/out.prom")" 0

# --- file PATH ---------------------------------------------------------------------
prom=$DIR/textfile/tcctl.prom
mkdir "$DIR/textfile"
(umask 077 && "$T" -n "$B" stats prometheus file "$prom")
check "file PATH: exit 0, the same text as on stdout" cmp "$prom" "$DIR/out.prom"
check "file PATH: readable by node_exporter's user, whatever the umask" \
	expect_eq mode "$(stat -c %a "$prom")" 644
strace -f -qq -e trace=openat,rename -o "$DIR/strace" "$T" -n "$B" stats prometheus file "$prom"
tmp=$(sed -n "s|.*openat(.*\"\($prom\.tmp\.[0-9]*\)\", O_WRONLY.*|\1|p" "$DIR/strace")
check "file PATH: written to PATH.tmp.PID, then renamed over PATH" \
	bash -c "test -n '$tmp' && grep -q 'rename(\"$tmp\", \"$prom\") = 0' '$DIR/strace' &&
		! grep -q 'openat(.*\"$prom\", O_WRONLY' '$DIR/strace'"
# a reader in a loop while writers replace the file: never half a file
lines=$(wc -l <"$prom")
(for _ in $(seq 60); do "$T" -n "$B" stats prometheus file "$prom"; done) &
writer=$!
torn=0
while kill -0 "$writer" 2>/dev/null; do
	n=$(wc -l <"$prom")
	[ "$n" -eq "$lines" ] || torn=$((torn + 1))
done
wait "$writer"
check "file PATH: a reader during 60 rewrites always sees whole files" expect_eq torn "$torn" 0
check "file PATH: no temporary file left" expect_eq files "$(ls "$DIR/textfile")" tcctl.prom

# --- errors ------------------------------------------------------------------------
expect_error "file in a missing directory: exit 1, one line, nothing written" 1 \
	"tcctl: cannot write $DIR/nope/x.prom: No such file or directory" \
	"$B" "$T" -n "$B" stats prometheus file "$DIR/nope/x.prom"
check "... and no directory made" test ! -e "$DIR/nope"
expect_error "file without a path: usage error" 2 "tcctl: \"file\" needs a value (see 'tcctl help')" \
	"$B" "$T" -n "$B" stats prometheus file
expect_error "unknown keyword: usage error" 2 "tcctl: unexpected argument \"bogus\" (see 'tcctl help')" \
	"$B" "$T" -n "$B" stats prometheus bogus

# --- runbook -----------------------------------------------------------------------
RUNBOOK=$TOP/scripts/stats-prometheus
rm -f "$prom"
TCCTL=$T "$RUNBOOK" -n "$B" "$prom"
check "runbook: writes the file once" \
	bash -c "'$PROMTOOL' check metrics <'$prom' && grep -q '^tcctl_maps_pinned{object=\"stats\"} 1$' '$prom'"
ino=$(stat -c %i "$prom")
TCCTL=$T "$RUNBOOK" -n "$B" --every 1 "$prom" &
loop=$!
sleep 2.5
kill "$loop"
wait "$loop" 2>/dev/null
check "runbook --every 1: the file is replaced, again and again" test "$(stat -c %i "$prom")" != "$ino"
out=$(TCCTL=$T "$RUNBOOK" --every 0 "$prom" 2>&1)
check "runbook --every 0: exit 1, one line" expect_eq "exit/output" "$?/$out" \
	"1/stats-prometheus: --every takes a whole number of seconds from 1, not \"0\""
out=$(TCCTL=$T "$RUNBOOK" "$DIR/nope/x.prom" 2>&1)
check "runbook: a missing directory, said before anything" expect_eq "exit/output" "$?/$out" \
	"1/stats-prometheus: $DIR/nope does not exist (is prometheus-node-exporter installed?)"
exit "$ret"
