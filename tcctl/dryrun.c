// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dry run's scratch session (see dryrun.h): its directory, the object
 * loaded there, the live maps copied in, the config run against it, and one
 * packet at a time through BPF_PROG_TEST_RUN.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dryrun.h"
#include "dryrun_config.h"
#include "map_open.h"
#include "map_snap.h"
#include "netdev.h"

volatile sig_atomic_t dryrun_stop;

int dryrun_parse_target(struct args *a, struct dryrun_conf *c)
{
	const char *name = arg_next(a), *hook;

	if (!name)
		return usage_err("expected an object (%s)", object_names());
	c->object = object_find(name);
	if (!c->object)
		return usage_err("unknown object \"%s\" (%s)", name, object_names());
	hook = arg_next(a);
	if (!hook)
		return usage_err("expected a hook after %s (xdp, ingress or egress)", name);
	c->hook = hook;
	if (!strcmp(hook, "xdp"))
		c->xdp = true;
	else if (!strcmp(hook, "egress"))
		c->egress = true;
	else if (strcmp(hook, "ingress"))
		return usage_err("unknown hook \"%s\" (xdp, ingress or egress)", hook);
	if (c->xdp ? !c->object->xdp_prog : !c->object->tc_prog)
		return usage_err("%s has no %s program", name, c->xdp ? "XDP" : "tc");
	return 0;
}

int dryrun_parse_opt(struct args *a, struct dryrun_conf *c)
{
	const char *from;
	int ret;

	if (arg_is(a, "dev"))
		return arg_value(a, "dev", &c->dev) ?: 1;
	if (arg_is(a, "config"))
		return arg_value(a, "config", &c->config) ?: 1;
	if (!arg_is(a, "from"))
		return 0;
	ret = arg_value(a, "from", &from);
	if (ret)
		return ret;
	if (!strcmp(from, "empty"))
		c->from_empty = true;
	else if (strcmp(from, "live"))
		return usage_err("from takes live or empty, not \"%s\"", from);
	return 1;
}

/* the pins in dir, then dir: a scratch directory holds nothing else */
static void remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* scratch directories whose tcctl died without removing them */
static void remove_stale(void)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(DRYRUN_BASE);
	int pid;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (sscanf(e->d_name, "dryrun-%d", &pid) != 1 || pid <= 0)
			continue;
		if (pid != getpid() && !kill(pid, 0))
			continue;
		if (pid != getpid() && errno != ESRCH)
			continue; /* alive, another user's: not ours to judge */
		snprintf(path, sizeof(path), "%s/%s", DRYRUN_BASE, e->d_name);
		remove_dir(path);
	}
	closedir(d);
}

static int make_scratch(struct dryrun *d)
{
	int ret = bpffs_check();

	if (ret)
		return ret;
	remove_stale();
	snprintf(d->dir, sizeof(d->dir), "%s/dryrun-%d", DRYRUN_BASE, (int)getpid());
	/* another dry run may remove an empty base between our two mkdirs: try twice */
	for (int i = 0; i < 2; i++) {
		if (mkdir(DRYRUN_BASE, 0700) && errno != EEXIST)
			break;
		if (!mkdir(d->dir, 0700)) {
			d->dir_made = true;
			return 0;
		}
		if (errno != ENOENT)
			break;
	}
	ret = -errno;
	err("cannot create %s: %s", d->dir, strerror(-ret));
	return ret;
}

/* one map: the live pin's entries into the scratch pin of the same name */
static int copy_map(const char *name)
{
	char live[PATH_MAX], scratch[PATH_MAX];
	struct map_ref src = { .fd = -1 }, dst = { .fd = -1 };
	struct map_snap s = {};
	int ret;

	snprintf(live, sizeof(live), "%s/%s", PIN_DIR_DEFAULT, name);
	snprintf(scratch, sizeof(scratch), "%s/%s", pin_dir(), name);
	ret = map_ref_open_pin(live, live, &src, true);
	if (ret)
		return ret == -ENOENT ? 0 : ret; /* not pinned live: the copy stays empty */
	ret = map_ref_open_pin(scratch, scratch, &dst, true);
	if (ret) {
		/* the object has no such map (another version): nothing to copy into */
		map_ref_close(&src);
		return ret == -ENOENT ? 0 : ret;
	}
	if (!map_snap_copyable(src.info.type))
		goto out;
	if (src.info.type != dst.info.type || src.info.key_size != dst.info.key_size ||
	    src.info.value_size != dst.info.value_size ||
	    src.info.max_entries > dst.info.max_entries) {
		err("%s has another layout than this tcctl's %s: cannot copy it (try from empty)",
		    live, name);
		ret = -EPROTO;
		goto out;
	}
	ret = map_snap_read(src.fd, &src.info, &s);
	if (!ret)
		ret = map_snap_write(dst.fd, &s);
	if (ret)
		err("cannot copy %s into the dry run: %s", live, strerror(-ret));
out:
	map_snap_free(&s);
	map_ref_close(&src);
	map_ref_close(&dst);
	return ret;
}

