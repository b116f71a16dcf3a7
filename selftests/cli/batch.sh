#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl -b FILE: many command lines in one process, stopping at the first
# failing line with "FILE:LINE: " before its error (or going on with -force),
# words quoted as in the shell, options per line, and the same through tc.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT
cd "$DIR" || exit 1
netns_new A ba && netns_new B bb && veth_pair "$A" "$B" || exit 1

members() { # set: its prefixes on one line
	"$T" -j fw set list "$1" members | jq -r '[.[0].members[].prefix] | join(" ")'
}

# run_batch FILE [OPTIONS...]: sets rc, out (stdout) and errs (stderr)
run_batch() {
	local file=$1
	shift
	out=$("$T" "$@" -b "$file" 2>"$DIR/err")
	rc=$?
	errs=$(cat "$DIR/err")
}

# --- 50 lines, one process -------------------------------------------------------
{
	echo "pin fw"
	echo "fw set create big"
	for i in $(seq 1 46); do echo "fw set add big 10.$i.0.0/16"; done
	echo "fw rule add src @big drop"
	echo "fw proto udp drop table 2"
} >fifty.txt
check "the batch file has 50 lines" expect_eq lines "$(wc -l <fifty.txt)" 50
strace -f -qq -o "$DIR/trace" -e trace=execve,fork,vfork,clone,clone3 "$T" -b fifty.txt
check "50 lines run in one process, which starts nothing" expect_eq "execs and forks" \
	"$(grep -c . "$DIR/trace")/$(grep -c '^[0-9]* *execve(' "$DIR/trace")" "1/1"
check "every line took effect: 46 members" expect_eq ipv4 \
	"$("$T" -j fw set list big | jq '.[0].ipv4')" 46
check "... the rule" expect_eq rules "$("$T" -j fw rule list table 0 | jq -r '.[0].rules[0].rule')" \
	"src @big drop"
check "... and the last line" bash -c "'$T' fw show table 2 | grep -qx 'table 2: drop udp'"

# --- the first error stops the batch, with its line ---------------------------------
cat >stop.txt <<'EOF'
fw set create s1
fw set add s1 192.0.2.1
# a comment does not stop anything

fw set add s1 192.0.2.999
fw set add s1 192.0.2.3
EOF
run_batch stop.txt
check "a bad line: exit 2, its error as FILE:LINE: message, nothing on stdout" \
	expect_eq "exit/stderr/stdout" "$rc/$errs/$out" \
	"2/tcctl: stop.txt:5: bad address \"192.0.2.999\": not an IPv4 or IPv6 address (see 'tcctl help')/"
check "... lines before it ran, none after it" expect_eq members "$(members s1)" "192.0.2.1"

printf 'fw set flush s1\nfw bind dev nosuch0 ingress table 1\nfw set add s1 192.0.2.7\n' >fail.txt
run_batch fail.txt
check "a failing line: exit 1 and FILE:LINE: before the error" expect_eq "exit/stderr" \
	"$rc/$errs" "1/tcctl: fail.txt:2: device \"nosuch0\" does not exist"
check "... and the batch stopped there" expect_eq members "$(members s1)" ""

# --- -force goes on ---------------------------------------------------------------------
cat >force.txt <<'EOF'
fw set add s1 192.0.2.10
fw set add s1 bad-address
fw set add s1 192.0.2.11
fw bind dev nosuch0 ingress table 1
fw set add s1 192.0.2.12
EOF
run_batch force.txt -force
check "-force: every line runs, exit 1, each error with its line" expect_eq "exit/stderr" \
	"$rc/$errs" "1/tcctl: force.txt:2: bad address \"bad-address\": not an IPv4 or IPv6 address (see 'tcctl help')
tcctl: force.txt:4: device \"nosuch0\" does not exist"
check "... the good lines took effect" expect_eq members "$(members s1)" \
	"192.0.2.10 192.0.2.11 192.0.2.12"
