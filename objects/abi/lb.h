/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lb object's maps, as an ABI shared by the BPF program, tcctl and the
 * tests. lb is an L4 load balancer with NAT: a packet for a virtual service
 * (VIP, port, protocol) has its destination rewritten to one backend's
 * address and port; the backend's reply, which routes back through the
 * balancer, has its source rewritten to the VIP and port again. The client's
 * address is kept (no SNAT), so backends route their replies via the
 * balancer.
 *
 * Backend choice: a Maglev table (lookup ring) per service, LB_RING_SIZE
 * slots (a prime) of backend ids, computed by tcctl from the backends'
 * addresses and weights. A flow's slot is lb_flow_hash() % LB_RING_SIZE.
 * Every service owns two rings (banks); tcctl writes the spare one and makes
 * it live with one update of the service entry, so a new flow meets the old
 * table or the new one, never a mix.
 *
 * Stickiness: lb_conns (LRU) remembers each flow's backend, so changing the
 * backend set or weights moves no established flow. A backend marked down
 * loses its flows (they are hashed again); one with weight 0 (draining)
 * keeps them but gets no new ones. lb_reverse (LRU) maps the backend side of
 * a flow back to its VIP and port for the reply.
 *
 * Addresses are 16 bytes in network order; an IPv4 address takes the first
 * 4 and the rest stay zero. Ports are network order. Everything else is host
 * order. Layouts are fixed-width and asserted; the ABI grows by new maps.
 */
#ifndef TCCTL_ABI_LB_H
#define TCCTL_ABI_LB_H

#include <linux/types.h>

#include "types.h"

/* Map names: the pin file names under /sys/fs/bpf/tc/globals/ (15 characters at most). */
#define LB_MAP_SERVICES "lb_services"
#define LB_MAP_BACKENDS "lb_backends"
#define LB_MAP_RINGS	"lb_rings"
#define LB_MAP_CONNS	"lb_conns"
#define LB_MAP_REVERSE	"lb_reverse"
#define LB_MAP_STATS	"lb_stats"
#define LB_MAP_COUNTERS "lb_counters"

#define LB_MAX_SERVICES 128
#define LB_MAX_BACKENDS 4096   /* over all services */
#define LB_RING_SIZE	16381  /* prime; ~100 slots per backend keeps 160 backends within 1 % */
#define LB_CONNS	262144 /* flows remembered, LRU */
#define LB_NO_BACKEND	0xffff /* a ring slot with no backend: the service has none up */

/* lb_services: BPF_MAP_TYPE_HASH, key struct lb_service_key, value struct lb_service */
struct lb_service_key {
	ip6_addr_t vip;
	inet_port_t port;
	__u8 proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family; /* 4 or 6 */
};
_Static_assert(sizeof(struct lb_service_key) == 20, "lb_service_key is ABI");

struct lb_service {
	__u16 id;   /* 0..LB_MAX_SERVICES-1: its rings are id * 2 + bank */
	__u8 bank;  /* the live ring: 0 or 1 */
	__u8 flags; /* none yet */
	__u16 n_up; /* backends in the live ring; 0: packets for it are dropped */
	__u16 pad;
};
_Static_assert(sizeof(struct lb_service) == 8, "lb_service is ABI");

/* lb_backends: BPF_MAP_TYPE_ARRAY, key __u32 backend id, value struct lb_backend */
enum lb_backend_flags {
	LB_BACKEND_USED = 1, /* the entry is a backend; free otherwise */
	LB_BACKEND_DOWN = 2, /* marked down: no new flows, and its flows move */
};

struct lb_backend {
	ip6_addr_t addr;
	inet_port_t port;
	__u8 family;   /* the service's */
	__u8 flags;    /* enum lb_backend_flags */
	__u16 service; /* the service id it belongs to */
	__u16 weight;  /* 0: draining (no new flows, existing ones stay) */
	__u32 gen;     /* bumped each time the id is given to a new backend */
};
_Static_assert(sizeof(struct lb_backend) == 28, "lb_backend is ABI");

/* lb_rings: BPF_MAP_TYPE_ARRAY, key __u32 service id * 2 + bank, value struct lb_ring */
struct lb_ring {
	__u16 backend[LB_RING_SIZE]; /* backend ids, or LB_NO_BACKEND */
	__u16 pad;
};
_Static_assert(sizeof(struct lb_ring) == 2 * LB_RING_SIZE + 2, "lb_ring is ABI");