/*
 * Under a shared flock of the live pin directory: writers (every tcctl
 * command that changes maps) hold it exclusively, so the copy is never half
 * an update. A live directory that does not exist has nothing to copy.
 */
static int copy_live(const struct object_desc *o)
{
	int fd, ret = 0;

	fd = open(PIN_DIR_DEFAULT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : (err("cannot open %s: %s", PIN_DIR_DEFAULT,
						  strerror(errno)), -errno);
	if (flock(fd, LOCK_SH)) {
		ret = -errno;
		err("cannot lock %s: %s", PIN_DIR_DEFAULT, strerror(-ret));
		close(fd);
		return ret;
	}
	for (size_t i = 0; !ret && i < OBJ_MAX_MAPS && o->maps[i]; i++) {
		if (dryrun_stop)
			ret = -EINTR;
		else
			ret = copy_map(o->maps[i]);
	}
	if (ret == -EINTR)
		err("interrupted");
	close(fd);
	return ret;
}

int dryrun_open(struct dryrun *d, const struct dryrun_conf *c)
{
	char path[PATH_MAX];
	int ret;

	memset(d, 0, sizeof(*d));
	d->conf = c;
	d->lp.prog_fd = -1;
	d->ifindex = 1; /* lo */
	if (c->dev) {
		ret = dev_index(c->dev);
		if (ret < 0)
			return ret;
		d->ifindex = ret;
	}
	ret = make_scratch(d);
	if (ret)
		return ret;
	pin_dir_set(d->dir);
	/* a batch's cache holds programs loaded against the live maps: not for us */
	obj_cache_enable(false);
	snprintf(path, sizeof(path), "%s/%s", object_dir(), c->object->file);
	ret = obj_load(c->object, path, c->xdp, &d->lp);
	if (ret)
		goto fail;
	if (!c->from_empty) {
		ret = copy_live(c->object);
		if (ret)
			goto fail;
	}
	if (c->config) {
		ret = dryrun_config_run(c->config);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	dryrun_close(d);
	return ret;
}

void dryrun_close(struct dryrun *d)
{
	if (d->lp.obj)
		obj_release(&d->lp, false);
	if (d->dir_made) {
		remove_dir(d->dir);
		rmdir(DRYRUN_BASE); /* when empty: a dry run leaves no trace */
		d->dir_made = false;
	}
	pin_dir_set(NULL);
}

int dryrun_packet(struct dryrun *d, const void *in, size_t len, void *out, size_t *out_len,
		  uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = DRYRUN_OUT_MAX, .repeat = 1);
	struct xdp_md xdp = { .data_end = len, .ingress_ifindex = d->ifindex };
	/* ingress_ifindex == ifindex is how the objects tell ingress (objects/lib/ctx.h) */
	struct __sk_buff skb = {
		.ifindex = d->ifindex,
		.ingress_ifindex = d->conf->egress ? 0 : d->ifindex,
	};

	if (d->conf->xdp) {
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	} else {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(d->lp.prog_fd, &opts))
		return -errno;
	*retval = opts.retval;
	*out_len = opts.data_size_out;
	return 0;
}

const char *dryrun_verdict_name(const struct dryrun_conf *c, uint32_t retval, char buf[16])
{
	static const char *const xdp[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					   "XDP_REDIRECT" };
	static const char *const tc[] = { "TC_ACT_OK",	   "TC_ACT_RECLASSIFY", "TC_ACT_SHOT",
					  "TC_ACT_PIPE",   "TC_ACT_STOLEN",	"TC_ACT_QUEUED",
					  "TC_ACT_REPEAT", "TC_ACT_REDIRECT",	"TC_ACT_TRAP" };
	int v = (int)retval;

	if (c->xdp && v >= 0 && v < (int)(sizeof(xdp) / sizeof(xdp[0])))
		return xdp[v];
	if (!c->xdp && v == TC_ACT_UNSPEC)
		return "TC_ACT_UNSPEC";
	if (!c->xdp && v >= 0 && v < (int)(sizeof(tc) / sizeof(tc[0])))
		return tc[v];
	snprintf(buf, 16, "%d", v);
	return buf;
}

bool dryrun_passes(const struct dryrun_conf *c, uint32_t retval)
{
	int v = (int)retval;

	if (c->xdp)
		return v == XDP_PASS;
	return v == TC_ACT_UNSPEC || v == TC_ACT_OK || v == TC_ACT_PIPE;
}
