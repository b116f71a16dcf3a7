// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor: the events ring, live, one line per event (event_format.h), or
 * one JSON object per line with -j.
 *
 *	monitor [ dev DEV ] [ kind { sample | drop } ] [ count N ] [ duration SECS ]
 *
 * It shows what happens from the moment it starts: events already in the
 * ring (written before it, and never read) are skipped by their timestamp.
 * It ends on count matching events, on duration, on SIGINT or SIGTERM, or
 * when stdout's reader is gone (tcctl monitor | head: exit 0). Ending on
 * duration or a signal, it first shows what the ring holds up to that
 * moment, so every event emitted while it ran is either shown or counted.
 * The summary on stderr is honest: lost and over budget are the deltas of
 * the objects' own counters (events_count) while it ran, for the kinds it
 * shows (for every device: the counters know no devices).
 *
 * The ring has one read position, shared by whoever reads it: two monitors
 * would each take events from the other. A lock per ring (its map id) lets
 * one monitor at a time read it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcctl.h"
#include "event_format.h"
#include "events_maps.h"
#include "netdev.h"
#include "obj.h"

#define LOCK_DIR "/run/tcctl"
#define NSEC	 1000000000LL

/* device names by ifindex, looked up again after a second: devices come, go and are renamed */
#define NAME_CACHE 32

struct name_entry {
	__u32 ifindex;
	__u64 looked_up_ns;
	char name[IF_NAMESIZE];
};

struct monitor {
	const struct tcctl *t;
	int ifindex;	 /* 0: every device */
	int kind;	 /* enum event_kind, or -1: both */
	__u64 count;	 /* 0: no limit */
	double duration; /* seconds, 0: no limit */

	__u64 start_ns; /* CLOCK_MONOTONIC, the clock of struct event's ts_ns */
	__u64 stop_ns;	/* set at the end: later events are not shown */
	__s64 mono_to_wall;
	__u64 shown;
	bool count_done;
	int write_err; /* -errno of a failed write to stdout */
	struct name_entry names[NAME_CACHE];
};

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (__u64)ts.tv_sec * NSEC + ts.tv_nsec;
}

static const char *name_of(struct monitor *m, __u32 ifindex, __u64 now)
{
	struct name_entry *e = &m->names[ifindex % NAME_CACHE];

	if (e->ifindex != ifindex || now - e->looked_up_ns > NSEC) {
		e->ifindex = ifindex;
		e->looked_up_ns = now;
		dev_name(ifindex, e->name);
	}
	return e->name;
}

static int print_event(struct monitor *m, const struct event *e)
{
	__s64 wall = (__s64)e->ts_ns + m->mono_to_wall;
	const char *dev = name_of(m, e->ifindex, e->ts_ns);
	char line[EVENT_LINE_MAX];
	json_t *o;
	int ret;

	if (!m->t->json) {
		event_format(e, dev, wall, line, sizeof(line));
		return puts(line) < 0 ? -errno : 0;
	}
	o = event_json(e, dev, wall);
	if (!o)
		return -ENOMEM;
	ret = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (ret || putchar('\n') == EOF)
		return errno ? -errno : -EIO;
	return 0;
}

/* ring_buffer's callback: a negative return ends this consume */
static int on_event(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	const struct event *e = data;
	int ret;

	if (size < sizeof(*e))
		return 0; /* not a struct event: nothing of ours writes one */
	if (e->ts_ns < m->start_ns || (m->stop_ns && e->ts_ns > m->stop_ns))
		return 0; /* before this monitor started, or after it ended */
	if ((m->ifindex && e->ifindex != (__u32)m->ifindex) ||
	    (m->kind >= 0 && e->kind != m->kind))
		return 0;
	errno = 0;
	ret = print_event(m, e);
	if (ret) {
		m->write_err = ret;
		return ret;
	}
	m->shown++;
	if (m->count && m->shown >= m->count) {
		m->count_done = true;
		return -ECANCELED;
	}
	return 0;
}

static bool kind_on(const struct events_config *cfg, int kind)
{
	return kind == EVENT_SAMPLE ? cfg->sample_every != 0 : cfg->drops != 0;
}

