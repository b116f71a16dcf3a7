/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fw object's maps, BTF-defined and pinned by name so that tc, ip and
 * tcctl loads of fw.o all share one state in /sys/fs/bpf/tc/globals. Their
 * layouts are in ../abi/fw.h.
 */
#ifndef TCCTL_LIB_FW_MAPS_H
#define TCCTL_LIB_FW_MAPS_H

#include <bpf/bpf_helpers.h>

#include "../abi/fw.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_VERDICTS_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_COUNTERS_ENTRIES);
	__type(key, __u32);
	__type(value, struct fw_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FW_MAX_IFACES);
	__type(key, struct fw_iface_key);
	__type(value, struct fw_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_ifaces SEC(".maps");

#endif /* TCCTL_LIB_FW_MAPS_H */
