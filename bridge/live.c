// SPDX-License-Identifier: GPL-2.0
/*
 * live.c: the daemon. It follows the CIB the way crm_mon does (libcib
 * diff notifications on the GLib main loop), coalesces a burst of
 * notifications into one snapshot, and reports what changed since the
 * previous snapshot, through the producer API or as JSON lines.
 *
 * Losing the CIB connection (Pacemaker stopping) ends the producer
 * session, so the cluster goes down at every port (CLUSTER_STATE); once
 * the CIB answers again the bridge registers anew (CLUSTER_RECONNECT) and
 * posts what changed meanwhile, from the snapshot it had before.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <crm/crm.h>
#include <crm/cib.h>
#include <crm/common/xml.h>
#include <corosync/cmap.h>

#include "bridge.h"
#include "corosync.h"
#include "output.h"
#include "reconcile.h"
#include "snapshot.h"

struct live {
	const struct bm_options *o;
	GMainLoop *loop;
	cib_t *cib;
	int connected;
	guint coalesce_id, retry_id, link_id;
	struct bm_model *prev;	/* what was last reported */
	int registered;		/* the session is open (or printed so) */
	clusnotify_producer *prod;
	uint32_t cluster_id;
	char *name;
	int status;		/* exit status */
	int said_no_corosync;
};

/* libcib's callbacks carry no user data. */
static struct live *the_live;

#define LOG(l, ...) do { if ((l)->o->verbose) g_printerr(__VA_ARGS__); } while (0)

char *bm_cluster_name(const struct bm_options *o, const char *from_cib)
{
	cmap_handle_t h;
	char *s = NULL, *name;

	if (o->cluster_name)
		return g_strdup(o->cluster_name);
	if (from_cib && *from_cib)
		return g_strdup(from_cib);
	if (cmap_initialize(&h) == CS_OK) {
		if (cmap_get_string(h, "totem.cluster_name", &s) != CS_OK)
			s = NULL;
		cmap_finalize(h);
	}
	name = g_strdup(s && *s ? s : "pacemaker");
	free(s);
	return name;
}

static void schedule_retry(struct live *l);

/* ---- reporting ---- */

static void session_down(struct live *l)
{
	if (!l->registered)
		return;
	l->registered = 0;
	if (l->o->dry_run) {
		bm_print_down(stdout, l->name);
		return;
	}
	/* The session ends: the kernel sends CLUSTER_STATE to every port. */
	clusnotify_producer_close(l->prod);
	l->prod = NULL;
}

static int session_up(struct live *l, const struct bm_model *m)
{
	struct clusnotify_cluster_opts opts = { .mode = 0644 };
	int ret;

	g_free(l->name);
	l->name = bm_cluster_name(l->o, g_hash_table_lookup(m->props,
							    "cluster-name"));
	if (l->o->dry_run) {
		bm_print_register(stdout, l->name);
		l->registered = 1;
		return 0;
	}
	ret = bm_producer_open(&l->prod);
	if (ret)
		return ret;
	ret = clusnotify_cluster_register(l->prod, l->name, &opts,
					  &l->cluster_id);
	if (ret) {
		g_printerr("clusnotify-pacemaker: register '%s': %s (%s)\n",
			   l->name, strerror(-ret),
			   clusnotify_producer_error(l->prod));
		clusnotify_producer_close(l->prod);
		l->prod = NULL;
		return ret;
	}
	l->registered = 1;
	LOG(l, "clusnotify-pacemaker: registered '%s' as %u\n", l->name,
	    l->cluster_id);
	return 0;
}

static int report(struct live *l, GPtrArray *changes)
{
	const char *what = "";
	int ret;

	if (l->o->dry_run) {
		bm_print_changes(stdout, changes);
		return 0;
	}
	ret = bm_post_changes(l->prod, l->cluster_id, changes, &what);
	if (ret)
		g_printerr("clusnotify-pacemaker: %s: %s (%s)\n", what,
			   strerror(-ret), clusnotify_producer_error(l->prod));
	return ret;
}

