// SPDX-License-Identifier: GPL-2.0-only
/*
 * feature: what this kernel can do for the objects and for tcctl, probed
 * now. "tcctl feature tcx" is a runbook's test: exit 0 when the kernel has
 * it, else the one-line error that names the kernel it needs.
 */
#include <errno.h>
#include <stdio.h>

#include "tcctl.h"
#include "feature.h"

static void print_features(json_t *doc)
{
	json_t *f;
	size_t i;

	printf("Linux %s\n", json_string_value(json_object_get(doc, "kernel")));
	printf("%-14s %-6s %-4s %s\n", "FEATURE", "SINCE", "HERE", "WHAT");
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		printf("%-14s %-6s %-4s %s\n", json_string_value(json_object_get(f, "name")),
		       json_string_value(json_object_get(f, "since")),
		       json_is_true(json_object_get(f, "present")) ? "yes" : "no",
		       json_string_value(json_object_get(f, "what")));
	}
}

static int show_features(struct tcctl *t)
{
	json_t *list = json_array();

	for (int i = 0; i < FEAT_COUNT; i++) {
		const struct feature_info *info = feature_info(i);

		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s}", "name", info->name,
						      "since", info->since, "present",
						      feature_has(i), "what", info->what));
	}
	return out_emit(t, json_pack("{s:s, s:o}", "kernel", kernel_release(), "features", list),
			print_features);
}

int cmd_feature(struct tcctl *t, struct args *a)
{
	enum feature f;
	int ret = 0;

	if (!arg_peek(a) || arg_is(a, "show")) {
		int r = arg_end(a);

		return r ?: show_features(t);
	}
	/* every name first: a typo is a usage error even after a missing feature */
	for (int i = 0; i < a->argc; i++) {
		if (feature_by_name(a->argv[i], &f))
			return usage_err("feature: unknown feature \"%s\"", a->argv[i]);
	}
	for (const char *name; (name = arg_next(a));) {
		feature_by_name(name, &f);
		if (feature_require(f))
			ret = -EOPNOTSUPP;
	}
	return ret;
}
