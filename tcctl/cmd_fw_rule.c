// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl fw rule { add | del | move | list | flush } and tcctl fw policy:
 * each change is the live configuration, edited, committed at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fw_cmds.h"
#include "fw_edit.h"
#include "fw_rule_text.h"

/* the position of the rule with this id in table t, or -1 */
static int rule_pos(const struct fw_table_conf *t, uint32_t id)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->rules[i].id == id)
			return i;
	return -1;
}

static int arg_rule_id(struct args *a, const struct fw_table_conf *t, uint32_t table, int *pos)
{
	unsigned int id;
	int ret = arg_u32(a, "rule id", UINT32_MAX, &id);

	if (ret)
		return ret;
	*pos = rule_pos(t, id);
	if (*pos < 0) {
		err("table %u has no rule with id %u (see tcctl fw rule list table %u)", table, id, table);
		return -ENOENT;
	}
	return 0;
}

int fw_rule_insert(struct fw_config *c, uint32_t table, uint32_t pos, const struct fw_rule *r,
		   bool give_id)
{
	struct fw_table_conf *t = &c->tables[table];
	uint32_t id = r->id || !give_id ? r->id : fw_config_next_id(t);

	if (t->n == FW_MAX_RULES) {
		err("table %u is full: %d rules is the most", table, FW_MAX_RULES);
		return -E2BIG;
	}
	if (r->id && rule_pos(t, r->id) >= 0)
		return usage_err("table %u has a rule with id %u already", table, r->id);
	memmove(&t->rules[pos + 1], &t->rules[pos], (t->n - pos) * sizeof(*r));
	t->rules[pos] = *r;
	t->rules[pos].id = id;
	t->n++;
	return 0;
}

/* rule add [ table N ] [ at POS ] [ id ID ] MATCH... ACTION */
static int rule_add(struct args *a)
{
	unsigned int pos = 0, id = 0;
	struct fw_rule r = {};
	struct fw_edit e;
	uint32_t table;
	int ret;

	ret = fw_arg_table(a, &table);
	if (!ret && arg_is(a, "at"))
		ret = arg_u32(a, "at", FW_MAX_RULES, &pos);
	if (!ret && arg_is(a, "id"))
		ret = arg_u32(a, "id", UINT32_MAX, &id);
	if (ret)
		return ret;
	if (arg_peek(a) && !strcmp(arg_peek(a), "at"))
		return usage_err("\"at\" comes before \"id\" and the matches");
	ret = fw_edit_begin(&e, true);
	if (!ret) {
		struct fw_table_conf *t = &e.next->tables[table];

		ret = fw_rule_parse(a, e.next, &r);
		if (!ret && pos > t->n + 1)
			ret = usage_err("at %u: table %u has %u rules, so a new one goes at 1 to %u",
					pos, table, t->n, t->n + 1);
		r.id = id;
		if (!ret)
			ret = fw_rule_insert(e.next, table, pos ? pos - 1 : t->n, &r, true);
		if (!ret)
			ret = fw_edit_commit(&e);
	}
	fw_edit_end(&e);
	return ret;
}

/* rule del [ table N ] ID, rule move [ table N ] ID POS */
static int rule_del_move(struct args *a, bool move)
{
	unsigned int to = 0;
	struct fw_edit e;
	uint32_t table;
	struct fw_rule r;
	int ret, pos;

	ret = fw_arg_table(a, &table);
	if (ret)
		return ret;
	ret = fw_edit_begin(&e, true);
	if (!ret) {
		struct fw_table_conf *t = &e.next->tables[table];

		ret = arg_rule_id(a, t, table, &pos);
		if (!ret && move) {
			ret = arg_u32(a, "position", FW_MAX_RULES, &to);
			if (!ret && (to < 1 || to > t->n))
				ret = usage_err("position %u: table %u has rules 1 to %u", to,
						table, t->n);
		}
		if (!ret && arg_peek(a) && !strcmp(arg_peek(a), "table"))
			ret = usage_err("\"table\" goes before the rule id");
		ret = ret ?: arg_end(a);
		if (!ret) {
			r = t->rules[pos];
			memmove(&t->rules[pos], &t->rules[pos + 1], (t->n - pos - 1) * sizeof(r));
			t->n--;
			if (move)
				ret = fw_rule_insert(e.next, table, to - 1, &r, true);
		}
		if (!ret)
			ret = fw_edit_commit(&e);
	}
	fw_edit_end(&e);
	return ret;
}

/* rule flush [ table N ] */
static int rule_flush(struct args *a)
{
	struct fw_edit e;
	uint32_t table;
	int ret;

	ret = fw_arg_table(a, &table) ?: arg_end(a);
	if (ret)
		return ret;
	ret = fw_edit_begin(&e, true);
	if (!ret) {
		e.next->tables[table].n = 0;
		ret = fw_edit_commit(&e);
	}
	fw_edit_end(&e);
	return ret;
}