/*
 * Take a snapshot and report it: the whole directory the first time,
 * the differences from the last one otherwise (also after a reconnect:
 * the kernel kept the directory while the cluster was down).
 */
static void refresh(struct live *l)
{
	xmlNode *out = NULL;
	struct bm_model *m;
	GPtrArray *changes;
	char *xml, *err = NULL;
	int rc;

	rc = l->cib->cmds->query(l->cib, NULL, &out,
				 cib_scope_local | cib_sync_call);
	if (rc != pcmk_ok || !out) {
		g_printerr("clusnotify-pacemaker: CIB query: %s\n",
			   pcmk_strerror(rc));
		return;
	}
	xml = dump_xml_unformatted(out);
	free_xml(out);
	m = bm_snapshot_xml(xml, &err);
	free(xml);
	if (!m) {
		g_printerr("clusnotify-pacemaker: %s\n", err);
		g_free(err);
		return;
	}
	/* Networks from Corosync; without it, none (said once). */
	if (bm_corosync_read(m, &err)) {
		if (!l->said_no_corosync)
			g_printerr("clusnotify-pacemaker: no networks: %s\n",
				   err);
		l->said_no_corosync = 1;
		g_free(err);
	}
	if (!l->registered) {
		if (session_up(l, m)) {
			/* Module not loaded yet, say: try again later. */
			schedule_retry(l);
			goto keep_old;
		}
		/*
		 * A cluster the kernel forgot while Pacemaker was away (the
		 * module reloaded): the last snapshot means nothing to it.
		 */
		if (l->prev && !l->o->dry_run &&
		    bm_kernel_objects(l->prod, l->cluster_id) == 0) {
			bm_model_free(l->prev);
			l->prev = NULL;
		}
	}
	/* Cluster events carry the name it is registered under. */
	g_free(m->name);
	m->name = g_strdup(l->name);
	if (l->prev) {
		bm_model_carry(l->prev, m);
		changes = bm_diff(l->prev, m);
	} else if (l->o->dry_run) {
		changes = bm_directory(m);
	} else {
		int err;

		/* A fresh start: against what the kernel kept, if anything. */
		changes = bm_fresh_start(l->prod, l->cluster_id, m, &err);
		if (!changes) {
			g_printerr("clusnotify-pacemaker: listing the objects of '%s': %s\n",
				   l->name, strerror(-err));
			session_down(l);
			schedule_retry(l);
			goto keep_old;
		}
	}
	if (report(l, changes)) {
		/*
		 * The kernel refused: start over from a fresh session and the
		 * last snapshot it accepted, so nothing is lost or repeated.
		 */
		g_ptr_array_unref(changes);
		session_down(l);
		schedule_retry(l);
		goto keep_old;
	}
	g_ptr_array_unref(changes);
	bm_model_free(l->prev);
	l->prev = m;
	return;
keep_old:
	bm_model_free(m);
}

/* ---- the CIB connection ---- */

static gboolean on_coalesced(gpointer data)
{
	struct live *l = data;

	l->coalesce_id = 0;
	if (l->connected)
		refresh(l);
	return G_SOURCE_REMOVE;
}

static void on_diff(const char *event, xmlNode *msg)
{
	struct live *l = the_live;

	(void)event;
	(void)msg;
	/*
	 * One snapshot for a burst: the first change arms the timer and
	 * the rest ride along, so a change waits coalesce_ms at most.
	 */
	if (!l->coalesce_id)
		l->coalesce_id = g_timeout_add(l->o->coalesce_ms,
					       on_coalesced, l);
}

static void on_cib_lost(gpointer data)
{
	struct live *l = the_live;

	(void)data;
	LOG(l, "clusnotify-pacemaker: CIB connection lost\n");
	l->connected = 0;
	session_down(l);
	schedule_retry(l);
}

