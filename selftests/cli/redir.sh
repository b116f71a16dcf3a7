#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl redir's errors: before redir is loaded, bad arguments (exit 2) and
# refused changes (exit 1), each one line on stderr with nothing on stdout,
# and the redirects as they were.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
netns_new N rdc || exit 1

expect_error "show before redir is loaded: exit 1, load the object first" 1 \
	"tcctl: $PIN_DIR/redir_rules does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)" \
	"$N" "$T" redir show
"$T" pin redir && "$T" redir add tcp 8080 to 8081 && "$T" redir add udp 53 to 5353 addr fd00::1 || exit 1
shown=$("$T" -j redir show)

# redir_error NAME RC MESSAGE ARGS...: the error, and the redirects unchanged
redir_error() {
	local name=$1 rc=$2 msg=$3
	shift 3
	expect_error "$name" "$rc" "$msg" "$N" "$T" -n "$N" redir "$@"
	check "$name: the redirects as they were" expect_eq show "$("$T" -j redir show)" "$shown"
}

U="(see 'tcctl help')"
redir_error "no subcommand" 2 "tcctl: redir: expected add, delete, show or flush $U"
redir_error "unknown subcommand" 2 "tcctl: redir: expected add, delete, show or flush, not list $U" list
redir_error "no protocol" 2 "tcctl: redir: expected tcp or udp $U" add
redir_error "unknown protocol" 2 "tcctl: redir: expected tcp or udp, not sctp $U" add sctp 1 to 2
redir_error "port 0" 2 "tcctl: redir: PORT must be a port from 1 to 65535, not \"0\" $U" add tcp 0 to 1
redir_error "port 65536" 2 \
	"tcctl: redir: to PORT must be a port from 1 to 65535, not \"65536\" $U" add tcp 1 to 65536
redir_error "no to" 2 "tcctl: redir add: expected \"to PORT\", not 2 $U" add tcp 1 2
redir_error "to itself" 2 "tcctl: redir add: port 9 to itself $U" add tcp 9 to 9
redir_error "a bad address" 2 "tcctl: redir: \"10.0.0\" is not an IPv4 or IPv6 address $U" \
	add tcp 1 to 2 addr 10.0.0
redir_error "the any address" 2 \
	"tcctl: redir: addr :: is no local address; leave addr out for any $U" add tcp 1 to 2 addr ::
redir_error "dev twice" 2 "tcctl: unexpected argument \"dev\" $U" add tcp 1 to 2 dev lo dev lo
redir_error "a device that is not there" 1 "tcctl: device \"nosuch\" does not exist" \
	add tcp 1 to 2 dev nosuch
redir_error "show takes no filter" 2 "tcctl: unexpected argument \"tcp\" $U" show tcp
redir_error "the same redirect elsewhere" 1 \
	"tcctl: redirect tcp 8080 exists, to port 8081: delete it first" add tcp 8080 to 8082
redir_error "delete what is not there" 1 "tcctl: no redirect tcp 8080 addr 10.0.0.1" \
	delete tcp 8080 addr 10.0.0.1
redir_error "delete names the address as add did" 1 "tcctl: no redirect udp 53" delete udp 53

"$T" redir add tcp 8080 to 8081
check "add what is there already: exit 0, nothing changes" expect_eq "exit/show" \
	"$?/$("$T" -j redir show)" "0/$shown"
"$T" redir flush && "$T" redir flush
check "flush twice: exit 0, empty" expect_eq "exit/show" "$?/$("$T" -j redir show)" "0/[]"
exit "$ret"
