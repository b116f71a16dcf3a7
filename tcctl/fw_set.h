/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's set slots: the members of each set in the fw_set4 and fw_set6 tries,
 * keyed by slot, and the slots' names in fw_setmeta. Members are written and
 * read in batches: a million is the job, not the exception.
 */
#ifndef TCCTL_FW_SET_H
#define TCCTL_FW_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"
#include "fw_write.h"

/* members as the tries' keys, slot filled in when they are written */
struct fw_members {
	struct fw_set4_key *v4;
	size_t n4, cap4;
	struct fw_set6_key *v6;
	size_t n6, cap6;
	uint64_t *hits4, *hits6; /* when read with hits */
};

int fw_members_add(struct fw_members *mb, const struct cidr *c);
void fw_members_free(struct fw_members *mb);
struct cidr fw_member_cidr4(const struct fw_set4_key *k);
struct cidr fw_member_cidr6(const struct fw_set6_key *k);

/*
 * writes members into slot (sorting them in place); deletes them, all or none (-ENOENT: one is not
 * there exactly; those deleted before it come back, their hits at zero)
 */
int fw_set_write(const struct fw_rule_maps *m, uint32_t slot, struct fw_members *mb);
int fw_set_delete(const struct fw_rule_maps *m, uint32_t slot, const struct fw_members *mb);
/* the members of slot, with their hit counters when hits */
int fw_set_read(const struct fw_rule_maps *m, uint32_t slot, bool hits, struct fw_members *out);
/* the members of every slot, out[slot], in one walk of the tries */
int fw_set_read_all(const struct fw_rule_maps *m, struct fw_members out[FW_MAX_SETS]);
/* the same members, slots aside (both sorted and deduplicated in place) */
bool fw_members_same(struct fw_members *a, struct fw_members *b);
/* members per slot, for listings */
int fw_set_count(const struct fw_rule_maps *m, size_t n4[FW_MAX_SETS], size_t n6[FW_MAX_SETS]);

/* a free slot, named, in no bank's configuration yet */
int fw_slot_alloc(const struct fw_rule_maps *m, const char *name, uint32_t flags, uint32_t *slot);
/* members gone, then the name */
int fw_slot_free(const struct fw_rule_maps *m, uint32_t slot);

#endif /* TCCTL_FW_SET_H */
