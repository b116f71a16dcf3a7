/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fw's rules and sets, as an ABI shared by the BPF programs, tcctl and the
 * tests (the per-protocol verdicts are in fw.h).
 *
 * Rules are ordered per table; the first terminal rule (drop, pass) that
 * matches decides, count rules and rate limits that do not drop go on, and a
 * packet no terminal rule matched gets the table's policy.
 *
 * Classification does not walk the rules. tcctl compiles a table into one
 * bitmap of rules per value of each field (a bit per rule, set when the rule
 * accepts that value), and the program looks up one bitmap per field of the
 * packet and ANDs them: the lowest bit left is the first matching rule. The
 * cost grows with the number of fields, not of rules. Address fields are
 * LPM tries whose entry for a prefix holds the rules whose own prefix
 * contains it; ports are tries over the elementary intervals of the rules'
 * ranges; protocol and ICMP type are arrays. Every lookup hits: the tries
 * hold a /0 entry with the rules that do not name the field, and the arrays
 * cover every value, so the program picks no fallbacks and the verifier
 * sees one kind of pointer per field.
 *
 * Everything the program reads per packet is doubled in two banks, and
 * fw_state says which is live: tcctl writes a whole new configuration into
 * the other bank and switches with one 4-byte write, so packets see the old
 * rules or the new ones, never a mix, and a tcctl killed half-way leaves the
 * old bank in force. Sets are not banked: a replace loads changed sets into
 * fresh slots, and fw_setmeta says which banks' configurations have each
 * slot.
 */
#ifndef TCCTL_ABI_FW_RULES_H
#define TCCTL_ABI_FW_RULES_H

#include <linux/types.h>

#include "fw.h"
#include "types.h"

#define FW_MAP_STATE	"fw_state"
#define FW_MAP_TABLES	"fw_tables"
#define FW_MAP_RULES	"fw_rules"
#define FW_MAP_RCOUNT	"fw_rcount"
#define FW_MAP_NET4	"fw_net4"
#define FW_MAP_NET6	"fw_net6"
#define FW_MAP_PORTS	"fw_ports"
#define FW_MAP_PROTOS	"fw_protos"
#define FW_MAP_ICMP	"fw_icmp"
#define FW_MAP_SET4	"fw_set4"
#define FW_MAP_SET6	"fw_set6"
#define FW_MAP_SETMETA	"fw_setmeta"
#define FW_MAP_RLRULE	"fw_rlrule"
#define FW_MAP_RLSRC	"fw_rlsrc"

#define FW_BANKS	   2
#define FW_MAX_RULES	   1024 /* per table */
#define FW_RULE_WORDS	   (FW_MAX_RULES / 64)
#define FW_MAX_SETS	   64 /* set slots: named sets, and their next versions during a replace */
#define FW_MAX_SET_REFS	   8  /* distinct sets a table's rules may name, per side */
#define FW_SET_ENTRIES	   (4 * 1024 * 1024) /* per family, all sets together */
#define FW_NET_ENTRIES	   (FW_BANKS * FW_MAX_TABLES * 2 * (FW_MAX_RULES + 1))
#define FW_PORT_ENTRIES	   (FW_BANKS * FW_MAX_TABLES * 2 * 32 * (2 * FW_MAX_RULES + 1))
#define FW_RLSRC_ENTRIES   65536
#define FW_SET_NAME_LEN	   32

/* a bit per rule of a table */
struct fw_bits {
	__u64 w[FW_RULE_WORDS];
};

/* fw_state: ARRAY of 1 */
struct fw_state {
	__u32 bank;	 /* 0 or 1: the live one */
	__u32 version; /* counts switches, so a writer can tell it raced another */
};
_Static_assert(sizeof(struct fw_state) == 8, "fw_state is ABI");

enum fw_side {
	FW_SRC = 0,
	FW_DST = 1,
};

/*
 * A side with few distinct prefixes keeps them in its table, longest
 * first, the /0 last: comparing eight masked addresses costs less than one
 * trie lookup. n is 0 when the side has more and uses its trie.
 */
#define FW_INLINE_NETS 4

struct fw_inline_nets {
	__u32 n;
	__u32 pad;
	__u32 addr[FW_INLINE_NETS][4]; /* network order, host bits clear; IPv4 in [0] */
	__u32 mask[FW_INLINE_NETS][4];
	struct fw_bits bits[FW_INLINE_NETS]; /* as the trie's entry for the prefix */
};
_Static_assert(sizeof(struct fw_inline_nets) == 8 + FW_INLINE_NETS * (16 + 16 + 128),
	       "fw_inline_nets is ABI");

