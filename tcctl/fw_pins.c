// SPDX-License-Identifier: GPL-2.0-only
/* Opens the maps fw's rules and sets live in, as pinned by whoever loaded fw.o. */
#include <stddef.h>
#include <unistd.h>

#include "abi/fw_rules.h"
#include "fw_pins.h"
#include "obj.h"

static const struct pin {
	const char *name;
	size_t offset; /* of the fd in struct fw_rule_maps */
	uint32_t key_size, value_size, max_entries;
} pins[] = {
#define PIN(field, map, key, value, entries) \
	{ map, offsetof(struct fw_rule_maps, field), sizeof(key), sizeof(value), entries }
	PIN(state, FW_MAP_STATE, __u32, struct fw_state, 1),
	PIN(tables, FW_MAP_TABLES, __u32, struct fw_table, FW_BANKS * FW_MAX_TABLES),
	PIN(rules, FW_MAP_RULES, __u32, struct fw_rule, FW_BANKS * FW_MAX_TABLES * FW_MAX_RULES),
	PIN(rcount, FW_MAP_RCOUNT, __u32, struct fw_counter,
	    FW_BANKS * FW_MAX_TABLES * FW_MAX_RULES),
	PIN(net4, FW_MAP_NET4, struct fw_net4_key, struct fw_bits, FW_NET_ENTRIES),
	PIN(net6, FW_MAP_NET6, struct fw_net6_key, struct fw_bits, FW_NET_ENTRIES),
	PIN(ports, FW_MAP_PORTS, struct fw_port_key, struct fw_bits, FW_PORT_ENTRIES),
	PIN(protos, FW_MAP_PROTOS, __u32, struct fw_bits, FW_BANKS * FW_MAX_TABLES * 256),
	PIN(icmp, FW_MAP_ICMP, __u32, struct fw_bits, FW_BANKS * FW_MAX_TABLES * 257),
	PIN(set4, FW_MAP_SET4, struct fw_set4_key, struct fw_set_elem, FW_SET_ENTRIES),
	PIN(set6, FW_MAP_SET6, struct fw_set6_key, struct fw_set_elem, FW_SET_ENTRIES),
	PIN(setmeta, FW_MAP_SETMETA, __u32, struct fw_set_meta, FW_MAX_SETS),
	PIN(rlrule, FW_MAP_RLRULE, __u32, struct fw_rate_state,
	    FW_BANKS * FW_MAX_TABLES * FW_MAX_RULES),
	PIN(rlsrc, FW_MAP_RLSRC, struct fw_rlsrc_key, struct fw_rate_state, FW_RLSRC_ENTRIES),
#undef PIN
};

#define PINS (sizeof(pins) / sizeof(pins[0]))
_Static_assert(sizeof(struct fw_rule_maps) == PINS * sizeof(int), "a pin per map fd");

static int *fd_of(struct fw_rule_maps *m, const struct pin *p)
{
	return (int *)((char *)m + p->offset);
}

int fw_pins_open(struct fw_rule_maps *m)
{
	for (size_t i = 0; i < PINS; i++)
		*fd_of(m, &pins[i]) = -1;
	for (size_t i = 0; i < PINS; i++) {
		int fd = pinned_map_open_checked(pins[i].name, pins[i].key_size,
						 pins[i].value_size, pins[i].max_entries);

		if (fd < 0) {
			fw_pins_close(m);
			return fd;
		}
		*fd_of(m, &pins[i]) = fd;
	}
	return 0;
}

void fw_pins_close(struct fw_rule_maps *m)
{
	for (size_t i = 0; i < PINS; i++) {
		int *fd = fd_of(m, &pins[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}
