// SPDX-License-Identifier: GPL-2.0-only
/* Open, tidy, read; edit a copy; commit. */
#include <errno.h>
#include <string.h>

#include "fw_edit.h"
#include "fw_pins.h"
#include "lock.h"
#include "obj.h"

int fw_edit_begin(struct fw_edit *e, bool writing)
{
	int ret;

	memset(e, 0, sizeof(*e));
	ret = fw_pins_open(&e->maps);
	/* held until fw_edit_end: two writers could otherwise pick one free set slot */
	if (!ret && writing) {
		ret = pins_lock();
		e->locked = !ret;
	}
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
			err("cannot read the fw configuration from %s: %s", pin_dir(), strerror(-ret));
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
	if (e->locked)
		pins_unlock();
}
