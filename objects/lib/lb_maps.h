/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lb object's maps, BTF-defined and pinned by name so that tc, ip and
 * tcctl loads of lb.o, on every interface of the balancer, share one state
 * in /sys/fs/bpf/tc/globals. Their layouts and meaning are in ../abi/lb.h.
 */
#ifndef TCCTL_LIB_LB_MAPS_H
#define TCCTL_LIB_LB_MAPS_H

#include <bpf/bpf_helpers.h>

#include "../abi/lb.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_MAX_SERVICES);
	__type(key, struct lb_service_key);
	__type(value, struct lb_service);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct lb_backend);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_SERVICES * 2);
	__type(key, __u32);
	__type(value, struct lb_ring);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_CONNS);
	__type(key, struct lb_flow);
	__type(value, struct lb_conn);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_CONNS);
	__type(key, struct lb_flow);
	__type(value, struct lb_nat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_reverse SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct lb_backend_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lb_counters SEC(".maps");

#endif /* TCCTL_LIB_LB_MAPS_H */
