/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The harness of the fw rule tests (test_fw_match*.c): fw.o loaded with its
 * maps unpinned, configured the way tcctl configures it (rule text through
 * fw_rule_parse, sets through fw_config_set_add and fw_members_add, one
 * fw_config_commit into the spare bank and a switch), and frames built field
 * by field and run through fw_xdp and fw_tc with BPF_PROG_TEST_RUN.
 *
 * A test gets the path a frame takes: XDP, tc ingress or tc egress. fw tells
 * tc ingress from egress by skb_iif (objects/lib/ctx.h): the test run copies
 * __sk_buff.ingress_ifindex into it and runs on lo (ifindex 1), so
 * ingress_ifindex 1 is ingress and 0 (sent by this host) is egress: both
 * directions are reachable here, no e2e test needed for them.
 *
 * fw_tc passes with TC_ACT_UNSPEC, not TC_ACT_OK: lib/ctx.h lets a filter
 * after fw run.
 */
#ifndef TCCTL_SELFTESTS_FW_MATCH_H
#define TCCTL_SELFTESTS_FW_MATCH_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_arp.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "test.h"
#include "abi/fw.h"
#include "abi/fw_rules.h"
#include "cidr.h"
#include "fw_config.h"
#include "fw_rule_text.h"
#include "fw_set.h"

/* PKT(.dport = 22) overrides the defaults it starts with: that is the point */
#pragma GCC diagnostic ignored "-Woverride-init"

#define FW_O_DEFAULT "build/bpf/fw.o"
#define LO_IFINDEX   1
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PASS FW_PASS
#define DROP FW_DROP

/* --- the object ------------------------------------------------------------ */

enum path {
	P_XDP,
	P_TC_IN,
	P_TC_OUT,
	PATHS,
};

static const char *const path_name[PATHS] = { "xdp", "tc ingress", "tc egress" };

static struct {
	struct bpf_object *obj;
	int xdp, tc;
	int verdicts, counters, ifaces;
	struct fw_rule_maps m;
	int ncpus;
	struct fw_counter *percpu;
	struct fw_config *live; /* the last configuration committed: its set slots */
} fw;

static inline int fwm_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("    ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static inline int fwm_map(const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(fw.obj, name);

	if (!map) {
		test_msg("no map %s in fw.o", name);
		return -ENOENT;
	}
	return bpf_map__fd(map);
}

static inline int fwm_prog(const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(fw.obj, name);

	return prog ? bpf_program__fd(prog) : -ENOENT;
}

/* fw.o with its maps private to this process: no run touches /sys/fs/bpf */
static inline int fwm_load(const char *path)
{
	struct bpf_map *map;
	int err;

	libbpf_set_print(fwm_libbpf_print);
	fw.obj = bpf_object__open_file(path, NULL);
	if (!fw.obj)
		return -errno;
	bpf_object__for_each_map(map, fw.obj)
		bpf_map__set_pin_path(map, NULL);
	err = bpf_object__load(fw.obj);
	if (err)
		return err;
	fw.xdp = fwm_prog("fw_xdp");
	fw.tc = fwm_prog("fw_tc");
	/* every map tcctl's fw_pins.c opens */
	fw.m = (struct fw_rule_maps){
		.state = fwm_map(FW_MAP_STATE),	    .tables = fwm_map(FW_MAP_TABLES),
		.rules = fwm_map(FW_MAP_RULES),	    .rcount = fwm_map(FW_MAP_RCOUNT),
		.net4 = fwm_map(FW_MAP_NET4),	    .net6 = fwm_map(FW_MAP_NET6),
		.ports = fwm_map(FW_MAP_PORTS),	    .protos = fwm_map(FW_MAP_PROTOS),
		.icmp = fwm_map(FW_MAP_ICMP),	    .set4 = fwm_map(FW_MAP_SET4),
		.set6 = fwm_map(FW_MAP_SET6),	    .setmeta = fwm_map(FW_MAP_SETMETA),
		.rlrule = fwm_map(FW_MAP_RLRULE),   .rlsrc = fwm_map(FW_MAP_RLSRC),
	};
	fw.verdicts = fwm_map(FW_MAP_VERDICTS);
	fw.counters = fwm_map(FW_MAP_COUNTERS);
	fw.ifaces = fwm_map(FW_MAP_IFACES);
	for (size_t i = 0; i < sizeof(fw.m) / sizeof(int); i++)
		if (((int *)&fw.m)[i] < 0)
			return -ENOENT;
	if (fw.xdp < 0 || fw.tc < 0 || fw.verdicts < 0 || fw.counters < 0 || fw.ifaces < 0)
		return -ENOENT;
	fw.ncpus = libbpf_num_possible_cpus();
	if (fw.ncpus < 0)
		return fw.ncpus;
	fw.percpu = calloc(fw.ncpus, sizeof(*fw.percpu));
	return fw.percpu ? 0 : -ENOMEM;
}

