/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fw object's maps, as an ABI shared by the BPF programs, tcctl and the
 * tests. Every layout here is fixed-width and host byte order (maps are
 * per-host state; nothing here crosses the wire), and its size is asserted so
 * a change shows up at build time, not as a pin "parameter mismatch" at load.
 *
 * fw classifies each packet into a slot: the IP protocol number (0-255, IPv4
 * and IPv6 alike), or one of two pseudo-protocols for frames that carry no IP
 * (ARP, LLDP, ...) and frames too short or too odd to parse. Each table holds
 * a verdict per slot and counts packets and bytes per slot and verdict.
 * Interfaces and hooks choose a table through fw_ifaces; table 0 serves every
 * (interface, hook) not listed there.
 */
#ifndef TCCTL_ABI_FW_H
#define TCCTL_ABI_FW_H

#include <linux/types.h>

/* Map names: the pin file names under /sys/fs/bpf/tc/globals/. */
#define FW_MAP_VERDICTS "fw_verdicts"
#define FW_MAP_COUNTERS "fw_counters"
#define FW_MAP_IFACES	"fw_ifaces"

#define FW_MAX_TABLES 16
#define FW_MAX_IFACES 1024

enum fw_slot {
	/* 0..255: the IP protocol number (after IPv6 extension headers) */
	FW_SLOT_NON_IP = 256,	 /* no IPv4/IPv6 after at most two VLAN tags */
	FW_SLOT_MALFORMED = 257, /* truncated or invalid Ethernet/IP headers */
	FW_SLOTS = 258,
};

enum fw_verdict {
	FW_PASS = 0, /* the zero value: a fresh table passes everything */
	FW_DROP = 1,
	FW_VERDICTS = 2,
};

enum fw_hook {
	FW_HOOK_XDP = 0,
	FW_HOOK_TC_INGRESS = 1,
	FW_HOOK_TC_EGRESS = 2,
	FW_HOOKS = 3,
};

/* fw_verdicts: BPF_MAP_TYPE_ARRAY, index fw_verdict_index(), value __u32 enum fw_verdict. */
#define FW_VERDICTS_ENTRIES (FW_MAX_TABLES * FW_SLOTS)

/* fw_counters: BPF_MAP_TYPE_PERCPU_ARRAY, index fw_counter_index(). */
#define FW_COUNTERS_ENTRIES (FW_VERDICTS_ENTRIES * FW_VERDICTS)

struct fw_counter {
	__u64 packets;
	__u64 bytes; /* frame length at the hook: L2 header on, FCS off */
};
_Static_assert(sizeof(struct fw_counter) == 16, "fw_counter is ABI");

/* fw_ifaces: BPF_MAP_TYPE_HASH, which table an interface's hook uses. */
struct fw_iface_key {
	__u32 ifindex;
	__u32 hook; /* enum fw_hook */
};
_Static_assert(sizeof(struct fw_iface_key) == 8, "fw_iface_key is ABI");

struct fw_iface {
	__u32 table; /* < FW_MAX_TABLES */
};
_Static_assert(sizeof(struct fw_iface) == 4, "fw_iface is ABI");

static inline __u32 fw_verdict_index(__u32 table, __u32 slot)
{
	return table * FW_SLOTS + slot;
}

static inline __u32 fw_counter_index(__u32 table, __u32 slot, __u32 verdict)
{
	return fw_verdict_index(table, slot) * FW_VERDICTS + verdict;
}

#endif /* TCCTL_ABI_FW_H */
