/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * redir's pinned maps as tcctl edits them: a redirect is one or two keys of
 * redir_rules (one per address family; two when no address narrows it)
 * sharing one id, hence one set of counters in redir_stats. Writers hold
 * pins_lock; every change is whole or undone.
 */
#ifndef TCCTL_REDIR_RULES_H
#define TCCTL_REDIR_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "abi/redir.h"

struct redir_maps {
	int rules, stats, flows;
	int ncpus;
};

/* what the command line says a redirect is */
struct redir_spec {
	uint8_t proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;	/* A, host order */
	uint16_t to;	/* B, host order; add only */
	uint8_t family; /* 4 or 6 with an address; 0: both, any address */
	uint8_t addr[16]; /* the ABI's form: IPv4-mapped for IPv4 */
	int ifindex;	  /* 0: any device */
};

/* one key of redir_rules with its value */
struct redir_entry {
	struct redir_key key;
	struct redir_val val;
};

int redir_maps_open(struct redir_maps *m);
void redir_maps_close(struct redir_maps *m);

/* every entry, sorted by id then family; *out is the caller's to free */
int redir_collect(const struct redir_maps *m, struct redir_entry **out, size_t *n);
/* one redirect's counters, summed over the CPUs */
int redir_counter_read(const struct redir_maps *m, uint32_t id, struct redir_counter *sum);

/* 0, or -EEXIST when the same redirect goes elsewhere; an identical one is a no-op */
int redir_add(const struct redir_maps *m, const struct redir_spec *s);
int redir_delete(const struct redir_maps *m, const struct redir_spec *s);
int redir_flush(const struct redir_maps *m);

#endif /* TCCTL_REDIR_RULES_H */
