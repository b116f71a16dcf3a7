// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl stats prometheus [ file PATH ]: the counters in Prometheus' text
 * exposition format (0.0.4), for node_exporter's textfile collector.
 *
 * Everything is read before anything is written, so a map error prints one
 * line and leaves the old file as it was. With file, the text goes to
 * PATH.tmp.PID in PATH's directory and is renamed over PATH: the collector
 * reads the old file or the new one, never half of one.
 *
 * Each source is optional (stats, events, fw: an admin may run any of
 * them), and tcctl_maps_pinned tells which were there. Flows are not
 * exported: their labels (addresses, ports) are unbounded, and a time series
 * per flow is what Prometheus warns against; tcctl top and stats flows show
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "abi/fw.h"
#include "abi/fw_rules.h"
#include "fw_edit.h"
#include "netdev.h"
#include "obj.h"
#include "stats_cmds.h"

#define LABELS_MAX 512

static const char *const kind_names[EVENT_KINDS] = {"sample", "drop"};
static const char *const overflow_maps[] = {STATS_MAP_PROTO, STATS_MAP_PORTS, STATS_MAP_FLOWS};

/* the label value escaped as the format asks: backslash, double quote, newline */
static void label(char *buf, size_t len, const char *name, const char *value)
{
	size_t at = strlen(buf);

	at += snprintf(buf + at, at < len ? len - at : 0, "%s%s=\"", at ? "," : "", name);
	for (const char *c = value; *c && at + 3 < len; c++) {
		if (*c == '\\' || *c == '"' || *c == '\n')
			buf[at++] = '\\';
		buf[at++] = *c == '\n' ? 'n' : *c;
	}
	if (at + 2 < len) {
		buf[at++] = '"';
		buf[at] = '\0';
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(FILE *f, const char *name, const char *labels, unsigned long long v)
{
	fprintf(f, "%s{%s} %llu\n", name, labels, v);
}

/* --- stats --------------------------------------------------------------- */

static void proto_labels(const struct stats_proto_row *r, char *buf)
{
	const char *fam = stats_family_name(r->key.family);
	char dev[IF_NAMESIZE], proto[16];

	buf[0] = '\0';
	label(buf, LABELS_MAX, "dev", dev_name(r->key.ifindex, dev));
	label(buf, LABELS_MAX, "hook", stats_hook_names[r->key.hook % STATS_HOOKS]);
	label(buf, LABELS_MAX, "family", fam ? fam : "none");
	label(buf, LABELS_MAX, "proto", stats_proto_name(r->key.slot, proto, sizeof(proto)));
}

static void port_labels(const struct stats_port_row *r, char *buf)
{
	char dev[IF_NAMESIZE], proto[16], port[8];

	buf[0] = '\0';
	snprintf(port, sizeof(port), "%u", r->key.port);
	label(buf, LABELS_MAX, "dev", dev_name(r->key.ifindex, dev));
	label(buf, LABELS_MAX, "hook", stats_hook_names[r->key.hook % STATS_HOOKS]);
	label(buf, LABELS_MAX, "proto", stats_proto_name(r->key.proto, proto, sizeof(proto)));
	label(buf, LABELS_MAX, "port", port);
}

struct stats_read {
	struct stats_table proto, ports, flows;
	struct stats_counter overflow[STATS_OVERFLOW_ENTRIES];
};

static int stats_collect(struct stats_read *s)
{
	const struct stats_filter all = STATS_FILTER_ALL;

	return stats_read_proto(&all, false, &s->proto) ?: stats_read_ports(&all, &s->ports) ?:
	       stats_read_flows(&all, &s->flows) ?: stats_read_overflow(s->overflow);
}

static void stats_print(FILE *f, const struct stats_read *s)
{
	char labels[LABELS_MAX];

	family(f, "tcctl_stats_packets_total", "counter",
	       "Packets the stats object counted, by device, hook, IP family and protocol.");
	for (size_t i = 0; i < s->proto.n; i++) {
		proto_labels(&s->proto.proto[i], labels);
		sample(f, "tcctl_stats_packets_total", labels, s->proto.proto[i].sum.packets);
	}
	family(f, "tcctl_stats_bytes_total", "counter",
	       "Bytes (frames, L2 header on) the stats object counted, by device, hook, IP family "
	       "and protocol.");
	for (size_t i = 0; i < s->proto.n; i++) {
		proto_labels(&s->proto.proto[i], labels);
		sample(f, "tcctl_stats_bytes_total", labels, s->proto.proto[i].sum.bytes);
	}
	family(f, "tcctl_stats_port_packets_total", "counter",
	       "Packets by service port (the lower of source and destination port), device, hook "
	       "and protocol.");
	for (size_t i = 0; i < s->ports.n; i++) {
		port_labels(&s->ports.ports[i], labels);
		sample(f, "tcctl_stats_port_packets_total", labels, s->ports.ports[i].sum.packets);
	}
	family(f, "tcctl_stats_port_bytes_total", "counter",
	       "Bytes by service port (the lower of source and destination port), device, hook and "
	       "protocol.");
	for (size_t i = 0; i < s->ports.n; i++) {
		port_labels(&s->ports.ports[i], labels);
		sample(f, "tcctl_stats_port_bytes_total", labels, s->ports.ports[i].sum.bytes);
	}
	family(f, "tcctl_stats_overflow_packets_total", "counter",
	       "Packets a stats map had no room for (counted here instead).");
	for (size_t i = 0; i < sizeof(overflow_maps) / sizeof(overflow_maps[0]); i++) {
		labels[0] = '\0';
		label(labels, sizeof(labels), "map", overflow_maps[i]);
		sample(f, "tcctl_stats_overflow_packets_total", labels, s->overflow[i].packets);
	}
	family(f, "tcctl_stats_overflow_bytes_total", "counter",
	       "Bytes of the packets a stats map had no room for.");
	for (size_t i = 0; i < sizeof(overflow_maps) / sizeof(overflow_maps[0]); i++) {
		labels[0] = '\0';
		label(labels, sizeof(labels), "map", overflow_maps[i]);
		sample(f, "tcctl_stats_overflow_bytes_total", labels, s->overflow[i].bytes);
	}
	family(f, "tcctl_stats_flow_entries", "gauge",
	       "Flows in the stats_flows table (flows themselves are not exported: unbounded "
	       "labels).");
	fprintf(f, "tcctl_stats_flow_entries %zu\n", s->flows.n);
}

static void stats_free(struct stats_read *s)
{
	stats_table_free(&s->proto);
	stats_table_free(&s->ports);
	stats_table_free(&s->flows);
}

/* --- events -------------------------------------------------------------- */

static void events_print(FILE *f, const struct events_counter ev[EVENT_KINDS])
{
	char labels[LABELS_MAX];

	family(f, "tcctl_events_total", "counter",
	       "Events the objects wanted to write, by kind and outcome (emitted, lost: the ring "
	       "was full, over_budget).");
	for (int k = 0; k < EVENT_KINDS; k++) {
		const unsigned long long v[] = {ev[k].emitted, ev[k].lost, ev[k].over_budget};
		static const char *const outcome[] = {"emitted", "lost", "over_budget"};

		for (int o = 0; o < 3; o++) {
			labels[0] = '\0';
			label(labels, sizeof(labels), "kind", kind_names[k]);
			label(labels, sizeof(labels), "outcome", outcome[o]);
			sample(f, "tcctl_events_total", labels, v[o]);
		}
	}
}

/* --- fw ------------------------------------------------------------------ */

struct fw_row {
	unsigned int table, slot_or_rule, verdict;
	struct fw_counter sum;
};

struct fw_read {
	struct fw_row *proto; /* by table, protocol slot and verdict: nonzero ones */
	size_t n_proto;
	struct fw_row *rules; /* by table and rule id */
	size_t n_rules;
};

static int percpu_sum(int fd, __u32 idx, struct fw_counter *percpu, int ncpus,
		      struct fw_counter *sum)
{
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(fd, &idx, percpu))
		return -errno;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		sum->packets += percpu[cpu].packets;
		sum->bytes += percpu[cpu].bytes;
	}
	return 0;
}

