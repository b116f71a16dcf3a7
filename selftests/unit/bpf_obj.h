/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For unit tests that load an object: the load itself (maps unpinned, so no
 * run touches /sys/fs/bpf), its programs by name and section, and its maps
 * by name, checked against the layout the ABI header gives, so a test never
 * reads a map whose layout drifted from what it was written for.
 */
#ifndef TCCTL_SELFTESTS_BPF_OBJ_H
#define TCCTL_SELFTESTS_BPF_OBJ_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "rodata.h" /* tcctl's: the unit tests link its library */
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

/*
 * Opens and loads an object with its maps unpinned. With share, the chain
 * maps are share's, as pinning by name makes them in real loads; with
 * member, the object is loaded as a chain member (lib/chain.h).
 */
static inline struct bpf_object *obj_open_load(const char *path, bool member, struct bpf_object *share)
{
	struct bpf_object *obj;
	struct bpf_map *map, *shared;
	__u8 one = 1;
	int err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		test_msg("open %s: %s", path, strerror(errno));
		return NULL;
	}
	bpf_object__for_each_map(map, obj) {
		err = bpf_map__set_pin_path(map, NULL);
		shared = share && !strncmp(bpf_map__name(map), "chain_", 6) ?
				 bpf_object__find_map_by_name(share, bpf_map__name(map)) :
				 NULL;
		if (!err && shared)
			err = bpf_map__reuse_fd(map, bpf_map__fd(shared));
		if (err)
			goto fail;
	}
	err = member ? rodata_set(obj, "chain_member", &one, sizeof(one)) : 0;
	err = err ?: bpf_object__load(obj);
	if (!err)
		return obj;
fail:
	test_msg("load %s: %s", path, strerror(-err));
	bpf_object__close(obj);
	return NULL;
}

/* a program of the loaded object, if it is in the section tc and ip are told */
static inline int obj_prog_fd(struct bpf_object *obj, const char *name, const char *sec)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	if (!prog) {
		test_msg("no program %s", name);
		return -ENOENT;
	}
	if (strcmp(bpf_program__section_name(prog), sec)) {
		test_msg("%s is in section %s, not %s", name, bpf_program__section_name(prog), sec);
		return -EINVAL;
	}
	return bpf_program__fd(prog);
}

#endif /* TCCTL_SELFTESTS_BPF_OBJ_H */
