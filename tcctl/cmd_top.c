// SPDX-License-Identifier: GPL-2.0-only
/*
 * top: the stats object's busiest protocols, ports and flows right now,
 * refreshed every interval, like top(1).
 *
 *	top [ dev DEV ] [ hook HOOK ] [ interval SECS ] [ count N ]
 *
 * Rates are deltas between two reads of the maps (stats_read.c) divided by
 * the time between the reads, measured, not the interval asked for. A row
 * that is new in the second read (a new flow, or one the LRU evicted and
 * took back, or a reset between the reads) counts whole. The terminal side
 * is top_screen.c.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "tcctl.h"
#include "hook.h"
#include "netdev.h"
#include "stats_cmds.h"
#include "top_screen.h"

#define TOP_INTERVAL_MAX 3600
#define TOP_COUNT_MAX	 1000000
#define TOP_BATCH_ROWS	 10 /* rows per section without a tty */

struct top_opts {
	struct stats_filter f;
	unsigned int interval; /* seconds */
	unsigned int count;    /* frames; 0: until q */
};

/* one read of everything the view shows */
struct top_read {
	unsigned long long ns;
	struct stats_table proto, ports, flows;
	struct events_counter ev[EVENT_KINDS];
	bool has_events;
};

/* a row's change between two reads */
struct rate {
	const void *row; /* the row of the later read */
	unsigned long long packets, bytes;
};

struct frame {
	char **lines;
	size_t n, cap;
};

static int top_read(const struct stats_filter *f, struct top_read *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = stats_read_proto(f, false, &r->proto) ?: stats_read_ports(f, &r->ports) ?:
	      stats_read_flows(f, &r->flows);
	if (ret)
		return ret;
	ret = stats_read_events(r->ev);
	r->has_events = !ret;
	r->ns = stats_now_ns();
	return ret == -ENOENT ? 0 : ret;
}

static void top_read_free(struct top_read *r)
{
	stats_table_free(&r->proto);
	stats_table_free(&r->ports);
	stats_table_free(&r->flows);
}

static unsigned long long delta(unsigned long long now, const unsigned long long *before)
{
	/* absent before, or counted from zero again since (a reset): all of it is new */
	return before && *before <= now ? now - *before : now;
}

static int rate_cmp(const void *a, const void *b)
{
	const struct rate *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->packets != y->packets)
		return x->packets < y->packets ? 1 : -1;
	return x->row < y->row ? -1 : x->row > y->row; /* key order: rows are sorted */
}

/* row i of a table as a rate: its counts since the previous read */
typedef struct rate (*rate_at_fn)(const struct top_read *prev, const struct top_read *cur,
				  size_t i);

static struct rate rate_of(const void *row, unsigned long long packets,
			   unsigned long long bytes, const unsigned long long *prev_packets,
			   const unsigned long long *prev_bytes)
{
	return (struct rate){ row, delta(packets, prev_packets), delta(bytes, prev_bytes) };
}

static struct rate proto_at(const struct top_read *prev, const struct top_read *cur, size_t i)
{
	const struct stats_proto_row *c = &cur->proto.proto[i];
	const struct stats_proto_row *p = stats_find_proto(&prev->proto, &c->key);

	return rate_of(c, c->sum.packets, c->sum.bytes, p ? &p->sum.packets : NULL,
		       p ? &p->sum.bytes : NULL);
}

static struct rate port_at(const struct top_read *prev, const struct top_read *cur, size_t i)
{
	const struct stats_port_row *c = &cur->ports.ports[i];
	const struct stats_port_row *p = stats_find_port(&prev->ports, &c->key);

	return rate_of(c, c->sum.packets, c->sum.bytes, p ? &p->sum.packets : NULL,
		       p ? &p->sum.bytes : NULL);
}

static struct rate flow_at(const struct top_read *prev, const struct top_read *cur, size_t i)
{
	const struct stats_flow_row *c = &cur->flows.flows[i];
	const struct stats_flow_row *p = stats_find_flow(&prev->flows, &c->key);

	return rate_of(c, c->val.packets, c->val.bytes, p ? &p->val.packets : NULL,
		       p ? &p->val.bytes : NULL);
}