static int fw_proto_collect(struct fw_read *r, struct fw_counter *percpu, int ncpus)
{
	struct fw_counter sum;
	int fd, ret = 0;

	fd = pinned_map_open_checked(FW_MAP_COUNTERS, sizeof(__u32), sizeof(struct fw_counter),
				     FW_COUNTERS_ENTRIES);
	if (fd < 0)
		return fd;
	r->proto = calloc(FW_COUNTERS_ENTRIES, sizeof(*r->proto));
	if (!r->proto) {
		err("out of memory");
		ret = -ENOMEM;
	}
	for (__u32 t = 0; !ret && t < FW_MAX_TABLES; t++)
		for (__u32 s = 0; !ret && s < FW_SLOTS; s++)
			for (__u32 v = 0; !ret && v < FW_VERDICTS; v++) {
				ret =
				    percpu_sum(fd, fw_counter_index(t, s, v), percpu, ncpus, &sum);
				if (ret)
					err("%s/%s: %s", pin_dir(), FW_MAP_COUNTERS,
					    strerror(-ret));
				else if (sum.packets)
					r->proto[r->n_proto++] = (struct fw_row){t, s, v, sum};
			}
	close(fd);
	return ret;
}

static int fw_rules_collect(struct fw_read *r, struct fw_counter *percpu, int ncpus)
{
	struct fw_edit e;
	struct fw_counter sum;
	size_t n = 0;
	int ret;

	ret = fw_edit_begin(&e, false);
	for (__u32 t = 0; !ret && t < FW_MAX_TABLES; t++)
		n += e.prev->tables[t].n;
	if (!ret) {
		r->rules = calloc(n ? n : 1, sizeof(*r->rules));
		if (!r->rules) {
			err("out of memory");
			ret = -ENOMEM;
		}
	}
	for (__u32 t = 0; !ret && t < FW_MAX_TABLES; t++)
		for (__u32 i = 0; !ret && i < e.prev->tables[t].n; i++) {
			ret = percpu_sum(e.maps.rcount, fw_rule_index(e.prev->bank, t, i), percpu,
					 ncpus, &sum);
			if (ret)
				err("%s/%s: %s", pin_dir(), FW_MAP_RCOUNT, strerror(-ret));
			else
				r->rules[r->n_rules++] =
				    (struct fw_row){t, e.prev->tables[t].rules[i].id, 0, sum};
		}
	fw_edit_end(&e);
	return ret;
}

