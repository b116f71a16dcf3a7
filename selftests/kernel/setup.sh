#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gets Debian 12's stock 6.1 kernel ready to boot under qemu, in DIR
# (default build/kernel): vmrun.sh needs nothing else.
#   - the package: the linux-image-6.1.0-NN-amd64 that linux-image-amd64
#     depends on (or $TCCTL_VM_KERNEL_PKG), through apt-get download;
#   - kroot/: the package unpacked, with modules.dep (depmod) and the config;
#   - vmlinux: the uncompressed ELF inside vmlinuz; qemu boots it through its
#     PVH note, which skips the firmware's real-mode loader and the xz
#     decompression (about 3 s less per boot under TCG);
#   - initrd.img (mkinitrd.sh) and kver.
# Quick when all is there. Usage: setup.sh [DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../../build/kernel}
mkdir -p "$dir"
cd "$dir"

debian_kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -1
}

pkg=${TCCTL_VM_KERNEL_PKG:-$(debian_kernel_package)}
if [ -z "$pkg" ]; then
	# a bare machine has no package lists yet
	apt-get update -qq
	pkg=$(debian_kernel_package)
fi
if [ -z "$pkg" ]; then
	echo "kernel setup: apt knows no linux-image-6.1.0-NN-amd64 (is this Debian 12?)" >&2
	exit 1
fi
kver=${pkg#linux-image-}

if [ ! -e kroot/lib/modules/"$kver"/modules.dep ]; then
	echo "kernel setup: downloading $pkg"
	rm -rf kroot ./*.deb
	apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null
	dpkg-deb -x linux-image-"$kver"_*.deb kroot
	rm -f ./*.deb
	cp kroot/boot/config-"$kver" kroot/lib/modules/"$kver"/config
	depmod -b kroot "$kver"
fi

if [ ! -s vmlinux-"$kver" ]; then
	python3 - kroot/boot/vmlinuz-"$kver" vmlinux-"$kver".tmp <<'PY'
import lzma, sys
image = open(sys.argv[1], 'rb').read()
start = image.find(b'\xfd7zXZ\x00')     # Debian builds with CONFIG_KERNEL_XZ
if start < 0:
    sys.exit("kernel setup: no xz stream in " + sys.argv[1])
elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(image[start:])
if elf[:4] != b'\x7fELF':
    sys.exit("kernel setup: the xz payload of %s is not an ELF" % sys.argv[1])
open(sys.argv[2], 'wb').write(elf)
PY
	mv vmlinux-"$kver".tmp vmlinux-"$kver"
fi

"$here"/mkinitrd.sh kroot "$kver" initrd.img
ln -sf vmlinux-"$kver" vmlinux
echo "$kver" >kver
