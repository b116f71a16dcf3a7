#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Bash completion (tcctl/bash-completion/tcctl): sourced in bash with
# bash-completion's helpers, the completion function is called as bash would
# call it for a command line, and what it offers (COMPREPLY) is checked.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

T=$TCCTL
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; cleanup' EXIT
netns_new A ca && netns_new B cb && veth_pair "$A" "$B" || exit 1
"$T" pin fw && "$T" fw set create blocked && "$T" fw set create allowed || exit 1
mkdir "$DIR/sub" && touch "$DIR/fw2.o" "$DIR/rules.conf" && cd "$DIR" || exit 1

# shellcheck source=/dev/null
source /usr/share/bash-completion/bash_completion || exit 1
# shellcheck source=tcctl/bash-completion/tcctl
source "$TOP/tcctl/bash-completion/tcctl" || exit 1

# comp LINE: what completing at the end of LINE offers, sorted, on one line;
# the first word is the tcctl under test, as a user's path to it would be
comp() {
	local line="$T ${1#tcctl }"
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_tcctl tcctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

# expect_comp LINE WANT
expect_comp() {
	check "complete '$1'" expect_eq offered "$(comp "$1")" "$2"
}

check "the file registers _tcctl for tcctl" expect_eq complete "$(complete -p tcctl)" \
	"complete -F _tcctl tcctl"
commands=$("$T" help | sed -n 's/^  tcctl \([a-z]*\).*/\1/p' | sort -u | xargs)
expect_comp "tcctl " "$commands"
fw_subs=$("$T" help fw | sed -n 's/^  tcctl fw \([a-z]*\).*/\1/p' | sort -u | xargs)
check "fw's subcommands are those tcctl help lists, and help" expect_eq subs "$(comp "tcctl fw ")" \
	"$(xargs -n1 <<<"$fw_subs help" | sort | xargs)"
expect_comp "tcctl f" "feature fw"
expect_comp "tcctl -" "-V -b -batch -force -h -help -j -json -n -netns -p -pretty -version"
expect_comp "tcctl -j -p " "$commands"
check "namespaces after -n" bash -c "grep -qw '$A' <<<'$(comp "tcctl -n ")'"
expect_comp "tcctl -n $A attach dev " "lo v0"
expect_comp "tcctl -netns $B -j status dev " "lo v1"
expect_comp "tcctl attach dev v0 " "egress ingress xdp xdpdrv xdpgeneric"
expect_comp "tcctl attach dev v0 ingress " "fw"
expect_comp "tcctl attach dev v0 ingress fw " "force handle obj prio tcx"
expect_comp "tcctl attach dev v0 ingress fw obj " "fw2.o sub"
expect_comp "tcctl detach dev v0 xdp " "force fw prio"
expect_comp "tcctl -b " "fw2.o rules.conf sub"
expect_comp "tcctl -b rules.conf " ""
expect_comp "tcctl -b rules.conf -" "-V -b -batch -force -h -help -j -json -n -netns -p -pretty -version"
expect_comp "tcctl qdisc " "add del help show"
expect_comp "tcctl qdisc add " "dev"
expect_comp "tcctl pin " "fw help"
expect_comp "tcctl pin fw " "obj"
expect_comp "tcctl help " "$commands"
expect_comp "tcctl help fw " "$fw_subs"
expect_comp "tcctl feature x" "xdp xdp-frags xdp-link"
expect_comp "tcctl fw proto " "ah esp gre icmp icmpv6 malformed non-ip sctp tcp udp udplite"
expect_comp "tcctl fw proto udp " "drop pass"
expect_comp "tcctl fw proto udp drop " "table"
expect_comp "tcctl fw show " "help table"
expect_comp "tcctl -n $A fw bind dev " "lo v0"
expect_comp "tcctl fw bind dev v0 " "egress ingress xdp"
expect_comp "tcctl fw bind dev v0 xdp " "table"
expect_comp "tcctl fw policy " "drop help pass table"
expect_comp "tcctl fw rule " "add del flush help list move"
expect_comp "tcctl fw rule add family " "ip ip6"
expect_comp "tcctl fw rule add dir " "in out"
expect_comp "tcctl fw rule add src @" "@allowed @blocked"
expect_comp "tcctl fw rule add src @b" "@blocked"
expect_comp "tcctl fw rule add dport 22 " \
	"at count dir dport drop dst family icmp-type id pass proto rate sport src table"
expect_comp "tcctl fw rule add rate pps 10 " "burst burst-bytes bytes per-source pps"
expect_comp "tcctl fw rule list " "table"
expect_comp "tcctl fw set " "add create del destroy flush help list load"
expect_comp "tcctl fw set add " "allowed blocked"
expect_comp "tcctl fw set create x " "counters"
expect_comp "tcctl fw set list blocked " "members"
expect_comp "tcctl fw set load blocked " "fw2.o rules.conf sub"
expect_comp "tcctl fw set load blocked rules.conf " "counters"
expect_comp "tcctl fw load " "fw2.o help rules.conf sub"
expect_comp "tcctl fw save r" "rules.conf"
exit "$ret"