/*
 * A flow as seen in one direction. lb_conns is keyed by the client's side
 * (client -> VIP); lb_reverse by the backend's (backend -> client).
 */
struct lb_flow {
	ip6_addr_t saddr;
	ip6_addr_t daddr;
	inet_port_t sport;
	inet_port_t dport;
	__u8 proto;
	__u8 family;
	__u16 pad; /* zero */
} __attribute__((aligned(4))); /* hashed as words: the verifier wants aligned stack reads */
_Static_assert(sizeof(struct lb_flow) == 40, "lb_flow is ABI");

/* lb_conns: BPF_MAP_TYPE_LRU_HASH, key struct lb_flow (client -> VIP), value struct lb_conn */
struct lb_conn {
	__u16 backend; /* backend id */
	__u16 service; /* service id */
	__u32 gen;     /* the backend's gen when chosen: a reused id is not this backend */
};
_Static_assert(sizeof(struct lb_conn) == 8, "lb_conn is ABI");

/* lb_reverse: BPF_MAP_TYPE_LRU_HASH, key struct lb_flow (backend -> client), value struct lb_nat */
struct lb_nat {
	ip6_addr_t vip;
	inet_port_t port;
	__u16 backend; /* whose replies these are, for lb_stats */
};
_Static_assert(sizeof(struct lb_nat) == 20, "lb_nat is ABI");

/* lb_stats: BPF_MAP_TYPE_PERCPU_ARRAY, key __u32 backend id; tcctl zeroes an id it gives out */
struct lb_backend_stats {
	__u64 packets; /* client -> backend */
	__u64 bytes;
	__u64 flows;   /* new flows sent to it (conn table misses) */
	__u64 replies; /* packets backend -> client */
};
_Static_assert(sizeof(struct lb_backend_stats) == 32, "lb_backend_stats is ABI");

/* lb_counters: BPF_MAP_TYPE_PERCPU_ARRAY of __u64, LB_COUNTERS entries */
enum lb_counter {
	LB_CNT_FORWARD = 0,	/* packets rewritten towards a backend */
	LB_CNT_REPLY = 1,	/* replies rewritten back to the VIP */
	LB_CNT_NO_BACKEND = 2,	/* dropped: the service has no backend up */
	LB_CNT_FRAGMENT = 3,	/* dropped: a fragment for a service (lb does not reassemble) */
	LB_CNT_CONN_MOVED = 4,	/* flows hashed again because their backend went down or away */
	LB_CNT_REWRITE_ERR = 5, /* dropped: a helper failed to rewrite (should stay 0) */
	LB_COUNTERS = 8,	/* room to grow */
};

/*
 * The flow hash that picks a ring slot: murmur3 (32 bit) over the flow's
 * words, seed 0. Plain C, so tcctl and the tests compute what the program
 * computes. Both addresses are hashed in full, so IPv4 flows hash their
 * zero tail too.
 */
static inline __u32 lb_hash_mix(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51;
	k = (k << 15) | (k >> 17);
	k *= 0x1b873593;
	h ^= k;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

static inline __u32 lb_hash_final(__u32 h, __u32 len)
{
	h ^= len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* words of struct lb_flow hashed: the two addresses, the ports, proto and family */
#define LB_FLOW_HASH_WORDS 10

/*
 * The flow is read as words through a may_alias type: through a plain
 * __u32 pointer, gcc -O2 (strict aliasing) drops the byte stores that built
 * the flow and hashes what was there before.
 */
typedef __u32 __attribute__((__may_alias__)) lb_hash_word_t;

static inline __u32 lb_flow_hash(const struct lb_flow *f)
{
	const lb_hash_word_t *w = (const lb_hash_word_t *)f;
	__u32 h = 0;
	int i;

	/* a constant trip count: clang unrolls it, and 5.3+ verifiers take it either way */
	for (i = 0; i < LB_FLOW_HASH_WORDS; i++)
		h = lb_hash_mix(h, w[i]);
	return lb_hash_final(h, LB_FLOW_HASH_WORDS * 4);
}

#endif /* TCCTL_ABI_LB_H */
