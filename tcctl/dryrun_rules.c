// SPDX-License-Identifier: GPL-2.0-only
/* fw's rule counters in a dry run: which rule decided (see dryrun_rules.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "obj.h"
#include "dryrun_rules.h"
#include "abi/fw_rules.h"

const char *fw_action_name(uint8_t action)
{
	switch (action) {
	case FW_ACT_DROP:
		return "drop";
	case FW_ACT_PASS:
		return "pass";
	case FW_ACT_COUNT:
		return "count";
	case FW_ACT_RATE:
		return "rate";
	default:
		return "?";
	}
}

json_t *watched_rule_json(const struct watched_rule *r)
{
	return json_pack("{s:i, s:i, s:s}", "table", (int)r->table, "id", (int)r->id, "action",
			 fw_action_name(r->action));
}

static int add_table(struct rule_watch *w, int tables_fd, uint32_t bank, uint32_t table)
{
	uint32_t key = fw_table_index(bank, table);
	struct fw_table t;
	struct fw_rule rule;

	if (bpf_map_lookup_elem(tables_fd, &key, &t))
		return -errno;
	for (uint32_t i = 0; i < t.nrules && i < FW_MAX_RULES; i++) {
		struct watched_rule *r;
		void *nr;

		key = fw_rule_index(bank, table, i);
		if (bpf_map_lookup_elem(w->rules_fd, &key, &rule))
			return -errno;
		nr = realloc(w->r, (w->n + 1) * sizeof(*w->r));
		if (!nr)
			return -ENOMEM;
		w->r = nr;
		r = &w->r[w->n++];
		memset(r, 0, sizeof(*r));
		r->idx = key;
		r->table = table;
		r->id = rule.id;
		r->action = rule.action;
	}
	return 0;
}

int rule_watch_open(struct rule_watch *w)
{
	int state_fd, tables_fd, ret;
	struct fw_state st;
	uint32_t zero = 0;

	memset(w, 0, sizeof(*w));
	w->rules_fd = w->rcount_fd = -1;
	w->ncpus = libbpf_num_possible_cpus();
	if (w->ncpus < 1)
		return w->ncpus ?: -EINVAL;
	state_fd = pinned_map_open(FW_MAP_STATE);
	if (state_fd < 0)
		return state_fd;
	tables_fd = pinned_map_open(FW_MAP_TABLES);
	w->rules_fd = pinned_map_open(FW_MAP_RULES);
	w->rcount_fd = pinned_map_open(FW_MAP_RCOUNT);
	ret = tables_fd < 0 ? tables_fd : w->rules_fd < 0 ? w->rules_fd : w->rcount_fd;
	if (ret >= 0 && bpf_map_lookup_elem(state_fd, &zero, &st))
		ret = -errno;
	for (uint32_t t = 0; ret >= 0 && t < FW_MAX_TABLES; t++)
		ret = add_table(w, tables_fd, st.bank & 1, t);
	close(state_fd);
	if (tables_fd >= 0)
		close(tables_fd);
	if (ret >= 0) {
		w->buf = calloc(w->ncpus, sizeof(struct fw_counter));
		ret = w->buf ? rule_watch_poll(w) : -ENOMEM;
	}
	for (int i = 0; i < w->n; i++)
		w->r[i].total_pkts = w->r[i].total_bytes = 0; /* the first poll is the start */
	if (ret < 0) {
		err("cannot read fw's rules in %s: %s", pin_dir(), strerror(-ret));
		rule_watch_close(w);
		return ret;
	}
	return 0;
}

int rule_watch_poll(struct rule_watch *w)
{
	struct fw_counter *c = w->buf;

	for (int i = 0; i < w->n; i++) {
		struct watched_rule *r = &w->r[i];
		uint64_t pkts = 0, bytes = 0;

		if (bpf_map_lookup_elem(w->rcount_fd, &r->idx, c))
			return -errno;
		for (int cpu = 0; cpu < w->ncpus; cpu++) {
			pkts += c[cpu].packets;
			bytes += c[cpu].bytes;
		}
		r->moved = pkts - r->seen_pkts;
		r->total_pkts += r->moved;
		r->total_bytes += bytes - r->seen_bytes;
		r->seen_pkts = pkts;
		r->seen_bytes = bytes;
	}
	return 0;
}

const struct watched_rule *rule_watch_decided(const struct rule_watch *w, bool dropped)
{
	const struct watched_rule *rate = NULL;

	for (int i = 0; i < w->n; i++) {
		const struct watched_rule *r = &w->r[i];

		if (!r->moved)
			continue;
		if (r->action == FW_ACT_DROP || r->action == FW_ACT_PASS)
			return r;
		if (r->action == FW_ACT_RATE)
			rate = r; /* the last rate rule met is the one that dropped */
	}
	return dropped ? rate : NULL;
}

void rule_watch_close(struct rule_watch *w)
{
	if (w->rules_fd >= 0)
		close(w->rules_fd);
	if (w->rcount_fd >= 0)
		close(w->rcount_fd);
	free(w->buf);
	free(w->r);
	memset(w, 0, sizeof(*w));
	w->rules_fd = w->rcount_fd = -1;
}
