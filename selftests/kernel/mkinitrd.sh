#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the VM's initramfs: busybox-static, the modules that reach the
# host's files (virtio, 9p, overlay) from the unpacked kernel, and the two
# init stages. Usage: mkinitrd.sh KROOT KVER OUT
set -euo pipefail
kroot=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)

if ! dpkg -S /bin/busybox 2>/dev/null | grep -q '^busybox-static:'; then
	echo "mkinitrd: /bin/busybox must be busybox-static's (a static binary)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/bin "$tmp"/modules "$tmp"/tmp
cp /bin/busybox "$tmp"/bin/busybox
# shellcheck source=selftests/kernel/initrd-modules
source "$here"/initrd-modules
for m in "${INITRD_MODULES[@]}"; do
	cp "$(modinfo -b "$kroot" -k "$kver" -F filename "$m")" "$tmp"/modules/"$m".ko
done
printf '%s\n' "${INITRD_MODULES[@]}" >"$tmp"/modules/order
install -m 0755 "$here"/init "$tmp"/init
install -m 0755 "$here"/stage2 "$tmp"/stage2
# newc cpio, gzip: an uncompressed cpio boots no faster under TCG (measured)
(cd "$tmp" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) |
	gzip -9 >"$out".tmp
mv "$out".tmp "$out"