static int fw_collect(struct fw_read *r)
{
	int ncpus = libbpf_num_possible_cpus(), ret;
	struct fw_counter *percpu;

	if (ncpus < 1) {
		err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = fw_proto_collect(r, percpu, ncpus);
	if (!ret && pin_exists(FW_MAP_RCOUNT))
		ret = fw_rules_collect(r, percpu, ncpus);
	free(percpu);
	return ret;
}

static void fw_print(FILE *f, const struct fw_read *r)
{
	static const char *const verdicts[FW_VERDICTS] = {"pass", "drop"};
	char labels[LABELS_MAX], num[16], proto[16];

	for (int bytes = 0; bytes < 2; bytes++) {
		const char *name = bytes ? "tcctl_fw_bytes_total" : "tcctl_fw_packets_total";

		family(f, name, "counter",
		       bytes ? "Bytes fw judged, by table, protocol and verdict."
			     : "Packets fw judged, by table, protocol and verdict.");
		for (size_t i = 0; i < r->n_proto; i++) {
			const struct fw_row *row = &r->proto[i];

			labels[0] = '\0';
			snprintf(num, sizeof(num), "%u", row->table);
			label(labels, sizeof(labels), "table", num);
			label(labels, sizeof(labels), "proto",
			      stats_proto_name(row->slot_or_rule, proto, sizeof(proto)));
			label(labels, sizeof(labels), "verdict", verdicts[row->verdict]);
			sample(f, name, labels, bytes ? row->sum.bytes : row->sum.packets);
		}
	}
	if (!r->rules)
		return;
	for (int bytes = 0; bytes < 2; bytes++) {
		const char *name =
		    bytes ? "tcctl_fw_rule_bytes_total" : "tcctl_fw_rule_packets_total";

		family(f, name, "counter",
		       bytes ? "Bytes that matched an fw rule, by table and rule id."
			     : "Packets that matched an fw rule, by table and rule id.");
		for (size_t i = 0; i < r->n_rules; i++) {
			const struct fw_row *row = &r->rules[i];

			labels[0] = '\0';
			snprintf(num, sizeof(num), "%u", row->table);
			label(labels, sizeof(labels), "table", num);
			snprintf(num, sizeof(num), "%u", row->slot_or_rule);
			label(labels, sizeof(labels), "rule", num);
			sample(f, name, labels, bytes ? row->sum.bytes : row->sum.packets);
		}
	}
}

/* --- output -------------------------------------------------------------- */

/* PATH.tmp.PID, then rename: the collector never reads half a file */
static int write_atomically(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		err("%s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		err("cannot write %s: %s", path, strerror(-ret));
		return ret;
	}
	for (size_t done = 0; !ret && done < len;) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno != EINTR)
			ret = -errno;
		else if (w > 0)
			done += w;
	}
	/* the umask must not make the file unreadable for node_exporter's user */
	if (!ret && (fchmod(fd, 0644) || fsync(fd)))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		err("cannot write %s: %s", path, strerror(-ret));
		unlink(tmp);
	}
	return ret;
}

