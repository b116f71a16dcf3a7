// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl fw set { create | destroy | add | del | load | flush | list }.
 * add and del change the live set member by member; load and flush replace
 * its contents at once through a fresh slot; create and destroy change the
 * configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_cmds.h"
#include "fw_edit.h"
#include "fw_file.h"

int fw_set_name_check(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= FW_SET_NAME_LEN || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
		return usage_err("bad set name \"%s\": 1 to %d letters, digits, '_', '.' or '-'",
				 name, FW_SET_NAME_LEN - 1);
	return 0;
}

/* the set called name, or a one-line error */
static int fw_set_lookup(const struct fw_config *c, const char *name)
{
	int set = fw_config_set_find(c, name);

	if (set < 0)
		err("no set called \"%s\" (see tcctl fw set list)", name);
	return set < 0 ? -ENOENT : set;
}

static int arg_set_name(struct args *a, const char **name)
{
	return arg_value(a, "set", name) ?: fw_set_name_check(*name);
}

/* set create NAME [ counters ] */
static int set_create(struct args *a)
{
	const char *name;
	bool counters;
	struct fw_edit e;
	int ret;

	ret = arg_set_name(a, &name);
	counters = !ret && arg_is(a, "counters");
	ret = ret ?: arg_end(a);
	if (ret)
		return ret;
	ret = fw_edit_begin(&e, true);
	if (!ret && fw_config_set_find(e.next, name) >= 0) {
		err("set %s exists", name);
		ret = -EEXIST;
	}
	if (!ret && fw_config_set_add(e.next, name, counters ? FW_SET_COUNTERS : 0) < 0) {
		err("too many sets: %d is the most", FW_MAX_SETS / 2);
		ret = -ENOSPC;
	}
	ret = ret ?: fw_edit_commit(&e);
	fw_edit_end(&e);
	return ret;
}

/* set destroy NAME */
static int set_destroy(struct args *a)
{
	const char *name;
	struct fw_edit e;
	int ret, set;

	ret = arg_set_name(a, &name) ?: arg_end(a);
	if (ret)
		return ret;
	ret = fw_edit_begin(&e, true);
	set = ret ? ret : fw_set_lookup(e.next, name);
	if (!ret && set >= 0 && fw_config_set_used(e.next, set)) {
		err("set %s is named by rules: delete them first", name);
		ret = -EBUSY;
	} else if (!ret && set < 0) {
		ret = set;
	}
	if (!ret) {
		/* rules name sets by index: the last takes the freed place */
		int last = e.next->nsets - 1;

		for (int t = 0; t < FW_MAX_TABLES; t++)
			for (uint32_t i = 0; i < e.next->tables[t].n; i++) {
				struct fw_rule *r = &e.next->tables[t].rules[i];

				if ((r->match & FW_M_SRC_SET) && r->src_set == (uint32_t)last)
					r->src_set = set;
				if ((r->match & FW_M_DST_SET) && r->dst_set == (uint32_t)last)
					r->dst_set = set;
			}
		e.next->sets[set] = e.next->sets[last];
		e.next->nsets--;
		ret = fw_edit_commit(&e);
	}
	fw_edit_end(&e);
	return ret;
}

/* set add NAME CIDR..., set del NAME CIDR...: the live set, all or nothing */
static int set_members(struct args *a, bool add)
{
	struct fw_members mb = {};
	const char *name, *s, *why;
	struct fw_edit e;
	struct cidr c;
	int ret, set;

	ret = arg_set_name(a, &name);
	if (!ret && !arg_peek(a))
		ret = usage_err("set %s %s needs addresses", add ? "add" : "del", name);
	while (!ret && (s = arg_next(a))) {
		if (cidr_parse(s, &c, &why))
			ret = usage_err("bad address \"%s\": %s", s, why);
		else if (fw_members_add(&mb, &c))
			ret = -ENOMEM;
	}
	if (!ret)
		ret = fw_edit_begin(&e, true);
	else
		goto out;
	set = ret ? ret : fw_set_lookup(e.prev, name);
	if (!ret && set < 0)
		ret = set;
	if (!ret && add) {
		ret = fw_set_write(&e.maps, e.prev->sets[set].slot, &mb);
		if (ret)
			err("cannot add to set %s: %s", name,
			    ret == -E2BIG || ret == -ENOMEM ? "the sets are full" : strerror(-ret));
	} else if (!ret) {
		ret = fw_set_delete(&e.maps, e.prev->sets[set].slot, &mb);
		if (ret == -ENOENT) {
			err("set %s does not hold one of these exactly (see tcctl fw set list %s members); nothing deleted",
			    name, name);
		} else if (ret) {
			err("cannot delete from set %s: %s", name, strerror(-ret));
		}
	}
	fw_edit_end(&e);
out:
	fw_members_free(&mb);
	return ret;
}

