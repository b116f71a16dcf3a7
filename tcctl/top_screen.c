// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcctl top's terminal: raw keys, the alternate screen, the window size
 * and the signals that end the view (see top_screen.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "tcctl.h"
#include "stats_read.h"
#include "top_screen.h"

/* the alternate screen, cursor hidden, and back */
#define ESC_ENTER "\033[?1049h\033[?25l"
#define ESC_LEAVE "\033[?25h\033[?1049l"
#define ESC_HOME  "\033[H\033[2J"

static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
static volatile sig_atomic_t quit_flag, resize_flag;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		resize_flag = 1;
	else
		quit_flag = 1;
}

static void size_read(struct top_screen *s)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		s->rows = ws.ws_row;
		s->cols = ws.ws_col;
	} else {
		s->rows = 24;
		s->cols = 80;
	}
}

int screen_open(struct top_screen *s)
{
	/* no SA_RESTART: a signal must wake the poll in screen_wait() */
	struct sigaction sa = {.sa_handler = on_signal};
	struct termios raw;

	memset(s, 0, sizeof(*s));
	quit_flag = resize_flag = 0;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, &s->old[i]);
	s->tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (!s->tty)
		return 0;
	if (tcgetattr(STDIN_FILENO, &s->saved)) {
		int ret = -errno;

		screen_close(s);
		err("cannot read the terminal's settings: %s", strerror(-ret));
		return ret;
	}
	/* keys one by one, not echoed; ISIG stays, so Ctrl-C is SIGINT, handled above */
	raw = s->saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	s->raw = true;
	size_read(s);
	fputs(ESC_ENTER, stdout);
	fflush(stdout);
	return 0;
}

void screen_close(struct top_screen *s)
{
	if (s->raw) {
		fputs(ESC_LEAVE, stdout);
		fflush(stdout);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &s->saved);
		s->raw = false;
	}
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &s->old[i], NULL);
}

enum screen_event screen_wait(struct top_screen *s, unsigned long long until_ns)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	unsigned long long now;
	char c;

	for (;;) {
		if (quit_flag)
			return SCREEN_QUIT;
		if (resize_flag) {
			resize_flag = 0;
			if (s->tty) {
				size_read(s);
				return SCREEN_RESIZE;
			}
		}
		now = stats_now_ns();
		if (now >= until_ns)
			return SCREEN_TIMEOUT;
		/* without a tty there are no keys: only the time and signals */
		if (poll(&pfd, s->tty ? 1 : 0, (until_ns - now + 999999) / 1000000) <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR))
			return SCREEN_QUIT; /* the terminal went away */
		if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			return SCREEN_QUIT;
	}
}

int screen_draw(struct top_screen *s, char *const *lines, size_t n)
{
	if (!s->tty) {
		for (size_t i = 0; i < n; i++)
			puts(lines[i]);
		putchar('\n');
	} else {
		fputs(ESC_HOME, stdout);
		/* the last row stays empty: a line there would scroll the screen */
		for (size_t i = 0; i < n && i + 1 < (size_t)s->rows; i++)
			printf("%.*s\r\n", s->cols, lines[i]);
	}
	if (fflush(stdout)) {
		int ret = -errno;

		err("cannot write the view: %s", strerror(-ret));
		return ret;
	}
	return 0;
}
