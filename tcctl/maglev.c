// SPDX-License-Identifier: GPL-2.0-only
/* The weighted Maglev table of maglev.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maglev.h"

#define M LB_RING_SIZE

struct walker {
	const struct maglev_backend *b;
	__u32 offset, skip; /* its permutation: slot j is (offset + j * skip) % M */
	__u32 next;	    /* the current position in it: offset + j * skip, mod M */
	__u32 credit;
};

/* murmur3 over the identity, as lb_flow_hash hashes flows; seed picks one of two hashes */
static __u32 identity_hash(const struct maglev_backend *b, __u32 seed)
{
	__u32 w[5];
	__u32 h = seed;

	memcpy(w, b->addr, 16);
	w[4] = (__u32)b->port << 16 | b->family;
	for (int i = 0; i < 5; i++)
		h = lb_hash_mix(h, w[i]);
	return lb_hash_final(h, sizeof(w));
}

/* the order ties are broken in: by identity, so that ids and input order do not matter */
static int identity_cmp(const void *x, const void *y)
{
	const struct walker *a = x, *b = y;
	int c;

	if (a->b->family != b->b->family)
		return a->b->family < b->b->family ? -1 : 1;
	c = memcmp(a->b->addr, b->b->addr, 16);
	if (c)
		return c;
	return memcmp(&a->b->port, &b->b->port, sizeof(a->b->port));
}

/* the backend's next free slot in its permutation; one exists while the table is not full */
static void claim(struct walker *w, __u16 *ring)
{
	while (ring[w->next] != LB_NO_BACKEND)
		w->next = (w->next + w->skip) % M;
	ring[w->next] = w->b->id;
	w->next = (w->next + w->skip) % M;
}

int maglev_build(const struct maglev_backend *b, size_t n, __u16 *ring, unsigned int *n_up)
{
	struct walker *w;
	__u32 max_weight = 0, filled = 0;
	size_t up = 0;

	for (size_t i = 0; i < M; i++)
		ring[i] = LB_NO_BACKEND;
	*n_up = 0;
	w = calloc(n ? n : 1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (b[i].down || !b[i].weight)
			continue;
		w[up].b = &b[i];
		w[up].offset = identity_hash(&b[i], 0) % M;
		w[up].skip = identity_hash(&b[i], 0x9e3779b9) % (M - 1) + 1;
		w[up].next = w[up].offset;
		if (b[i].weight > max_weight)
			max_weight = b[i].weight;
		up++;
	}
	qsort(w, up, sizeof(*w), identity_cmp);
	/*
	 * Each round a backend earns its weight in credit and claims a slot per
	 * max_weight of it: the heaviest claims one a round, the others in
	 * proportion, interleaved as in the paper so that no backend's
	 * preferred slots are taken all at once by another.
	 */
	while (up && filled < M) {
		for (size_t i = 0; i < up && filled < M; i++) {
			w[i].credit += w[i].b->weight;
			while (w[i].credit >= max_weight && filled < M) {
				w[i].credit -= max_weight;
				claim(&w[i], ring);
				filled++;
			}
		}
	}
	*n_up = up;
	free(w);
	return 0;
}
