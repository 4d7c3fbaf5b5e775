/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plumbing shared by the subcommands: exit statuses, messages, number
 * parsing, the module check, opening a producer, finding a cluster.
 */
#ifndef CLUSNOTIFY_TOOLS_CLI_H
#define CLUSNOTIFY_TOOLS_CLI_H

#include <stdint.h>

#include <clusapi_linux.h>

/* Exit statuses (EXIT STATUS in man/clusnotify.1). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1	/* runtime failure: module, permission, ... */
#define CLI_EXIT_TIMEOUT 2	/* watch: the timeout expired first */
#define CLI_EXIT_USAGE 64	/* EX_USAGE: bad option, argument or name */
#define CLI_EXIT_DATAERR 65	/* EX_DATAERR: a batch file does not parse */

/* The running subcommand's name, for messages ("watch"). */
extern const char *cli_cmd;

/* "clusnotify CMD: <message>\n" on stderr. */
__attribute__((format(printf, 1, 2)))
void cli_err(const char *fmt, ...);

/*
 * A usage error: the message, then a pointer to --help, on stderr.
 * Returns CLI_EXIT_USAGE.
 */
__attribute__((format(printf, 1, 2)))
int cli_usage_err(const char *fmt, ...);

/*
 * The unknown-option or missing-argument message for getopt_long's '?' or
 * ':' return (opterr must be 0 and optstring start with ':' or '+:').
 * Returns CLI_EXIT_USAGE.
 */
int cli_getopt_err(int c, char **argv);

/* Decimal (or 0x hex) unsigned numbers: 0 or -EINVAL / -ERANGE. */
int cli_parse_u32(const char *s, uint32_t *v);
int cli_parse_u64(const char *s, uint64_t *v);

/*
 * Whether the module is there: 0, or a message ("module not loaded: run
 * modprobe clusnotify" when /dev/clusnotify is missing) and -1.
 */
int cli_module_check(void);

/*
 * A producer (netlink session), with the message on failure: 0 or
 * CLI_EXIT_ERROR.
 */
int cli_producer_open(clusnotify_producer **p);

/*
 * What an errno means for a cluster, as one message: "no cluster named
 * 'x'", "permission denied: ...". what names the operation ("listing
 * objects"); name is the cluster's (NULL: the default cluster).
 */
void cli_cluster_err(const char *what, const char *name, int err);

/*
 * Find a cluster as consumers do (CLUSNOTIFY_IOC_CLUSTER_LOOKUP): by name,
 * by one of its nodes' names, or the default cluster when name is NULL.
 * *id gets its id. Returns 0 or -errno, with nothing printed.
 */
int cli_cluster_lookup(const char *name, uint32_t *id);

#endif