printf 'fw set add s1 nope1\nfw set add s1 nope2\n' >usage.txt
run_batch usage.txt -force
check "-force with usage errors only still exits 1" expect_eq exit "$rc" 1

# --- standard input, quotes, comments, continuations ---------------------------------------
out=$(printf 'fw set flush s1\nfw set add s1 192.0.2.20\n' | "$T" -b - 2>&1)
rc=$?
check "-b - reads standard input" expect_eq "exit/output/members" "$rc/$out/$(members s1)" \
	"0//192.0.2.20"
out=$(printf 'fw set add s1 192.0.2.21\nfw set add s1 x\n' | "$T" -b - 2>&1)
check "... and names it stdin in errors" expect_eq error "$out" \
	"tcctl: stdin:2: bad address \"x\": not an IPv4 or IPv6 address (see 'tcctl help')"

cat >quotes.txt <<'EOF'
   # an indented comment, with a trailing backslash that continues nothing \
fw set flush "s1"
fw 'set' add s1 192.0.2.30 \
	"192.0.2.31" \
	192.0.2.32   # three lines make one command
fw set add s1 "192.0.2.33 192.0.2.34"
EOF
run_batch quotes.txt
check "quotes, comments and continuations; a quoted blank stays in its word" \
	expect_eq "exit/stderr/members" "$rc/$errs/$(members s1)" \
	"2/tcctl: quotes.txt:6: bad address \"192.0.2.33 192.0.2.34\": not an IPv4 or IPv6 address (see 'tcctl help')/192.0.2.30 192.0.2.31 192.0.2.32"
printf 'fw set add s1 "192.0.2.40\n' >unterminated.txt
run_batch unterminated.txt
check "an unclosed quote is a usage error of its line" expect_eq "exit/stderr" "$rc/$errs" \
	"2/tcctl: unterminated.txt:1: a double quote is not closed (see 'tcctl help')"
printf 'fw set add s1 \\"192.0.2.41\\" '"'a\\\\b'"'\n' >escapes.txt
run_batch escapes.txt
check "a backslash escapes outside quotes, not inside single ones" expect_eq "stderr" "$errs" \
	"tcctl: escapes.txt:1: bad address \"\"192.0.2.41\"\": not an IPv4 or IPv6 address (see 'tcctl help')"

# --- options per line and for the whole batch ---------------------------------------------
cat >ns.txt <<'EOF'
-n NS_A qdisc add dev v0
-netns NS_B qdisc add dev v1
qdisc show dev v0
EOF
sed -i "s/NS_A/$A/; s/NS_B/$B/" ns.txt
run_batch ns.txt
check "-n on a line runs that line in the namespace, and only that line" \
	expect_eq "exit/stderr" "$rc/$errs" "1/tcctl: ns.txt:3: device \"v0\" does not exist"
check "... the qdiscs are in their namespaces" bash -c \
	"in_ns() { nsenter --net=/run/netns/\$1 tc qdisc show dev \$2; }; in_ns '$A' v0 | grep -q clsact && in_ns '$B' v1 | grep -q clsact"
printf 'qdisc del dev v0\n-n %s qdisc del dev v1\n-j qdisc show dev v0\n' "$B" >ns2.txt
run_batch ns2.txt -n "$A"
check "-n before -b applies to every line that gives none" expect_eq "exit/stderr/stdout" \
	"$rc/$errs/$out" '0//{"dev":"v0","qdisc":null}'
check "... and the line's own -n wins" bash -c "! nsenter --net=/run/netns/$B tc qdisc show dev v1 | grep -q clsact"

cat >json.txt <<'EOF'
fw set list
-j fw set list s1
fw set create s2
-j fw show table 2
-p -j fw set list s2
fw set list s2
EOF
run_batch json.txt
check "-j on a line: that line prints JSON, the others text" expect_eq "exit/first/last" \
	"$rc/$(head -1 <<<"$out" | cut -c1-7)/$(tail -1 <<<"$out" | cut -c1-7)" "0/set big/set s2:"
