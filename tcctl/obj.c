// SPDX-License-Identifier: GPL-2.0-only
/* Loading objects with libbpf, their pins in bpffs, and who owns a program. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "obj.h"
#include "rodata.h"

/*
 * libbpf explains a failure in its log and returns a bare errno. We keep
 * the first warning of a load (a pin "parameter mismatch", the program the
 * verifier refused) for our one-line error, and show the whole log only
 * with TCCTL_DEBUG set.
 */
static char libbpf_first_warn[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static bool debug_checked, debug;
	char *nl;

	if (!debug_checked) {
		const char *v = getenv("TCCTL_DEBUG");

		debug = v && *v && strcmp(v, "0");
		debug_checked = true;
	}
	if (debug)
		return vfprintf(stderr, fmt, ap);
	if (level != LIBBPF_WARN || libbpf_first_warn[0])
		return 0;
	vsnprintf(libbpf_first_warn, sizeof(libbpf_first_warn), fmt, ap);
	nl = strchr(libbpf_first_warn, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static const char *load_error(int ret)
{
	static char msg[320];
	const char *w = libbpf_first_warn;

	if (!strncmp(w, "libbpf: ", 8))
		w += 8;
	snprintf(msg, sizeof(msg), "%s%s%s", strerror(-ret), *w ? ": " : "", w);
	return msg;
}

bool bpffs_mounted(void)
{
	struct statfs st;

	return !statfs(BPFFS_ROOT, &st) && st.f_type == BPF_FS_MAGIC;
}

/* bpffs pins maps, links and programs alike; the fd's inode names the kind */
bool bpf_fd_is(int fd, const char *kind)
{
	char proc[64], target[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, kind);
}

int bpffs_check(void)
{
	if (!bpffs_mounted()) {
		err("bpffs is not mounted at %s (mount -t bpf bpf %s)", BPFFS_ROOT, BPFFS_ROOT);
		return -ENOENT;
	}
	return 0;
}

static int mkdir_once(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST) {
		err("cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static const char *pin_dir_now = PIN_DIR_DEFAULT;

const char *pin_dir(void)
{
	return pin_dir_now;
}

void pin_dir_set(const char *dir)
{
	pin_dir_now = dir ? dir : PIN_DIR_DEFAULT;
}

/*
 * The layout iproute2 makes: tc/globals, with xdp and ip as links to tc. A
 * scratch directory is made by its owner and only checked for here.
 */
int pin_dir_prepare(void)
{
	static const char *const links[] = { BPFFS_ROOT "/xdp", BPFFS_ROOT "/ip" };
	struct stat st;
	int ret;

	if (strcmp(pin_dir(), PIN_DIR_DEFAULT))
		return bpffs_check() ?: mkdir_once(pin_dir());
	ret = bpffs_check() ?: mkdir_once(BPFFS_ROOT "/tc") ?: mkdir_once(pin_dir());
	if (ret)
		return ret;
	for (size_t i = 0; i < 2; i++) {
		/* a real xdp/ directory (libxdp made it) is left alone */
		if (lstat(links[i], &st) && errno == ENOENT &&
		    symlink(BPFFS_ROOT "/tc/", links[i]) && errno != EEXIST) {
			err("cannot create %s: %s", links[i], strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int link_dir_prepare(void)
{
	return bpffs_check() ?: mkdir_once(BPFFS_ROOT "/tcctl") ?: mkdir_once(LINK_DIR);
}

int pinned_map_open(const char *name)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = bpffs_check();
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", pin_dir(), name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			err("%s does not exist: load the object first (tcctl pin or attach, or tc/ip with obj)",
			    path);
		else
			err("cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	return fd;
}

int pinned_map_open_checked(const char *name, uint32_t key_size, uint32_t value_size,
			    uint32_t max_entries)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, ret;

	fd = pinned_map_open(name);
	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		ret = -errno;
		err("%s/%s: %s", pin_dir(), name, strerror(-ret));
		close(fd);
		return ret;
	}
	if (info.key_size != key_size || info.value_size != value_size ||
	    info.max_entries != max_entries) {
		err("%s/%s has key %u, value %u, %u entries where this tcctl expects %u, %u, %u: another version of the object pinned it",
		    pin_dir(), name, info.key_size, info.value_size, info.max_entries, key_size,
		    value_size, max_entries);
		close(fd);
		return -EPROTO;
	}
	return fd;
}

static bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool pin_exists(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", pin_dir(), name);
	return path_exists(path);
}

/* the chain roles are constants the verifier sees: set them in .rodata before load */
static int set_chain_role(const struct bpf_object *obj, const char *path,
			  const struct load_opts *lo)
{
	uint8_t member = 1;
	int ret = 0;

	if (lo->chain_member)
		ret = rodata_set((struct bpf_object *)obj, "chain_member", &member, sizeof(member));
	if (!ret && lo->chain_root)
		ret = rodata_set((struct bpf_object *)obj, "chain_id", &lo->chain_id,
				 sizeof(lo->chain_id));
	if (ret)
		err("%s cannot be chained at XDP: it has no %s", path,
		    lo->chain_root ? "chain_id" : "chain_member");
	return ret;
}

int obj_load(const struct object_desc *o, const char *path, bool xdp, struct loaded_prog *lp)
{
	struct load_opts lo = { .xdp = xdp };

	return obj_load_opts(o, path, &lo, lp);
}

int obj_load_opts(const struct object_desc *o, const char *path, const struct load_opts *lo,
		  struct loaded_prog *lp)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir());
	bool xdp = lo->xdp;
	const char *want = xdp ? o->xdp_prog : o->tc_prog;
	bool existed[OBJ_MAX_MAPS] = {};
	struct bpf_program *prog, *p;
	struct bpf_map *map;
	int ret, i;

	memset(lp, 0, sizeof(*lp));
	lp->prog_fd = -1;
	snprintf(lp->path, sizeof(lp->path), "%s", path);
	if (obj_cache_take(o, path, lo, lp))
		return 0;
	if (!want) {
		err("%s has no %s program", o->name, xdp ? "XDP" : "tc");
		return -EOPNOTSUPP;
	}
	if (access(path, R_OK)) {
		ret = -errno;
		err("object file %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = pin_dir_prepare();
	if (ret)
		return ret;

	libbpf_set_print(libbpf_print);
	libbpf_first_warn[0] = '\0';
	lp->obj = bpf_object__open_file(path, &opts);
	ret = libbpf_get_error(lp->obj);
	if (ret) {
		lp->obj = NULL;
		err("cannot open %s: %s", path, load_error(ret));
		return ret;
	}
	prog = bpf_object__find_program_by_name(lp->obj, want);
	if (!prog) {
		err("%s has no program %s: is it %s?", path, want, o->file);
		ret = -ENOENT;
		goto fail;
	}
	bpf_object__for_each_program(p, lp->obj)
		bpf_program__set_autoload(p, p == prog);
	ret = set_chain_role(lp->obj, path, lo);
	if (ret)
		goto fail;

	i = 0;
	bpf_object__for_each_map(map, lp->obj) {
		const char *pin = bpf_map__pin_path(map);

		if (i < OBJ_MAX_MAPS)
			existed[i++] = !pin || path_exists(pin);
	}
	ret = bpf_object__load(lp->obj);
	if (ret) {
		err("cannot load %s (%s): %s", path, want, load_error(ret));
		goto fail;
	}
	i = 0;
	bpf_object__for_each_map(map, lp->obj) {
		if (i < OBJ_MAX_MAPS && !existed[i++] && bpf_map__is_pinned(map))
			snprintf(lp->new_pins[lp->n_new_pins++], sizeof(lp->new_pins[0]), "%s",
				 bpf_map__pin_path(map));
	}
	lp->prog_fd = bpf_program__fd(prog);
	obj_cache_keep(o, lo, lp);
	return 0;
fail:
	bpf_object__close(lp->obj);
	lp->obj = NULL;
	return ret;
}

void obj_release(struct loaded_prog *lp, bool undo_pins)
{
	if (undo_pins)
		for (int i = 0; i < lp->n_new_pins; i++)
			unlink(lp->new_pins[i]);
	if (lp->cached && undo_pins)
		obj_cache_drop(lp->obj);
	if (!lp->cached)
		bpf_object__close(lp->obj);
	lp->obj = NULL;
	lp->prog_fd = -1;
}

static uint32_t pinned_map_id(const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir(), name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

int prog_identify(uint32_t prog_id, struct prog_owner *owner)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	uint32_t map_ids[OBJ_MAX_MAPS * 2];
	uint32_t pinned;
	int fd, ret = 0;

	memset(owner, 0, sizeof(*owner));
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (uintptr_t)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		ret = -errno;
		goto out;
	}
	snprintf(owner->prog_name, sizeof(owner->prog_name), "%s", info.name);
	memcpy(owner->tag, info.tag, sizeof(owner->tag));
	owner->object = object_by_prog(owner->prog_name);
	if (!owner->object)
		goto out;
	pinned = pinned_map_id(owner->object->maps[0]);
	for (__u32 i = 0; pinned && i < info.nr_map_ids && i < OBJ_MAX_MAPS * 2; i++)
		if (map_ids[i] == pinned)
			owner->maps_pinned = true;
out:
	close(fd);
	return ret;
}

int prog_tag(int prog_fd, uint8_t tag[8])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	memcpy(tag, info.tag, sizeof(info.tag));
	return 0;
}

/* a program of this object, or of any of ours when object is NULL */
bool prog_owned(uint32_t prog_id, const struct object_desc *object)
{
	struct prog_owner owner;

	if (!prog_id || prog_identify(prog_id, &owner) || !owner.object)
		return false;
	return !object || owner.object == object;
}

/*
 * What is attached is already what we would attach: the same object's
 * program, the same instructions, the same pinned maps. Attaching again
 * then changes nothing, not even the program id, so runbooks can repeat.
 */
bool prog_unchanged(uint32_t prog_id, const struct object_desc *o, int new_fd)
{
	struct prog_owner owner;
	uint8_t tag[8];

	return prog_id && !prog_identify(prog_id, &owner) && owner.object == o &&
	       owner.maps_pinned && !prog_tag(new_fd, tag) && !memcmp(tag, owner.tag, sizeof(tag));
}
