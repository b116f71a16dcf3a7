// SPDX-License-Identifier: GPL-2.0-only
/* The whole configuration: read from the live bank, committed with one switch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "fw_compile.h"
#include "fw_config.h"

struct fw_config *fw_config_new(void)
{
	return calloc(1, sizeof(struct fw_config));
}

void fw_config_free(struct fw_config *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nsets; i++)
		fw_members_free(&c->sets[i].members);
	free(c);
}

void fw_config_copy(struct fw_config *dst, const struct fw_config *src)
{
	/* members are only ever loaded into the copy being built, never shared */
	memcpy(dst, src, sizeof(*dst));
	for (int i = 0; i < dst->nsets; i++)
		memset(&dst->sets[i].members, 0, sizeof(dst->sets[i].members));
}

int fw_config_set_find(const struct fw_config *c, const char *name)
{
	for (int i = 0; i < c->nsets; i++)
		if (!strcmp(c->sets[i].name, name))
			return i;
	return -1;
}

int fw_config_set_add(struct fw_config *c, const char *name, uint32_t flags)
{
	struct fw_set_conf *s;

	if (c->nsets == FW_MAX_SETS / 2) /* the other half: fresh slots for replaces */
		return -ENOSPC;
	s = &c->sets[c->nsets];
	memset(s, 0, sizeof(*s));
	strncpy(s->name, name, sizeof(s->name) - 1);
	s->flags = flags;
	s->slot = -1;
	s->reload = true;
	return c->nsets++;
}

bool fw_config_set_used(const struct fw_config *c, int set)
{
	for (int t = 0; t < FW_MAX_TABLES; t++)
		for (uint32_t i = 0; i < c->tables[t].n; i++) {
			const struct fw_rule *r = &c->tables[t].rules[i];

			if (((r->match & FW_M_SRC_SET) && r->src_set == (uint32_t)set) ||
			    ((r->match & FW_M_DST_SET) && r->dst_set == (uint32_t)set))
				return true;
		}
	return false;
}

uint32_t fw_config_next_id(const struct fw_table_conf *t)
{
	uint32_t id = 1;

	for (uint32_t i = 0; i < t->n; i++)
		if (t->rules[i].id >= id)
			id = t->rules[i].id + 1;
	return id;
}

void fw_config_give_ids(struct fw_config *c)
{
	for (int t = 0; t < FW_MAX_TABLES; t++) {
		struct fw_table_conf *tc = &c->tables[t];
		uint32_t id = fw_config_next_id(tc);

		for (uint32_t i = 0; i < tc->n; i++)
			if (!tc->rules[i].id)
				tc->rules[i].id = id++;
	}
}

static int set_by_slot(const struct fw_config *c, uint32_t slot)
{
	for (int i = 0; i < c->nsets; i++)
		if (c->sets[i].slot == (int)slot)
			return i;
	return -1;
}

int fw_config_read(const struct fw_rule_maps *m, struct fw_config *c)
{
	struct fw_state st;
	uint32_t zero = 0;

	memset(c, 0, sizeof(*c));
	if (bpf_map_lookup_elem(m->state, &zero, &st))
		return -errno;
	c->bank = st.bank & 1;
	c->version = st.version;
	for (uint32_t slot = 0; slot < FW_MAX_SETS; slot++) {
		struct fw_set_meta meta;
		struct fw_set_conf *s;

		if (bpf_map_lookup_elem(m->setmeta, &slot, &meta))
			return -errno;
		if (!(meta.flags & FW_SET_USED) || !(meta.flags & fw_set_bank_flag(c->bank)))
			continue;
		s = &c->sets[c->nsets++];
		memcpy(s->name, meta.name, sizeof(s->name));
		s->name[sizeof(s->name) - 1] = 0;
		s->flags = meta.flags & FW_SET_COUNTERS;
		s->slot = slot;
	}
	for (uint32_t t = 0; t < FW_MAX_TABLES; t++) {
		struct fw_table_conf *tc = &c->tables[t];
		uint32_t idx = fw_table_index(c->bank, t);
		struct fw_table hdr;

		if (bpf_map_lookup_elem(m->tables, &idx, &hdr))
			return -errno;
		tc->policy = hdr.policy;
		tc->n = hdr.nrules > FW_MAX_RULES ? FW_MAX_RULES : hdr.nrules;
		for (uint32_t i = 0; i < tc->n; i++) {
			struct fw_rule *r = &tc->rules[i];

			idx = fw_rule_index(c->bank, t, i);
			if (bpf_map_lookup_elem(m->rules, &idx, r))
				return -errno;
			/* slots to set indexes */
			if (r->match & FW_M_SRC_SET)
				r->src_set = set_by_slot(c, r->src_set);
			if (r->match & FW_M_DST_SET)
				r->dst_set = set_by_slot(c, r->dst_set);
			if (((r->match & FW_M_SRC_SET) && r->src_set == (uint32_t)-1) ||
			    ((r->match & FW_M_DST_SET) && r->dst_set == (uint32_t)-1)) {
				err("rule %u of table %u names a set slot with no set in %s: the maps were written by something else than tcctl",
				    i + 1, t, FW_MAP_SETMETA);
				return -EPROTO;
			}
		}
	}
	return 0;
}

