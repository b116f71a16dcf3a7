/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What tcctl has pinned and whether anything still needs it, for "tcctl
 * pins": every pin in LINK_DIR (each a link tcctl made, judged by the
 * kernel's link info, never by its name) and, per catalogue object, the
 * maps of it pinned in pin_dir() with the loaded programs that use them.
 * Pins and programs are global to the bpffs and the kernel: nothing here
 * depends on the network namespace.
 */
#ifndef TCCTL_PINS_H
#define TCCTL_PINS_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>

#include "obj.h"

struct pin_link {
	char path[PATH_MAX];
	bool is_link;  /* false: some other kind of pin, listed but never removed */
	bool attached; /* the link's device is there: ifindex != 0 */
	uint32_t link_id, type, attach_type, ifindex, prog_id;
	char prog_name[16];
};

struct pin_prog {
	uint32_t id;
	char name[16];
	bool held_by_orphan; /* an orphaned link pin holds it */
};

struct pin_object {
	const struct object_desc *o;
	int n_catalogued; /* maps the catalogue lists */
	int n_maps;	  /* of them, pinned */
	struct {
		const char *name;
		uint32_t id;
	} maps[OBJ_MAX_MAPS];
	struct pin_prog *users;
	size_t n_users;
	bool removable; /* unused, and so is every object it shares a map with */
};

struct pins {
	struct pin_link *links;
	size_t n_links;
	struct pin_object *objects; /* only those with a map pinned */
	size_t n_objects;
};

/* 0 or -errno (printed); p is to be freed with pins_free either way */
int pins_scan(struct pins *p);
void pins_free(struct pins *p);

/*
 * Sets each object's removable. With orphans_go, programs that orphaned link
 * pins hold count as gone, as they will be once prune removes those pins:
 * that is dry-run's guess. prune itself removes the links, waits for their
 * programs to go, scans again and decides with orphans_go false.
 */
void pins_decide(struct pins *p, bool orphans_go);

/* waits (a second at most) for programs the kernel frees after their link pin goes */
void pins_wait_progs_gone(const uint32_t *ids, size_t n);

#endif /* TCCTL_PINS_H */
