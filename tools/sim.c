// SPDX-License-Identifier: GPL-2.0
/* SCAFFOLD: replaced by the real subcommand before landing. */
#include <stdio.h>

#include "commands.h"

int cmd_sim(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "clusnotify: %s: not built yet\n", argv[0]);
	return 1;
}
