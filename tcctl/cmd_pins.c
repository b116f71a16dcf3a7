// SPDX-License-Identifier: GPL-2.0-only
/*
 * pins: what tcctl has pinned, and the removal of what nothing needs any
 * more (the link pins of devices and namespaces that are gone, the maps of
 * objects no program uses). Other tools' pins in pin_dir() are neither
 * listed nor touched: only map names in the catalogue are ours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "tcctl.h"
#include "chain.h"
#include "kernel_compat.h"
#include "lock.h"
#include "pins.h"

static const char *link_state(const struct pin_link *l)
{
	if (!l->is_link)
		return "not-a-link";
	return l->attached ? "attached" : "orphaned";
}

static json_t *link_json(const struct pin_link *l)
{
	json_t *e = json_pack("{s:s, s:s}", "pin", l->path, "state", link_state(l));

	if (!e || !l->is_link)
		return e;
	if (l->type == BPF_LINK_TYPE_XDP) {
		json_object_set_new(e, "type", json_string("xdp"));
	} else if (l->type == TCCTL_BPF_LINK_TYPE_TCX) {
		bool egress = l->attach_type == TCCTL_BPF_TCX_EGRESS;

		json_object_set_new(e, "type", json_string("tcx"));
		json_object_set_new(e, "direction", json_string(egress ? "egress" : "ingress"));
	} else {
		json_object_set_new(e, "type", json_string("other"));
	}
	json_object_set_new(e, "link_type", json_integer(l->type));
	json_object_set_new(e, "link_id", json_integer(l->link_id));
	json_object_set_new(e, "ifindex", json_integer(l->ifindex));
	json_object_set_new(e, "prog_id", json_integer(l->prog_id));
	json_object_set_new(e, "prog", json_string(l->prog_name));
	return e;
}

static json_t *object_json(const struct pin_object *po)
{
	json_t *maps = json_array(), *users = json_array();

	for (int i = 0; i < po->n_maps; i++)
		json_array_append_new(maps, json_pack("{s:s, s:I}", "name", po->maps[i].name, "id",
						      (json_int_t)po->maps[i].id));
	for (size_t i = 0; i < po->n_users; i++)
		json_array_append_new(users, json_pack("{s:I, s:s, s:b}", "id",
						       (json_int_t)po->users[i].id, "prog",
						       po->users[i].name, "orphaned_link",
						       po->users[i].held_by_orphan));
	return json_pack("{s:s, s:s, s:b, s:o, s:o}", "name", po->o->name, "state",
			 po->n_users ? "in-use" : "unused", "complete",
			 po->n_maps == po->n_catalogued, "maps", maps, "used_by", users);
}

static json_t *show_json(const struct pins *p)
{
	json_t *links = json_array(), *objects = json_array();

	for (size_t i = 0; i < p->n_links; i++)
		json_array_append_new(links, link_json(&p->links[i]));
	for (size_t i = 0; i < p->n_objects; i++)
		json_array_append_new(objects, object_json(&p->objects[i]));
	return json_pack("{s:o, s:o}", "links", links, "objects", objects);
}

#define jstr(o, k) json_string_value(json_object_get(o, k))
#define jint(o, k) json_integer_value(json_object_get(o, k))

static void print_show(json_t *doc)
{
	json_t *e, *m;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "links"), i, e) {
		printf("link %s  %s", jstr(e, "pin"), jstr(e, "state"));
		if (json_object_get(e, "type")) {
			printf("  %s", jstr(e, "type"));
			if (json_object_get(e, "direction"))
				printf(" %s", jstr(e, "direction"));
			if (jint(e, "ifindex"))
				printf("  ifindex %lld", jint(e, "ifindex"));
			printf("  prog %lld %s", jint(e, "prog_id"), jstr(e, "prog"));
		}
		putchar('\n');
	}
	json_array_foreach(json_object_get(doc, "objects"), i, e) {
		json_t *maps = json_object_get(e, "maps"), *users = json_object_get(e, "used_by");

		printf("object %s  %s", jstr(e, "name"),
		       json_array_size(users) ? "in use by" : "unused");
		json_array_foreach(users, j, m) {
			bool orphan = json_is_true(json_object_get(m, "orphaned_link"));

			printf("%s prog %lld %s%s", j ? "," : "", jint(m, "id"), jstr(m, "prog"),
			       orphan ? " (orphaned link)" : "");
		}
		if (!json_is_true(json_object_get(e, "complete")))
			printf("  (incomplete: %zu maps pinned)", json_array_size(maps));
		putchar('\n');
		json_array_foreach(maps, j, m)
			printf("    map %s id %lld\n", jstr(m, "name"), jint(m, "id"));
	}
}

static int pins_show(struct tcctl *t)
{
	struct pins p;
	json_t *doc;
	int ret;

	ret = pins_scan(&p);
	doc = ret ? NULL : show_json(&p);
	pins_free(&p);
	return ret ?: out_emit(t, doc, print_show);
}

struct prune {
	bool dry_run;
	json_t *removed; /* [{ pin, kind, object? }] */
	int ret;	 /* the first failure */
};

