#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Prints the path of promtool, Prometheus' own checker of the exposition
# format, taken from Debian's prometheus package WITHOUT installing it (the
# package would start a Prometheus server): apt-get download once into
# build/tools/, then dpkg-deb -x. Usage: selftests/tools/promtool.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/build/tools
bin=$dir/promtool

if [ ! -x "$bin" ]; then
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/prometheus.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# as root: apt's _apt user may not write to the build tree
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root prometheus >&2)
	dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
	mv "$tmp/root/usr/bin/promtool" "$bin"
fi
"$bin" --version >/dev/null
echo "$bin"
