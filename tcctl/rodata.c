// SPDX-License-Identifier: GPL-2.0-only
/* .rodata variables by name, through the BTF of the object or of the kernel's map. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "rodata.h"

/* the variable's offset and size in the datasec, or -ENOENT */
static int var_place(const struct btf *btf, uint32_t datasec_id, const char *var, size_t *size)
{
	const struct btf_type *sec = btf__type_by_id(btf, datasec_id);
	const struct btf_var_secinfo *vs;

	if (!sec || !btf_is_datasec(sec))
		return -ENOENT;
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (v && !strcmp(btf__name_by_offset(btf, v->name_off), var)) {
			*size = vs->size;
			return vs->offset;
		}
	}
	return -ENOENT;
}

static bool is_rodata(const char *map_name)
{
	size_t n = strlen(map_name);

	return n >= 7 && !strcmp(map_name + n - 7, ".rodata");
}

int rodata_set(struct bpf_object *obj, const char *var, const void *value, size_t size)
{
	struct btf *btf = bpf_object__btf(obj);
	size_t var_size, data_size;
	struct bpf_map *map;
	const void *initial;
	char *data;
	int id, off, ret;

	if (!btf)
		return -ENOENT;
	bpf_object__for_each_map(map, obj) {
		if (!is_rodata(bpf_map__name(map)))
			continue;
		id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
		off = id < 0 ? id : var_place(btf, id, var, &var_size);
		initial = bpf_map__initial_value(map, &data_size);
		if (off < 0 || !initial || var_size != size || off + size > data_size)
			return -ENOENT;
		/* libbpf 1.1 hands out a read-only view: change a copy and set it back */
		data = malloc(data_size);
		if (!data)
			return -ENOMEM;
		memcpy(data, initial, data_size);
		memcpy(data + off, value, size);
		ret = bpf_map__set_initial_value(map, data, data_size);
		free(data);
		return ret;
	}
	return -ENOENT;
}

static int map_rodata_get(uint32_t map_id, const char *var, void *value, size_t size)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info), zero = 0;
	struct btf *btf = NULL;
	size_t var_size;
	char *data = NULL;
	int fd, off, ret = -ENOENT;

	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !is_rodata(info.name) || !info.btf_id)
		goto out;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	data = malloc(info.value_size);
	if (!btf || !data)
		goto out;
	off = var_place(btf, info.btf_value_type_id, var, &var_size);
	if (off < 0 || var_size != size || off + size > info.value_size)
		goto out;
	if (bpf_map_lookup_elem(fd, &zero, data)) {
		ret = -errno;
		goto out;
	}
	memcpy(value, data + off, size);
	ret = 0;
out:
	free(data);
	btf__free(btf);
	close(fd);
	return ret;
}

int rodata_get(uint32_t prog_id, const char *var, void *value, size_t size)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info), map_ids[32];
	int fd, ret = -ENOENT;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (uintptr_t)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		ret = -errno;
	for (uint32_t i = 0; ret == -ENOENT && i < info.nr_map_ids && i < 32; i++)
		ret = map_rodata_get(map_ids[i], var, value, size);
	close(fd);
	return ret;
}
