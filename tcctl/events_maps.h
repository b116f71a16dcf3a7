/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events maps (abi/events.h) as tcctl uses them: opened from their pins,
 * or created first by "events set" so an admin can configure events before
 * any object is attached; the configuration read and written whole; the
 * counters summed over CPUs. fw.o and stats.o define the same four maps,
 * pinned by name, so whichever loads first makes them and the other reuses.
 */
#ifndef TCCTL_EVENTS_MAPS_H
#define TCCTL_EVENTS_MAPS_H

#include <stdbool.h>

#include "abi/events.h"

struct events_maps {
	int ring;
	int config;
	int budget;
	int count;
};

/* whether the configuration is pinned yet (show reports the defaults if not) */
bool events_pinned(void);
/*
 * Opens the pins, each checked against this tcctl's ABI. create: pins the
 * missing ones first from stats.o, loading its events maps and nothing else
 * (the caller holds the pins lock). Errors are printed.
 */
int events_maps_open(struct events_maps *m, bool create);
void events_maps_close(struct events_maps *m);

int events_config_read(const struct events_maps *m, struct events_config *cfg);
int events_config_write(const struct events_maps *m, const struct events_config *cfg);
/* per kind (enum event_kind), summed over the possible CPUs */
int events_counters_read(const struct events_maps *m, struct events_counter sum[EVENT_KINDS]);

/* the budget in force: 0 in the map means EVENTS_BUDGET_DEFAULT */
static inline unsigned int events_budget_of(const struct events_config *cfg)
{
	return cfg->budget ? cfg->budget : EVENTS_BUDGET_DEFAULT;
}

#endif /* TCCTL_EVENTS_MAPS_H */
