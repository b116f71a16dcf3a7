// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl run OBJECT HOOK [ dev DEV ] [ from { live | empty } ] [ config FILE ] [ -j ] PACKET:
 * one packet, built from its description, through an object's program in a
 * dry run (dryrun.h); the verdict, the fw rule that decided, what changed
 * in the packet and which scratch counters moved.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcctl.h"
#include "btf_json.h"
#include "dryrun.h"
#include "obj.h"
#include "dryrun_moved.h"
#include "dryrun_rules.h"
#include "pkt_diff.h"
#include "pkt_spec.h"

static int parse(struct tcctl *t, struct args *a, struct dryrun_conf *c, struct pkt_spec *s)
{
	int ret = dryrun_parse_target(a, c);

	while (!ret && arg_peek(a)) {
		if (arg_is(a, "-j")) {
			t->json = true;
			continue;
		}
		ret = dryrun_parse_opt(a, c);
		if (!ret)
			ret = pkt_spec_parse_one(a, s);
		if (!ret)
			return usage_err("unknown keyword \"%s\": expected dev, from, config, -j or the packet's fields",
					 arg_peek(a));
		ret = ret < 0 ? ret : 0;
	}
	return ret ?: pkt_spec_check(s);
}

/* "ip, tcp" as ["ip", "tcp"] */
static json_t *bad_list(const char *names)
{
	json_t *list = json_array();
	char buf[64], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", names);
	for (tok = strtok_r(buf, ", ", &save); list && tok; tok = strtok_r(NULL, ", ", &save))
		json_array_append_new(list, json_string(tok));
	return list;
}

static json_t *changes_json(const uint8_t *in, size_t in_len, const uint8_t *out, size_t out_len,
			    json_t *doc)
{
	struct pkt_fields before, after;
	struct pkt_change ch[PKT_FIELDS_MAX * 2];
	json_t *list = json_array();
	int n;

	pkt_decode(in, in_len, &before);
	pkt_decode(out, out_len, &after);
	n = pkt_diff(&before, &after, ch, PKT_FIELDS_MAX * 2);
	for (int i = 0; list && i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "field", ch[i].name, "from",
						      ch[i].from, "to", ch[i].to));
	json_object_set_new(doc, "changed",
			    json_boolean(in_len != out_len || memcmp(in, out, in_len)));
	json_object_set_new(doc, "checksums_ok", json_boolean(!after.bad_csums[0]));
	json_object_set_new(doc, "bad_checksums", bad_list(after.bad_csums));
	return list;
}

/* the rule that decided and the ones that only counted, from fw's rule counters */
static void rules_json(struct rule_watch *w, bool dropped, json_t *doc)
{
	const struct watched_rule *d = rule_watch_decided(w, dropped);
	json_t *counted = json_array();

	json_object_set_new(doc, "rule", d ? watched_rule_json(d) : json_null());
	for (int i = 0; i < w->n; i++)
		if (w->r[i].moved && &w->r[i] != d)
			json_array_append_new(counted, watched_rule_json(&w->r[i]));
	json_object_set_new(doc, "counted", counted);
}

static void print_rule(const char *what, json_t *r)
{
	printf("%s %lld (table %lld): %s\n", what, json_integer_value(json_object_get(r, "id")),
	       json_integer_value(json_object_get(r, "table")),
	       json_string_value(json_object_get(r, "action")));
}

static void print_text(json_t *doc)
{
	json_t *v, *e;
	size_t i;

	printf("verdict %s\n", json_string_value(json_object_get(doc, "verdict")));
	v = json_object_get(doc, "rule");
	if (json_is_object(v))
		print_rule("rule", v);
	json_array_foreach(json_object_get(doc, "counted"), i, e)
		print_rule("counted by rule", e);
	v = json_object_get(doc, "changes");
	if (!json_array_size(v))
		printf("packet unchanged\n");
	json_array_foreach(v, i, e)
		printf("%s %s -> %s\n", json_string_value(json_object_get(e, "field")),
		       json_string_value(json_object_get(e, "from")),
		       json_string_value(json_object_get(e, "to")));
	if (json_array_size(v) && json_is_true(json_object_get(doc, "checksums_ok")))
		printf("checksums valid\n");
	else if (json_array_size(v)) {
		json_t *bad = json_object_get(doc, "bad_checksums");

		printf("checksums wrong:");
		json_array_foreach(bad, i, e)
			printf(" %s", json_string_value(e));
		printf("\n");
	}
	json_array_foreach(json_object_get(doc, "counters"), i, e) {
		char *key = json_line(json_object_get(e, "key"));
		char *val = json_line(json_object_get(e, "value"));
		json_t *cpu = json_object_get(e, "cpu");

		printf("counter %s key %s", json_string_value(json_object_get(e, "map")),
		       key ?: "?");
		if (cpu)
			printf(" cpu %lld", json_integer_value(cpu));
		printf(" value %s\n", val ?: "?");
		free(key);
		free(val);
	}
}

static int run_packet(struct tcctl *t, struct dryrun *d, const uint8_t *in, size_t len)
{
	const struct dryrun_conf *c = d->conf;
	struct rule_watch w = { .rules_fd = -1, .rcount_fd = -1 };
	static uint8_t out[DRYRUN_OUT_MAX];
	struct moved_set moved = {};
	uint32_t retval;
	size_t out_len;
	char vbuf[16];
	json_t *doc;
	int ret;

	bool fw = !strcmp(c->object->name, "fw");

	ret = moved_begin(&moved, c->object);
	if (!ret && fw)
		ret = rule_watch_open(&w);
	if (ret)
		goto out;
	ret = dryrun_packet(d, in, len, out, &out_len, &retval);
	if (ret) {
		err("the kernel refused to run the packet: %s", strerror(-ret));
		goto out;
	}
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "object", c->object->name, "hook",
			c->hook, "dev", c->dev ?: "lo", "from", c->from_empty ? "empty" : "live",
			"verdict", dryrun_verdict_name(c, retval, vbuf), "retval", (int)retval,
			"passes", dryrun_passes(c, retval));
	if (doc && fw && !(ret = rule_watch_poll(&w)))
		rules_json(&w, !dryrun_passes(c, retval), doc);
	if (doc) {
		json_object_set_new(doc, "len", json_integer(len));
		json_object_set_new(doc, "changes", changes_json(in, len, out, out_len, doc));
		json_object_set_new(doc, "counters", moved_end(&moved));
	}
	ret = out_emit(t, doc, print_text);
out:
	moved_free(&moved);
	if (fw)
		rule_watch_close(&w);
	return ret;
}

int cmd_run(struct tcctl *t, struct args *a)
{
	struct dryrun_conf c = {};
	uint8_t frame[DRYRUN_MAX_FRAME];
	struct pkt_spec s;
	struct dryrun d;
	int ret, len;

	pkt_spec_init(&s);
	ret = parse(t, a, &c, &s);
	if (ret)
		return ret;
	len = pkt_spec_build(&s, frame, sizeof(frame));
	if (len < 0)
		return len;
	ret = dryrun_open(&d, &c);
	if (ret)
		return ret;
	ret = run_packet(t, &d, frame, len);
	dryrun_close(&d);
	/* the session turned the batch's program cache off (dryrun_open): on again */
	if (t->batch)
		obj_cache_enable(true);
	return ret;
}
