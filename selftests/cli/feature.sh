#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tcctl feature: each probe agrees with what bpftool's own probes or the
# kernel's release say, "tcctl feature NAME" is a runbook's test, and the
# probes leave nothing behind.
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
trap cleanup EXIT

json=$("$TCCTL" -j feature)
check "tcctl feature runs" test $? -eq 0
present() { # FEATURE: true or false, as tcctl -j feature says
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
print(str([f["present"] for f in d["features"] if f["name"] == sys.argv[2]][0]).lower())' "$json" "$1"
}
check "... and names the running kernel" expect_eq kernel \
	"$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["kernel"])' "$json")" "$(uname -r)"

# bpftool probes program types, map types and helpers its own way
probe=$(bpftool -j feature probe kernel 2>/dev/null)
bpftool_has() { # SECTION KEY, or SECTION LIST/ITEM to look ITEM up in a list
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])[sys.argv[2]]
key = sys.argv[3]
if "/" in key:
    name, item = key.split("/")
    print(str(item in d[name]).lower())
else:
    print(str(d[key]).lower())' "$probe" "$1" "$2"
}
for pair in tc-bpf:program_types:have_sched_cls_prog_type \
	xdp:program_types:have_xdp_prog_type \
	sk-msg:program_types:have_sk_msg_prog_type \
	sock-ops:program_types:have_sock_ops_prog_type \
	cgroup-device:program_types:have_cgroup_device_prog_type \
	lpm-trie:map_types:have_lpm_trie_map_type \
	lru-hash:map_types:have_lru_hash_map_type \
	ringbuf:map_types:have_ringbuf_map_type \
	sockhash:map_types:have_sockhash_map_type \
	sk-assign:helpers:sched_cls_available_helpers/bpf_sk_assign; do
	IFS=: read -r name section key <<<"$pair"
	check "$name: tcctl's probe agrees with bpftool's" \
		expect_eq "$name" "$(present "$name")" "$(bpftool_has "$section" "$key")"
done

# what bpftool does not probe: the release that brought it decides
release_at_least() { # MAJOR.MINOR
	python3 -c 'import sys,re
have = tuple(map(int, re.match(r"(\d+)\.(\d+)", sys.argv[1]).groups()))
need = tuple(map(int, sys.argv[2].split(".")))
print(str(have >= need).lower())' "$(uname -r)" "$1"
}
for pair in tcx:6.6 xdp-link:5.9 xdp-frags:5.18; do
	IFS=: read -r name since <<<"$pair"
	check "$name: tcctl's probe agrees with Linux $(uname -r) (since $since)" \
		expect_eq "$name" "$(present "$name")" "$(release_at_least "$since")"
done
[ -r /sys/kernel/btf/vmlinux ] && want=true || want=false
check "btf: tcctl's probe agrees with /sys/kernel/btf/vmlinux" expect_eq btf "$(present btf)" "$want"

# a runbook's test: exit 0 with the feature, else 1 and one line naming the kernel
out=$("$TCCTL" feature tcx 2>&1)
rc=$?
if [ "$(present tcx)" == true ]; then
	check "tcctl feature tcx: exit 0, silent, where the kernel has tcx" \
		test "$rc" -eq 0 -a -z "$out"
else
	check "tcctl feature tcx: exit 1 where the kernel lacks tcx" test "$rc" -eq 1
	check "... with one line naming Linux 6.6 and this kernel" expect_eq error "$out" \
		"tcctl: tcx (tc programs attached as tcx links) needs Linux 6.6 or later; this is Linux $(uname -r)"
fi
"$TCCTL" feature tc-bpf xdp
check "tcctl feature with several present features: exit 0" test $? -eq 0

netns_new A fta || exit 1
expect_error "an unknown feature is a usage error" 2 \
	'tcctl: feature: unknown feature "tcxx" (see '"'tcctl help'"')' "$A" \
	"$TCCTL" feature tc-bpf tcxx

# the link probes attach in a namespace of their own, in a child process
in_ns "$A" "$TCCTL" feature xdp-link tcx >/dev/null 2>&1
check "the link probes leave no XDP program on lo" \
	bash -c "! ip -n '$A' link show lo | grep -q xdp"
check "... and no program behind" expect_eq "bpftool net" \
	"$(in_ns "$A" bpftool -j net show | python3 -c 'import json,sys
d = json.load(sys.stdin)[0]
print(len(d["xdp"]) + len(d["tc"]) + len(d.get("tcx", [])))')" 0
exit "$ret"
