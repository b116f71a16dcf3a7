// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench's per-packet cost driver for programs that rewrite packets.
 *
 *   progrun ID FRAME RUNS [ingress]
 *	BPF_PROG_TEST_RUN of program ID on FRAME, RUNS times with repeat 1;
 *	"ingress" sets the skb's ingress_ifindex to its ifindex (lo's, 1), which
 *	is how the objects tell tc ingress from egress (objects/lib/ctx.h).
 *	Prints "median_ns N retval R rewritten W": the median of the kernel's
 *	durations, the last return code, and whether the frame came back
 *	changed (1) or as it went in (0).
 *
 * Why not bpftool prog run ... repeat N: the kernel runs the repeats on one
 * skb, so a program that rewrites a packet (lb's DNAT, redir's port change)
 * sees its own output from the second repeat on, and that packet no longer
 * matches: the figure would be the cost of an unrelated packet. Here every
 * run starts from FRAME. A repeat-1 duration includes one ktime_get_ns()
 * read, which a program that only returns, measured the same way, cancels.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FRAME 2048

static void die(const char *what, int err)
{
	fprintf(stderr, "progrun: %s: %s\n", what, strerror(err));
	exit(1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned char in[MAX_FRAME], out[MAX_FRAME];
	int fd, runs, rewritten = 0;
	uint32_t *durs, retval = 0;
	size_t len;
	FILE *f;

	struct __sk_buff skb = { .ingress_ifindex = 1 };
	int ingress = argc == 5 && !strcmp(argv[4], "ingress");

	if ((argc != 4 && !ingress) || (runs = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: progrun ID FRAME RUNS [ingress]\n");
		return 2;
	}
	fd = bpf_prog_get_fd_by_id(atoi(argv[1]));
	if (fd < 0)
		die("bpf_prog_get_fd_by_id", errno);
	f = fopen(argv[2], "r");
	if (!f)
		die(argv[2], errno);
	len = fread(in, 1, sizeof(in), f);
	fclose(f);
	durs = calloc(runs, sizeof(*durs));
	if (!durs)
		die("calloc", errno);

	for (int i = 0; i < runs; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

		if (ingress) {
			opts.ctx_in = &skb;
			opts.ctx_size_in = sizeof(skb);
		}

		if (bpf_prog_test_run_opts(fd, &opts))
			die("BPF_PROG_TEST_RUN", errno);
		durs[i] = opts.duration;
		retval = opts.retval;
		rewritten = opts.data_size_out != len || memcmp(in, out, len);
	}
	qsort(durs, runs, sizeof(*durs), cmp_u32);
	printf("median_ns %u retval %d rewritten %d\n", durs[runs / 2], (int)retval, rewritten);
	return 0;
}
