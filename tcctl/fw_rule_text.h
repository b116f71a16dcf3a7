/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A rule as the admin writes it ("src @blocklist proto udp dport 53 drop")
 * and back: the parser fills a struct fw_rule, the printer gives the same
 * words in a fixed order, so what `rule list` and `save` print parses again
 * to the same rule.
 */
#ifndef TCCTL_FW_RULE_TEXT_H
#define TCCTL_FW_RULE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "tcctl.h"
#include "fw_config.h"

/* MATCH... ACTION up to the end of a; sets are looked up by name in c */
int fw_rule_parse(struct args *a, const struct fw_config *c, struct fw_rule *r);
/* the rule's words, without its id */
void fw_rule_format(const struct fw_rule *r, const struct fw_config *c, char *buf, size_t len);
/* the rule's fields, for -j */
json_t *fw_rule_json(const struct fw_rule *r, const struct fw_config *c);

/* an ICMP (proto 1) or ICMPv6 (58) type's name as rules write it, or NULL */
const char *icmp_name(uint8_t proto, uint8_t type);

/* an optional "table N" (table 0 by default) */
int fw_arg_table(struct args *a, uint32_t *table);

/* drop or pass, as a policy */
int fw_policy_parse(const char *word, uint32_t *policy);
const char *fw_policy_name(uint32_t policy);

#endif /* TCCTL_FW_RULE_TEXT_H */