/* --- configuration, as tcctl builds and commits it -------------------------- */

/*
 * lines, up to a NULL, in the words of `tcctl fw load` files without their
 * verbs: "set NAME [counters] CIDR...", "policy [table N] drop|pass" and
 * "[table N] MATCH... ACTION" (a rule, appended to its table).
 */
static inline int fwm_build(const char *const *lines, struct fw_config *c)
{
	for (; *lines; lines++) {
		char buf[512], *words[64], *w;
		struct args a = {};
		uint32_t table = 0;
		int n = 0, ret = 0;

		snprintf(buf, sizeof(buf), "%s", *lines);
		for (w = strtok(buf, " "); w && n < 64; w = strtok(NULL, " "))
			words[n++] = w;
		a = (struct args){ n, words };
		if (n && !strcmp(words[0], "set")) {
			int set, i = 2;

			set = fw_config_set_add(c, words[1],
						n > 2 && !strcmp(words[2], "counters") ?
							FW_SET_COUNTERS : 0);
			if (set < 0)
				return set;
			i += !!(c->sets[set].flags & FW_SET_COUNTERS);
			for (; i < n && !ret; i++) {
				struct cidr cidr;
				const char *why;

				ret = cidr_parse(words[i], &cidr, &why) ?:
				      fw_members_add(&c->sets[set].members, &cidr);
			}
		} else if (n && !strcmp(words[0], "policy")) {
			arg_next(&a);
			ret = fw_arg_table(&a, &table) ?:
			      fw_policy_parse(arg_next(&a), &c->tables[table].policy);
		} else {
			struct fw_table_conf *t;
			struct fw_rule r = {};

			ret = fw_arg_table(&a, &table) ?: fw_rule_parse(&a, c, &r);
			t = &c->tables[table];
			if (!ret && t->n == FW_MAX_RULES)
				ret = -E2BIG;
			if (!ret) {
				r.id = fw_config_next_id(t);
				t->rules[t->n++] = r;
			}
		}
		if (ret) {
			test_msg("configuration line \"%s\": %d", *lines, ret);
			return ret < 0 ? ret : -EINVAL;
		}
	}
	return 0;
}

/*
 * Replaces the whole configuration with lines, as `tcctl fw load` does:
 * tidy, read the live configuration, commit the new one against it.
 */
static inline int fwm_configure(const char *const *lines)
{
	struct fw_config *next = fw_config_new(), *prev = fw_config_new();
	int ret = next && prev ? 0 : -ENOMEM;

	ret = ret ?: fwm_build(lines, next);
	ret = ret ?: fw_config_tidy(&fw.m);
	ret = ret ?: fw_config_read(&fw.m, prev);
	if (!ret) {
		next->bank = prev->bank;
		next->version = prev->version;
		ret = fw_config_commit(&fw.m, next, prev);
	}
	fw_config_free(prev);
	if (ret) {
		fw_config_free(next);
		return ret;
	}
	fw_config_free(fw.live);
	fw.live = next;
	return 0;
}

#define CONFIGURE(...) \
	ASSERT_OK(fwm_configure((const char *const[]){ __VA_ARGS__, NULL }), "configure")

static inline struct fw_state fwm_state(void)
{
	struct fw_state st = {};
	__u32 zero = 0;

	bpf_map_lookup_elem(fw.m.state, &zero, &st);
	return st;
}

