// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify clusters: every registered cluster, up or down, with its
 * owner, mode, object and filter counts (the CLUSTER_GET dump).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi_linux.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "quote.h"

struct cluster_row {
	struct clusnotify_cluster_entry e;
	char *name;
};

struct cluster_list {
	struct cluster_row *rows;
	size_t n, cap;
};

static int clusters_collect(const struct clusnotify_cluster_entry *c,
			    void *arg)
{
	struct cluster_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct cluster_row *r = realloc(l->rows, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		l->rows = r;
		l->cap = cap;
	}
	l->rows[l->n].e = *c;
	l->rows[l->n].name = strdup(c->name);
	if (!l->rows[l->n].name)
		return -ENOMEM;
	l->rows[l->n].e.name = l->rows[l->n].name;
	l->n++;
	return 0;
}

static int clusters_by_id(const void *a, const void *b)
{
	const struct cluster_row *x = a, *y = b;

	return x->e.id < y->e.id ? -1 : x->e.id > y->e.id;
}

static void clusters_usage(FILE *f)
{
	fputs("usage: clusnotify clusters [-j]\n"
	      "\n"
	      "List the registered clusters, up or down.\n"
	      "\n"
	      "  -j, --json   one JSON object per cluster\n", f);
}

int cmd_clusters(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cluster_list l = { NULL, 0, 0 };
	clusnotify_producer *p;
	int c, json = 0, ret;
	size_t i;

	cli_cmd = "clusters";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			clusters_usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_getopt_err(c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_err("unexpected argument '%s'", argv[optind]);
	if (cli_producer_open(&p))
		return CLI_EXIT_ERROR;
	ret = clusnotify_clusters_list(p, clusters_collect, &l);
	clusnotify_producer_close(p);
	if (ret) {
		cli_err("listing the clusters: %s", strerror(-ret));
		ret = CLI_EXIT_ERROR;
		goto out;
	}
	qsort(l.rows, l.n, sizeof(*l.rows), clusters_by_id);
	if (!json)
		printf("%-4s %-5s %-4s %5s %5s %7s %7s %-7s %s\n", "ID",
		       "STATE", "MODE", "UID", "GID", "OBJECTS", "FILTERS",
		       "DEFAULT", "NAME");
	for (i = 0; i < l.n; i++) {
		const struct clusnotify_cluster_entry *e = &l.rows[i].e;
		int def = !!(e->flags & CLUSNOTIFY_CLUSTER_F_DEFAULT);
		char mode[8];

		snprintf(mode, sizeof(mode), "%04o", e->mode);
		if (json) {
			putchar('{');
			json_knum(stdout, 1, "id", e->id);
			json_kstr(stdout, 0, "name", e->name);
			json_kbool(stdout, 0, "up", e->up);
			json_knum(stdout, 0, "uid", e->uid);
			json_knum(stdout, 0, "gid", e->gid);
			json_kstr(stdout, 0, "mode", mode);
			json_knum(stdout, 0, "objects", e->objects);
			json_knum(stdout, 0, "filters", e->filters);
			json_kbool(stdout, 0, "default", def);
			fputs("}\n", stdout);
			continue;
		}
		printf("%-4u %-5s %-4s %5u %5u %7u %7u %-7s ", e->id,
		       e->up ? "up" : "down", mode, e->uid, e->gid, e->objects,
		       e->filters, def ? "yes" : "no");
		quote_word(stdout, e->name);
		putchar('\n');
	}
	ret = CLI_EXIT_OK;
out:
	for (i = 0; i < l.n; i++)
		free(l.rows[i].name);
	free(l.rows);
	return ret;
}