/*
 * Likewise a port side cut into few intervals by its rules' ranges: the
 * interval a port falls in is the number of starts at or below it, less
 * one. n is 0 when the side uses its trie.
 */
#define FW_INLINE_PORTS 8

struct fw_inline_ports {
	__u32 n;
	__u32 pad;
	__u16 start[FW_INLINE_PORTS]; /* ascending, start[0] == 0 */
	struct fw_bits bits[FW_INLINE_PORTS + 1]; /* [FW_INLINE_PORTS]: packets without ports */
};
_Static_assert(sizeof(struct fw_inline_ports) == 24 + (FW_INLINE_PORTS + 1) * 128,
	       "fw_inline_ports is ABI");

/* fw_tables: ARRAY, index fw_table_index(bank, table) */
struct fw_table {
	__u32 nrules;
	__u32 nwords; /* words of each fw_bits in use: (nrules + 63) / 64 */
	__u32 policy; /* enum fw_verdict, for IP packets no terminal rule took */
	__u32 nsets[2]; /* by enum fw_side */
	__u32 sets[2][FW_MAX_SET_REFS]; /* set slots, by side */
	__u32 sets_counted[2]; /* bit i: sets[side][i] counts hits per element */
	__u32 uses; /* enum fw_uses: the tries some rule needs; the others are not looked up */
	struct fw_bits family[2]; /* rules that can match IPv4 [0], IPv6 [1] */
	struct fw_bits dir[2];	  /* rules for ingress (and XDP) [0], egress [1] */
	struct fw_bits set_rules[2][FW_MAX_SET_REFS]; /* rules naming sets[side][i] */
	struct fw_bits any_net[2]; /* rules naming no address nor set, by side: the tries' /0 */
	struct fw_inline_nets inline_nets[2][2]; /* by family (IPv4, IPv6) and side */
	struct fw_inline_ports inline_ports[2];	 /* by side */
};
_Static_assert(sizeof(struct fw_table) == 96 + 22 * 128 + 4 * sizeof(struct fw_inline_nets) +
						 2 * sizeof(struct fw_inline_ports),
	       "fw_table is ABI");

/*
 * A trie or array no rule of the table needs is not looked up: a trie
 * lookup costs some 20 ns, and most tables name few fields.
 */
enum fw_uses {
	FW_USES_SRC_NET = 1 << 0,
	FW_USES_DST_NET = 1 << 1,
	FW_USES_SPORT = 1 << 2,
	FW_USES_DPORT = 1 << 3,
	FW_USES_PROTO = 1 << 4, /* and the arrays */
	FW_USES_ICMP = 1 << 5,
};

enum fw_match {
	FW_M_SRC_NET = 1 << 0,
	FW_M_DST_NET = 1 << 1,
	FW_M_SRC_SET = 1 << 2,
	FW_M_DST_SET = 1 << 3,
	FW_M_PROTO = 1 << 4,
	FW_M_SPORT = 1 << 5,
	FW_M_DPORT = 1 << 6,
	FW_M_ICMP_TYPE = 1 << 7,
	FW_M_DIR = 1 << 8,
	FW_M_FAMILY = 1 << 9,
};

enum fw_action {
	FW_ACT_DROP = 1,
	FW_ACT_PASS = 2,
	FW_ACT_COUNT = 3, /* count and go on */
	FW_ACT_RATE = 4,  /* drop what exceeds the rate, let the rest go on */
};

enum fw_dir {
	FW_DIR_IN = 0, /* XDP, tc ingress */
	FW_DIR_OUT = 1,
};

/*
 * fw_rules: ARRAY, index fw_rule_index(bank, table, n): the rules as given,
 * which tcctl reads back to list, save and recompile them. The program
 * reads only action and the rate fields.
 */
struct fw_rule {
	__u32 match;  /* enum fw_match */
	__u32 id;     /* the handle tcctl shows, stable when rules move */
	__u8 action;  /* enum fw_action */
	__u8 proto;
	__u8 icmp_type;
	__u8 family;  /* 4 or 6 with FW_M_FAMILY */
	__u8 src_len; /* prefix lengths with FW_M_*_NET */
	__u8 dst_len;
	__u8 dir;     /* enum fw_dir with FW_M_DIR */
	__u8 rate_per_source;
	__u16 sport[2]; /* first and last, host order */
	__u16 dport[2];
	__u32 src_set; /* set slots with FW_M_*_SET */
	__u32 dst_set;
	__u8 src[16]; /* network order; IPv4 in the first 4 bytes */
	__u8 dst[16];
	__u64 rate_pps; /* FW_ACT_RATE: 0 when only bytes are limited */
	__u64 rate_bps; /* bytes per second: 0 when only packets are limited */
	__u32 burst_pkts;
	__u32 burst_bytes;
};
_Static_assert(sizeof(struct fw_rule) == 88, "fw_rule is ABI");

