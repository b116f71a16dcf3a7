/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's rule and set maps, pinned by name beside the per-protocol ones. Their
 * layouts and the banked scheme that makes a replace atomic are in
 * ../abi/fw_rules.h.
 */
#ifndef TCCTL_LIB_FW_RULE_MAPS_H
#define TCCTL_LIB_FW_RULE_MAPS_H

#include <bpf/bpf_helpers.h>

#include "../abi/fw_rules.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fw_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_BANKS * FW_MAX_TABLES);
	__type(key, __u32);
	__type(value, struct fw_table);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_tables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_BANKS * FW_MAX_TABLES * FW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct fw_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_BANKS * FW_MAX_TABLES * FW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct fw_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_rcount SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_NET_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_net4_key);
	__type(value, struct fw_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_net4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_NET_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_net6_key);
	__type(value, struct fw_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_net6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_PORT_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_port_key);
	__type(value, struct fw_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_BANKS * FW_MAX_TABLES * 256);
	__type(key, __u32);
	__type(value, struct fw_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_protos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_BANKS * FW_MAX_TABLES * 257);
	__type(key, __u32);
	__type(value, struct fw_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_icmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_SET_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_set4_key);
	__type(value, struct fw_set_elem);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_set4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_SET_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_set6_key);
	__type(value, struct fw_set_elem);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_set6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_MAX_SETS);
	__type(key, __u32);
	__type(value, struct fw_set_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_setmeta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_BANKS * FW_MAX_TABLES * FW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct fw_rate_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_rlrule SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FW_RLSRC_ENTRIES);
	__type(key, struct fw_rlsrc_key);
	__type(value, struct fw_rate_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_rlsrc SEC(".maps");

/*
 * Per-packet working space, too large for the 512-byte stack. One per hook:
 * tc and XDP programs run to completion on their CPU, so two runs never
 * share one.
 */
struct fw_scratch {
	__u64 acc[FW_RULE_WORDS]; /* the matching rules not visited yet */
	__u8 src[16];
	__u8 dst[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_HOOKS);
	__type(key, __u32);
	__type(value, struct fw_scratch);
} fw_scratch SEC(".maps");

#endif /* TCCTL_LIB_FW_RULE_MAPS_H */
