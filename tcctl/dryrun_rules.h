/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which fw rule decided a dry-run packet: the rules of the live bank's
 * tables are watched through their fw_rcount counters (in the scratch
 * maps), and the rule whose counter moved with a terminal action is the one
 * that decided. Only the rules in use are read, a lookup each, so a replay
 * can afford it per packet when it prints one line per packet.
 */
#ifndef TCCTL_DRYRUN_RULES_H
#define TCCTL_DRYRUN_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct watched_rule {
	uint32_t idx; /* in fw_rules and fw_rcount */
	uint32_t table, id;
	uint8_t action; /* enum fw_action */
	uint64_t seen_pkts, seen_bytes; /* the counter at the last poll */
	uint64_t moved;			/* packets since the poll before */
	uint64_t total_pkts, total_bytes; /* since the watch began */
};

struct rule_watch {
	int rules_fd, rcount_fd;
	int ncpus;
	void *buf;
	int n;
	struct watched_rule *r;
};

/* the rules in pin_dir()'s fw maps, their counters as they are now; 0 or -errno (printed) */
int rule_watch_open(struct rule_watch *w);
/* reads every watched counter: moved and the totals grow by what moved since the last poll */
int rule_watch_poll(struct rule_watch *w);
/* the rule that decided in the last poll (drop or pass, or a rate that dropped), or NULL */
const struct watched_rule *rule_watch_decided(const struct rule_watch *w, bool dropped);
void rule_watch_close(struct rule_watch *w);

const char *fw_action_name(uint8_t action);
/* {"table": T, "id": ID, "action": A} */
json_t *watched_rule_json(const struct watched_rule *r);

#endif /* TCCTL_DRYRUN_RULES_H */
