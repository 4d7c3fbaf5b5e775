// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify stat: every open notification port (the PORT_GET dump) with
 * its queue depth, delivered and lost counts, and the totals per user.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi_linux.h>

#include "cli.h"
#include "commands.h"
#include "json.h"

struct port_list {
	struct clusnotify_port_entry *ports;
	size_t n, cap;
	int by_user;
	uint32_t uid;
};

struct user_total {
	uint32_t uid;
	uint64_t ports, queued, delivered, lost, filters;
};

static int stat_collect(const struct clusnotify_port_entry *pt, void *arg)
{
	struct port_list *l = arg;

	if (l->by_user && pt->uid != l->uid)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct clusnotify_port_entry *r;

		r = realloc(l->ports, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		l->ports = r;
		l->cap = cap;
	}
	l->ports[l->n++] = *pt;
	return 0;
}

static int stat_by_port(const void *a, const void *b)
{
	const struct clusnotify_port_entry *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const char *stat_user(uint32_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		return pw->pw_name;
	snprintf(buf, len, "%u", uid);
	return buf;
}

static void stat_usage(FILE *f)
{
	fputs("usage: clusnotify stat [-u USER] [-j]\n"
	      "\n"
	      "Show every notification port: its owner, queue depth, delivered and\n"
	      "lost records, filters; then the totals per user.\n"
	      "\n"
	      "  -u, --user USER   only the ports of USER (a name or a uid)\n"
	      "  -j, --json        one JSON object per port, then per user\n", f);
}

static int stat_parse_user(const char *s, uint32_t *uid)
{
	struct passwd *pw;

	if (!cli_parse_u32(s, uid))
		return 0;
	pw = getpwnam(s);
	if (!pw)
		return cli_usage_err("unknown user '%s'", s);
	*uid = pw->pw_uid;
	return 0;
}

int cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct port_list l = { NULL, 0, 0, 0, 0 };
	struct user_total *tot = NULL;
	size_t i, ntot = 0;
	clusnotify_producer *p;
	int c, json = 0, ret;
	char ubuf[16];

	cli_cmd = "stat";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			ret = stat_parse_user(optarg, &l.uid);
			if (ret)
				return ret;
			l.by_user = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			stat_usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_getopt_err(c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_err("unexpected argument '%s'", argv[optind]);
	if (cli_producer_open(&p))
		return CLI_EXIT_ERROR;
	ret = clusnotify_ports_list(p, stat_collect, &l);
	clusnotify_producer_close(p);
	if (ret) {
		cli_err("listing the ports: %s", strerror(-ret));
		free(l.ports);
		return CLI_EXIT_ERROR;
	}
	qsort(l.ports, l.n, sizeof(*l.ports), stat_by_port);
	/* Sorted by uid: each user's ports are consecutive. */
	tot = calloc(l.n ? l.n : 1, sizeof(*tot));
	if (!tot) {
		cli_err("out of memory");
		free(l.ports);
		return CLI_EXIT_ERROR;
	}
	for (i = 0; i < l.n; i++) {
		const struct clusnotify_port_entry *pt = &l.ports[i];
		struct user_total *t;

		if (!ntot || tot[ntot - 1].uid != pt->uid)
			tot[ntot++].uid = pt->uid;
		t = &tot[ntot - 1];
		t->ports++;
		t->queued += pt->queued;
		t->delivered += pt->delivered;
		t->lost += pt->lost;
		t->filters += pt->filters;
	}
	if (json) {
		for (i = 0; i < l.n; i++) {
			const struct clusnotify_port_entry *pt = &l.ports[i];

			putchar('{');
			json_kstr(stdout, 1, "kind", "port");
			json_knum(stdout, 0, "port", pt->id);
			json_knum(stdout, 0, "uid", pt->uid);
			json_kstr(stdout, 0, "user",
				  stat_user(pt->uid, ubuf, sizeof(ubuf)));
			json_knum(stdout, 0, "pid", pt->pid);
			json_knum(stdout, 0, "queued", pt->queued);
			json_knum(stdout, 0, "delivered", pt->delivered);
			json_knum(stdout, 0, "lost", pt->lost);
			json_knum(stdout, 0, "next_seq", pt->next_seq);
			json_knum(stdout, 0, "filters", pt->filters);
			fputs("}\n", stdout);
		}
		for (i = 0; i < ntot; i++) {
			putchar('{');
			json_kstr(stdout, 1, "kind", "user");
			json_knum(stdout, 0, "uid", tot[i].uid);
			json_kstr(stdout, 0, "user",
				  stat_user(tot[i].uid, ubuf, sizeof(ubuf)));
			json_knum(stdout, 0, "ports", tot[i].ports);
			json_knum(stdout, 0, "queued", tot[i].queued);
			json_knum(stdout, 0, "delivered", tot[i].delivered);
			json_knum(stdout, 0, "lost", tot[i].lost);
			json_knum(stdout, 0, "filters", tot[i].filters);
			fputs("}\n", stdout);
		}
	} else {
		printf("%-6s %-8s %6s %7s %9s %8s %9s %7s\n", "PORT", "USER",
		       "PID", "QUEUED", "DELIVERED", "LOST", "NEXT_SEQ",
		       "FILTERS");
		for (i = 0; i < l.n; i++) {
			const struct clusnotify_port_entry *pt = &l.ports[i];

			printf("%-6" PRIu64 " %-8s %6u %7" PRIu64 " %9" PRIu64
			       " %8" PRIu64 " %9" PRIu64 " %7u\n", pt->id,
			       stat_user(pt->uid, ubuf, sizeof(ubuf)), pt->pid,
			       pt->queued, pt->delivered, pt->lost,
			       pt->next_seq, pt->filters);
		}
		printf("\n%-8s %5s %7s %9s %8s %7s\n", "USER", "PORTS",
		       "QUEUED", "DELIVERED", "LOST", "FILTERS");
		for (i = 0; i < ntot; i++)
			printf("%-8s %5" PRIu64 " %7" PRIu64 " %9" PRIu64
			       " %8" PRIu64 " %7" PRIu64 "\n",
			       stat_user(tot[i].uid, ubuf, sizeof(ubuf)),
			       tot[i].ports, tot[i].queued, tot[i].delivered,
			       tot[i].lost, tot[i].filters);
	}
	free(tot);
	free(l.ports);
	return CLI_EXIT_OK;
}
