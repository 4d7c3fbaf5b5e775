// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench: run one benchmark (see bench/README.md).
 *
 *   cnbench BENCH [--tiny] [--reps N] [--batch B] [--ports F]
 *                 [--broker-cpu C] [--profile SERIES]
 *
 * BENCH is fanout, cost, nonmatch, latency, read or memory. Exit status 0 when
 * everything it delivered was right, 1 otherwise (with a "cnbench: FAIL:"
 * line saying why). Times never fail it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cnbench.h"

struct bench_opts opts = {
	.reps = 5,
	.batch = 1,
	.broker_cpu = -1,
};

static const struct {
	const char *name;
	int (*fn)(void);
} benches[] = {
	{ "fanout", bench_fanout },
	{ "nonmatch", bench_nonmatch },
	{ "latency", bench_latency },
	{ "read", bench_read },
	{ "memory", bench_memory },
	{ "cost", bench_cost },
};

static void usage(void)
{
	fprintf(stderr,
		"usage: cnbench fanout|cost|nonmatch|latency|read|memory [--tiny] [--reps N]\n"
		"               [--batch B] [--ports F] [--broker-cpu C] [--profile SERIES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "tiny", no_argument, NULL, 't' },
		{ "reps", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "profile", required_argument, NULL, 'p' },
		{ "ports", required_argument, NULL, 'P' },
		{ "broker-cpu", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct utsname u;
	size_t i;
	int c;

	if (argc < 2)
		usage();
	while ((c = getopt_long(argc - 1, argv + 1, "", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			opts.tiny = true;
			break;
		case 'r':
			opts.reps = atoi(optarg);
			break;
		case 'b':
			opts.batch = atoi(optarg);
			break;
		case 'p':
			opts.profile = optarg;
			break;
		case 'P':
			opts.ports = atol(optarg);
			break;
		case 'c':
			opts.broker_cpu = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (opts.tiny)
		opts.reps = 1;
	if (opts.reps < 1 || opts.reps > 64 || opts.batch < 1 ||
	    opts.batch > 1024 || opts.ports < 0)
		usage();
	/* Broken connections are errors to report, not signals to die of. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&u) == 0)
		emit_info("kernel", "%s %s", u.release, u.machine);
	emit_info("reps", "%d", opts.reps);
	for (i = 0; i < CN_ARRAY_SIZE(benches); i++)
		if (!strcmp(argv[1], benches[i].name))
			return benches[i].fn() ? 1 : 0;
	usage();
}
