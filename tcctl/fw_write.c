// SPDX-License-Identifier: GPL-2.0-only
/* Compiled tables into a bank's maps; the one-word switch between banks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fw_write.h"

int fw_spare_bank(const struct fw_rule_maps *m, uint32_t *bank, uint32_t *version)
{
	struct fw_state st;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(m->state, &zero, &st))
		return -errno;
	*bank = !(st.bank & 1);
	*version = st.version;
	return 0;
}

/*
 * Deletes the trie entries of (bank, table): the bank last held an older
 * configuration. Keys are collected first, since deleting while walking
 * makes get_next_key start over.
 */
static int clear_trie(int fd, size_t key_size, uint32_t bank, uint32_t table)
{
	uint8_t *keys = NULL, *grown, *prev = NULL;
	size_t n = 0, cap = 0;
	uint8_t key[32];
	int ret = 0;

	while (!bpf_map_get_next_key(fd, prev, key)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(keys, cap * key_size);
			if (!grown) {
				free(keys);
				return -ENOMEM;
			}
			keys = grown;
		}
		memcpy(keys + n * key_size, key, key_size);
		prev = keys + n * key_size;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *k = keys + i * key_size; /* prefixlen, then bank, table */

		if (k[4] == bank && k[5] == table && bpf_map_delete_elem(fd, k) && errno != ENOENT) {
			ret = -errno;
			break;
		}
	}
	free(keys);
	return ret;
}

static int put_prefixes(int fd, int family, uint32_t bank, uint32_t table, uint32_t side,
			const struct fw_prefix_bits *list, int n)
{
	for (int i = 0; i < n; i++) {
		int ret;

		if (family == 4) {
			struct fw_net4_key k = { .prefixlen = 32 + list[i].len, .bank = bank,
						 .table = table, .side = side };

			memcpy(k.addr, list[i].addr, 4);
			ret = bpf_map_update_elem(fd, &k, &list[i].bits, 0);
		} else if (family == 6) {
			struct fw_net6_key k = { .prefixlen = 32 + list[i].len, .bank = bank,
						 .table = table, .side = side };

			memcpy(k.addr, list[i].addr, 16);
			ret = bpf_map_update_elem(fd, &k, &list[i].bits, 0);
		} else {
			struct fw_port_key k = { .prefixlen = 32 + list[i].len, .bank = bank,
						 .table = table, .side = side };

			memcpy(&k.port, list[i].addr, 2);
			ret = bpf_map_update_elem(fd, &k, &list[i].bits, 0);
		}
		if (ret)
			return -errno;
	}
	return 0;
}

int fw_write_table(const struct fw_rule_maps *m, uint32_t bank, uint32_t table,
		   const struct fw_compiled *c, const struct fw_rule *rules)
{
	int ncpus = libbpf_num_possible_cpus(), ret;
	struct fw_counter *zeros;
	uint32_t idx;

	if (ncpus < 0)
		return ncpus;
	ret = clear_trie(m->net4, sizeof(struct fw_net4_key), bank, table) ?:
	      clear_trie(m->net6, sizeof(struct fw_net6_key), bank, table) ?:
	      clear_trie(m->ports, sizeof(struct fw_port_key), bank, table);
	if (ret)
		return ret;
	for (int side = 0; side < 2 && !ret; side++) {
		struct fw_prefix_bits none = { .bits = c->no_port[side] };

		ret = put_prefixes(m->net4, 4, bank, table, side, c->net[0][side],
				   c->n_net[0][side]) ?:
		      put_prefixes(m->net6, 6, bank, table, side, c->net[1][side],
				   c->n_net[1][side]) ?:
		      put_prefixes(m->ports, 0, bank, table, side, c->port[side], c->n_port[side]) ?:
		      put_prefixes(m->ports, 0, bank, table, FW_NO_PORTS + side, &none, 1);
	}
	for (int p = 0; p < 256 && !ret; p++) {
		idx = fw_proto_index(bank, table, p);
		ret = bpf_map_update_elem(m->protos, &idx, &c->proto[p], 0) ? -errno : 0;
	}
	for (int t = 0; t <= FW_ICMP_NONE && !ret; t++) {
		idx = fw_icmp_index(bank, table, t);
		ret = bpf_map_update_elem(m->icmp, &idx, &c->icmp[t], 0) ? -errno : 0;
	}
	zeros = calloc(ncpus, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->table.nrules && !ret; i++) {
		idx = fw_rule_index(bank, table, i);
		ret = bpf_map_update_elem(m->rules, &idx, &rules[i], 0) ||
				      bpf_map_update_elem(m->rcount, &idx, zeros, 0) ?
			      -errno :
			      0;
	}
	free(zeros);
	/* the header last: a reader of this bank finds all it points to */
	idx = fw_table_index(bank, table);
	if (!ret && bpf_map_update_elem(m->tables, &idx, &c->table, 0))
		ret = -errno;
	return ret;
}

int fw_switch_bank(const struct fw_rule_maps *m, uint32_t bank, uint32_t version)
{
	struct fw_state st, now;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(m->state, &zero, &now))
		return -errno;
	if (now.version != version)
		return -EAGAIN; /* someone switched meanwhile: their bank, ours, mixed */
	st.bank = bank;
	st.version = version + 1;
	return bpf_map_update_elem(m->state, &zero, &st, 0) ? -errno : 0;
}
