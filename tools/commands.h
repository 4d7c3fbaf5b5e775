/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands of clusnotify(1). Each lives in its own file and is
 * called with argv[0] set to its name; it returns the process exit status
 * (see EXIT STATUS in man/clusnotify.1).
 */
#ifndef CLUSNOTIFY_TOOLS_COMMANDS_H
#define CLUSNOTIFY_TOOLS_COMMANDS_H

int cmd_watch(int argc, char **argv);
int cmd_post(int argc, char **argv);
int cmd_clusters(int argc, char **argv);
int cmd_objects(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_sim(int argc, char **argv);

#endif