static void pinned_print(FILE *f, bool stats, bool events, bool fw)
{
	const char *names[] = {"stats", "events", "fw"};
	const bool on[] = {stats, events, fw};
	char labels[LABELS_MAX];

	family(f, "tcctl_maps_pinned", "gauge",
	       "1 when the object's maps are pinned (and exported here), else 0.");
	for (int i = 0; i < 3; i++) {
		labels[0] = '\0';
		label(labels, sizeof(labels), "object", names[i]);
		sample(f, "tcctl_maps_pinned", labels, on[i]);
	}
}

int stats_prometheus(struct args *a)
{
	bool has_stats = pin_exists(STATS_MAP_PROTO), has_fw = pin_exists(FW_MAP_COUNTERS);
	struct events_counter ev[EVENT_KINDS];
	struct stats_read s = {};
	struct fw_read fw = {};
	const char *path = NULL;
	bool has_events;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (arg_is(a, "file")) {
		ret = arg_value(a, "file", &path);
		if (ret)
			return ret;
	}
	ret = arg_end(a);
	if (ret)
		return ret;

	if (has_stats)
		ret = stats_collect(&s);
	ret = ret ?: stats_read_events(ev);
	has_events = !ret;
	if (ret == -ENOENT)
		ret = 0;
	if (!ret && has_fw)
		ret = fw_collect(&fw);
	if (ret)
		goto out;

	f = open_memstream(&text, &len);
	if (!f) {
		ret = -errno;
		err("out of memory");
		goto out;
	}
	pinned_print(f, has_stats, has_events, has_fw);
	if (has_stats)
		stats_print(f, &s);
	if (has_events)
		events_print(f, ev);
	if (has_fw)
		fw_print(f, &fw);
	if (fclose(f)) {
		ret = -errno;
		err("out of memory");
		goto out;
	}
	if (path) {
		ret = write_atomically(path, text, len);
	} else if (fwrite(text, 1, len, stdout) != len || fflush(stdout)) {
		ret = -errno;
		err("cannot write the output: %s", strerror(-ret));
	}
out:
	free(text);
	free(fw.proto);
	free(fw.rules);
	stats_free(&s);
	return ret;
}