/* the rows of a table that moved, busiest first */
static struct rate *rates(const struct top_read *prev, const struct top_read *cur, size_t rows,
			  rate_at_fn at, size_t *n)
{
	struct rate *r = calloc(rows + 1, sizeof(*r));

	*n = 0;
	for (size_t i = 0; r && i < rows; i++) {
		struct rate x = at(prev, cur, i);

		if (x.packets)
			r[(*n)++] = x;
	}
	if (r)
		qsort(r, *n, sizeof(*r), rate_cmp);
	return r;
}

/* --- the frame ----------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3))) line(struct frame *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (f->n == f->cap) {
		char **more = realloc(f->lines, (f->cap * 2 + 16) * sizeof(*more));

		if (!more)
			return;
		f->lines = more;
		f->cap = f->cap * 2 + 16;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		f->lines[f->n++] = s;
	va_end(ap);
}

static void frame_free(struct frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->lines[i]);
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

/* 1234 -> "1.2k": four significant characters or so, as top prints sizes */
static const char *human(double v, char *buf, size_t len)
{
	static const char units[] = " kMGT";
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.1f", v);
	return buf;
}

static const char *hook_str(unsigned int hook)
{
	return hook < STATS_HOOKS ? stats_hook_names[hook] : "?";
}

struct view {
	const struct top_read *prev, *cur;
	double secs; /* between the two reads */
	unsigned int interval;
	size_t rows; /* per section */
};

static void rate_cols(const struct view *v, const struct rate *r, char *pps, char *bps)
{
	human(r->packets / v->secs, pps, 16);
	human(r->bytes * 8 / v->secs, bps, 16);
}

static void header(struct frame *f, const struct view *v)
{
	char devs[256] = "", dev[IF_NAMESIZE], pps[16], bps[16], clock[16];
	unsigned long long packets = 0, bytes = 0;
	unsigned int last = 0;
	size_t at = 0;
	time_t now = time(NULL);

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	for (size_t i = 0; i < v->cur->proto.n; i++) {
		const struct stats_proto_row *c = &v->cur->proto.proto[i];
		const struct stats_proto_row *p = stats_find_proto(&v->prev->proto, &c->key);

		packets += delta(c->sum.packets, p ? &p->sum.packets : NULL);
		bytes += delta(c->sum.bytes, p ? &p->sum.bytes : NULL);
		/* rows are sorted by device: each device once */
		if (c->key.ifindex != last && at < sizeof(devs) - IF_NAMESIZE - 2) {
			at += snprintf(devs + at, sizeof(devs) - at, "%s%s", at ? " " : "",
				       dev_name(c->key.ifindex, dev));
			last = c->key.ifindex;
		}
	}
	line(f, "tcctl top - %s  interval %us  devices: %s", clock, v->interval,
	     at ? devs : "none yet");
	line(f, "total: %s pkt/s  %s bit/s", human(packets / v->secs, pps, sizeof(pps)),
	     human(bytes * 8 / v->secs, bps, sizeof(bps)));
	if (v->cur->has_events && v->prev->has_events) {
		const struct events_counter *c = v->cur->ev, *p = v->prev->ev;
		unsigned long long lost = 0, over = 0;
		char s[16], d[16];

		for (int k = 0; k < EVENT_KINDS; k++) {
			lost += delta(c[k].lost, &p[k].lost);
			over += delta(c[k].over_budget, &p[k].over_budget);
		}
		line(f, "events: samples %s/s  drops %s/s  lost %llu  over budget %llu",
		     human(delta(c[EVENT_SAMPLE].emitted, &p[EVENT_SAMPLE].emitted) / v->secs, s,
			   sizeof(s)),
		     human(delta(c[EVENT_DROP].emitted, &p[EVENT_DROP].emitted) / v->secs, d,
			   sizeof(d)),
		     lost, over);
	} else {
		line(f, "events: not pinned");
	}
}