/* set load NAME FILE [ counters ], set flush NAME: new contents at once */
static int set_replace(struct args *a, bool load)
{
	const char *name, *file = NULL;
	struct fw_members mb = {};
	bool counters = false;
	struct fw_edit e;
	int ret, set;

	ret = arg_set_name(a, &name);
	if (!ret && load)
		ret = arg_value(a, "file", &file);
	if (!ret && load)
		counters = arg_is(a, "counters");
	ret = ret ?: arg_end(a);
	if (!ret && file)
		ret = fw_members_read_file(file, &mb); /* before anything is opened */
	if (ret) {
		fw_members_free(&mb);
		return ret;
	}
	ret = fw_edit_begin(&e, true);
	if (!ret) {
		set = fw_config_set_find(e.next, name);
		if (set < 0 && load)
			set = fw_config_set_add(e.next, name, 0);
		if (set < 0 && load) {
			err("too many sets: %d is the most", FW_MAX_SETS / 2);
			ret = -ENOSPC;
		} else if (set < 0) {
			ret = fw_set_lookup(e.next, name);
		}
	}
	if (!ret) {
		struct fw_set_conf *s = &e.next->sets[set];

		s->reload = true;
		s->members = mb;
		memset(&mb, 0, sizeof(mb));
		if (counters)
			s->flags |= FW_SET_COUNTERS;
		ret = fw_edit_commit(&e);
	}
	fw_edit_end(&e);
	fw_members_free(&mb);
	return ret;
}

/* --- set list [ NAME ] [ members ] ----------------------------------------- */

static void print_list(json_t *doc)
{
	json_t *s, *m;
	size_t i, j;

	json_array_foreach(doc, i, s) {
		printf("set %s%s: %lld IPv4, %lld IPv6%s\n",
		       json_string_value(json_object_get(s, "name")),
		       json_is_true(json_object_get(s, "counters")) ? " counters" : "",
		       json_integer_value(json_object_get(s, "ipv4")),
		       json_integer_value(json_object_get(s, "ipv6")),
		       json_is_true(json_object_get(s, "used")) ? "" : " (no rule names it)");
		json_array_foreach(json_object_get(s, "members"), j, m) {
			if (json_object_get(m, "hits"))
				printf("  %-44s %12lld\n",
				       json_string_value(json_object_get(m, "prefix")),
				       json_integer_value(json_object_get(m, "hits")));
			else
				printf("  %s\n", json_string_value(json_object_get(m, "prefix")));
		}
	}
}

static json_t *members_json(const struct fw_members *mb, bool hits)
{
	json_t *list = json_array();
	char buf[CIDR_STRLEN];
	struct cidr c;

	for (size_t i = 0; i < mb->n4 + mb->n6; i++) {
		bool v6 = i >= mb->n4;
		size_t k = v6 ? i - mb->n4 : i;
		json_t *m;

		c = v6 ? fw_member_cidr6(&mb->v6[k]) : fw_member_cidr4(&mb->v4[k]);
		m = json_pack("{s:s}", "prefix", cidr_format(&c, buf));
		if (hits)
			json_object_set_new(m, "hits",
					    json_integer(v6 ? mb->hits6[k] : mb->hits4[k]));
		json_array_append_new(list, m);
	}
	return list;
}

static int set_list(struct tcctl *t, struct args *a)
{
	size_t n4[FW_MAX_SETS], n6[FW_MAX_SETS];
	const char *name = NULL;
	bool members = false;
	json_t *doc = json_array();
	struct fw_edit e;
	int ret, one = -1;

	if (arg_peek(a) && strcmp(arg_peek(a), "members"))
		name = arg_next(a);
	members = arg_is(a, "members");
	ret = arg_end(a);
	if (!ret && members && !name)
		ret = usage_err("set list members needs a set name");
	if (ret)
		goto out_doc;
	ret = fw_edit_begin(&e, false);
	if (!ret && name) {
		one = fw_set_lookup(e.prev, name);
		ret = one < 0 ? one : 0;
	}
	if (!ret) {
		ret = fw_set_count(&e.maps, n4, n6);
		if (ret)
			err("cannot count the sets' members: %s", strerror(-ret));
	}
	for (int i = 0; !ret && i < e.prev->nsets; i++) {
		const struct fw_set_conf *s = &e.prev->sets[i];
		bool counted = s->flags & FW_SET_COUNTERS;
		json_t *js;

		if (one >= 0 && i != one)
			continue;
		js = json_pack("{s:s, s:b, s:I, s:I, s:b}", "name", s->name, "counters", counted,
			       "ipv4", (json_int_t)n4[s->slot], "ipv6", (json_int_t)n6[s->slot],
			       "used", fw_config_set_used(e.prev, i));
		if (members) {
			struct fw_members mb;

			ret = fw_set_read(&e.maps, s->slot, counted, &mb);
			if (ret)
				err("cannot read set %s: %s", s->name, strerror(-ret));
			else
				json_object_set_new(js, "members", members_json(&mb, counted));
			fw_members_free(&mb);
		}
		json_array_append_new(doc, js);
	}
	fw_edit_end(&e);
	if (!ret)
		return out_emit(t, doc, print_list);
out_doc:
	json_decref(doc);
	return ret;
}

int fw_cmd_set(struct tcctl *t, struct args *a)
{
	if (arg_is(a, "create"))
		return set_create(a);
	if (arg_is(a, "destroy"))
		return set_destroy(a);
	if (arg_is(a, "add"))
		return set_members(a, true);
	if (arg_is(a, "del") || arg_is(a, "delete"))
		return set_members(a, false);
	if (arg_is(a, "load"))
		return set_replace(a, true);
	if (arg_is(a, "flush"))
		return set_replace(a, false);
	if (arg_is(a, "list") || arg_is(a, "show"))
		return set_list(t, a);
	return usage_err("fw set: expected create, destroy, add, del, load, flush or list%s%s",
			 arg_peek(a) ? ", not " : "", arg_peek(a) ? arg_peek(a) : "");
}