static inline bool fwm_set_verdict(__u32 table, __u32 slot, __u32 verdict)
{
	__u32 idx = fw_verdict_index(table, slot);

	return ASSERT_OK(bpf_map_update_elem(fw.verdicts, &idx, &verdict, 0) ? -errno : 0,
			 "update fw_verdicts");
}

static inline bool fwm_bind(enum fw_hook hook, __u32 table)
{
	struct fw_iface_key key = { .ifindex = LO_IFINDEX, .hook = hook };
	struct fw_iface iface = { .table = table };

	return ASSERT_OK(bpf_map_update_elem(fw.ifaces, &key, &iface, 0) ? -errno : 0,
			 "update fw_ifaces");
}

static inline int fwm_counters_reset(void)
{
	memset(fw.percpu, 0, fw.ncpus * sizeof(*fw.percpu));
	for (__u32 i = 0; i < FW_COUNTERS_ENTRIES; i++)
		if (bpf_map_update_elem(fw.counters, &i, fw.percpu, 0))
			return -errno;
	return 0;
}

/* a fresh object's state: no rules, no sets, every verdict pass, no counts */
static inline int fwm_reset(void)
{
	struct fw_iface_key key;
	__u32 pass = FW_PASS;
	int ret;

	ret = fwm_configure((const char *const[]){ NULL });
	for (__u32 i = 0; i < FW_VERDICTS_ENTRIES && !ret; i++)
		if (bpf_map_update_elem(fw.verdicts, &i, &pass, 0))
			ret = -errno;
	while (!ret && !bpf_map_get_next_key(fw.ifaces, NULL, &key))
		if (bpf_map_delete_elem(fw.ifaces, &key))
			ret = -errno;
	return ret ?: fwm_counters_reset();
}

/* --- counters -------------------------------------------------------------- */

static inline struct fw_counter fwm_sum(int fd, __u32 idx)
{
	struct fw_counter sum = {};

	if (bpf_map_lookup_elem(fd, &idx, fw.percpu)) {
		test_msg("lookup of counter %u: %s", idx, strerror(errno));
		return (struct fw_counter){ ~0ULL, ~0ULL };
	}
	for (int cpu = 0; cpu < fw.ncpus; cpu++) {
		sum.packets += fw.percpu[cpu].packets;
		sum.bytes += fw.percpu[cpu].bytes;
	}
	return sum;
}

/* the counter of the rule at pos (0-based) of table in the live bank */
static inline struct fw_counter fwm_rule(__u32 table, __u32 pos)
{
	return fwm_sum(fw.m.rcount, fw_rule_index(fwm_state().bank & 1, table, pos));
}

static inline __u64 fwm_rule_packets(__u32 table, __u32 pos)
{
	return fwm_rule(table, pos).packets;
}

static inline __u64 fwm_slot_packets(__u32 table, __u32 slot, __u32 verdict)
{
	return fwm_sum(fw.counters, fw_counter_index(table, slot, verdict)).packets;
}

/* rule counters of table 0, positions 0.., as an array: {1, 0, 2} */
#define RULES_COUNTED(...)                                                                  \
	({                                                                                  \
		const __u64 ___want[] = { __VA_ARGS__ };                                    \
		bool ___ok = true;                                                          \
		for (__u32 ___i = 0; ___i < ARRAY_SIZE(___want); ___i++) {                  \
			char ___what[48];                                                   \
			snprintf(___what, sizeof(___what), "packets of rule %u", ___i + 1); \
			___ok &= ASSERT_EQ(fwm_rule_packets(0, ___i), ___want[___i],        \
					   ___what);                                        \
		}                                                                           \
		___ok;                                                                      \
	})

/* the hit counter of the member cidr of set name (its live slot) */
static inline __u64 fwm_set_hits(const char *name, const char *member)
{
	int set = fw.live ? fw_config_set_find(fw.live, name) : -1;
	struct fw_set_elem e = {};
	struct cidr c;
	const char *why;
	int ret;

	if (set < 0 || cidr_parse(member, &c, &why)) {
		test_msg("no set %s, or bad member %s", name, member);
		return ~0ULL;
	}
	if (c.family == 4) {
		struct fw_set4_key k = { .prefixlen = 32 + c.len,
					 .slot = htonl(fw.live->sets[set].slot) };

		memcpy(k.addr, c.addr, 4);
		ret = bpf_map_lookup_elem(fw.m.set4, &k, &e);
	} else {
		struct fw_set6_key k = { .prefixlen = 32 + c.len,
					 .slot = htonl(fw.live->sets[set].slot) };

		memcpy(k.addr, c.addr, 16);
		ret = bpf_map_lookup_elem(fw.m.set6, &k, &e);
	}
	if (ret) {
		test_msg("set %s has no member %s in slot %d", name, member,
			 fw.live->sets[set].slot);
		return ~0ULL;
	}
	return e.hits;
}