/* policy [ table N ] { drop | pass } */
int fw_cmd_policy(struct args *a)
{
	struct fw_edit e;
	uint32_t table, policy;
	int ret;

	ret = fw_arg_table(a, &table) ?: fw_policy_parse(arg_next(a), &policy) ?: arg_end(a);
	if (ret)
		return ret;
	ret = fw_edit_begin(&e, true);
	if (!ret) {
		e.next->tables[table].policy = policy;
		ret = fw_edit_commit(&e);
	}
	fw_edit_end(&e);
	return ret;
}

/* --- rule list ------------------------------------------------------------ */

static void print_list(json_t *doc)
{
	json_t *t, *r;
	size_t i, j;

	json_array_foreach(doc, i, t) {
		printf("table %lld policy %s\n", json_integer_value(json_object_get(t, "table")),
		       json_string_value(json_object_get(t, "policy")));
		if (!json_array_size(json_object_get(t, "rules")))
			continue;
		printf("%6s %4s %12s %14s  %s\n", "id", "pos", "packets", "bytes", "rule");
		json_array_foreach(json_object_get(t, "rules"), j, r)
			printf("%6lld %4zu %12lld %14lld  %s\n",
			       json_integer_value(json_object_get(r, "id")), j + 1,
			       json_integer_value(json_object_get(r, "packets")),
			       json_integer_value(json_object_get(r, "bytes")),
			       json_string_value(json_object_get(r, "rule")));
	}
}

static int rule_counters(const struct fw_edit *e, uint32_t table, uint32_t n,
			 struct fw_counter *percpu, int ncpus, struct fw_counter *sum)
{
	uint32_t idx = fw_rule_index(e->prev->bank, table, n);

	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(e->maps.rcount, &idx, percpu))
		return -errno;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		sum->packets += percpu[cpu].packets;
		sum->bytes += percpu[cpu].bytes;
	}
	return 0;
}

/* rule list [ table N ]: every table with rules or a drop policy when none is named */
static int rule_list(struct tcctl *tc, struct args *a)
{
	int ncpus = libbpf_num_possible_cpus(), ret;
	bool all = !arg_peek(a);
	struct fw_counter *percpu = NULL, sum;
	json_t *doc = json_array();
	struct fw_edit e;
	uint32_t table;

	ret = fw_arg_table(a, &table) ?: arg_end(a);
	if (ret)
		return ret;
	ret = fw_edit_begin(&e, false);
	if (!ret)
		percpu = calloc(ncpus > 0 ? ncpus : 1, sizeof(*percpu));
	if (!ret && !percpu) {
		err("out of memory");
		ret = -ENOMEM;
	}
	for (uint32_t t = all ? 0 : table; !ret && t <= (all ? FW_MAX_TABLES - 1 : table); t++) {
		const struct fw_table_conf *tc_ = &e.prev->tables[t];
		json_t *rules;

		if (all && t && !tc_->n && tc_->policy == FW_PASS)
			continue;
		rules = json_array();
		for (uint32_t i = 0; i < tc_->n && !ret; i++) {
			json_t *r = fw_rule_json(&tc_->rules[i], e.prev);

			ret = rule_counters(&e, t, i, percpu, ncpus, &sum);
			if (ret)
				err("cannot read the rule counters: %s", strerror(-ret));
			json_object_set_new(r, "packets", json_integer(sum.packets));
			json_object_set_new(r, "bytes", json_integer(sum.bytes));
			json_array_append_new(rules, r);
		}
		json_array_append_new(doc, json_pack("{s:I, s:s, s:o}", "table", (json_int_t)t,
						     "policy", fw_policy_name(tc_->policy),
						     "rules", rules));
	}
	free(percpu);
	fw_edit_end(&e);
	if (ret) {
		json_decref(doc);
		return ret;
	}
	return out_emit(tc, doc, print_list);
}

int fw_cmd_rule(struct tcctl *t, struct args *a)
{
	if (arg_is(a, "add"))
		return rule_add(a);
	if (arg_is(a, "del") || arg_is(a, "delete"))
		return rule_del_move(a, false);
	if (arg_is(a, "move"))
		return rule_del_move(a, true);
	if (arg_is(a, "flush"))
		return rule_flush(a);
	if (arg_is(a, "list") || arg_is(a, "show"))
		return rule_list(t, a);
	return usage_err("fw rule: expected add, del, move, list or flush%s%s",
			 arg_peek(a) ? ", not " : "", arg_peek(a) ? arg_peek(a) : "");
}
