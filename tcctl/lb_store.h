/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lb's configuration in its pinned maps (abi/lb.h): services, backends and
 * the Maglev rings tcctl computes for them. The write operations run under
 * pins_lock, which the caller holds, and leave the maps as they found them
 * when they fail: a backend change writes the new ring into the service's
 * spare bank and makes it live with one update of the service entry.
 */
#ifndef TCCTL_LB_STORE_H
#define TCCTL_LB_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "abi/lb.h"
#include "lb_endpoint.h"

struct lb_maps {
	int services, backends, rings, stats, counters;
};

/*
 * Opens lb's pinned maps, checked against the ABI. With create, maps that
 * are not pinned yet are made by loading lb.o as "tcctl pin lb" does, so
 * they have the object's exact definitions and BTF (the caller holds
 * pins_lock). Errors are printed.
 */
int lb_maps_open(struct lb_maps *m, bool create);
/* lb_services is pinned: without it, nothing is configured */
bool lb_pinned(void);
void lb_maps_close(struct lb_maps *m);

struct lb_svc {
	struct lb_service_key key;
	struct lb_service val;
};

/* what the maps hold, read in one go (the rings apart) */
struct lb_state {
	struct lb_svc services[LB_MAX_SERVICES];
	size_t n_services;
	struct lb_backend backends[LB_MAX_BACKENDS];
};

int lb_state_read(const struct lb_maps *m, struct lb_state *st);
/* the service with that key, NULL when there is none */
struct lb_svc *lb_state_service(struct lb_state *st, const struct lb_service_key *key);
/* the id of the backend of service id svc at e, or -1 */
int lb_state_backend(const struct lb_state *st, __u16 svc, const struct lb_endpoint *e);

void lb_service_key_make(struct lb_service_key *key, __u8 proto, const struct lb_endpoint *vip);
/* "tcp 10.0.0.1:80", for errors */
const char *lb_service_str(const struct lb_service_key *key);

/* the write operations: 0 or -errno, printed; the caller holds pins_lock */
int lb_service_add(const struct lb_maps *m, struct lb_state *st,
		   const struct lb_service_key *key);
int lb_service_delete(const struct lb_maps *m, struct lb_state *st,
		      const struct lb_service_key *key);
int lb_backend_add(const struct lb_maps *m, struct lb_state *st,
		   const struct lb_service_key *key, const struct lb_endpoint *e, __u16 weight);
int lb_backend_delete(const struct lb_maps *m, struct lb_state *st,
		      const struct lb_service_key *key, const struct lb_endpoint *e);

/* what "backend set" changes: a weight, or the down flag */
struct lb_backend_change {
	int weight; /* -1: unchanged */
	int down;   /* -1: unchanged, else 0 or 1 */
};

int lb_backend_set(const struct lb_maps *m, struct lb_state *st,
		   const struct lb_service_key *key, const struct lb_endpoint *e,
		   const struct lb_backend_change *c);
int lb_flush(const struct lb_maps *m, struct lb_state *st);

#endif /* TCCTL_LB_STORE_H */