/* --- frames ---------------------------------------------------------------- */

#define FRAME_MAX 512

struct frame {
	__u32 len;
	__u32 l3, l4; /* offsets of the IP header and of what its chain leads to */
	/* data 2 bytes in, so that IP headers are aligned as with NET_IP_ALIGN */
	__u8 buf[2 + FRAME_MAX] __attribute__((aligned(8)));
};

static __u8 *frame_data(const struct frame *f)
{
	return (__u8 *)f->buf + 2;
}

static __u8 *frame_put(struct frame *f, __u32 len)
{
	__u8 *p = frame_data(f) + f->len;

	if (f->len + len > FRAME_MAX) {
		fprintf(stderr, "    test bug: frame over %d bytes\n", FRAME_MAX);
		exit(2);
	}
	memset(p, 0, len);
	f->len += len;
	return p;
}

enum frag {
	FRAG_NONE,
	FRAG_FIRST, /* offset 0, more fragments */
	FRAG_LATER, /* offset 1480, the last */
};

/* a packet, field by field; PKT() and friends fill in what a test leaves out */
struct pkt {
	const char *src, *dst; /* NULL: 198.51.100.1 > 198.51.100.2, fd00::1 > fd00::2 */
	int v6;		       /* also implied by an IPv6 src or dst */
	__u8 proto;
	__u16 sport, dport;
	__u8 icmp_type;
	int ntags;
	__u16 tpid[3]; /* VLAN tags, outermost first */
	int ipopt;     /* IPv4 option bytes (NOPs): a multiple of 4, at most 40 */
	int next;      /* IPv6 extension headers before the upper layer: */
	__u8 ext[6];   /* IPPROTO_HOPOPTS, _ROUTING, _DSTOPTS or _FRAGMENT */
	int frag;      /* enum frag; IPv6 gets a fragment header if ext[] has none */
	int len;       /* pad the frame to this length; 0: 32 bytes of payload */
};

#define PKT(...)   (&(struct pkt){ .proto = IPPROTO_UDP, .sport = 40000, .dport = 53, __VA_ARGS__ })
#define UDP(...)   PKT(__VA_ARGS__)
#define TCP(...)   PKT(.proto = IPPROTO_TCP, .dport = 80, __VA_ARGS__)
#define ICMP(...)  PKT(.proto = IPPROTO_ICMP, .icmp_type = 8, __VA_ARGS__)
#define ICMP6(...) PKT(.proto = IPPROTO_ICMPV6, .icmp_type = 128, .v6 = 1, __VA_ARGS__)
#define UDP6(...)  PKT(.v6 = 1, __VA_ARGS__)
#define TCP6(...)  PKT(.proto = IPPROTO_TCP, .dport = 80, .v6 = 1, __VA_ARGS__)

static inline bool pkt_has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_SCTP;
}

static inline void put_addr(__u8 *to, int v6, const char *s, const char *dflt)
{
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s ?: dflt, to) != 1) {
		fprintf(stderr, "    test bug: bad address %s\n", s);
		exit(2);
	}
}

static inline __u16 csum16(const __u8 *p, __u32 len)
{
	__u32 sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * The frame of p. The bytes after the IP headers of a later fragment are
 * those the first fragment's upper-layer header would have (ports, ICMP
 * type), so a parser that read them as a header would match port and type
 * rules: fw must not.
 */
