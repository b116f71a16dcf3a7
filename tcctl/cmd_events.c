// SPDX-License-Identifier: GPL-2.0-only
/*
 * events: what the objects report through the events ring, configured and
 * counted (the lines themselves are tcctl monitor's).
 *
 *	events show
 *	events set [ sample { N | off } ] [ drops { on | off } ] [ budget N ]
 *
 * set changes only the fields it is given, under the pins lock, and makes
 * the events maps first when nothing has pinned them yet, so events can be
 * configured before fw or stats is attached. show never creates anything:
 * without pins it reports what the objects would do, the all-zero defaults.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcctl.h"
#include "events_maps.h"
#include "lock.h"

static const char *const kind_names[EVENT_KINDS] = { "sample", "drop" };

static json_t *counter_json(const struct events_counter *c)
{
	return json_pack("{s:I, s:I, s:I}", "emitted", (json_int_t)c->emitted, "lost",
			 (json_int_t)c->lost, "over_budget", (json_int_t)c->over_budget);
}

static void print_show(json_t *doc)
{
	unsigned long long every = json_integer_value(json_object_get(doc, "sample_every"));
	json_t *counters = json_object_get(doc, "counters");

	if (every == 1)
		printf("sample every packet, ");
	else if (every)
		printf("sample every %llu packets, ", every);
	else
		printf("sample off, ");
	printf("drops %s, budget %lld events/s%s\n",
	       json_is_true(json_object_get(doc, "drops")) ? "on" : "off",
	       json_integer_value(json_object_get(doc, "budget")),
	       json_is_true(json_object_get(doc, "pinned")) ? "" : " (defaults: nothing pinned yet)");
	printf("%-8s %14s %14s %14s\n", "kind", "emitted", "lost", "over-budget");
	for (int k = 0; k < EVENT_KINDS; k++) {
		json_t *c = json_object_get(counters, kind_names[k]);

		printf("%-8s %14lld %14lld %14lld\n", kind_names[k],
		       json_integer_value(json_object_get(c, "emitted")),
		       json_integer_value(json_object_get(c, "lost")),
		       json_integer_value(json_object_get(c, "over_budget")));
	}
}

static int events_show(struct tcctl *t)
{
	struct events_counter sum[EVENT_KINDS] = {};
	struct events_config cfg = {};
	struct events_maps m;
	json_t *doc, *counters;
	bool pinned = events_pinned();
	int ret;

	if (pinned) {
		ret = events_maps_open(&m, false);
		if (ret)
			return ret;
		ret = events_config_read(&m, &cfg) ?: events_counters_read(&m, sum);
		events_maps_close(&m);
		if (ret)
			return ret;
	}
	counters = json_object();
	for (int k = 0; counters && k < EVENT_KINDS; k++)
		json_object_set_new(counters, kind_names[k], counter_json(&sum[k]));
	doc = json_pack("{s:b, s:I, s:b, s:I, s:o*}", "pinned", pinned, "sample_every",
			(json_int_t)cfg.sample_every, "drops", cfg.drops != 0, "budget",
			(json_int_t)events_budget_of(&cfg), "counters", counters);
	return out_emit(t, doc, print_show);
}

/* what set was given: a field changes only when its flag is set */
struct events_change {
	bool sample, drops, budget;
	struct events_config cfg;
};

static int arg_number(struct args *a, const char *keyword, bool with_off, unsigned long max,
		      __u32 *value)
{
	unsigned long v;
	const char *s;
	char *end;
	int ret;

	ret = arg_value(a, keyword, &s);
	if (ret)
		return ret;
	if (with_off && !strcmp(s, "off")) {
		*value = 0;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || *s == '-' || *s == '+' || v < 1 || v > max)
		return usage_err("\"%s\" takes %sa number from 1 to %lu, not \"%s\"", keyword,
				 with_off ? "off or " : "", max, s);
	*value = v;
	return 0;
}

static int arg_on_off(struct args *a, const char *keyword, __u32 *value)
{
	const char *s;
	int ret;

	ret = arg_value(a, keyword, &s);
	if (ret)
		return ret;
	if (strcmp(s, "on") && strcmp(s, "off"))
		return usage_err("\"%s\" takes on or off, not \"%s\"", keyword, s);
	*value = !strcmp(s, "on");
	return 0;
}

static int arg_change(struct args *a, struct events_change *c)
{
	int ret = 0;

	memset(c, 0, sizeof(*c));
	while (!ret && arg_peek(a)) {
		if (!c->sample && arg_is(a, "sample")) {
			c->sample = true;
			ret = arg_number(a, "sample", true, UINT_MAX, &c->cfg.sample_every);
		} else if (!c->drops && arg_is(a, "drops")) {
			c->drops = true;
			ret = arg_on_off(a, "drops", &c->cfg.drops);
		} else if (!c->budget && arg_is(a, "budget")) {
			c->budget = true;
			ret = arg_number(a, "budget", false, EVENTS_BUDGET_MAX, &c->cfg.budget);
		} else {
			ret = arg_end(a);
		}
	}
	if (!ret && !c->sample && !c->drops && !c->budget)
		ret = usage_err("events set: expected sample, drops or budget");
	return ret;
}

static int events_set(const struct events_change *c)
{
	struct events_config cfg;
	struct events_maps m;
	int ret;

	ret = pins_lock();
	if (ret)
		return ret;
	ret = events_maps_open(&m, true);
	if (ret)
		goto unlock;
	ret = events_config_read(&m, &cfg);
	if (ret)
		goto close;
	if (c->sample)
		cfg.sample_every = c->cfg.sample_every;
	if (c->drops)
		cfg.drops = c->cfg.drops;
	if (c->budget)
		cfg.budget = c->cfg.budget;
	ret = events_config_write(&m, &cfg);
close:
	events_maps_close(&m);
unlock:
	pins_unlock();
	return ret;
}

int cmd_events(struct tcctl *t, struct args *a)
{
	struct events_change c;
	int ret;

	if (arg_is(a, "show"))
		return arg_end(a) ?: events_show(t);
	if (arg_is(a, "set")) {
		ret = arg_change(a, &c);
		return ret ?: events_set(&c);
	}
	return usage_err("events: expected show or set%s%s", arg_peek(a) ? ", not " : "",
			 arg_peek(a) ? arg_peek(a) : "");
}
