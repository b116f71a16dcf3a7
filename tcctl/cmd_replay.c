// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl replay OBJECT HOOK [ dev DEV ] [ from { live | empty } ] [ config FILE ]
 *              [ write FILE ] [ verbose ] [ -j ] PCAP:
 * every packet of a pcap or pcapng file through an object's program in a
 * dry run (dryrun.h), one BPF_PROG_TEST_RUN each, and a summary: packets
 * per verdict, per fw rule (the scratch rule counters' totals), changed or
 * not. verbose adds a line per packet; write keeps the packets that passed,
 * as the program left them, in a new pcap file (written aside, renamed at
 * the end, so a failed replay leaves none).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "tcctl.h"
#include "dryrun.h"
#include "obj.h"
#include "dryrun_rules.h"
#include "pkt_diff.h"

/* pcaps may hold frames larger than a run takes: the kernel says which it refuses */
#define REPLAY_BUF 65536
#define MAX_VERDICTS 16

struct replay {
	struct tcctl *t;
	struct dryrun_conf c;
	struct dryrun d;
	const char *pcap_path, *write_path;
	bool verbose;
	pcap_t *in;
	pcap_t *dead;
	pcap_dumper_t *out;
	char tmp_path[4096];
	struct rule_watch w;
	bool fw;
	uint64_t packets, skipped, changed, written;
	struct {
		uint32_t retval;
		uint64_t count;
	} verdicts[MAX_VERDICTS];
	int nverdicts;
	json_t *detail; /* with -j verbose: one object per packet */
	double seconds;
};

static int parse(struct replay *r, struct args *a)
{
	int ret = dryrun_parse_target(a, &r->c);

	while (!ret && arg_peek(a)) {
		if (arg_is(a, "-j")) {
			r->t->json = true;
		} else if (arg_is(a, "verbose")) {
			r->verbose = true;
		} else if (arg_is(a, "write")) {
			ret = arg_value(a, "write", &r->write_path);
		} else if ((ret = dryrun_parse_opt(a, &r->c))) {
			ret = ret < 0 ? ret : 0;
		} else if (r->pcap_path) {
			return usage_err("unexpected \"%s\" after the pcap file %s", arg_peek(a),
					 r->pcap_path);
		} else {
			r->pcap_path = arg_next(a);
		}
	}
	if (!ret && !r->pcap_path)
		return usage_err("expected a pcap file to replay");
	return ret;
}

static int open_pcap(struct replay *r)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	int dlt;

	r->in = pcap_open_offline(r->pcap_path, errbuf);
	if (!r->in) {
		/* libpcap names the file in some errors and not in others */
		if (strstr(errbuf, r->pcap_path))
			err("%s", errbuf);
		else
			err("%s: %s", r->pcap_path, errbuf);
		return -EINVAL;
	}
	dlt = pcap_datalink(r->in);
	if (dlt != DLT_EN10MB) {
		err("%s: link type %s (%s): only Ethernet (EN10MB) captures can be replayed",
		    r->pcap_path, pcap_datalink_val_to_name(dlt) ?: "?",
		    pcap_datalink_val_to_description(dlt) ?: "unknown");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static int open_out(struct replay *r)
{
	FILE *f;
	int fd;

	if (!r->write_path)
		return 0;
	snprintf(r->tmp_path, sizeof(r->tmp_path), "%s.tmpXXXXXX", r->write_path);
	fd = mkstemp(r->tmp_path);
	if (fd < 0) {
		err("cannot write %s: %s", r->write_path, strerror(errno));
		r->tmp_path[0] = 0;
		return -errno;
	}
	f = fdopen(fd, "w");
	r->dead = pcap_open_dead(DLT_EN10MB, REPLAY_BUF);
	r->out = f && r->dead ? pcap_dump_fopen(r->dead, f) : NULL;
	if (!r->out) {
		err("cannot write %s: %s", r->write_path,
		    r->dead ? pcap_geterr(r->dead) : "out of memory");
		if (f)
			fclose(f);
		else
			close(fd);
		return -EIO;
	}
	return 0;
}

static void close_out(struct replay *r, bool keep)
{
	if (r->out)
		pcap_dump_close(r->out);
	r->out = NULL;
	if (r->dead)
		pcap_close(r->dead);
	r->dead = NULL;
	if (!r->tmp_path[0])
		return;
	if (keep && rename(r->tmp_path, r->write_path)) {
		err("cannot write %s: %s", r->write_path, strerror(errno));
		keep = false;
	}
	if (!keep)
		unlink(r->tmp_path);
	r->tmp_path[0] = 0;
}

static void count_verdict(struct replay *r, uint32_t retval)
{
	int i;

	for (i = 0; i < r->nverdicts; i++)
		if (r->verdicts[i].retval == retval)
			break;
	if (i == r->nverdicts) {
		if (i == MAX_VERDICTS)
			i--; /* more kinds than any hook has: the last slot takes the rest */
		else
			r->verdicts[r->nverdicts++].retval = retval;
	}
	r->verdicts[i].count++;
}

/* the changed fields' names: "ip dst,tcp dport" or "unchanged", and as a JSON list */
static json_t *change_names(const uint8_t *in, size_t in_len, const uint8_t *out, size_t out_len,
			    char *buf, size_t len)
{
	struct pkt_fields a, b;
	struct pkt_change ch[PKT_FIELDS_MAX * 2];
	json_t *list = json_array();
	size_t used = 0;
	int n;

	pkt_decode(in, in_len, &a);
	pkt_decode(out, out_len, &b);
	n = pkt_diff(&a, &b, ch, PKT_FIELDS_MAX * 2);
	snprintf(buf, len, "%s", n ? "" : "unchanged");
	for (int i = 0; i < n; i++) {
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s", i ? "," : "", ch[i].name);
		json_array_append_new(list, json_string(ch[i].name));
	}
	return list;
}

static void rule_text(const struct watched_rule *w, char *buf, size_t len)
{
	if (!w)
		snprintf(buf, len, "-");
	else if (w->table)
		snprintf(buf, len, "%u:%u", w->table, w->id);
	else
		snprintf(buf, len, "%u", w->id);
}

static int one_verbose(struct replay *r, uint64_t index, uint32_t retval, const uint8_t *in,
		       size_t in_len, const uint8_t *out, size_t out_len)
{
	const struct watched_rule *decided = NULL;
	char changes[512], rule[32], vbuf[16];
	const char *verdict = dryrun_verdict_name(&r->c, retval, vbuf);
	json_t *list;
	int ret;

	if (r->fw) {
		ret = rule_watch_poll(&r->w);
		if (ret) {
			err("cannot read fw's rule counters: %s", strerror(-ret));
			return ret;
		}
		decided = rule_watch_decided(&r->w, !dryrun_passes(&r->c, retval));
	}
	list = change_names(in, in_len, out, out_len, changes, sizeof(changes));
	rule_text(decided, rule, sizeof(rule));
	if (!r->t->json) {
		printf("%llu %s rule %s %s\n", (unsigned long long)index, verdict, rule, changes);
		json_decref(list);
		return 0;
	}
	return json_array_append_new(r->detail,
				     json_pack("{s:I, s:s, s:o, s:o}", "index", (json_int_t)index,
					       "verdict", verdict, "rule",
					       decided ? watched_rule_json(decided) : json_null(),
					       "changes", list ?: json_array())) ?
		       -ENOMEM :
		       0;
}

static int replay_all(struct replay *r)
{
	static uint8_t out[REPLAY_BUF];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct timespec t0, t1;
	int ret = 0, rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!dryrun_stop && (rc = pcap_next_ex(r->in, &h, &data)) == 1) {
		uint32_t retval;
		size_t out_len;
		bool changed;

		r->packets++;
		ret = dryrun_packet(&r->d, data, h->caplen, out, &out_len, &retval);
		if (ret == -EINVAL || ret == -E2BIG || ret == -ENOSPC) {
			/* too short or too long for a run: counted, and the replay goes on */
			r->skipped++;
			if (r->verbose && !r->t->json)
				printf("%llu skipped: %s\n", (unsigned long long)r->packets,
				       strerror(-ret));
			ret = 0;
			continue;
		}
		if (ret) {
			err("packet %llu: the kernel refused to run it: %s",
			    (unsigned long long)r->packets, strerror(-ret));
			return ret;
		}
		count_verdict(r, retval);
		changed = out_len != h->caplen || memcmp(out, data, out_len);
		r->changed += changed;
		if (r->verbose) {
			ret = one_verbose(r, r->packets, retval, data, h->caplen, out, out_len);
			if (ret)
				return ret;
		}
		if (r->out && dryrun_passes(&r->c, retval)) {
			struct pcap_pkthdr oh = { .ts = h->ts, .caplen = out_len, .len = out_len };

			if (h->len > h->caplen) /* a snapped capture stays as snapped */
				oh.len = h->len + out_len - h->caplen;
			pcap_dump((u_char *)r->out, &oh, out);
			r->written++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (dryrun_stop) {
		err("interrupted after %llu packets", (unsigned long long)r->packets);
		return -EINTR;
	}
	if (rc == -1) {
		err("%s: %s", r->pcap_path, pcap_geterr(r->in));
		return -EIO;
	}
	if (r->out && pcap_dump_flush(r->out)) {
		err("cannot write %s: %s", r->write_path, strerror(errno));
		return -EIO;
	}
	return 0;
}

static json_t *summary(struct replay *r)
{
	json_t *doc, *verdicts = json_object(), *rules = json_array();
	char vbuf[16];

	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:f}", "object",
			r->c.object->name, "hook", r->c.hook, "dev", r->c.dev ?: "lo", "from",
			r->c.from_empty ? "empty" : "live", "pcap", r->pcap_path, "packets",
			(json_int_t)r->packets, "skipped", (json_int_t)r->skipped, "seconds",
			r->seconds, "pps", r->seconds > 0 ? r->packets / r->seconds : 0.0);
	for (int i = 0; i < r->nverdicts; i++)
		json_object_set_new(verdicts, dryrun_verdict_name(&r->c, r->verdicts[i].retval, vbuf),
				    json_integer(r->verdicts[i].count));
	for (int i = 0; r->fw && i < r->w.n; i++) {
		const struct watched_rule *w = &r->w.r[i];
		json_t *j;

		if (!w->total_pkts)
			continue;
		j = watched_rule_json(w);
		json_object_set_new(j, "packets", json_integer(w->total_pkts));
		json_object_set_new(j, "bytes", json_integer(w->total_bytes));
		json_array_append_new(rules, j);
	}
	json_object_set_new(doc, "verdicts", verdicts);
	json_object_set_new(doc, "rules", rules);
	json_object_set_new(doc, "changed", json_integer(r->changed));
	json_object_set_new(doc, "unchanged",
			    json_integer(r->packets - r->skipped - r->changed));
	if (r->write_path) {
		json_object_set_new(doc, "write", json_string(r->write_path));
		json_object_set_new(doc, "written", json_integer(r->written));
	}
	if (r->detail)
		json_object_set(doc, "detail", r->detail);
	return doc;
}

static void print_text(json_t *doc)
{
	const char *k;
	json_t *v;
	size_t i;

	printf("packets %lld in %.3f s (%.0f packets/s), skipped %lld\n",
	       json_integer_value(json_object_get(doc, "packets")),
	       json_real_value(json_object_get(doc, "seconds")),
	       json_real_value(json_object_get(doc, "pps")),
	       json_integer_value(json_object_get(doc, "skipped")));
	json_object_foreach(json_object_get(doc, "verdicts"), k, v)
		printf("verdict %s %lld\n", k, json_integer_value(v));
	json_array_foreach(json_object_get(doc, "rules"), i, v)
		printf("rule %lld (table %lld): %s %lld packets\n",
		       json_integer_value(json_object_get(v, "id")),
		       json_integer_value(json_object_get(v, "table")),
		       json_string_value(json_object_get(v, "action")),
		       json_integer_value(json_object_get(v, "packets")));
	printf("changed %lld\nunchanged %lld\n", json_integer_value(json_object_get(doc, "changed")),
	       json_integer_value(json_object_get(doc, "unchanged")));
	if (json_object_get(doc, "write"))
		printf("written %lld to %s\n", json_integer_value(json_object_get(doc, "written")),
		       json_string_value(json_object_get(doc, "write")));
}

static void on_signal(int sig)
{
	(void)sig;
	dryrun_stop = 1;
}

int cmd_replay(struct tcctl *t, struct args *a)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct replay r = { .t = t };
	int ret;

	r.w.rules_fd = r.w.rcount_fd = -1;
	ret = parse(&r, a);
	if (ret)
		return ret;
	ret = open_pcap(&r);
	if (ret)
		goto out_pcap;
	dryrun_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = dryrun_open(&r.d, &r.c);
	if (ret)
		goto out_signals;
	r.fw = !strcmp(r.c.object->name, "fw");
	ret = r.fw ? rule_watch_open(&r.w) : 0;
	if (!ret)
		ret = open_out(&r);
	if (!ret && r.verbose && t->json) {
		r.detail = json_array();
		ret = r.detail ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = replay_all(&r);
	/* the totals by rule: one more read, whether or not each packet had its own */
	if (!ret && r.fw)
		ret = rule_watch_poll(&r.w);
	close_out(&r, !ret);
	if (!ret)
		ret = out_emit(t, summary(&r), print_text);
	json_decref(r.detail);
	if (r.fw)
		rule_watch_close(&r.w);
	dryrun_close(&r.d);
	if (t->batch) /* the session turned the batch's program cache off */
		obj_cache_enable(true);
out_signals:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out_pcap:
	if (r.in)
		pcap_close(r.in);
	return ret;
}