static inline void frame_build(struct frame *f, const struct pkt *p)
{
	static const __u8 dmac[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
	static const __u8 smac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	int v6 = p->v6 || (p->src && strchr(p->src, ':')) || (p->dst && strchr(p->dst, ':'));
	__u16 ethertype = v6 ? ETH_P_IPV6 : ETH_P_IP;
	__u8 *eth, *ip, *l4;
	int i, n = p->next, has_frag = 0;
	__u8 ext[8];

	memset(f, 0, sizeof(*f));
	eth = frame_put(f, ETH_HLEN);
	memcpy(eth, dmac, ETH_ALEN);
	memcpy(eth + ETH_ALEN, smac, ETH_ALEN);
	*(__be16 *)(eth + 12) = htons(p->ntags ? p->tpid[0] : ethertype);
	for (i = 0; i < p->ntags; i++) {
		__u8 *tag = frame_put(f, 4);

		*(__be16 *)tag = htons(100 + i);
		*(__be16 *)(tag + 2) = htons(i + 1 < p->ntags ? p->tpid[i + 1] : ethertype);
	}
	f->l3 = f->len;
	if (!v6) {
		__u16 fo = p->frag == FRAG_FIRST ? 0x2000 : p->frag == FRAG_LATER ? 185 : 0x4000;

		ip = frame_put(f, 20 + p->ipopt);
		ip[0] = 0x40 | (5 + p->ipopt / 4);
		*(__be16 *)(ip + 4) = htons(0x4242);
		*(__be16 *)(ip + 6) = htons(fo);
		ip[8] = 64;
		ip[9] = p->proto;
		put_addr(ip + 12, 0, p->src, "198.51.100.1");
		put_addr(ip + 16, 0, p->dst, "198.51.100.2");
		memset(ip + 20, 1, p->ipopt); /* NOP: dport 257 if read as ports */
	} else {
		memcpy(ext, p->ext, n);
		for (i = 0; i < n; i++)
			has_frag |= ext[i] == IPPROTO_FRAGMENT;
		if (p->frag && !has_frag)
			ext[n++] = IPPROTO_FRAGMENT;
		ip = frame_put(f, 40);
		ip[0] = 0x60;
		ip[6] = n ? ext[0] : p->proto;
		ip[7] = 64;
		put_addr(ip + 8, 1, p->src, "fd00::1");
		put_addr(ip + 24, 1, p->dst, "fd00::2");
		for (i = 0; i < n; i++) {
			__u8 next = i + 1 < n ? ext[i + 1] : p->proto, *h;

			if (ext[i] == IPPROTO_FRAGMENT) {
				__u16 fo = p->frag == FRAG_LATER ? 185 << 3 : 1;

				h = frame_put(f, 8);
				*(__be16 *)(h + 2) = htons(fo);
				*(__be32 *)(h + 4) = htonl(0xfeed);
			} else if (ext[i] == IPPROTO_ROUTING) {
				h = frame_put(f, 24); /* type 2 (Mobile IPv6), one address */
				h[1] = 2;
				h[2] = 2;
				h[3] = 1;
				h[8] = 0xfd;
				h[23] = 3;
			} else {
				h = frame_put(f, 16); /* PadN over 14 bytes */
				h[1] = 1;
				h[2] = 1;
				h[3] = 12;
			}
			h[0] = next;
		}
	}
	f->l4 = f->len;
	if (pkt_has_ports(p->proto)) {
		l4 = frame_put(f, p->proto == IPPROTO_TCP ? 20 : 8);
		*(__be16 *)l4 = htons(p->sport);
		*(__be16 *)(l4 + 2) = htons(p->dport);
		if (p->proto == IPPROTO_TCP) {
			l4[12] = 5 << 4;
			l4[13] = 0x02; /* SYN */
		}
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		l4 = frame_put(f, 8);
		l4[0] = p->icmp_type;
	}
	if (p->len > (int)f->len)
		frame_put(f, p->len - f->len);
	else if (!p->len)
		frame_put(f, 32);
	for (i = 0; i < (int)f->len - (int)f->l4 - 20; i++)
		frame_data(f)[f->l4 + 20 + i] = 'a' + i % 26;
	if (!v6) {
		*(__be16 *)(ip + 2) = htons(f->len - f->l3);
		*(__be16 *)(ip + 10) = htons(csum16(ip, 20 + p->ipopt));
	} else {
		*(__be16 *)(ip + 4) = htons(f->len - f->l3 - 40);
	}
}

/* 42 bytes: who-has 10.0.0.2 tell 10.0.0.1 */
static inline void frame_arp(struct frame *f)
{
	static const __u8 arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1,
				      0, 0, 0, 0, 0, 0, 10, 0, 0, 2 };
	__u8 *eth;

	memset(f, 0, sizeof(*f));
	eth = frame_put(f, ETH_HLEN);
	memset(eth, 0xff, ETH_ALEN);
	eth[6] = 2, eth[11] = 1;
	*(__be16 *)(eth + 12) = htons(ETH_P_ARP);
	memcpy(frame_put(f, sizeof(arp)), arp, sizeof(arp));
}