static void section_proto(struct frame *f, const struct view *v, const struct rate *r, size_t n)
{
	char dev[IF_NAMESIZE], proto[16], pps[16], bps[16];

	line(f, "%s", "");
	line(f, "%-15s %-7s %-6s %-12s %10s %10s", "PROTOCOLS", "hook", "family", "proto", "pkt/s",
	     "bit/s");
	for (size_t i = 0; i < n && i < v->rows; i++) {
		const struct stats_proto_row *row = r[i].row;
		const char *fam = stats_family_name(row->key.family);

		rate_cols(v, &r[i], pps, bps);
		line(f, "%-15s %-7s %-6s %-12s %10s %10s", dev_name(row->key.ifindex, dev),
		     hook_str(row->key.hook), fam ? fam : "-",
		     stats_proto_name(row->key.slot, proto, sizeof(proto)), pps, bps);
	}
}

static void section_ports(struct frame *f, const struct view *v, const struct rate *r, size_t n)
{
	char dev[IF_NAMESIZE], proto[16], pps[16], bps[16];

	line(f, "%s", "");
	line(f, "%-15s %-7s %-8s %5s %10s %10s", "PORTS", "hook", "proto", "port", "pkt/s",
	     "bit/s");
	for (size_t i = 0; i < n && i < v->rows; i++) {
		const struct stats_port_row *row = r[i].row;

		rate_cols(v, &r[i], pps, bps);
		line(f, "%-15s %-7s %-8s %5u %10s %10s", dev_name(row->key.ifindex, dev),
		     hook_str(row->key.hook),
		     stats_proto_name(row->key.proto, proto, sizeof(proto)), row->key.port, pps,
		     bps);
	}
}

