// SPDX-License-Identifier: GPL-2.0-only
/*
 * The batch's cache of loaded objects. Verifying fw takes a good part of a
 * second; a batch that attaches it to a hundred devices loads it once. An
 * entry is used again only for the same object, file (same inode and
 * modification time) and load options, and only while every map it pinned
 * is still the pinned one: after an unpin or a prune it is loaded anew.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obj.h"

struct cached {
	const struct object_desc *o;
	struct load_opts opts;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	struct loaded_prog lp;
};

static struct cached *cache;
static size_t n_cached;
static bool enabled;

static void entry_free(struct cached *c)
{
	bpf_object__close(c->lp.obj);
	*c = cache[--n_cached];
}

void obj_cache_enable(bool on)
{
	if (!on)
		while (n_cached)
			entry_free(&cache[0]);
	if (!on) {
		free(cache);
		cache = NULL;
	}
	enabled = on;
}

static uint32_t fd_map_id(int fd)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);

	return fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

/* every map the object pinned is still what its pin holds */
static bool pins_current(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *pin = bpf_map__pin_path(map);
		uint32_t pinned;
		int fd;

		if (!pin)
			continue;
		fd = bpf_obj_get(pin);
		pinned = fd_map_id(fd);
		if (fd >= 0)
			close(fd);
		if (!pinned || pinned != fd_map_id(bpf_map__fd(map)))
			return false;
	}
	return true;
}

static bool same_opts(const struct load_opts *a, const struct load_opts *b)
{
	return a->xdp == b->xdp && a->chain_member == b->chain_member &&
	       a->chain_root == b->chain_root && (!a->chain_root || a->chain_id == b->chain_id);
}

bool obj_cache_take(const struct object_desc *o, const char *path, const struct load_opts *opts,
		    struct loaded_prog *lp)
{
	struct stat st;

	if (!enabled || stat(path, &st))
		return false;
	for (size_t i = 0; i < n_cached; i++) {
		struct cached *c = &cache[i];

		if (c->o != o || c->dev != st.st_dev || c->ino != st.st_ino ||
		    c->mtime.tv_sec != st.st_mtim.tv_sec ||
		    c->mtime.tv_nsec != st.st_mtim.tv_nsec || !same_opts(&c->opts, opts))
			continue;
		if (!pins_current(c->lp.obj)) {
			entry_free(c);
			return false;
		}
		*lp = c->lp;
		lp->n_new_pins = 0; /* this use created none */
		return true;
	}
	return false;
}

void obj_cache_keep(const struct object_desc *o, const struct load_opts *opts,
		    struct loaded_prog *lp)
{
	struct cached *grown;
	struct stat st;

	if (!enabled || stat(lp->path, &st))
		return;
	grown = realloc(cache, (n_cached + 1) * sizeof(*cache));
	if (!grown)
		return; /* not kept: the caller closes it as usual */
	cache = grown;
	lp->cached = true;
	cache[n_cached++] = (struct cached){
		.o = o, .opts = *opts, .dev = st.st_dev, .ino = st.st_ino, .mtime = st.st_mtim,
		.lp = *lp,
	};
}

void obj_cache_drop(struct bpf_object *obj)
{
	for (size_t i = 0; i < n_cached; i++)
		if (cache[i].lp.obj == obj)
			entry_free(&cache[i]);
}
