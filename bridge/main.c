// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify-pacemaker: Pacemaker's cluster as Windows cluster objects
 * and notifications. See man/clusnotify-pacemaker.8.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "output.h"
#include "snapshot.h"

static void usage(FILE *f)
{
	fputs("usage: clusnotify-pacemaker [options]\n"
	      "  follow the live CIB and post its changes (the daemon)\n"
	      "clusnotify-pacemaker --dry-run --cib-file FILE\n"
	      "  print the object directory of one CIB as JSON lines\n"
	      "clusnotify-pacemaker --dry-run --diff OLD NEW...\n"
	      "  print the changes from each CIB to the next as JSON lines\n"
	      "options:\n"
	      "  -n, --dry-run          print JSON lines instead of posting\n"
	      "  -c, --cluster-name N   register as N (default: the CIB's\n"
	      "                         cluster-name, else Corosync's)\n"
	      "  -f, --cib-file FILE    one snapshot from a file\n"
	      "  -d, --diff OLD NEW...  successive snapshots from files\n"
	      "      --coalesce-ms MS   wait for more changes (default 100)\n"
	      "      --retry-ms MS      reconnect interval (default 1000)\n"
	      "  -v, --verbose          log what is done to stderr\n"
	      "  -h, --help\n", f);
}

static int parse_ms(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 3600000) {
		fprintf(stderr,
			"clusnotify-pacemaker: '%s' is not a time in ms (0..3600000)\n",
			s);
		return -1;
	}
	*out = v;
	return 0;
}

static struct bm_model *load(const char *path)
{
	char *err = NULL;
	struct bm_model *m = bm_snapshot_file(path, &err);

	if (!m) {
		fprintf(stderr, "clusnotify-pacemaker: %s\n", err);
		g_free(err);
	}
	return m;
}

static int one_file(const struct bm_options *o, const char *path)
{
	struct bm_model *m = load(path);
	GPtrArray *dir;
	char *name;

	if (!m)
		return 1;
	name = bm_cluster_name(o, g_hash_table_lookup(m->props,
						      "cluster-name"));
	bm_print_register(stdout, name);
	dir = bm_directory(m);
	bm_print_changes(stdout, dir);
	g_ptr_array_unref(dir);
	g_free(name);
	bm_model_free(m);
	return 0;
}

/*
 * The changes along a chain of snapshots, step by step: a group that is
 * stopped keeps the owner it had earlier in the chain, as in the daemon.
 */
static int chain(char **paths, int n)
{
	struct bm_model *a = load(paths[0]), *b;
	GPtrArray *d;
	int i;

	if (!a)
		return 1;
	for (i = 1; i < n; i++) {
		b = load(paths[i]);
		if (!b) {
			bm_model_free(a);
			return 1;
		}
		bm_model_carry(a, b);
		d = bm_diff(a, b);
		bm_print_changes(stdout, d);
		g_ptr_array_unref(d);
		bm_model_free(a);
		a = b;
	}
	bm_model_free(a);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "cluster-name", required_argument, NULL, 'c' },
		{ "cib-file", required_argument, NULL, 'f' },
		{ "diff", no_argument, NULL, 'd' },
		{ "coalesce-ms", required_argument, NULL, 'C' },
		{ "retry-ms", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bm_options o = { .coalesce_ms = 100, .retry_ms = 1000 };
	const char *file = NULL;
	int diff = 0, c;

	while ((c = getopt_long(argc, argv, "nc:f:dvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.dry_run = 1;
			break;
		case 'c':
			if (!*optarg) {
				fputs("clusnotify-pacemaker: empty cluster name\n",
				      stderr);
				return 2;
			}
			o.cluster_name = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'd':
			diff = 1;
			break;
		case 'C':
			if (parse_ms(optarg, &o.coalesce_ms))
				return 2;
			break;
		case 'R':
			if (parse_ms(optarg, &o.retry_ms) || !o.retry_ms) {
				if (!o.retry_ms)
					fputs("clusnotify-pacemaker: --retry-ms must not be 0\n",
					      stderr);
				return 2;
			}
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (diff) {
		if (file || argc - optind < 2) {
			fputs("clusnotify-pacemaker: --diff takes two or more CIB files and no --cib-file\n",
			      stderr);
			return 2;
		}
		if (!o.dry_run) {
			fputs("clusnotify-pacemaker: --diff needs --dry-run\n",
			      stderr);
			return 2;
		}
		return chain(argv + optind, argc - optind);
	}
	if (optind != argc) {
		fprintf(stderr, "clusnotify-pacemaker: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (file) {
		if (!o.dry_run) {
			fputs("clusnotify-pacemaker: --cib-file needs --dry-run\n",
			      stderr);
			return 2;
		}
		return one_file(&o, file);
	}
	return bm_live(&o);
}
