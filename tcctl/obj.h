/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The object layer, over libbpf: the catalogue of our objects, where their
 * files are, loading one program of an object with its maps pinned where
 * iproute2 pins them, opening pinned maps, and telling whether a program
 * the kernel runs is one of ours.
 */
#ifndef TCCTL_OBJ_H
#define TCCTL_OBJ_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stddef.h>

/* iproute2's pin directory for maps with LIBBPF_PIN_BY_NAME: one state for all loaders */
#define BPFFS_ROOT	"/sys/fs/bpf"
#define PIN_DIR_DEFAULT BPFFS_ROOT "/tc/globals"
/* tcctl's own: the links it attaches live as long as their pins */
#define LINK_DIR BPFFS_ROOT "/tcctl/links"

#define OBJ_MAX_MAPS 24

struct object_desc {
	const char *name;     /* as on the command line: "fw" */
	const char *file;     /* in the object directory: "fw.o" */
	const char *xdp_prog; /* the programs' function names, which the kernel keeps */
	const char *tc_prog;
	const char *xdp_sec; /* and their sections, as given to tc and ip */
	const char *tc_sec;
	uint32_t tc_prio; /* default tc filter priority */
	bool internal;	  /* tcctl's own (the XDP chain root): not on the command line */
	const char *maps[OBJ_MAX_MAPS];
};

/* the objects a user names; the internal ones are not found */
const struct object_desc *object_find(const char *name);
/* the i-th object of the catalogue, internal ones included; NULL past the end */
const struct object_desc *object_at(size_t i);
/* the root program of XDP chains */
const struct object_desc *object_chain(void);
const struct object_desc *object_by_prog(const char *prog_name);
const char *object_names(void);

/* where objects are looked for: $TCCTL_BPF_DIR, else the dir built in (objdir.c) */
const char *object_dir(void);
extern const char tcctl_bpf_dir[];

/*
 * Where maps are pinned and looked for: PIN_DIR_DEFAULT, unless a dry run
 * (dryrun.c) has pointed tcctl at a scratch directory of its own, so that
 * every command it runs there changes copies and never the live maps.
 */
const char *pin_dir(void);
void pin_dir_set(const char *dir); /* NULL: back to the default */

/* bpffs */
bool bpffs_mounted(void);
/* what an fd from bpffs holds: "anon_inode:bpf-map", "...:bpf-link", "...:bpf-prog" */
bool bpf_fd_is(int fd, const char *kind);
int bpffs_check(void);
int pin_dir_prepare(void);
int link_dir_prepare(void);
/* whether pin_dir() has a pin of that name (of any kind) */
bool pin_exists(const char *name);
int pinned_map_open(const char *name);
/* refuses a pinned map whose layout is not the one this tcctl was built for */
int pinned_map_open_checked(const char *name, uint32_t key_size, uint32_t value_size,
			    uint32_t max_entries);

struct loaded_prog {
	struct bpf_object *obj;
	int prog_fd;
	char path[PATH_MAX];
	/* pins this load created, to remove if what follows fails */
	char new_pins[OBJ_MAX_MAPS][64];
	int n_new_pins;
	bool cached; /* obj belongs to the batch's cache (obj_cache.c) */
};

/* how to load: which hook's program, and for an XDP chain (abi/chain.h) what role */
struct load_opts {
	bool xdp;
	bool chain_member; /* goes on to the next program of a chain on pass */
	bool chain_root;   /* the chain object's root program, for chain_id */
	uint32_t chain_id;
};

int obj_load(const struct object_desc *o, const char *path, bool xdp, struct loaded_prog *lp);
int obj_load_opts(const struct object_desc *o, const char *path, const struct load_opts *opts,
		  struct loaded_prog *lp);
void obj_release(struct loaded_prog *lp, bool undo_pins);

/*
 * In a batch, a program is loaded (and verified) once and attached as many
 * times as the lines ask: the cache keeps each loaded object until the
 * batch ends. Off by default, so a single command never holds anything.
 */
void obj_cache_enable(bool on); /* off releases everything */
bool obj_cache_take(const struct object_desc *o, const char *path, const struct load_opts *opts,
		    struct loaded_prog *lp);
void obj_cache_keep(const struct object_desc *o, const struct load_opts *opts,
		    struct loaded_prog *lp);
/* forgets a cached object (the load it came from is undone) */
void obj_cache_drop(struct bpf_object *obj);

/* the catalogue object a running program belongs to, NULL if not ours */
struct prog_owner {
	const struct object_desc *object;
	char prog_name[16];
	uint8_t tag[8];	  /* a hash of the instructions, map fds left out */
	bool maps_pinned; /* it uses the maps pinned in pin_dir() */
};

int prog_identify(uint32_t prog_id, struct prog_owner *owner);
int prog_tag(int prog_fd, uint8_t tag[8]);

/* a program of this object, or of any of ours when object is NULL */
bool prog_owned(uint32_t prog_id, const struct object_desc *object);
/* the running program is already what new_fd would attach: leave it be */
bool prog_unchanged(uint32_t prog_id, const struct object_desc *o, int new_fd);

#endif /* TCCTL_OBJ_H */
