#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A UDP flood from namespace $A to $B (10.11.0.2 port 9999) for the tests
# that prove a change lets nothing through: source it after lib.sh, with A
# and B set up by netns_new and veth_pair.

# the UDP datagrams B's stack got (for a socket or for none)
udp_in() {
	in_ns "$B" nstat -asz UdpInDatagrams UdpNoPorts | awk '{ n += $2 } END { print n + 0 }'
}

# flood STOPFILE COUNTFILE: UDP from A (10.11.0.1) to B's port 9999 as fast
# as one socket sends, until STOPFILE exists; then COUNTFILE says how many.
# COUNTFILE.started appears once it sends; fpid is its pid, for the caller's wait.
flood() {
	rm -f "$1" "$2" "$2.started"
	in_ns "$A" python3 -c 'import os,socket,sys
k=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
n=0
while not os.path.exists(sys.argv[1]):
	for _ in range(256):
		try:
			k.sendto(b"f"*18,("10.11.0.2",9999))
			n+=1
		except OSError:
			pass
	if n==256:
		open(sys.argv[2]+".started","w").close()
with open(sys.argv[2],"w") as f:
	print(n,file=f)' "$@" &
	# shellcheck disable=SC2034 # read by the tests that source this file
	fpid=$!
	# python starts slowly under an emulator: wait for the first packets
	for _ in $(seq 300); do
		[ -e "$2.started" ] && break
		sleep 0.1
	done
}