/* the rule of prev's table with this id, if it is the same rule */
static int same_rule(const struct fw_config *prev, uint32_t t, const struct fw_config *next,
		     const struct fw_rule *r)
{
	const struct fw_table_conf *pt = &prev->tables[t];

	for (uint32_t i = 0; i < pt->n; i++) {
		struct fw_rule a = pt->rules[i], b = *r;

		if (a.id != b.id)
			continue;
		if ((a.match & FW_M_SRC_SET) &&
		    strcmp(prev->sets[a.src_set].name, next->sets[b.src_set].name))
			return -1;
		if ((a.match & FW_M_DST_SET) &&
		    strcmp(prev->sets[a.dst_set].name, next->sets[b.dst_set].name))
			return -1;
		a.src_set = b.src_set = a.dst_set = b.dst_set = 0;
		return memcmp(&a, &b, sizeof(a)) ? -1 : (int)i;
	}
	return -1;
}

/* the per-source buckets of a bank's rules: stale once its rules are rewritten */
static int clear_source_buckets(const struct fw_rule_maps *m, uint32_t bank)
{
	uint32_t first = fw_rule_index(bank, 0, 0), last = fw_rule_index(bank + 1, 0, 0);
	struct fw_rlsrc_key key, next, *prev = NULL;

	while (!bpf_map_get_next_key(m->rlsrc, prev, &next)) {
		key = next;
		prev = &key;
		if (key.rule >= first && key.rule < last && bpf_map_delete_elem(m->rlsrc, &key) &&
		    errno != ENOENT)
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

/*
 * A rule that stays keeps its counters and its rule-wide rate bucket:
 * copied from the live bank into the spare one just before the switch
 * (packets counted in between stay with the old bank). Other rules start
 * from zero, and every per-source bucket afresh.
 */
static int carry_state(const struct fw_rule_maps *m, const struct fw_config *prev,
		       const struct fw_config *next, uint32_t bank)
{
	int ncpus = libbpf_num_possible_cpus(), ret;
	struct fw_counter *percpu;
	struct fw_rate_state rate;

	if (ncpus < 0)
		return ncpus;
	ret = clear_source_buckets(m, bank);
	if (ret)
		return ret;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (uint32_t t = 0; t < FW_MAX_TABLES && !ret; t++) {
		for (uint32_t i = 0; i < next->tables[t].n && !ret; i++) {
			int old = same_rule(prev, t, next, &next->tables[t].rules[i]);
			uint32_t from, to = fw_rule_index(bank, t, i);

			memset(&rate, 0, sizeof(rate));
			if (old >= 0) {
				from = fw_rule_index(prev->bank, t, old);
				if (bpf_map_lookup_elem(m->rcount, &from, percpu) ||
				    bpf_map_update_elem(m->rcount, &to, percpu, 0) ||
				    bpf_map_lookup_elem(m->rlrule, &from, &rate)) {
					ret = -errno;
					break;
				}
			}
			if (bpf_map_update_elem(m->rlrule, &to, &rate, 0))
				ret = -errno;
		}
	}
	free(percpu);
	return ret;
}

/* the next configuration's tables, sets as slots, into the spare bank */
static int write_tables(const struct fw_rule_maps *m, const struct fw_config *next,
			uint32_t bank)
{
	uint32_t counted[FW_MAX_SETS];
	struct fw_rule *rules;
	int n_counted = 0, ret = 0;

	rules = malloc(FW_MAX_RULES * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	for (int i = 0; i < next->nsets; i++)
		if (next->sets[i].flags & FW_SET_COUNTERS)
			counted[n_counted++] = next->sets[i].slot;
	for (uint32_t t = 0; t < FW_MAX_TABLES && !ret; t++) {
		const struct fw_table_conf *tc = &next->tables[t];
		struct fw_compiled *c = calloc(1, sizeof(*c));

		if (!c) {
			ret = -ENOMEM;
			break;
		}
		for (uint32_t i = 0; i < tc->n; i++) {
			rules[i] = tc->rules[i];
			if (rules[i].match & FW_M_SRC_SET)
				rules[i].src_set = next->sets[rules[i].src_set].slot;
			if (rules[i].match & FW_M_DST_SET)
				rules[i].dst_set = next->sets[rules[i].dst_set].slot;
		}
		ret = fw_compile(rules, tc->n, tc->policy, counted, n_counted, c);
		if (ret == -E2BIG)
			err("table %u: its rules name more than %d sets as src, or as dst",
			    t, FW_MAX_SET_REFS);
		if (!ret && tc->n) {
			ret = fw_write_table(m, bank, t, c, rules);
		} else if (!ret) {
			/* an empty table is its header: the program reads nothing else */
			uint32_t idx = fw_table_index(bank, t);

			ret = bpf_map_update_elem(m->tables, &idx, &c->table, 0) ? -errno : 0;
		}
		fw_compiled_free(c);
		free(c);
	}
	free(rules);
	return ret;
}

/* the slot's banks: the spare one's configuration has it, or not */
static int set_banks(const struct fw_rule_maps *m, uint32_t slot, uint32_t bank, bool in,
		     const struct fw_set_conf *s)
{
	struct fw_set_meta meta;

	if (bpf_map_lookup_elem(m->setmeta, &slot, &meta))
		return -errno;
	if (in)
		meta.flags |= fw_set_bank_flag(bank);
	else
		meta.flags &= ~fw_set_bank_flag(bank);
	if (s) /* the counters flag, as the new configuration has it */
		meta.flags = (meta.flags & ~FW_SET_COUNTERS) | (s->flags & FW_SET_COUNTERS);
	return bpf_map_update_elem(m->setmeta, &slot, &meta, 0) ? -errno : 0;
}

static bool slot_kept(const struct fw_config *next, int slot)
{
	for (int i = 0; i < next->nsets; i++)
		if (next->sets[i].slot == slot)
			return true;
	return false;
}

int fw_config_commit(const struct fw_rule_maps *m, struct fw_config *next,
		     const struct fw_config *prev)
{
	int fresh[FW_MAX_SETS], n_fresh = 0, ret = 0;
	struct fw_state now;
	uint32_t slot, zero = 0;

	/* prev must still be live: its spare bank may be the live one by now */
	if (bpf_map_lookup_elem(m->state, &zero, &now))
		ret = -errno;
	else if (now.version != prev->version)
		ret = -EAGAIN;
	if (ret == -EAGAIN)
		err("the fw configuration changed while this command ran (another tcctl?); nothing changed: run it again");
	else if (ret)
		err("cannot read %s: %s", FW_MAP_STATE, strerror(-ret));
	if (ret)
		return ret;
	for (int i = 0; i < next->nsets && !ret; i++) {
		struct fw_set_conf *s = &next->sets[i];

		if (!s->reload)
			continue;
		ret = fw_slot_alloc(m, s->name, s->flags, &slot);
		if (ret == -ENOSPC) {
			err("no free set slot: %d sets, and as many for replaces, is the most", FW_MAX_SETS / 2);
			break;
		}
		if (!ret) {
			fresh[n_fresh++] = s->slot = slot;
			ret = fw_set_write(m, slot, &s->members);
			if (ret == -E2BIG || ret == -ENOMEM)
				err("set %s: more members than fit: %d IPv4 and %d IPv6 prefixes in all sets together",
				    s->name, FW_SET_ENTRIES, FW_SET_ENTRIES);
		}
	}
	/* the spare bank's configuration: next's sets, and no other */
	for (int i = 0; i < next->nsets && !ret; i++)
		ret = set_banks(m, next->sets[i].slot, !prev->bank, true, &next->sets[i]);
	for (int i = 0; i < prev->nsets && !ret; i++)
		if (!slot_kept(next, prev->sets[i].slot))
			ret = set_banks(m, prev->sets[i].slot, !prev->bank, false, NULL);
	if (!ret)
		ret = write_tables(m, next, !prev->bank) ?: carry_state(m, prev, next, !prev->bank);
	if (!ret) {
		ret = fw_switch_bank(m, !prev->bank, prev->version);
		if (ret == -EAGAIN)
			err("the fw configuration changed while this command ran (another tcctl?); nothing changed: run it again");
	}
	if (ret) {
		if (ret != -EAGAIN && ret != -ENOSPC && ret != -E2BIG)
			err("cannot write the fw configuration: %s", strerror(-ret));
		for (int i = 0; i < n_fresh; i++)
			fw_slot_free(m, fresh[i]);
		return ret;
	}
	/* live: what the new bank does not have goes */
	ret = fw_config_tidy(m);
	if (ret)
		err("the new fw configuration is live; the next change frees the sets it replaced");
	return ret;
}

int fw_config_tidy(const struct fw_rule_maps *m)
{
	struct fw_set_meta meta;
	struct fw_state st;
	uint32_t zero = 0;
	int ret = 0;

	if (bpf_map_lookup_elem(m->state, &zero, &st))
		return -errno;
	for (uint32_t i = 0; i < FW_MAX_SETS && !ret; i++) {
		if (bpf_map_lookup_elem(m->setmeta, &i, &meta)) {
			ret = -errno;
			break;
		}
		if ((meta.flags & FW_SET_USED) && !(meta.flags & fw_set_bank_flag(st.bank & 1)))
			ret = fw_slot_free(m, i);
	}
	if (ret)
		err("cannot free the fw sets no configuration has: %s", strerror(-ret));
	return ret;
}