/* one pin: removed (or, in a dry run, listed), or one error line and on to the next */
static void prune_one(struct prune *pr, const char *path, const char *kind, const char *object)
{
	json_t *e;

	if (!pr->dry_run && unlink(path) && errno != ENOENT) {
		int ret = -errno;

		err("cannot remove %s: %s", path, strerror(-ret));
		pr->ret = pr->ret ?: ret;
		return;
	}
	e = json_pack("{s:s, s:s}", "pin", path, "kind", kind);
	if (e && object)
		json_object_set_new(e, "object", json_string(object));
	json_array_append_new(pr->removed, e);
}

static int prune_links(struct prune *pr, struct pins *p)
{
	uint32_t *held;
	size_t n = 0;
	int ret = 0;

	held = calloc(p->n_links ? p->n_links : 1, sizeof(*held));
	if (!held) {
		err("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->n_links; i++) {
		const struct pin_link *l = &p->links[i];

		if (!l->is_link || l->attached)
			continue;
		/* the kernel detached it with its device; the pin is all that holds it */
		prune_one(pr, l->path, "link", NULL);
		held[n++] = l->prog_id;
	}
	if (n && !pr->dry_run) {
		/* their programs go after the pins, and with them maybe an object's last user */
		pins_wait_progs_gone(held, n);
		pins_free(p);
		ret = pins_scan(p);
	}
	free(held);
	return ret;
}

static void prune_objects(struct prune *pr, struct pins *p)
{
	char path[PATH_MAX];

	pins_decide(p, pr->dry_run);
	for (size_t i = 0; i < p->n_objects; i++) {
		const struct pin_object *po = &p->objects[i];

		if (!po->removable)
			continue;
		for (int m = 0; m < po->n_maps; m++) {
			snprintf(path, sizeof(path), "%s/%s", pin_dir(), po->maps[m].name);
			prune_one(pr, path, "map", po->o->name);
		}
	}
}

static void print_prune(json_t *doc)
{
	bool dry = json_is_true(json_object_get(doc, "dry_run"));
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(doc, "removed"), i, e)
		printf("%s %s\n", dry ? "would remove" : "removed", jstr(e, "pin"));
}

/*
 * Under the pins lock (lock.h), which tcctl's writers hold while they
 * change pins: what prune decides on is read after it has the lock. A dry
 * run changes nothing and takes no lock.
 */
static int pins_prune(struct tcctl *t, bool dry_run)
{
	struct prune pr = { .dry_run = dry_run };
	struct pins p = {};
	int ret, out;

	ret = dry_run ? bpffs_check() : pins_lock();
	if (ret)
		return ret;
	pr.removed = json_array();
	if (!dry_run)
		chain_sweep();
	ret = pins_scan(&p) ?: prune_links(&pr, &p);
	if (!ret)
		prune_objects(&pr, &p);
	pins_free(&p);
	if (!dry_run)
		pins_unlock();
	/* what went is said even when something failed after it */
	out = out_emit(t, json_pack("{s:b, s:o}", "dry_run", dry_run, "removed", pr.removed),
		       print_prune);
	return ret ?: pr.ret ?: out;
}

int cmd_pins(struct tcctl *t, struct args *a)
{
	int ret;

	if (!arg_peek(a) || arg_is(a, "show"))
		return arg_end(a) ?: pins_show(t);
	if (arg_is(a, "prune")) {
		bool dry_run = arg_is(a, "dry-run");

		ret = arg_end(a);
		return ret ?: pins_prune(t, dry_run);
	}
	return usage_err("unknown pins command \"%s\"", arg_peek(a));
}
