#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make install: the installed tcctl finds the installed objects with no flag,
# the installed plugin works from tc, DESTDIR stages without touching PREFIX.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"

prefix=$(mktemp -d) stage=$(mktemp -d)
trap 'rm -rf "$prefix" "$stage"; cleanup' EXIT

make -s -C "$TOP" install PREFIX="$prefix" TC_LIB_DIR="$prefix/lib/tc" >/dev/null
check "make install PREFIX puts tcctl, objects, plugin and man pages in place" \
	test -x "$prefix/sbin/tcctl" -a -f "$prefix/lib/tcctl/bpf/fw.o" -a \
	-f "$prefix/lib/tc/e_tcctl.so" -a -f "$prefix/share/man/man8/tcctl.8" -a \
	-f "$prefix/share/man/man7/tcctl-objects.7"
check "... and the bash completion where bash-completion looks for it" cmp \
	"$prefix/share/bash-completion/completions/tcctl" "$TOP/tcctl/bash-completion/tcctl"

unit=$prefix/lib/systemd/system/tcctl-prometheus.service
check "... and the Prometheus units, naming the installed tcctl" \
	bash -c "test -f '$prefix/lib/systemd/system/tcctl-prometheus.timer' &&
		grep -qx 'ExecStart=$prefix/sbin/tcctl stats prometheus file /var/lib/prometheus/node-exporter/tcctl.prom' '$unit'"
check "systemd-analyze verify accepts the units" \
	bash -c "systemd-analyze verify --man=no '$unit' '$prefix/lib/systemd/system/tcctl-prometheus.timer' 2>&1 | (! grep .)"

netns_new A ina && netns_new B inb && veth_pair "$A" "$B" || exit 1
env -u TCCTL_BPF_DIR "$prefix/sbin/tcctl" -n "$B" attach dev v1 ingress fw
check "the installed tcctl attaches the installed fw.o without flags" \
	bash -c "grep -q fw_tc <<<\"\$('$prefix/sbin/tcctl' -n '$B' status dev v1)\""
TC_LIB_DIR=$prefix/lib/tc in_ns "$B" tc exec tcctl fw proto icmp drop
check "the installed plugin configures it from tc" \
	expect_eq pings "$(ping_count "$A" 10.11.0.2 2)" 0
check "tc filter add ... obj <installed fw.o> shares the same maps" \
	bash -c "nsenter --net=/run/netns/$B tc filter add dev v1 ingress prio 11 handle 1 bpf da obj '$prefix/lib/tcctl/bpf/fw.o' sec tc &&
		'$prefix/sbin/tcctl' -n '$B' -j status dev v1 | grep -q '\"prio\":11,.*\"pinned\":true'"

env -u TC_LIB_DIR make -s -C "$TOP" install DESTDIR="$stage" PREFIX=/usr/local >/dev/null
check "DESTDIR stages under its root" \
	test -x "$stage/usr/local/sbin/tcctl" -a -f "$stage/usr/local/lib/tcctl/bpf/fw.o" -a \
	-f "$stage/usr/lib/tc/e_tcctl.so"
check "a DESTDIR build still looks for objects in PREFIX" \
	bash -c "strings '$stage/usr/local/sbin/tcctl' | grep -qx /usr/local/lib/tcctl/bpf"
check "DESTDIR stages the bash completion, both man pages and the units too" \
	test -f "$stage/usr/local/lib/systemd/system/tcctl-prometheus.timer" -a \
	-f "$stage/usr/local/share/bash-completion/completions/tcctl" -a \
	-f "$stage/usr/local/share/man/man8/tcctl.8" -a -f "$stage/usr/local/share/man/man7/tcctl-objects.7"
check "man -l renders the man page" bash -c "MANWIDTH=80 man -l '$prefix/share/man/man8/tcctl.8' 2>&1 | grep -q 'tcctl'"
check "man -l renders tcctl-objects(7): every object's section and its sec tc line" bash -c \
	"out=\$(MANWIDTH=200 man -l '$prefix/share/man/man7/tcctl-objects.7' 2>&1) &&
	 for s in FW STATS REDIR LB CHAIN; do grep -qx \"\$s\" <<<\"\$out\" || exit 1; done &&
	 grep -q 'bpf da obj lb.o sec tc' <<<\"\$out\""
check "man finds tcctl-objects in section 7 of the installed MANPATH" bash -c \
	"MANPATH='$prefix/share/man' MANWIDTH=80 man 7 tcctl-objects 2>/dev/null | grep -q 'redir_rules'"

make -s -C "$TOP" uninstall PREFIX="$prefix" TC_LIB_DIR="$prefix/lib/tc" >/dev/null
check "make uninstall removes tcctl, objects, plugin, man pages, completion and units" expect_eq left \
	"$(find "$prefix" -type f | sed "s|^$prefix/||" | sort | xargs)" ""
exit "$ret"
