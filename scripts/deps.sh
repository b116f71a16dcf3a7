#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs the Debian packages that the build, the tests, the benchmarks and
# the demo need, when any is missing. Quick and silent when all are there.
set -euo pipefail

packages=(
	# build
	make gcc clang llvm pkg-config libbpf-dev libmnl-dev libelf-dev zlib1g-dev libjansson-dev libpcap-dev
	# run time: what admins load and inspect objects with
	iproute2 bpftool util-linux
	# tests and demo
	iputils-ping python3 python3-scapy socat curl ethtool jq tcpdump man-db groff-base shellcheck git strace bash-completion tmux
	# tests on Debian 12's 6.1 kernel under qemu
	qemu-system-x86 busybox-static kmod
	# benchmarks: the tools an admin would use instead
	xdp-tools iptables nftables iperf3 linux-perf
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
