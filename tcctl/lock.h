/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writers take turns: every tcctl command that changes pins, maps or
 * attachments holds an exclusive flock on the pin directory, which every
 * tcctl (and nothing else) takes, while it reads, decides and writes. The
 * lock nests within a process, so a batch can hold it across its commands
 * and a command can call another helper that locks too: flock on a second
 * open of the same directory would wait for ourselves.
 */
#ifndef TCCTL_LOCK_H
#define TCCTL_LOCK_H

/* takes the lock, creating the pin directory if needed; 0 or -errno (printed) */
int pins_lock(void);
/* drops one level; the last one releases the flock */
void pins_unlock(void);

#endif /* TCCTL_LOCK_H */
