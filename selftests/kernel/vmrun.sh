#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs one command on Debian 12's stock 6.1 kernel under qemu (TCG), on the
# host's own userland: the host's / is shared read-only over virtio-9p under
# a tmpfs overlay, so the guest may write anywhere and nothing reaches the
# host. The console comes back live on stdout, the command's exit status as
# ours. Run setup.sh first.
#
# Usage: vmrun.sh [options] [--] COMMAND [ARG...]
#   -C DIR     working directory inside (default: the current directory, or /
#              when that is under /run or /dev, which are the guest's own)
#   -b         mount bpffs at /sys/fs/bpf first, as systemd does at boot
#   -t SECS    stop the VM after SECS seconds (default 900): exit 124
#   -m MB      memory (default 2048)      -s N   vCPUs (default 2)
#   -v         kernel messages on the console (no "quiet")
#   -a         keep user-space ASLR (off by default: execs are 2x faster in TCG)
#   -e ARG     one more kernel command-line argument (repeatable)
#   -d DIR     what setup.sh made (default: build/kernel)
#   -k KERNEL  -i INITRD   override the kernel image and the initramfs
# Exit status: the command's; 124 timeout; 125 when the VM gave none (qemu
# failed, the kernel did not boot, init failed, a panic or an oops); 2 usage.
# qemu runs with -accel tcg: KVM inside this nested VM hangs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/../../build/kernel
cwd='' timeout=900 mem=2048 smp=2 quiet=quiet aslr=0 bpffs=0
kargs='' kernel='' initrd=''

usage() {
	sed -n '/^# Usage/,/^# qemu/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
while getopts "C:bt:m:s:vae:d:k:i:h" o; do
	case $o in
	C) cwd=$OPTARG ;;
	b) bpffs=1 ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) smp=$OPTARG ;;
	v) quiet= ;;
	a) aslr=1 ;;
	e) kargs="$kargs $OPTARG" ;;
	d) dir=$OPTARG ;;
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage

fatal() {
	echo "vmrun: $*" >&2
	exit 125
}
kver=$(cat "$dir/kver" 2>/dev/null) || fatal "no kernel in $dir: run selftests/kernel/setup.sh"
kernel=${kernel:-$dir/vmlinux-$kver}
initrd=${initrd:-$dir/initrd.img}
moddir=$dir/kroot/lib/modules
for f in "$kernel" "$initrd"; do
	[ -r "$f" ] || fatal "cannot read $f"
done
[ -d "$moddir/$kver" ] || fatal "no modules in $moddir/$kver"
command -v qemu-system-x86_64 >/dev/null || fatal "qemu-system-x86_64 is not installed"
if [ -z "$cwd" ]; then
	cwd=$PWD
	case $cwd/ in /run/* | /dev/*) cwd=/ ;; esac
fi

ctl=$(mktemp -d /tmp/vmrun.XXXXXX) || exit 125
trap 'rm -rf "$ctl"' EXIT
{
	printf 'VM_CWD=%q\n' "$cwd"
	printf 'VM_ASLR=%q\n' "$aslr"
	printf 'VM_BPFFS=%q\n' "$bpffs"
} >"$ctl/config"
{
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$ctl/cmd"

# shellcheck disable=SC2054 # the commas are qemu's
args=(-accel tcg -machine q35 -cpu max -smp "$smp" -m "$mem"
	-nodefaults -no-user-config -display none -vga none -no-reboot
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 $quiet panic=-1 oops=panic tsc=reliable no_timer_check$kargs"
	-chardev stdio,id=con,signal=off -serial chardev:con -monitor none)
# share TAG HOSTDIR ro|rw  (qemu escapes "," in option values as ",,")
share() {
	local ro=
	[ "$3" == ro ] && ro=,readonly=on
	args+=(-fsdev "local,id=fs_$1,path=${2//,/,,},security_model=passthrough,multidevs=remap$ro"
		-device "virtio-9p-pci,fsdev=fs_$1,mount_tag=$1")
}
share root / ro
share modules "$moddir" ro
share ctl "$ctl" rw

# --foreground: qemu stays in our process group, so Ctrl-C and a caller's
# kill reach it; -k: SIGKILL when SIGTERM did not end it. The power-off
# message is dropped so that the command's last line stays the last one.
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null 2>&1 |
	sed -u '/^\[ *[0-9.]*\] reboot: Power down\r\{0,1\}$/d'
qemu_rc=${PIPESTATUS[0]}
rc=$(cat "$ctl/rc" 2>/dev/null)
if [[ "$rc" =~ ^[0-9]+$ ]]; then
	exit "$rc"
elif [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "vmrun: the VM did not finish within ${timeout}s" >&2
	exit 124
fi
echo "vmrun: the VM gave no exit status (qemu exited with $qemu_rc): it did not boot, or crashed" >&2
exit 125