static int cib_connect(struct live *l)
{
	int rc;

	if (l->cib) {
		l->cib->cmds->signoff(l->cib);
		cib_delete(l->cib);
	}
	l->cib = cib_new();
	if (!l->cib)
		return -ENOMEM;
	rc = l->cib->cmds->signon(l->cib, "clusnotify-pacemaker", cib_query);
	if (rc != pcmk_ok)
		return rc;
	rc = l->cib->cmds->add_notify_callback(l->cib, T_CIB_DIFF_NOTIFY,
					       on_diff);
	if (rc == pcmk_ok)
		rc = l->cib->cmds->set_connection_dnotify(l->cib, on_cib_lost);
	if (rc != pcmk_ok) {
		l->cib->cmds->signoff(l->cib);
		return rc;
	}
	l->connected = 1;
	LOG(l, "clusnotify-pacemaker: connected to the CIB\n");
	refresh(l);
	return pcmk_ok;
}

static gboolean on_retry(gpointer data)
{
	struct live *l = data;

	l->retry_id = 0;
	if (!l->connected) {
		int rc = cib_connect(l);

		if (rc != pcmk_ok) {
			LOG(l, "clusnotify-pacemaker: CIB: %s\n",
			    pcmk_strerror(rc));
			schedule_retry(l);
		}
	} else if (!l->registered) {
		refresh(l);
	}
	return G_SOURCE_REMOVE;
}

static void schedule_retry(struct live *l)
{
	if (!l->retry_id)
		l->retry_id = g_timeout_add(l->o->retry_ms, on_retry, l);
}

/* Whether two models' networks and interfaces differ in set or state. */
static int networks_differ(const struct bm_model *a, const struct bm_model *b)
{
	GHashTableIter it;
	gpointer k, v;

	if (g_hash_table_size(a->networks) != g_hash_table_size(b->networks) ||
	    g_hash_table_size(a->netifs) != g_hash_table_size(b->netifs))
		return 1;
	g_hash_table_iter_init(&it, a->networks);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_network *o = g_hash_table_lookup(b->networks, k);

		if (!o || o->state != ((struct bm_network *)v)->state)
			return 1;
	}
	g_hash_table_iter_init(&it, a->netifs);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_netif *o = g_hash_table_lookup(b->netifs, k);

		if (!o || o->state != ((struct bm_netif *)v)->state)
			return 1;
	}
	return 0;
}

/*
 * Link states change without a CIB change: Corosync is asked every
 * link_poll_ms, and a difference makes a snapshot of everything.
 */
static gboolean on_link_poll(gpointer data)
{
	struct live *l = data;
	struct bm_model *now;
	char *err = NULL;

	if (!l->connected || !l->registered || !l->prev || l->coalesce_id)
		return G_SOURCE_CONTINUE;
	now = bm_model_new();
	if (bm_corosync_read(now, &err))
		g_free(err);
	if (networks_differ(l->prev, now))
		refresh(l);
	bm_model_free(now);
	return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer data)
{
	struct live *l = data;

	g_main_loop_quit(l->loop);
	return G_SOURCE_CONTINUE;
}

int bm_live(const struct bm_options *o)
{
	struct live l = { .o = o };

	the_live = &l;
	/* libcib's signon fails with a schema error without this. */
	crm_log_cli_init("clusnotify-pacemaker");
	l.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGINT, on_signal, &l);
	g_unix_signal_add(SIGTERM, on_signal, &l);
	if (cib_connect(&l) != pcmk_ok) {
		g_printerr("clusnotify-pacemaker: the CIB does not answer yet, retrying every %u ms\n",
			   o->retry_ms);
		schedule_retry(&l);
	}
	if (o->link_poll_ms)
		l.link_id = g_timeout_add(o->link_poll_ms, on_link_poll, &l);
	g_main_loop_run(l.loop);

	/* Stopping the bridge ends its session: the cluster goes down. */
	session_down(&l);
	if (l.cib) {
		l.cib->cmds->signoff(l.cib);
		cib_delete(l.cib);
	}
	bm_model_free(l.prev);
	g_free(l.name);
	g_main_loop_unref(l.loop);
	return l.status;
}
