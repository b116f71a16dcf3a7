#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input to the stats views and top: one line, exit 2 for the command
# line and 1 for a failure, nothing written and nothing changed.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT

netns_new A sva || exit 1
expect_error "stats ports before any load: exit 1, load the object first" 1 \
	"tcctl: $PIN_DIR/stats_ports does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)" \
	"$A" "$T" -n "$A" stats ports
expect_error "top before any load: exit 1, the same line, no screen" 1 \
	"tcctl: $PIN_DIR/stats_proto does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)" \
	"$A" "$T" -n "$A" top count 1
"$T" pin stats || exit 1

# usage NAME MESSAGE ARGS...: exit 2 and MESSAGE, nothing changed
usage() {
	local name=$1 msg=$2
	shift 2
	expect_error "$name" 2 "tcctl: $msg (see 'tcctl help')" "$A" "$T" -n "$A" "$@"
}
usage "stats ports top 0" "\"top\" takes a number from 1 to 1000000, not \"0\"" stats ports top 0
usage "stats flows top -1" "\"top\" takes a number from 0 to 1000000, not \"-1\"" stats flows top -1
usage "stats flows sort bogus" "\"sort\" takes bytes or packets, not \"bogus\"" stats flows sort bogus
usage "stats flows sort without a value" "\"sort\" needs a value" stats flows sort
usage "stats ports proto icmp: no ports" \
	"\"proto\" takes a protocol with ports (tcp, udp, sctp, udplite), not \"icmp\"" stats ports proto icmp
usage "stats flows proto: not a flows keyword" "unexpected argument \"proto\"" stats flows proto tcp
usage "stats show top: not a show keyword" "unexpected argument \"top\"" stats show top 3
usage "stats ports percpu: show only" "unexpected argument \"percpu\"" stats ports percpu
usage "stats flows top twice" "unexpected argument \"top\"" stats flows top 1 top 2
usage "stats ports hook xdpgeneric: no modes here" \
	"expected a hook (xdp, ingress, egress), not xdpgeneric" stats ports hook xdpgeneric
usage "stats flows bogus" "unexpected argument \"bogus\"" stats flows bogus
usage "top interval 0" "\"interval\" takes a number from 1 to 3600, not \"0\"" top interval 0
usage "top count 0" "\"count\" takes a number from 1 to 1000000, not \"0\"" top count 0
usage "top interval x" "\"interval\" takes a number from 0 to 3600, not \"x\"" top interval x
usage "top bogus" "unexpected argument \"bogus\"" top bogus
usage "top interval twice" "unexpected argument \"interval\"" top interval 1 interval 2
usage "stats prometheus bogus" "unexpected argument \"bogus\"" stats prometheus bogus
expect_error "stats flows dev nope: exit 1" 1 "tcctl: device \"nope\" does not exist" \
	"$A" "$T" -n "$A" stats flows dev nope
expect_error "stats prometheus file in a missing directory: exit 1" 1 \
	"tcctl: cannot write $DIR/missing/tcctl.prom: No such file or directory" \
	"$A" "$T" -n "$A" stats prometheus file "$DIR/missing/tcctl.prom"
check "... nothing written" expect_eq files "$(find "$DIR" -mindepth 1)" ""
touch "$DIR/ro.prom" && chmod 0444 "$DIR/ro.prom"
mount -o bind,ro "$DIR" "$DIR" # the test runs in its own mount namespace
expect_error "stats prometheus file in a read-only directory: exit 1, the old file stays" 1 \
	"tcctl: cannot write $DIR/ro.prom: Read-only file system" \
	"$A" "$T" -n "$A" stats prometheus file "$DIR/ro.prom"
umount "$DIR" 2>/dev/null
check "... the old file is untouched" expect_eq size "$(stat -c %s "$DIR/ro.prom")" 0

# an empty stats object: the views print their headers only, JSON empty arrays
check "stats ports -j on empty maps: []" expect_eq json "$("$T" -j stats ports)" "[]"
check "stats flows -j on empty maps: []" expect_eq json "$("$T" -j stats flows)" "[]"
check "stats ports text on empty maps: the header" \
	expect_eq text "$("$T" stats ports | xargs)" "dev hook proto port packets bytes"
exit "$ret"
