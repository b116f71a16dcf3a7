// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw's rules in the real program: random rule sets compiled by fw_compile,
 * written by fw_write into a bank, switched to, and random packets built as
 * frames and run through fw_xdp with BPF_PROG_TEST_RUN. Each verdict must be
 * the reference's: the first drop or pass rule that matches, count rules
 * passed over, else the table's policy. Drop events are on: each drop must
 * write exactly one event naming the rule the reference chose (or the
 * policy) and the packet's fields, and a pass none.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi/events.h"
#include "test.h"
#include "fw_rand.h"
#include "../../tcctl/fw_write.h"

#define FW_O_DEFAULT "build/bpf/fw.o"

static struct bpf_object *obj;
static struct fw_rule_maps maps;
static int prog, set4, set6, events_cfg;
static struct ring_buffer *ring;

/* the events a run wrote: how many, and the last */
static struct {
	int n;
	struct event last;
} seen;

static int event_seen(void *ctx, void *data, size_t size)
{
	(void)ctx;
	seen.n++;
	if (size == sizeof(seen.last))
		memcpy(&seen.last, data, size);
	return 0;
}

static int map_fd(const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

static int load(const char *path)
{
	struct bpf_map *m;
	int err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return -errno;
	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
	err = bpf_object__load(obj);
	if (err)
		return err;
	prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "fw_xdp"));
	maps = (struct fw_rule_maps){
		.state = map_fd(FW_MAP_STATE),	 .tables = map_fd(FW_MAP_TABLES),
		.rules = map_fd(FW_MAP_RULES),	 .rcount = map_fd(FW_MAP_RCOUNT),
		.net4 = map_fd(FW_MAP_NET4),	 .net6 = map_fd(FW_MAP_NET6),
		.ports = map_fd(FW_MAP_PORTS),	 .protos = map_fd(FW_MAP_PROTOS),
		.icmp = map_fd(FW_MAP_ICMP),
	};
	set4 = map_fd(FW_MAP_SET4);
	set6 = map_fd(FW_MAP_SET6);
	events_cfg = map_fd(EVENTS_MAP_CONFIG);
	ring = ring_buffer__new(map_fd(EVENTS_MAP_RING), event_seen, NULL, NULL);
	return ring ? 0 : -errno;
}

static int events_on(void)
{
	struct events_config cfg = { .drops = 1, .budget = EVENTS_BUDGET_MAX };
	__u32 zero = 0;

	return bpf_map_update_elem(events_cfg, &zero, &cfg, 0) ? -errno : 0;
}

/* set slot k holds every address rand_addr makes whose last byte is k */
static int fill_sets(void)
{
	struct fw_set_elem e = {};

	for (uint32_t k = 0; k < 4; k++)
		for (int b1 = 0; b1 < 3; b1++)
			for (int b2 = 0; b2 < 4; b2++) {
				struct fw_set4_key k4 = { .prefixlen = 64, .slot = htonl(k),
							  .addr = { 10, b1, b2 * 64, k } };
				struct fw_set6_key k6 = { .prefixlen = 32 + 128, .slot = htonl(k) };

				k6.addr[0] = 0xfd, k6.addr[1] = b1, k6.addr[2] = b2 * 64;
				k6.addr[15] = k;
				if (bpf_map_update_elem(set4, &k4, &e, 0) ||
				    bpf_map_update_elem(set6, &k6, &e, 0))
					return -errno;
			}
	return 0;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* the packet as a frame; later fragments (IPv4) when has_ports/has_icmp is off */
static int build(const struct pkt_fields *p, uint8_t *f)
{
	int l3 = 14, l4, len;
	int later = (p->proto == 6 || p->proto == 17) ? !p->has_ports :
		    (p->proto == 1 || p->proto == 58) ? !p->has_icmp : 0;

	memset(f, 0, 128);
	memset(f, 0x02, 12);
	if (!p->v6) {
		f[12] = 0x08, f[13] = 0x00;
		f[l3] = 0x45;
		f[l3 + 8] = 64;
		f[l3 + 9] = p->proto;
		if (later)
			f[l3 + 7] = 0x10; /* fragment offset 128 bytes */
		memcpy(f + l3 + 12, p->src, 4);
		memcpy(f + l3 + 16, p->dst, 4);
		l4 = l3 + 20;
	} else {
		f[12] = 0x86, f[13] = 0xdd;
		f[l3] = 0x60;
		f[l3 + 6] = p->proto;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, p->src, 16);
		memcpy(f + l3 + 24, p->dst, 16);
		l4 = l3 + 40;
		if (later) { /* a fragment header with offset 16 */
			f[l3 + 6] = 44;
			f[l4] = p->proto;
			f[l4 + 2] = 0x00, f[l4 + 3] = 0x10;
			l4 += 8;
		}
	}
	if (!later && (p->proto == 6 || p->proto == 17)) {
		f[l4] = p->sport >> 8, f[l4 + 1] = p->sport;
		f[l4 + 2] = p->dport >> 8, f[l4 + 3] = p->dport;
	} else if (!later && (p->proto == 1 || p->proto == 58)) {
		f[l4] = p->icmp_type;
	}
	len = l4 + 20;
	if (!p->v6) {
		uint32_t sum = 0;

		f[l3 + 2] = (len - l3) >> 8, f[l3 + 3] = len - l3;
		for (int i = 0; i < 20; i += 2)
			sum += f[l3 + i] << 8 | f[l3 + i + 1];
		sum = csum_fold(sum);
		f[l3 + 10] = sum >> 8, f[l3 + 11] = sum;
	} else {
		f[l3 + 4] = (len - l4 + (l4 - l3 - 40)) >> 8;
		f[l3 + 5] = len - l3 - 40;
	}
	return len;
}