/* once, at the start: what is off shows nothing until it is turned on */
static void warn_off(const struct monitor *m, const struct events_config *cfg)
{
	if (m->kind >= 0 && !kind_on(cfg, m->kind))
		err("%s events are off: nothing shows until tcctl events set %s",
		    event_kind_name(m->kind), m->kind == EVENT_SAMPLE ? "sample N" : "drops on");
	else if (m->kind < 0 && !kind_on(cfg, EVENT_SAMPLE) && !kind_on(cfg, EVENT_DROP))
		err("events are off: nothing shows until tcctl events set sample N or drops on");
}

/* one reader per ring: held until the process ends or the fd closes */
static int reader_lock(int ring_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	if (bpf_obj_get_info_by_fd(ring_fd, &info, &len)) {
		err("%s/%s: %s", pin_dir(), EVENTS_MAP_RING, strerror(errno));
		return -errno;
	}
	if (mkdir(LOCK_DIR, 0755) && errno != EEXIST) {
		err("cannot create %s: %s", LOCK_DIR, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), LOCK_DIR "/events-ring-%u.lock", info.id);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int ret = -errno;

		if (ret == -EWOULDBLOCK)
			err("another tcctl monitor reads the events ring: one at a time, or each would take the other's events");
		else
			err("cannot lock %s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;
}

/* what the run did: the events shown, and the objects' counts of the others */
static void summary(const struct monitor *m, const struct events_counter before[EVENT_KINDS],
		    const struct events_counter after[EVENT_KINDS])
{
	__u64 lost = 0, over = 0;

	for (int k = 0; k < EVENT_KINDS; k++) {
		if (m->kind >= 0 && k != m->kind)
			continue;
		if (after[k].lost > before[k].lost)
			lost += after[k].lost - before[k].lost;
		if (after[k].over_budget > before[k].over_budget)
			over += after[k].over_budget - before[k].over_budget;
	}
	fprintf(stderr, "%llu events shown, %llu lost, %llu over budget\n",
		(unsigned long long)m->shown, (unsigned long long)lost, (unsigned long long)over);
}

static int stdout_error(int ret)
{
	if (ret == -EPIPE)
		return 0; /* the reader is gone (| head): a normal end */
	err("cannot write to stdout: %s", strerror(-ret));
	return ret;
}

/*
 * Waits on the ring, on SIGINT/SIGTERM (a signalfd: no race between a flag
 * and the wait) and on stdout's reader going away (POLLERR on a pipe), so
 * | head ends the monitor at once, not at the next event. The programs wake
 * the reader only once the ring has filled some (abi/events.h): the ring is
 * read at least every EVENTS_READER_POLL_MS whether woken or not.
 */
static int run(struct monitor *m, struct ring_buffer *rb, int sfd)
{
	struct pollfd pfd[3] = {
		{ .fd = ring_buffer__epoll_fd(rb), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
		{ .fd = STDOUT_FILENO, .events = 0 },
	};
	__u64 deadline = m->duration ? m->start_ns + (__u64)(m->duration * NSEC) : 0;
	int ret;

	for (;;) {
		int timeout = EVENTS_READER_POLL_MS;

		if (deadline) {
			__u64 now = clock_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				break;
			if ((deadline - now + 999999) / 1000000 < (__u64)timeout)
				timeout = (deadline - now + 999999) / 1000000;
		}
		if (poll(pfd, 3, timeout) < 0) {
			if (errno == EINTR)
				continue; /* SIGSTOP and SIGCONT, say */
			err("poll: %s", strerror(errno));
			return -errno;
		}
		if (pfd[2].revents & (POLLERR | POLLHUP))
			return 0;
		if (pfd[2].revents & POLLNVAL)
			pfd[2].fd = -1; /* no stdout at all: the first line's write will say */
		if (pfd[1].revents)
			break;
		{ /* woken, or the poll interval is up */
			ret = ring_buffer__consume(rb);
			if (m->write_err)
				return stdout_error(m->write_err);
			if (m->count_done)
				return 0;
			if (ret < 0) {
				err("%s/%s: %s", pin_dir(), EVENTS_MAP_RING, strerror(-ret));
				return ret;
			}
		}
	}
	/* the end by time or signal: what the ring holds up to now still shows */
	m->stop_ns = clock_ns(CLOCK_MONOTONIC);
	ret = ring_buffer__consume(rb);
	if (m->write_err)
		return stdout_error(m->write_err);
	if (ret < 0 && !m->count_done) {
		err("%s/%s: %s", pin_dir(), EVENTS_MAP_RING, strerror(-ret));
		return ret;
	}
	return 0;
}

static int monitor(struct monitor *m)
{
	struct events_counter before[EVENT_KINDS], after[EVENT_KINDS];
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	struct ring_buffer *rb = NULL;
	struct events_config cfg;
	sigset_t set, old_mask;
	int lock_fd, sfd, ret;
	struct events_maps e;

	ret = events_maps_open(&e, false);
	if (ret)
		return ret;
	lock_fd = reader_lock(e.ring);
	if (lock_fd < 0) {
		events_maps_close(&e);
		return lock_fd;
	}
	ret = events_config_read(&e, &cfg) ?: events_counters_read(&e, before);
	if (ret)
		goto out;
	rb = ring_buffer__new(e.ring, on_event, m, NULL);
	if (!rb) {
		ret = -errno;
		err("%s/%s: %s", pin_dir(), EVENTS_MAP_RING, strerror(-ret));
		goto out;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		ret = -errno;
		err("signalfd: %s", strerror(-ret));
		goto unblock;
	}
	/* a write to a closed pipe fails with EPIPE instead of killing us */
	sigaction(SIGPIPE, &ign, &old_pipe);
	setvbuf(stdout, NULL, _IOLBF, 0);

	warn_off(m, &cfg);
	m->start_ns = clock_ns(CLOCK_MONOTONIC);
	m->mono_to_wall = (__s64)clock_ns(CLOCK_REALTIME) - (__s64)clock_ns(CLOCK_MONOTONIC);
	ret = run(m, rb, sfd);
	if (!events_counters_read(&e, after))
		summary(m, before, after);

	sigaction(SIGPIPE, &old_pipe, NULL);
	close(sfd);
unblock:
	/* a signal that came meanwhile was our cue to stop: drop it, do not die of it */
	{
		struct timespec zero = {};

		while (sigtimedwait(&set, NULL, &zero) > 0)
			;
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
out:
	ring_buffer__free(rb);
	close(lock_fd);
	events_maps_close(&e);
	return ret;
}

static int arg_duration(struct args *a, double *secs)
{
	const char *s;
	char *end;
	int ret;

	ret = arg_value(a, "duration", &s);
	if (ret)
		return ret;
	errno = 0;
	*secs = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(*secs) || *secs <= 0 || *secs > 31536000)
		return usage_err("\"duration\" takes seconds, more than 0 and up to a year, not \"%s\"", s);
	return 0;
}

static int arg_kind(struct args *a, int *kind)
{
	const char *s;
	int ret;

	ret = arg_value(a, "kind", &s);
	if (ret)
		return ret;
	for (int k = 0; k < EVENT_KINDS; k++) {
		if (!strcmp(s, event_kind_name(k))) {
			*kind = k;
			return 0;
		}
	}
	return usage_err("\"kind\" takes sample or drop, not \"%s\"", s);
}

static int arg_count(struct args *a, __u64 *count)
{
	unsigned int v;
	int ret;

	ret = arg_u32(a, "count", UINT_MAX, &v);
	if (!ret && !v)
		ret = usage_err("\"count\" takes a number from 1 to %u, not \"0\"", UINT_MAX);
	*count = v;
	return ret;
}

int cmd_monitor(struct tcctl *t, struct args *a)
{
	struct monitor *m;
	const char *dev;
	bool has_dev = false;
	int ret = 0;

	/* the name cache makes it big for the stack of a plugin's host */
	m = calloc(1, sizeof(*m));
	if (!m) {
		err("out of memory");
		return -ENOMEM;
	}
	m->t = t;
	m->kind = -1;
	while (!ret && arg_peek(a)) {
		if (!has_dev && !strcmp(arg_peek(a), "dev")) {
			has_dev = true;
			ret = arg_dev(a, &m->ifindex, &dev);
		} else if (m->kind < 0 && arg_is(a, "kind")) {
			ret = arg_kind(a, &m->kind);
		} else if (!m->count && arg_is(a, "count")) {
			ret = arg_count(a, &m->count);
		} else if (!m->duration && arg_is(a, "duration")) {
			ret = arg_duration(a, &m->duration);
		} else {
			ret = arg_end(a);
		}
	}
	if (!ret)
		ret = monitor(m);
	free(m);
	return ret;
}
