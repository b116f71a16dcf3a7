/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal side of tcctl top, apart from its data (cmd_top.c): on a
 * tty, the alternate screen redrawn whole each frame, keys read one by one
 * (termios without ICANON and ECHO) so 'q' quits, the size from TIOCGWINSZ
 * and SIGWINCH. Whatever ends the view ('q', Ctrl-C, SIGTERM, SIGHUP, count
 * frames, an error) goes through screen_close(), which gives the terminal
 * back as it was. Without a tty, frames are plain text separated by a blank
 * line, as top -b prints them.
 */
#ifndef TCCTL_TOP_SCREEN_H
#define TCCTL_TOP_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <termios.h>

struct top_screen {
	bool tty;	/* stdin and stdout are a terminal */
	bool raw;	/* the termios settings below are to be restored */
	int rows, cols; /* the terminal's; 0 without a tty */
	struct termios saved;
	struct sigaction old[4];
};

enum screen_event {
	SCREEN_TIMEOUT, /* the time given is up */
	SCREEN_QUIT,	/* 'q', or a signal that ends the view */
	SCREEN_RESIZE,	/* the terminal changed size: draw again */
};

/* 0 or -errno (printed) */
int screen_open(struct top_screen *s);
void screen_close(struct top_screen *s);
/* waits until until_ns (CLOCK_MONOTONIC, as stats_now_ns()), a key or a signal */
enum screen_event screen_wait(struct top_screen *s, unsigned long long until_ns);
/* one frame: on a tty cut to the screen's size; 0 or -errno (printed) */
int screen_draw(struct top_screen *s, char *const *lines, size_t n);

#endif /* TCCTL_TOP_SCREEN_H */
