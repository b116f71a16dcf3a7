// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench's request/response tool (the steer section), in the manner of
 * netperf's TCP_RR and TCP_CRR, small enough to read in one go.
 *
 *   rr server PORT
 *	Listens on PORT (IPv6 socket taking IPv4 too), one thread, epoll.
 *	Echoes what it reads; closes on the client's FIN.
 *   rr client { rr | crr } ADDR PORT SECONDS [SIZE [CLIENTS]]
 *	rr: one connection per client, SIZE-byte requests answered by SIZE
 *	bytes, back to back, for SECONDS. crr: a new connection per
 *	transaction (connect, request, response, close). The client closes
 *	first, so TIME_WAIT stays on its side, where connect() picks ports
 *	around it; a server left in TIME_WAIT makes the next arm's SYNs from a
 *	reused port wait for a retransmit (PAWS or sequence check against a
 *	flow of another arm, whose NAT changed what the client hashed). Give
 *	the client's namespace a wide ip_local_port_range and tcp_tw_reuse 1
 *	for long runs. SIZE 1 and CLIENTS 1
 *	by default; clients are threads. Prints "transactions N ns T errors E":
 *	transactions completed by all clients and the time they ran.
 *
 * TCP_NODELAY on every socket, both sides: a request or a response is one
 * segment sent at once, so a figure is round trips, not Nagle's timers.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE    65536
#define MAX_CLIENTS 64

static void die(const char *what)
{
	fprintf(stderr, "rr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: rr server PORT\n"
			"       rr client { rr | crr } ADDR PORT SECONDS [SIZE [CLIENTS]]\n");
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static long arg_long(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		usage();
	return v;
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

/* --- server ---------------------------------------------------------------- */

/* runs until killed */
static void __attribute__((noreturn)) cmd_server(int argc, char **argv)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct epoll_event ev, evs[64];
	static char buf[MAX_SIZE];
	int lfd, ep, zero = 0, one = 1;

	if (argc != 1)
		usage();
	sin6.sin6_port = htons(arg_long(argv[0], 1, 65535));
	lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lfd < 0)
		die("socket");
	if (setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("setsockopt");
	if (bind(lfd, (void *)&sin6, sizeof(sin6)) || listen(lfd, 4096))
		die("bind/listen");
	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
		die("epoll_ctl");

	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t got;

			if (fd == lfd) {
				int c;

				/* drain the backlog: CRR brings a connection per transaction */
				while ((c = accept4(lfd, NULL, NULL, 0)) >= 0) {
					nodelay(c);
					ev.events = EPOLLIN;
					ev.data.fd = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev))
						die("epoll_ctl");
				}
				continue;
			}
			got = read(fd, buf, sizeof(buf));
			/* blocking write: requests are small, the peer is reading */
			if (got > 0 && write(fd, buf, got) == got)
				continue;
			close(fd); /* EOF or error */
		}
	}
}

/* --- client ---------------------------------------------------------------- */

struct client {
	pthread_t thread;
	struct addrinfo *ai;
	uint64_t end;
	int crr;
	int size;
	unsigned long long done;
	unsigned long long errors;
};

static int read_full(int fd, char *buf, int len)
{
	int off = 0;

	while (off < len) {
		ssize_t n = read(fd, buf + off, len - off);

		if (n <= 0)
			return -1;
		off += n;
	}
	return 0;
}

static int connect_to(const struct client *c)
{
	int fd = socket(c->ai->ai_family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	nodelay(fd);
	if (connect(fd, c->ai->ai_addr, c->ai->ai_addrlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* one transaction on a new connection; the client closes first (see top) */
static int crr_once(const struct client *c, char *req, char *resp)
{
	int fd = connect_to(c), ret = -1;

	if (fd < 0)
		return -1;
	if (write(fd, req, c->size) == c->size && !read_full(fd, resp, c->size))
		ret = 0;
	close(fd);
	return ret;
}

static void *client_run(void *arg)
{
	struct client *c = arg;
	char req[MAX_SIZE], resp[MAX_SIZE];
	int fd = -1;

	memset(req, 'r', c->size);
	while (now_ns() < c->end) {
		if (c->crr) {
			if (crr_once(c, req, resp))
				c->errors++;
			else
				c->done++;
			continue;
		}
		if (fd < 0 && (fd = connect_to(c)) < 0) {
			c->errors++;
			continue;
		}
		if (write(fd, req, c->size) != c->size || read_full(fd, resp, c->size)) {
			c->errors++;
			close(fd);
			fd = -1;
			continue;
		}
		c->done++;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmd_client(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	static struct client clients[MAX_CLIENTS];
	unsigned long long done = 0, errors = 0;
	int crr, size = 1, n = 1, err;
	struct addrinfo *ai;
	uint64_t start, end;
	double secs;
	char *tail;

	if (argc < 4 || argc > 6)
		usage();
	if (!strcmp(argv[0], "rr"))
		crr = 0;
	else if (!strcmp(argv[0], "crr"))
		crr = 1;
	else
		usage();
	err = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (err) {
		fprintf(stderr, "rr: %s port %s: %s\n", argv[1], argv[2], gai_strerror(err));
		return 1;
	}
	secs = strtod(argv[3], &tail);
	if (*tail || secs <= 0 || secs > 600)
		usage();
	if (argc > 4)
		size = arg_long(argv[4], 1, MAX_SIZE);
	if (argc > 5)
		n = arg_long(argv[5], 1, MAX_CLIENTS);

	start = now_ns();
	end = start + (uint64_t)(secs * 1e9);
	for (int i = 0; i < n; i++) {
		clients[i] = (struct client){ .ai = ai, .end = end, .crr = crr, .size = size };
		errno = pthread_create(&clients[i].thread, NULL, client_run, &clients[i]);
		if (errno)
			die("pthread_create");
	}
	for (int i = 0; i < n; i++) {
		pthread_join(clients[i].thread, NULL);
		done += clients[i].done;
		errors += clients[i].errors;
	}
	printf("transactions %llu ns %llu errors %llu\n", done,
	       (unsigned long long)(now_ns() - start), errors);
	freeaddrinfo(ai);
	/* a figure with no transaction measures nothing: say so by the exit code */
	return done ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "server"))
		cmd_server(argc - 2, argv + 2);
	if (!strcmp(argv[1], "client"))
		return cmd_client(argc - 2, argv + 2);
	usage();
}
