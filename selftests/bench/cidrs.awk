#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0-only
# make bench's blocklist: n IPv4 CIDRs (default 1,000,000), one a line, in
# about a second. Every CIDR lies in its own /24, so none contains another
# (an nftables interval set takes them without auto-merge, and a lookup can
# hit one element only); lengths /24 to /32 in equal shares, the host bits
# under the prefix cleared. The /24s are i * K mod 2^24 for i = 0, 1, ...
# (K odd: no /24 twice), skipping 0/8, 10/8 (the benchmarks' own traffic),
# 127/8 and 224/3. The same seed gives the same list, and a shorter list is
# the start of a longer one.
# Usage: awk -v n=COUNT [ -v seed=SEED ] -f cidrs.awk
BEGIN {
	if (n == "")
		n = 1000000
	seed += 0
	srand(seed)
	K = 10368889
	for (i = 0; out < n && i < 16777216; i++) {
		slot = (i * K + seed) % 16777216
		a = int(slot / 65536)
		if (a == 0 || a == 10 || a == 127 || a >= 224)
			continue
		len = 24 + int(rand() * 9)
		host = int(rand() * 256)
		host -= host % (2 ^ (32 - len))
		printf "%d.%d.%d.%d/%d\n", a, int(slot / 256) % 256, slot % 256, host, len
		out++
	}
}