static void endpoint(const struct stats_flow_key *k, const __u8 *addr, __u16 port, char *buf,
		     size_t len)
{
	char a[INET6_ADDRSTRLEN];

	stats_addr_str(addr, a, sizeof(a));
	if (!k->sport && !k->dport)
		snprintf(buf, len, "%s", a);
	else if (k->family == STATS_FAMILY_IPV6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static void section_flows(struct frame *f, const struct view *v, const struct rate *r, size_t n)
{
	char dev[IF_NAMESIZE], proto[16], pps[16], bps[16], src[64], dst[64];

	line(f, "%s", "");
	line(f, "%-15s %-7s %-6s %-22s    %-22s %10s %10s", "FLOWS", "hook", "proto", "src", "dst",
	     "pkt/s", "bit/s");
	for (size_t i = 0; i < n && i < v->rows; i++) {
		const struct stats_flow_row *row = r[i].row;

		rate_cols(v, &r[i], pps, bps);
		endpoint(&row->key, row->key.saddr, row->key.sport, src, sizeof(src));
		endpoint(&row->key, row->key.daddr, row->key.dport, dst, sizeof(dst));
		line(f, "%-15s %-7s %-6s %-22s -> %-22s %10s %10s", dev_name(row->key.ifindex, dev),
		     hook_str(row->key.hook),
		     stats_proto_name(row->key.proto, proto, sizeof(proto)), src, dst, pps, bps);
	}
}

/* the frame for two reads, sized to the screen (rows 0: no tty) */
static int frame_build(struct frame *f, const struct top_read *prev, const struct top_read *cur,
		       unsigned int interval, int rows)
{
	struct view v = {prev, cur, (cur->ns - prev->ns) / 1e9, interval, TOP_BATCH_ROWS};
	struct rate *rp, *rs, *rf;
	size_t np, ns, nf;
	int ret = 0;

	if (v.secs <= 0)
		v.secs = 1e-9;
	/* header 3 lines, 3 sections of a blank and a title: the rest shared out */
	if (rows)
		v.rows = rows > 3 + 6 + 3 ? (rows - 3 - 6 - 1) / 3 : 1;
	rp = rates(prev, cur, cur->proto.n, proto_at, &np);
	rs = rates(prev, cur, cur->ports.n, port_at, &ns);
	rf = rates(prev, cur, cur->flows.n, flow_at, &nf);
	if (!rp || !rs || !rf) {
		err("out of memory");
		ret = -ENOMEM;
	} else {
		header(f, &v);
		section_proto(f, &v, rp, np);
		section_ports(f, &v, rs, ns);
		section_flows(f, &v, rf, nf);
	}
	free(rp);
	free(rs);
	free(rf);
	return ret;
}

/* the frame of two reads, sized to the screen now, drawn */
static int frame_show(struct top_screen *s, const struct top_read *older,
		      const struct top_read *newer, unsigned int interval)
{
	struct frame f = {};
	int ret;

	ret = frame_build(&f, older, newer, interval, s->tty ? s->rows : 0);
	ret = ret ?: screen_draw(s, f.lines, f.n);
	frame_free(&f);
	return ret;
}

/*
 * prev is the first read. The two latest reads are kept, so a resized
 * terminal gets the same rates again, laid out for its new size at once.
 */
static int top_loop(const struct top_opts *o, struct top_read *prev)
{
	unsigned long long next = prev->ns;
	struct top_read older = {}, cur;
	bool have_older = false;
	unsigned int frames = 0;
	struct top_screen s;
	enum screen_event ev;
	int ret;

	ret = screen_open(&s);
	if (ret)
		return ret;
	if (s.tty) {
		char *wait[1];

		if (asprintf(&wait[0], "tcctl top: the first rates in %u s ('q' quits)",
			     o->interval) >= 0) {
			screen_draw(&s, wait, 1);
			free(wait[0]);
		}
	}
	while (!ret && (!o->count || frames < o->count)) {
		next += o->interval * 1000000000ULL;
		while ((ev = screen_wait(&s, next)) == SCREEN_RESIZE && !ret)
			if (have_older)
				ret = frame_show(&s, &older, prev, o->interval);
		if (ev == SCREEN_QUIT || ret)
			break;
		ret = top_read(&o->f, &cur);
		if (ret)
			break;
		top_read_free(&older);
		older = *prev;
		*prev = cur;
		have_older = true;
		ret = frame_show(&s, &older, prev, o->interval);
		frames++;
	}
	top_read_free(&older);
	screen_close(&s);
	return ret;
}

static int arg_top_opts(struct args *a, struct top_opts *o)
{
	bool dev = false, hook = false, interval = false, count = false;
	const char *name;
	struct hook h;
	int ret = 0;

	while (!ret && arg_peek(a)) {
		if (!dev && !strcmp(arg_peek(a), "dev")) {
			dev = true;
			ret = arg_dev(a, &o->f.ifindex, &name);
		} else if (!hook && arg_is(a, "hook")) {
			hook = true;
			ret = arg_hook(a, &h, false);
			if (!ret)
				o->f.hook = h.type == HOOK_XDP	      ? STATS_HOOK_XDP
					    : h.dir == TC_DIR_INGRESS ? STATS_HOOK_TC_INGRESS
								      : STATS_HOOK_TC_EGRESS;
		} else if (!interval && arg_is(a, "interval")) {
			interval = true;
			name = arg_peek(a);
			ret = arg_u32(a, "interval", TOP_INTERVAL_MAX, &o->interval);
			if (!ret && !o->interval)
				ret = usage_err(
				    "\"interval\" takes a number from 1 to %u, not \"%s\"",
				    TOP_INTERVAL_MAX, name);
		} else if (!count && arg_is(a, "count")) {
			count = true;
			name = arg_peek(a);
			ret = arg_u32(a, "count", TOP_COUNT_MAX, &o->count);
			if (!ret && !o->count)
				ret = usage_err("\"count\" takes a number from 1 to %u, not \"%s\"",
						TOP_COUNT_MAX, name);
		} else {
			ret = arg_end(a);
		}
	}
	return ret;
}

int cmd_top(struct tcctl *t, struct args *a)
{
	struct top_opts o = {.f = STATS_FILTER_ALL, .interval = 2};
	struct top_read first;
	int ret;

	ret = arg_top_opts(a, &o);
	if (!ret && t->json)
		ret = usage_err(
		    "top has no JSON output: stats ports -j and stats flows -j have the counters");
	if (ret)
		return ret;
	/* before the screen changes: an error is one plain line */
	ret = top_read(&o.f, &first);
	if (ret)
		return ret;
	ret = top_loop(&o, &first);
	top_read_free(&first);
	return ret;
}
