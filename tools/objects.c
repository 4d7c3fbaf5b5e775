// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify objects: the object directory of one cluster (the OBJECT_GET
 * dump), sorted by type and name, with each object's state by name.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi_linux.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "names.h"
#include "quote.h"

struct object_row {
	struct clusnotify_object_entry e;
	char *strs;	/* id, name, parent, type_name, each NUL-ended */
};

struct object_list {
	struct object_row *rows;
	size_t n, cap;
	uint32_t type;	/* 0: every type */
};

static int objects_collect(const struct clusnotify_object_entry *o, void *arg)
{
	struct object_list *l = arg;
	size_t li = strlen(o->id) + 1, ln = strlen(o->name) + 1;
	size_t lp = strlen(o->parent) + 1, lt = strlen(o->type_name) + 1;
	struct object_row *row;

	if (l->type && o->type != l->type)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct object_row *r = realloc(l->rows, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		l->rows = r;
		l->cap = cap;
	}
	row = &l->rows[l->n];
	row->e = *o;
	row->strs = malloc(li + ln + lp + lt);
	if (!row->strs)
		return -ENOMEM;
	row->e.id = memcpy(row->strs, o->id, li);
	row->e.name = memcpy(row->strs + li, o->name, ln);
	row->e.parent = memcpy(row->strs + li + ln, o->parent, lp);
	row->e.type_name = memcpy(row->strs + li + ln + lp, o->type_name, lt);
	l->n++;
	return 0;
}

static int objects_order(const void *a, const void *b)
{
	const struct clusnotify_object_entry *x = &((const struct object_row *)a)->e;
	const struct clusnotify_object_entry *y = &((const struct object_row *)b)->e;
	int d;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	d = strcmp(x->name, y->name);
	return d ? d : strcmp(x->id, y->id);
}

static void objects_usage(FILE *f)
{
	fputs("usage: clusnotify objects [-c CLUSTER] [-T TYPE] [-j]\n"
	      "\n"
	      "List a cluster's objects and their states.\n"
	      "\n"
	      "  -c, --cluster NAME   the cluster (default: the default cluster)\n"
	      "  -T, --type TYPE      only objects of that type (GROUP, NODE, ...)\n"
	      "  -j, --json           one JSON object per object\n", f);
}

static void objects_print(const struct clusnotify_object_entry *e, int json)
{
	const char *type = names_type(e->type);
	const char *st = names_state(e->type, e->state);
	char tbuf[16], sbuf[16];

	if (!type) {
		snprintf(tbuf, sizeof(tbuf), "%u", e->type);
		type = tbuf;
	}
	if (json) {
		putchar('{');
		json_kstr(stdout, 1, "type", type);
		json_kstr(stdout, 0, "id", e->id);
		json_kstr(stdout, 0, "name", e->name);
		json_kstate(stdout, st, e->state);
		json_knum(stdout, 0, "state_seq", e->state_seq);
		json_kstr(stdout, 0, "parent", e->parent);
		json_kstr(stdout, 0, "restype", e->type_name);
		fputs("}\n", stdout);
		return;
	}
	if (!st && e->state != CLUSNOTIFY_STATE_UNKNOWN) {
		snprintf(sbuf, sizeof(sbuf), "%u", e->state);
		st = sbuf;
	}
	printf("%-17s %-13s ", type, st ? st : "-");
	quote_word(stdout, e->name);
	putchar(' ');
	quote_word(stdout, e->id);
	putchar(' ');
	quote_word(stdout, *e->parent ? e->parent : "-");
	putchar(' ');
	quote_word(stdout, *e->type_name ? e->type_name : "-");
	putchar('\n');
}

int cmd_objects(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "type", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct object_list l = { NULL, 0, 0, 0 };
	const char *cluster = NULL;
	clusnotify_producer *p;
	int c, json = 0, ret;
	uint32_t id;
	size_t i;

	cli_cmd = "objects";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:T:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!*optarg)
				return cli_usage_err("a cluster name cannot be empty");
			cluster = optarg;
			break;
		case 'T':
			if (names_type_parse(optarg, &l.type))
				return cli_usage_err("unknown object type '%s'",
						     optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			objects_usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_getopt_err(c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_err("unexpected argument '%s'", argv[optind]);
	if (cli_module_check())
		return CLI_EXIT_ERROR;
	ret = cli_cluster_lookup(cluster, &id);
	if (ret) {
		cli_cluster_err("listing objects", cluster, ret);
		return CLI_EXIT_ERROR;
	}
	if (cli_producer_open(&p))
		return CLI_EXIT_ERROR;
	ret = clusnotify_objects_list(p, id, objects_collect, &l);
	clusnotify_producer_close(p);
	if (ret) {
		cli_cluster_err("listing objects", cluster, ret);
		ret = CLI_EXIT_ERROR;
		goto out;
	}
	qsort(l.rows, l.n, sizeof(*l.rows), objects_order);
	if (!json)
		printf("%-17s %-13s %s %s %s %s\n", "TYPE", "STATE", "NAME",
		       "ID", "PARENT", "RESTYPE");
	for (i = 0; i < l.n; i++)
		objects_print(&l.rows[i].e, json);
	ret = CLI_EXIT_OK;
out:
	for (i = 0; i < l.n; i++)
		free(l.rows[i].strs);
	free(l.rows);
	return ret;
}
