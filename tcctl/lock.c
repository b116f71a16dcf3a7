// SPDX-License-Identifier: GPL-2.0-only
/* The pin directory's flock, held once per process however deep the calls. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "tcctl.h"
#include "lock.h"
#include "obj.h"

static int lock_fd = -1;
static unsigned int lock_depth;

int pins_lock(void)
{
	int fd, ret;

	if (lock_depth) {
		lock_depth++;
		return 0;
	}
	ret = pin_dir_prepare();
	if (ret)
		return ret;
	fd = open(pin_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		ret = -errno;
		err("cannot lock %s: %s", pin_dir(), strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	lock_fd = fd;
	lock_depth = 1;
	return 0;
}

void pins_unlock(void)
{
	if (!lock_depth || --lock_depth)
		return;
	close(lock_fd); /* and the flock goes with it */
	lock_fd = -1;
}
