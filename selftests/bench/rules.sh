#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench.sh's rule loader: loads COUNT rules (one per IP protocol number, from
# 0) the way an admin would with TOOL, in the network namespace it is started
# in, and prints the microseconds it took. Nothing but the timed work runs
# between the two clock reads; the rule files are written before.
# Usage: rules.sh TOOL COUNT   TOOL := tcctl | tcctl-pass | iptables |
#        iptables-restore | nft | nft-f    ($TCCTL: the tcctl binary)
set -u
tool=$1 count=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# fw table 15 is bound to nothing here: the verdicts change no traffic
FW_TABLE=15

case $tool in
iptables-restore)
	{
		echo '*raw'
		for ((n = 0; n < count; n++)); do
			echo "-A PREROUTING -p $n -j DROP"
		done
		echo COMMIT
	} >"$tmp/rules"
	;;
nft | nft-f)
	nft add table inet bench_rules &&
		nft add chain inet bench_rules pre '{ type filter hook prerouting priority raw; }' ||
		exit 1
	for ((n = 0; n < count; n++)); do
		echo "add rule inet bench_rules pre meta l4proto $n drop"
	done >"$tmp/rules"
	;;
esac

start=${EPOCHREALTIME/./}
case $tool in
tcctl | tcctl-pass)
	verdict=drop
	[ "$tool" == tcctl-pass ] && verdict=pass
	for ((n = 0; n < count; n++)); do
		"$TCCTL" fw proto "$n" "$verdict" table "$FW_TABLE" || exit 1
	done
	;;
iptables)
	for ((n = 0; n < count; n++)); do
		iptables -t raw -A PREROUTING -p "$n" -j DROP || exit 1
	done
	;;
iptables-restore)
	iptables-restore <"$tmp/rules" || exit 1
	;;
nft)
	while read -r line; do
		# one nft process per rule, as a script of single commands runs
		# shellcheck disable=SC2086 # the words of the rule are the arguments
		nft $line || exit 1
	done <"$tmp/rules"
	;;
nft-f)
	nft -f "$tmp/rules" || exit 1
	;;
*)
	echo "rules.sh: unknown tool $tool" >&2
	exit 2
	;;
esac
end=${EPOCHREALTIME/./}
echo $((end - start))