/* --- runs ------------------------------------------------------------------ */

/*
 * Runs f repeat times (0: once) on path; *verdict is the last run's, as
 * FW_PASS or FW_DROP, or -1 for a return code fw never gives.
 */
static inline int fwm_run(enum path path, const struct frame *f, __u32 repeat, int *verdict)
{
	struct __sk_buff skb = { .ingress_ifindex = path == P_TC_IN ? LO_IFINDEX : 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame_data(f), .data_size_in = f->len,
		    .repeat = repeat);
	int ret;

	if (path != P_XDP) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	ret = bpf_prog_test_run_opts(path == P_XDP ? fw.xdp : fw.tc, &opts);
	if (ret)
		return ret;
	if (path == P_XDP)
		*verdict = opts.retval == XDP_DROP ? DROP : opts.retval == XDP_PASS ? PASS : -1;
	else
		*verdict = (int)opts.retval == TC_ACT_SHOT	 ? DROP :
			   (int)opts.retval == TC_ACT_UNSPEC ? PASS :
							       -1;
	if (*verdict < 0)
		test_msg("return code %d", (int)opts.retval);
	return 0;
}

static inline bool fwm_expect(enum path path, const struct frame *f, int want, const char *what)
{
	int verdict = -1;

	if (!ASSERT_OK(fwm_run(path, f, 0, &verdict), "BPF_PROG_TEST_RUN"))
		return false;
	if (verdict != want)
		test_msg("%s: %s, want %s", what, verdict == DROP ? "dropped" : "passed",
			 want == DROP ? "drop" : "pass");
	return test_check(verdict == want, __FILE__, __LINE__);
}

static inline bool fwm_expect_pkt(enum path path, const struct pkt *p, int want, const char *what)
{
	struct frame f;

	frame_build(&f, p);
	return fwm_expect(path, &f, want, what);
}

/* EXPECT(path, DROP, UDP(.dport = 22)): one run of that packet, its verdict */
#define EXPECT(path, want, p) fwm_expect_pkt((path), (p), (want), #p)

/* --- the test list ---------------------------------------------------------- */

#define ON_XDP	  (1 << P_XDP)
#define ON_TC_IN  (1 << P_TC_IN)
#define ON_TC_OUT (1 << P_TC_OUT)
#define ON_IN	  (ON_XDP | ON_TC_IN) /* the default: both programs, ingress */

struct fwm_test {
	const char *name;
	void (*fn)(enum path path);
	int paths; /* ON_* */
};

static inline int fwm_main(const struct fwm_test *tests, size_t n)
{
	const char *path = getenv("FW_O") ?: FW_O_DEFAULT;
	char name[160];

	snprintf(name, sizeof(name), "load %s and commit an empty configuration", path);
	if (!ASSERT_OK(fwm_load(path), "load fw.o") || !ASSERT_OK(fwm_reset(), "reset")) {
		test_report(name);
		return 1;
	}
	test_report(name);
	for (int p = 0; p < PATHS; p++) {
		for (size_t i = 0; i < n; i++) {
			if (!(tests[i].paths & (1 << p)))
				continue;
			snprintf(name, sizeof(name), "%s: %s", path_name[p], tests[i].name);
			if (ASSERT_OK(fwm_reset(), "reset fw to a fresh state"))
				tests[i].fn(p);
			test_report(name);
		}
	}
	fw_config_free(fw.live);
	bpf_object__close(fw.obj);
	free(fw.percpu);
	return test_exit_status();
}

#endif /* TCCTL_SELFTESTS_FW_MATCH_H */
