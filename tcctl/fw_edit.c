// SPDX-License-Identifier: GPL-2.0-only
/* Open, tidy, read; edit a copy; commit. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "fw_edit.h"
#include "fw_pins.h"
#include "obj.h"

/*
 * Writers take turns: the pin directory's flock, which every tcctl (and
 * nothing else) takes, is held until fw_edit_end. Without it two writers
 * could pick the same free set slot.
 */
static int lock_pins(struct fw_edit *e)
{
	e->lock_fd = open(PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->lock_fd < 0 || flock(e->lock_fd, LOCK_EX)) {
		err("cannot lock %s: %s", PIN_DIR, strerror(errno));
		return -errno;
	}
	return 0;
}

int fw_edit_begin(struct fw_edit *e, bool writing)
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	ret = fw_pins_open(&e->maps);
	if (!ret && writing)
		ret = lock_pins(e);
	if (ret)
		return ret;
	e->prev = fw_config_new();
	e->next = fw_config_new();
	if (!e->prev || !e->next) {
		err("out of memory");
		return -ENOMEM;
	}
	ret = writing ? fw_config_tidy(&e->maps) : 0;
	if (!ret) {
		ret = fw_config_read(&e->maps, e->prev);
		if (ret && ret != -EPROTO)
			err("cannot read the fw configuration from %s: %s", PIN_DIR, strerror(-ret));
	}
	if (!ret)
		fw_config_copy(e->next, e->prev);
	return ret;
}

int fw_edit_commit(struct fw_edit *e)
{
	return fw_config_commit(&e->maps, e->next, e->prev);
}

void fw_edit_end(struct fw_edit *e)
{
	fw_config_free(e->prev);
	fw_config_free(e->next);
	fw_pins_close(&e->maps); /* fds are open or -1 after begin */
	if (e->lock_fd >= 0)
		close(e->lock_fd); /* and the lock goes with it */
}
