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
#include "reconcile.h"
#include "snapshot.h"

static void usage(FILE *f)
{
	fputs("usage: clusnotify-pacemaker [options]\n"
	      "  follow the live CIB and post its changes (the daemon)\n"
	      "clusnotify-pacemaker [--dry-run] --cib-file FILE\n"
	      "  register and publish the object directory of one CIB\n"
	      "clusnotify-pacemaker [--dry-run] --diff OLD NEW...\n"
	      "  publish the first CIB, post the changes from each to the next\n"
	      "  (with --dry-run: print only the changes)\n"
	      "options:\n"
	      "  -n, --dry-run          print JSON lines instead of posting\n"
	      "  -c, --cluster-name N   register as N (default: the CIB's\n"
	      "                         cluster-name, else Corosync's)\n"
	      "  -f, --cib-file FILE    one snapshot from a file\n"
	      "  -d, --diff OLD NEW...  successive snapshots from files\n"
	      "      --coalesce-ms MS   wait for more changes (default 100)\n"
	      "      --retry-ms MS      reconnect interval (default 1000)\n"
	      "      --link-poll-ms MS  Corosync link states (default 2000,\n"
	      "                         0: never)\n"
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

/*
 * Where the changes of the file modes go: printed (--dry-run), or posted
 * to a cluster registered for the run. Posting ends with the producer
 * closed, so the cluster is left down with its directory, as after a
 * daemon's stop, and the next run brings it back up.
 */
struct sink {
	int dry_run;
	clusnotify_producer *p;
	uint32_t id;
};

static int sink_register(struct sink *k, const char *name)
{
	int ret;

	if (k->dry_run) {
		bm_print_register(stdout, name);
		return 0;
	}
	ret = bm_producer_open(&k->p);
	if (ret)
		return ret;
	ret = clusnotify_cluster_register(k->p, name, NULL, &k->id);
	if (ret)
		fprintf(stderr, "clusnotify-pacemaker: register '%s': %s (%s)\n",
			name, strerror(-ret), clusnotify_producer_error(k->p));
	return ret;
}

static int sink_changes(struct sink *k, GPtrArray *changes)
{
	const char *what = "";
	int ret;

	if (k->dry_run) {
		bm_print_changes(stdout, changes);
		return 0;
	}
	ret = bm_post_changes(k->p, k->id, changes, &what);
	if (ret)
		fprintf(stderr, "clusnotify-pacemaker: %s: %s (%s)\n", what,
			strerror(-ret), clusnotify_producer_error(k->p));
	return ret;
}

/*
 * A chain of snapshots from files. The first is registered and its
 * directory published (against what the kernel kept of the cluster, as
 * a daemon starting afresh does), except in a dry run of --diff, which
 * prints the changes only; then the changes from each to the next, step
 * by step: a group that is stopped keeps the owner it had earlier in the
 * chain, as in the daemon.
 */
static int run_files(const struct bm_options *o, char **paths, int n,
		     int directory)
{
	struct sink k = { .dry_run = o->dry_run };
	struct bm_model *a = load(paths[0]), *b;
	GPtrArray *d;
	int i, ret = 1;

	if (!a)
		return 1;
	if (directory) {
		char *name = bm_cluster_name(o, g_hash_table_lookup(a->props,
							"cluster-name"));

		g_free(a->name);
		a->name = g_strdup(name);
		ret = sink_register(&k, name);
		g_free(name);
		if (ret)
			goto out;
		if (k.dry_run) {
			d = bm_directory(a);
		} else {
			d = bm_fresh_start(k.p, k.id, a, &ret);
			if (!d) {
				fprintf(stderr, "clusnotify-pacemaker: listing the objects: %s\n",
					strerror(-ret));
				goto out;
			}
		}
		ret = sink_changes(&k, d);
		g_ptr_array_unref(d);
		if (ret)
			goto out;
	}
	for (i = 1; i < n; i++) {
		b = load(paths[i]);
		if (!b) {
			ret = 1;
			goto out;
		}
		if (directory) {
			g_free(b->name);
			b->name = g_strdup(a->name);
		}
		bm_model_carry(a, b);
		d = bm_diff(a, b);
		ret = sink_changes(&k, d);
		g_ptr_array_unref(d);
		bm_model_free(a);
		a = b;
		if (ret)
			goto out;
	}
	ret = 0;
out:
	clusnotify_producer_close(k.p);
	bm_model_free(a);
	return ret ? 1 : 0;
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
		{ "link-poll-ms", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bm_options o = {
		.coalesce_ms = 100, .retry_ms = 1000, .link_poll_ms = 2000,
	};
	char *file = NULL;
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
		case 'L':
			if (parse_ms(optarg, &o.link_poll_ms))
				return 2;
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
		return run_files(&o, argv + optind, argc - optind,
				 !o.dry_run);
	}
	if (optind != argc) {
		fprintf(stderr, "clusnotify-pacemaker: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (file)
		return run_files(&o, &file, 1, 1);
	return bm_live(&o);
}