/* fw_rcount: PERCPU_ARRAY of struct fw_counter, index fw_rule_index() */

/* fw_net4, fw_net6: LPM_TRIE of struct fw_bits, the address bitmaps */
struct fw_net4_key {
	__u32 prefixlen; /* 32 + the prefix length */
	__u8 bank, table, side, pad;
	ip4_addr_t addr;
};
_Static_assert(sizeof(struct fw_net4_key) == 12, "fw_net4_key is ABI");

struct fw_net6_key {
	__u32 prefixlen;
	__u8 bank, table, side, pad;
	ip6_addr_t addr;
};
_Static_assert(sizeof(struct fw_net6_key) == 24, "fw_net6_key is ABI");

/*
 * fw_ports: LPM_TRIE of struct fw_bits, over the elementary port intervals.
 * side is FW_SRC or FW_DST, or FW_NO_PORTS + either for packets without
 * ports, whose only entry is a /0 with the rules that name no port.
 */
#define FW_NO_PORTS 2

struct fw_port_key {
	__u32 prefixlen; /* 32 + the port prefix length */
	__u8 bank, table, side, pad;
	inet_port_t port;
	__u16 pad2;
};
_Static_assert(sizeof(struct fw_port_key) == 12, "fw_port_key is ABI");

/*
 * fw_protos: ARRAY of struct fw_bits, index fw_proto_index(), by protocol.
 * fw_icmp: ARRAY of struct fw_bits, index fw_icmp_index(), by ICMP type, or
 * FW_ICMP_NONE for packets that carry none.
 */
#define FW_ICMP_NONE 256

/* fw_set4, fw_set6: LPM_TRIE, the sets' members */
struct fw_set4_key {
	__u32 prefixlen; /* 32 + the prefix length */
	__be32 slot;
	ip4_addr_t addr;
};
_Static_assert(sizeof(struct fw_set4_key) == 12, "fw_set4_key is ABI");

struct fw_set6_key {
	__u32 prefixlen;
	__be32 slot;
	ip6_addr_t addr;
};
_Static_assert(sizeof(struct fw_set6_key) == 24, "fw_set6_key is ABI");

struct fw_set_elem {
	__u64 hits; /* counted when the set has FW_SET_COUNTERS */
};

/* fw_setmeta: ARRAY of FW_MAX_SETS, the slots' names and flags */
enum fw_set_flags {
	FW_SET_USED = 1 << 0,
	FW_SET_COUNTERS = 1 << 1,
	/*
	 * The banks whose configuration has the set. A slot in neither live
	 * nor spare is being loaded, or is left over from a replace: the next
	 * writer frees every slot the live bank does not have.
	 */
	FW_SET_BANK0 = 1 << 2,
	FW_SET_BANK1 = 1 << 3,
};

static inline __u32 fw_set_bank_flag(__u32 bank)
{
	return bank ? FW_SET_BANK1 : FW_SET_BANK0;
}

struct fw_set_meta {
	char name[FW_SET_NAME_LEN];
	__u32 flags;
	__u32 pad;
};
_Static_assert(sizeof(struct fw_set_meta) == 40, "fw_set_meta is ABI");

/* rate limits: GCRA, the theoretical arrival time of the next packet */
struct fw_rate_state {
	__u64 tat_pkts;	 /* ns */
	__u64 tat_bytes; /* ns */
};

/* fw_rlrule: ARRAY of struct fw_rate_state, index fw_rule_index() */
/* fw_rlsrc: LRU_HASH of struct fw_rate_state, per rule and source address */
struct fw_rlsrc_key {
	__u32 rule;    /* fw_rule_index() */
	ip6_addr_t addr; /* IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d) */
};
_Static_assert(sizeof(struct fw_rlsrc_key) == 20, "fw_rlsrc_key is ABI");

static inline __u32 fw_table_index(__u32 bank, __u32 table)
{
	return bank * FW_MAX_TABLES + table;
}

static inline __u32 fw_rule_index(__u32 bank, __u32 table, __u32 n)
{
	return fw_table_index(bank, table) * FW_MAX_RULES + n;
}

static inline __u32 fw_proto_index(__u32 bank, __u32 table, __u32 proto)
{
	return fw_table_index(bank, table) * 256 + proto;
}

static inline __u32 fw_icmp_index(__u32 bank, __u32 table, __u32 type)
{
	return fw_table_index(bank, table) * 257 + type;
}

#endif /* TCCTL_ABI_FW_RULES_H */
