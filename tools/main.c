// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify(1): one binary, one subcommand per file (commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "watch", cmd_watch, "wait for cluster events on a notification port" },
	{ "post", cmd_post, "post one event, or a batch from a file" },
	{ "clusters", cmd_clusters, "list registered clusters" },
	{ "objects", cmd_objects, "list a cluster's objects and their states" },
	{ "stat", cmd_stat, "show notification ports, queue depths, lost counts" },
	{ "sim", cmd_sim, "run a simulated cluster (scripted day or random)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: clusnotify COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'clusnotify COMMAND --help' describes each one.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("clusnotify %s\n", CLUSNOTIFY_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "clusnotify: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