/* the verdict, and in *rule the deciding rule's index (-1: the policy decided) */
static int reference(const struct fw_rule *rules, int n, uint32_t policy,
		     const struct pkt_fields *p, int *rule)
{
	for (int i = 0; i < n; i++) {
		if (!rule_matches(&rules[i], p) || rules[i].action == FW_ACT_COUNT)
			continue;
		*rule = i;
		return rules[i].action == FW_ACT_DROP ? XDP_DROP : XDP_PASS;
	}
	*rule = -1;
	return policy == FW_DROP ? XDP_DROP : XDP_PASS;
}

/* the drop event against the packet and the rule the reference chose; 0 when it fits */
static int event_differs(const struct event *e, const struct pkt_fields *p,
			 const struct fw_rule *rules, int rule)
{
	uint8_t src[16] = {}, dst[16] = {};

	if (p->v6) {
		memcpy(src, p->src, 16);
		memcpy(dst, p->dst, 16);
	} else { /* IPv4-mapped */
		src[10] = src[11] = dst[10] = dst[11] = 0xff;
		memcpy(src + 12, p->src, 4);
		memcpy(dst + 12, p->dst, 4);
	}
	if (e->kind != EVENT_DROP || e->object != EVENT_OBJ_FW || e->hook != FW_HOOK_XDP)
		return 1;
	if (rule >= 0 ? e->reason != EVENT_REASON_RULE || e->rule != rules[rule].id :
			e->reason != EVENT_REASON_POLICY || e->rule != 0)
		return 2;
	if (e->family != (p->v6 ? 6 : 4) || e->proto != p->proto || memcmp(e->saddr, src, 16) ||
	    memcmp(e->daddr, dst, 16))
		return 3;
	if (p->has_ports && (e->sport != p->sport || e->dport != p->dport))
		return 4;
	if (p->has_icmp && e->icmp_type != p->icmp_type)
		return 5;
	return 0;
}

static void test_rules(int n, uint32_t policy, unsigned int seed)
{
	struct fw_rule *rules = calloc(n, sizeof(*rules));
	struct fw_compiled *c = calloc(1, sizeof(*c));
	uint32_t bank, version;
	int bad = 0, bad_events = 0, drops = 0;

	srand(seed);
	for (int i = 0; i < n; i++) {
		rand_rule(&rules[i]);
		rules[i].id = 1000 + i; /* ids are not positions: the event must carry the id */
		rules[i].action = (int[]){ FW_ACT_DROP, FW_ACT_PASS, FW_ACT_COUNT }[rand() % 3];
	}
	if (!ASSERT_OK(fw_compile(rules, n, policy, NULL, 0, c), "compile") ||
	    !ASSERT_OK(fw_spare_bank(&maps, &bank, &version), "spare bank") ||
	    !ASSERT_OK(fw_write_table(&maps, bank, 0, c, rules), "write") ||
	    !ASSERT_OK(fw_switch_bank(&maps, bank, version), "switch"))
		goto out;
	for (int k = 0; k < 5000 && bad < 5; k++) {
		struct pkt_fields p;
		uint8_t frame[128];
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame);
		int want, rule, why;

		rand_pkt(&p);
		p.dir = FW_DIR_IN; /* XDP */
		p.src_sets = 1U << p.src[p.v6 ? 15 : 3];
		p.dst_sets = 1U << p.dst[p.v6 ? 15 : 3];
		opts.data_size_in = build(&p, frame);
		want = reference(rules, n, policy, &p, &rule);
		seen.n = 0;
		if (!ASSERT_OK(bpf_prog_test_run_opts(prog, &opts), "test run") ||
		    !ASSERT_OK(ring_buffer__consume(ring) < 0, "read events"))
			break;
		if (opts.retval != (uint32_t)want) {
			test_msg("packet %d (v%d proto %d): verdict %u, want %d", k, p.v6 ? 6 : 4,
				 p.proto, opts.retval, want);
			bad++;
		}
		drops += want == XDP_DROP;
		why = want != XDP_DROP ? seen.n : seen.n != 1 ? 10 + seen.n :
					       event_differs(&seen.last, &p, rules, rule);
		if (why && bad_events++ < 5)
			test_msg("packet %d (v%d proto %d, verdict %d, rule %d): %d events, mismatch %d",
				 k, p.v6 ? 6 : 4, p.proto, want, rule, seen.n, why);
	}
	ASSERT_EQ(bad, 0, "verdicts unlike the rules'");
	ASSERT_EQ(bad_events, 0, "drop events unlike the rules' drops");
	if (drops == 0 && n > 1)
		test_msg("no packet was dropped: the events went untested");
out:
	fw_compiled_free(c);
	free(c);
	free(rules);
}

int main(void)
{
	const char *path = getenv("FW_O") ?: FW_O_DEFAULT;
	int sizes[] = { 1, 10, 100, 1000 };
	char name[128];

	if (!ASSERT_OK(load(path), "load") || !ASSERT_OK(fill_sets(), "sets") ||
	    !ASSERT_OK(events_on(), "drop events on")) {
		test_report("rules: load fw.o, fill four sets, turn drop events on");
		return 1;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (uint32_t policy = FW_PASS; policy <= FW_DROP; policy++) {
			test_rules(sizes[i], policy, 7 + i * 2 + policy);
			snprintf(name, sizeof(name),
				 "xdp: %d random rules, policy %s: 5000 packets get the rules' verdict, each drop one event naming its rule",
				 sizes[i], policy == FW_DROP ? "drop" : "pass");
			test_report(name);
		}
	}
	return test_exit_status();
}
