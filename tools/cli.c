// SPDX-License-Identifier: GPL-2.0
/* Plumbing shared by the subcommands (cli.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

#define CLI_DEVICE "/dev/" CLUSNOTIFY_DEVICE_NAME

const char *cli_cmd = "";

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "clusnotify %s: ", cli_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	putc('\n', stderr);
}

int cli_usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "clusnotify %s: ", cli_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'clusnotify %s --help'.\n", cli_cmd);
	return CLI_EXIT_USAGE;
}

int cli_getopt_err(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return cli_usage_err("option '%s' needs an argument", arg);
	if (optopt && strncmp(arg, "--", 2))
		return cli_usage_err("unknown option '-%c'", optopt);
	return cli_usage_err("unknown option '%s'", arg);
}

int cli_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno)
		return -ERANGE;
	*v = n;
	return 0;
}

int cli_parse_u32(const char *s, uint32_t *v)
{
	uint64_t n;
	int ret = cli_parse_u64(s, &n);

	if (ret)
		return ret;
	if (n > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)n;
	return 0;
}

static void cli_no_module(void)
{
	cli_err("module not loaded: run modprobe clusnotify (no %s)",
		CLI_DEVICE);
}

int cli_module_check(void)
{
	if (access(CLI_DEVICE, F_OK) == 0)
		return 0;
	if (errno == ENOENT)
		cli_no_module();
	else
		cli_err("%s: %s", CLI_DEVICE, strerror(errno));
	return -1;
}

int cli_producer_open(clusnotify_producer **p)
{
	int ret = clusnotify_producer_open(p);

	if (!ret)
		return 0;
	/* The generic netlink controller knows no such family. */
	if (ret == -ENOENT)
		cli_err("module not loaded: run modprobe clusnotify (no generic netlink family '%s')",
			CLUSNOTIFY_GENL_NAME);
	else
		cli_err("cannot open a netlink socket: %s", strerror(-ret));
	return CLI_EXIT_ERROR;
}

void cli_cluster_err(const char *what, const char *name, int err)
{
	switch (err) {
	case -ENOENT:
		if (name)
			cli_err("%s: no cluster named '%s'", what, name);
		else
			cli_err("%s: no cluster is registered", what);
		break;
	case -EACCES:
		cli_err("%s: permission denied: cluster '%s' grants you no read access",
			what, name ? name : "(default)");
		break;
	case -EILSEQ:
		cli_err("%s: cluster name '%s' is not valid UTF-8", what,
			name);
		break;
	case -ENAMETOOLONG:
		cli_err("%s: cluster name longer than %u bytes", what,
			CLUSNOTIFY_NAME_MAX);
		break;
	default:
		cli_err("%s: %s", what, strerror(-err));
	}
}

int cli_cluster_lookup(const char *name, uint32_t *id)
{
	struct clusnotify_cluster_query q;
	int fd, ret;

	fd = open(CLI_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&q, 0, sizeof(q));
	q.name = (uintptr_t)name;
	q.name_len = name ? strlen(name) : 0;
	ret = ioctl(fd, CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q) ? -errno : 0;
	if (ret == -ENOENT && name && *name) {
		q.flags = CLUSNOTIFY_LOOKUP_BY_NODE;
		ret = ioctl(fd, CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q) ? -errno : 0;
	}
	close(fd);
	if (!ret)
		*id = q.cluster_id;
	return ret;
}
