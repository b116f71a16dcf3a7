/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For unit tests that load an object: a map of the loaded object by name,
 * checked against the layout the ABI header gives, so a test never reads a
 * map whose layout drifted from what it was written for.
 */
#ifndef TCCTL_SELFTESTS_BPF_OBJ_H
#define TCCTL_SELFTESTS_BPF_OBJ_H

#include <errno.h>
#include <bpf/libbpf.h>

#include "test.h"

static inline int obj_map_fd(struct bpf_object *obj, const char *name, __u32 key_size,
			     __u32 value_size, __u32 max_entries)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map) {
		test_msg("no map %s", name);
		return -ENOENT;
	}
	if (bpf_map__key_size(map) != key_size || bpf_map__value_size(map) != value_size ||
	    bpf_map__max_entries(map) != max_entries) {
		test_msg("map %s: key %u, value %u, %u entries; the abi says %u, %u, %u", name,
			 bpf_map__key_size(map), bpf_map__value_size(map),
			 bpf_map__max_entries(map), key_size, value_size, max_entries);
		return -EINVAL;
	}
	return bpf_map__fd(map);
}

#endif /* TCCTL_SELFTESTS_BPF_OBJ_H */
