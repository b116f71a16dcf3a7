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
"$T" pin fw && "$T" pin stats && "$T" fw set create blocked && "$T" fw set create allowed || exit 1
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
objects=$("$T" help | sed -n 's/^OBJECT *:= *{ \(.*\) }$/\1/p' | tr -d '|' | xargs -n1 | sort | xargs)
check "tcctl help's objects, offered where an object goes, are fw, lb, redir and stats" \
	expect_eq objects "$objects" "fw lb redir stats"
# the maps tcctl map finds by name: pin fw and pin stats made them
maps=$("$T" -j map show | jq -r ".[].name" | sort | xargs)
check "fw's subcommands are those tcctl help lists, and help" expect_eq subs "$(comp "tcctl fw ")" \
	"$(xargs -n1 <<<"$fw_subs help" | sort | xargs)"
expect_comp "tcctl f" "feature fw"
expect_comp "tcctl -" "-V -b -batch -force -h -help -j -json -n -netns -p -pretty -version"
expect_comp "tcctl -j -p " "$commands"
check "namespaces after -n" bash -c "grep -qw '$A' <<<'$(comp "tcctl -n ")'"
expect_comp "tcctl -n $A attach dev " "lo v0"
expect_comp "tcctl -netns $B -j status dev " "lo v1"
expect_comp "tcctl attach dev v0 " "egress ingress xdp xdpdrv xdpgeneric"
expect_comp "tcctl attach dev v0 ingress " "$objects"
expect_comp "tcctl attach dev v0 ingress fw " \
	"after before first force handle last link obj prio tcx"
expect_comp "tcctl attach dev v0 xdp stats before " "$objects"
expect_comp "tcctl attach dev v0 xdp stats after s" "stats"
expect_comp "tcctl attach dev v0 xdp stats after fw " \
	"after before first force handle last link obj prio tcx"
expect_comp "tcctl attach dev v0 ingress fw obj " "fw2.o sub"
expect_comp "tcctl detach dev v0 xdp " "$(xargs -n1 <<<"$objects force prio" | sort | xargs)"
expect_comp "tcctl -b " "fw2.o rules.conf sub"
expect_comp "tcctl -b rules.conf " ""
expect_comp "tcctl -b rules.conf -" "-V -b -batch -force -h -help -j -json -n -netns -p -pretty -version"
expect_comp "tcctl qdisc " "add del help show"
expect_comp "tcctl qdisc add " "dev"
expect_comp "tcctl pin " "$(xargs -n1 <<<"$objects help" | sort | xargs)"
expect_comp "tcctl unpin s" "stats"
expect_comp "tcctl pin fw " "obj"
expect_comp "tcctl help " "$commands"
expect_comp "tcctl help fw " "$fw_subs"
expect_comp "tcctl help pins " "prune show"
expect_comp "tcctl help stats " "flows ports prometheus reset show"
expect_comp "tcctl help map " "delete dump lookup show update"
expect_comp "tcctl pins " "help prune show"
expect_comp "tcctl pins prune " "dry-run help"
expect_comp "tcctl pins show " ""
expect_comp "tcctl stats " "flows help ports prometheus reset show"
expect_comp "tcctl stats show " "dev help hook percpu"
expect_comp "tcctl stats show hook " "egress ingress xdp"
expect_comp "tcctl -n $A stats show hook xdp dev " "lo v0"
expect_comp "tcctl stats show hook xdp " "dev percpu"
expect_comp "tcctl stats show dev v0 hook ingress " "percpu"
expect_comp "tcctl stats ports " "dev help hook proto top"
expect_comp "tcctl stats ports proto " "sctp tcp udp udplite"
expect_comp "tcctl stats flows top 5 " "dev hook sort"
expect_comp "tcctl stats flows sort " "bytes packets"
expect_comp "tcctl stats flows top " ""
expect_comp "tcctl stats prometheus " "file help"
expect_comp "tcctl top " "count dev help hook interval"
expect_comp "tcctl top interval 1 " "count dev hook"
expect_comp "tcctl top count " ""
expect_comp "tcctl top hook " "egress ingress xdp"
expect_comp "tcctl stats reset " "dev help"
expect_comp "tcctl stats reset dev v0 " ""
expect_comp "tcctl map " "delete dump help lookup show update"
expect_comp "tcctl redir " "add delete flush help show"
expect_comp "tcctl redir add " "help tcp udp"
expect_comp "tcctl redir add tcp 8080 " "to"
expect_comp "tcctl redir add tcp 8080 to 8081 " "addr dev"
expect_comp "tcctl redir add tcp 8080 to 8081 addr " ""
expect_comp "tcctl redir add udp 53 to 5353 addr 10.0.0.1 " "dev"
expect_comp "tcctl -n $A redir add udp 53 to 5353 dev " "lo v0"
expect_comp "tcctl redir delete udp 53 dev v0 " "addr"
expect_comp "tcctl redir show " "-j help"
expect_comp "tcctl redir flush " "help"
check "map show: the pinned maps, fw's and stats'" bash -c \
	"grep -qw fw_verdicts <<<'$maps' && grep -qw stats_proto <<<'$maps'"
expect_comp "tcctl map show " "$(xargs -n1 <<<"$maps help id pinned" | sort | xargs)"
expect_comp "tcctl map dump stats_" "stats_flows stats_overflow stats_ports stats_proto"
expect_comp "tcctl map dump fw_verdicts " ""
expect_comp "tcctl map dump pinned " "fw2.o rules.conf sub"
expect_comp "tcctl map dump id " ""
expect_comp "tcctl map lookup fw_state " "key"
expect_comp "tcctl map lookup id 7 " "key"
expect_comp "tcctl map lookup fw_state key " ""
expect_comp "tcctl map lookup fw_state key 0 " ""
expect_comp "tcctl map delete fw_ifaces " "key"
expect_comp "tcctl map update fw_verdicts " "key"
expect_comp "tcctl map update fw_verdicts key 1 " "value"
expect_comp "tcctl map update fw_verdicts key 1 value " ""
expect_comp "tcctl map update fw_verdicts key 1 value 0 " "any exist noexist"
expect_comp "tcctl map update fw_verdicts key 1 value 0 exist " ""
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

# lb: the grammar's words, and the services tcctl shows where a VIP goes
"$T" lb service add tcp 10.0.100.1:80 && "$T" lb service add udp '[fd00::1]:53' || exit 1
expect_comp "tcctl lb " "backend flush help service show"
expect_comp "tcctl lb service " "add delete help"
expect_comp "tcctl lb service delete " "tcp udp"
expect_comp "tcctl lb service delete tcp " "10.0.100.1:80"
expect_comp "tcctl lb service add tcp " ""
expect_comp "tcctl lb backend " "add delete help set"
expect_comp "tcctl lb backend add udp " "[fd00::1]:53"
expect_comp "tcctl lb backend add tcp 10.0.100.1:80 10.0.21.2:80 " "weight"
expect_comp "tcctl lb backend add tcp 10.0.100.1:80 10.0.21.2:80 weight " ""
expect_comp "tcctl lb backend set tcp 10.0.100.1:80 10.0.21.2:80 " "down up weight"
expect_comp "tcctl lb show " "help tcp udp"
expect_comp "tcctl lb show tcp 10.0.100.1:" "80"

exit "$ret"