check "... the JSON lines are documents jq reads" bash -c \
	"sed -n 3p <<<'$out' | jq -e '.[0].name == \"s1\"' >/dev/null && sed -n 4p <<<'$out' | jq -e '.tables' >/dev/null"
printf 'fw set list s1\nfw set create s3\nfw set list s2\n-p fw show table 2\n' >json2.txt
run_batch json2.txt -j
check "-j before -b: one JSON document per printing line, on one line each unless -p" \
	expect_eq "exit/lines/docs" "$rc/$(grep -c '^[\[{]' <<<"$out")/$(jq -s length <<<"$out")" "0/3/3"

# --- nesting, stray arguments, errors inside files a line reads ------------------------------
printf 'fw set list\n-b other.txt\n' >nest.txt
run_batch nest.txt
check "a nested -b is refused as a usage error of its line" expect_eq "exit/stderr" "$rc/$errs" \
	"2/tcctl: nest.txt:2: -b in a batch: batches do not nest (see 'tcctl help')"
out=$("$T" -b nest.txt fw show 2>&1)
check "-b FILE takes no command" expect_eq "exit/error" "$?/$out" \
	"2/tcctl: -b FILE takes its commands from FILE, not \"fw\" (see 'tcctl help')"
out=$("$T" -force fw show 2>&1)
check "-force without -b is a usage error" expect_eq "exit/error" "$?/$out" \
	"2/tcctl: -force goes with -b FILE (see 'tcctl help')"
out=$("$T" -b missing.txt 2>&1)
check "a batch file that does not exist" expect_eq "exit/error" "$?/$out" \
	"1/tcctl: cannot open missing.txt: No such file or directory"

printf 'set create c1\nset add c1 10.0.0.300\n' >rules.conf
printf 'fw set list s1\nfw load rules.conf\nfw set add s1 nope\n' >nested.txt
run_batch nested.txt -force
check "contexts nest: the batch line, then the line of the file it loads" \
	expect_eq "exit/stderr" "$rc/$errs" "1/tcctl: nested.txt:2: rules.conf:2: bad address \"10.0.0.300\": not an IPv4 or IPv6 address (see 'tcctl help')
tcctl: nested.txt:3: bad address \"nope\": not an IPv4 or IPv6 address (see 'tcctl help')"

# --- a batch waiting for its next line holds nothing --------------------------------------------
mkfifo fifo
"$T" -force -b - <fifo 2>fifo.err &
pid=$!
exec 7>fifo
printf 'fw set add nosuchset 192.0.2.1\nfw set add s1 192.0.2.50\n' >&7
for _ in $(seq 50); do
	members s1 | grep -qw 192.0.2.50 && break
	sleep 0.1
done
timeout 5 "$T" fw set add s1 192.0.2.51
rc=$?
exec 7>&-
wait "$pid"
check "between lines, after a failed one, the batch holds no lock: another tcctl writes" \
	expect_eq "writer/batch/members" "$rc/$?/$(members s1 | grep -o '192.0.2.5[01]' | xargs)" \
	"0/1/192.0.2.50 192.0.2.51"

# --- the same batch through tc ------------------------------------------------------------------
cat >tc.txt <<'EOF'
pin fw
fw set create t1 counters
fw set add t1 198.51.100.0/24 2001:db8::/32
fw rule add table 3 src @t1 proto tcp dport 22 drop
fw policy table 3 drop
EOF
"$T" unpin fw && "$T" -b tc.txt
want=$("$T" fw save -)
"$T" unpin fw && tc exec tcctl -b "$DIR/tc.txt"
check "tc exec tcctl -b FILE does what tcctl -b FILE does" expect_eq config "$("$T" fw save -)" "$want"
"$T" unpin fw && "$T" pin fw
out=$(tc exec tcctl -b "$DIR/stop.txt" 2>&1)
check "... and stops at the same line with the same error" expect_eq "exit/error" "$?/$out" \
	"2/tcctl: $DIR/stop.txt:5: bad address \"192.0.2.999\": not an IPv4 or IPv6 address (see 'tcctl help')"
exit "$ret"
