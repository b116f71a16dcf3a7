// SPDX-License-Identifier: GPL-2.0-only
/* Member lists and configuration files: read strictly, written to read back. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fw_cmds.h"
#include "fw_file.h"
#include "fw_rule_text.h"

#define MAX_WORDS 64

/* the line without its comment and surrounding blanks */
static char *trim(char *line)
{
	char *hash = strchr(line, '#'), *end;

	if (hash)
		*hash = 0;
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' ||
			      end[-1] == '\t'))
		*--end = 0;
	return line;
}

static FILE *open_input(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;

	if (!f)
		err("cannot open %s: %s", path, strerror(errno));
	return f;
}

static void close_input(FILE *f)
{
	if (f != stdin)
		fclose(f);
}

int fw_members_read_file(const char *path, struct fw_members *mb)
{
	FILE *f = open_input(path);
	char line[256], *s;
	unsigned long n = 0;
	struct cidr c;
	const char *why;
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			err("%s:%lu: line too long for an address", path, n);
			ret = -EINVAL;
			break;
		}
		s = trim(line);
		if (!*s)
			continue;
		if (strpbrk(s, " \t")) {
			err("%s:%lu: one address or CIDR per line, not \"%s\"", path, n, s);
			ret = -EINVAL;
		} else if (cidr_parse(s, &c, &why)) {
			err("%s:%lu: bad address \"%s\": %s", path, n, s, why);
			ret = -EINVAL;
		} else if (fw_members_add(mb, &c)) {
			err("out of memory");
			ret = -ENOMEM;
		}
	}
	if (!ret && ferror(f)) {
		err("cannot read %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	close_input(f);
	return ret;
}

/* --- configuration files --------------------------------------------------- */

static int split(char *line, char **words)
{
	int n = 0;

	for (char *w = strtok(line, " \t"); w; w = strtok(NULL, " \t")) {
		if (n == MAX_WORDS)
			return -1;
		words[n++] = w;
	}
	return n;
}

/* a member list named in a configuration: relative to the configuration's directory */
static int read_members_near(const char *conf, const char *path, struct fw_members *mb)
{
	char copy[PATH_MAX], full[PATH_MAX];

	if (path[0] == '/' || !strcmp(conf, "-"))
		return fw_members_read_file(path, mb);
	snprintf(copy, sizeof(copy), "%s", conf);
	snprintf(full, sizeof(full), "%s/%s", dirname(copy), path);
	return fw_members_read_file(full, mb);
}

/* set create NAME [counters] | set add NAME CIDR... | set load NAME FILE [counters] */
static int conf_set(struct args *a, struct fw_config *c, const char *conf)
{
	const char *verb = arg_next(a), *name = arg_next(a), *file = NULL;
	struct cidr cidr;
	const char *why;
	int set, ret;

	if (!verb || (strcmp(verb, "create") && strcmp(verb, "add") && strcmp(verb, "load")))
		return usage_err("in a configuration, set is followed by create, add or load");
	if (!name)
		return usage_err("set %s needs a set name", verb);
	if (fw_set_name_check(name))
		return -E_USAGE;
	set = fw_config_set_find(c, name);
	if (!strcmp(verb, "add")) {
		if (set < 0)
			return usage_err("unknown set \"%s\": \"set create %s\" must come first", name, name);
		if (!arg_peek(a))
			return usage_err("set add %s needs addresses", name);
		while ((file = arg_next(a))) {
			if (cidr_parse(file, &cidr, &why))
				return usage_err("bad address \"%s\": %s", file, why);
			if (fw_members_add(&c->sets[set].members, &cidr))
				return -ENOMEM;
		}
		return 0;
	}
	if (!strcmp(verb, "load") && !(file = arg_next(a)))
		return usage_err("set load %s needs a file", name);
	if (set >= 0 && !strcmp(verb, "create"))
		return usage_err("set %s is created twice", name);
	if (set < 0) {
		set = fw_config_set_add(c, name, 0);
		if (set < 0)
			return usage_err("too many sets: %d is the most", FW_MAX_SETS / 2);
	}
	if (arg_is(a, "counters"))
		c->sets[set].flags |= FW_SET_COUNTERS;
	ret = arg_end(a);
	if (!ret && file)
		ret = read_members_near(conf, file, &c->sets[set].members);
	return ret;
}

static int conf_rule(struct args *a, struct fw_config *c)
{
	struct fw_rule r = {};
	unsigned int id = 0;
	uint32_t table;
	int ret;

	if (!arg_is(a, "add"))
		return usage_err("in a configuration, rule is followed by add");
	ret = fw_arg_table(a, &table);
	if (!ret && arg_is(a, "id"))
		ret = arg_u32(a, "id", UINT32_MAX, &id);
	ret = ret ?: fw_rule_parse(a, c, &r);
	if (ret)
		return ret;
	r.id = id;
	/* an id only once every line is read: a later line may name any */
	return fw_rule_insert(c, table, c->tables[table].n, &r, false);
}

static int conf_line(char **words, int n, struct fw_config *c, const char *conf)
{
	struct args a = { n - 1, words + 1 };
	uint32_t table;
	int ret;

	if (!strcmp(words[0], "set"))
		return conf_set(&a, c, conf);
	if (!strcmp(words[0], "rule"))
		return conf_rule(&a, c);
	if (!strcmp(words[0], "policy")) {
		ret = fw_arg_table(&a, &table) ?:
		      fw_policy_parse(arg_next(&a), &c->tables[table].policy);
		return ret ?: arg_end(&a);
	}
	return usage_err("expected set, rule or policy, not \"%s\"", words[0]);
}

int fw_config_parse_file(const char *path, struct fw_config *c)
{
	FILE *f = open_input(path);
	char line[4096], *words[MAX_WORDS];
	unsigned long lineno = 0;
	int ret = 0, n;

	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		lineno++;
		err_context("%s:%lu: ", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			err("line too long");
			ret = -EINVAL;
			break;
		}
		n = split(trim(line), words);
		if (n < 0)
			ret = usage_err("more than %d words", MAX_WORDS);
		else if (n > 0)
			ret = conf_line(words, n, c, path);
	}
	err_context(NULL);
	if (!ret)
		fw_config_give_ids(c);
	if (!ret && ferror(f)) {
		err("cannot read %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	close_input(f);
	return ret;
}

static void write_members(FILE *f, const struct fw_set_conf *s, const struct fw_members *mb)
{
	char buf[CIDR_STRLEN];
	struct cidr c;

	for (size_t i = 0; i < mb->n4; i++) {
		c = fw_member_cidr4(&mb->v4[i]);
		fprintf(f, "set add %s %s\n", s->name, cidr_format(&c, buf));
	}
	for (size_t i = 0; i < mb->n6; i++) {
		c = fw_member_cidr6(&mb->v6[i]);
		fprintf(f, "set add %s %s\n", s->name, cidr_format(&c, buf));
	}
}

int fw_config_write_file(FILE *f, const struct fw_rule_maps *m, const struct fw_config *c)
{
	struct fw_members *members = calloc(FW_MAX_SETS, sizeof(*members));
	char text[512];
	int ret;

	if (!members) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = fw_set_read_all(m, members);
	if (ret) {
		err("cannot read the sets' members: %s", strerror(-ret));
		goto out;
	}
	fprintf(f, "# tcctl fw configuration: load with \"tcctl fw load FILE\"\n");
	for (int i = 0; i < c->nsets; i++) {
		fprintf(f, "set create %s%s\n", c->sets[i].name,
			c->sets[i].flags & FW_SET_COUNTERS ? " counters" : "");
		write_members(f, &c->sets[i], &members[c->sets[i].slot]);
	}
	for (uint32_t t = 0; t < FW_MAX_TABLES; t++) {
		const struct fw_table_conf *tc = &c->tables[t];

		if (tc->policy != FW_PASS)
			fprintf(f, "policy table %u %s\n", t, fw_policy_name(tc->policy));
		for (uint32_t i = 0; i < tc->n; i++) {
			fw_rule_format(&tc->rules[i], c, text, sizeof(text));
			fprintf(f, "rule add table %u id %u %s\n", t, tc->rules[i].id, text);
		}
	}
out:
	for (int i = 0; i < FW_MAX_SETS; i++)
		fw_members_free(&members[i]);
	free(members);
	return ret;
}
