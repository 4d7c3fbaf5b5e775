// SPDX-License-Identifier: GPL-2.0
/*
 * live.c: the daemon. It follows the CIB the way crm_mon does (libcib
 * diff notifications on the GLib main loop), coalesces a burst of
 * notifications into one snapshot, and reports what changed since the
 * previous snapshot, through the producer API or as JSON lines.
 *
 * The bridge keeps its own copy of the CIB, as crm_mon does: the whole
 * CIB is queried once per connection, and every diff notification is
 * applied to the copy as it arrives. A snapshot is then taken from the
 * copy, not from a query made when the coalescing timer fires: the
 * changes Pacemaker notifies while it shuts down (resources stopping,
 * the node leaving) are then reported even when the CIB manager has gone
 * by the time the timer fires. A diff that does not apply (one was
 * missed: its version does not follow the copy's) makes the bridge query
 * the whole CIB again at once. The snapshot (crm_mon on the copy) runs as
 * a child process while the loop goes on reading notifications (snapshot.c
 * says why), one at a time: what is notified meanwhile makes the next.
 *
 * Losing the CIB connection (Pacemaker stopping) first reports what the
 * copy holds that was not reported yet, then ends the producer session,
 * so the cluster goes down at every port (CLUSTER_STATE); once the CIB
 * answers again the bridge registers anew (CLUSTER_RECONNECT) and posts
 * what changed meanwhile, from the snapshot it had before.
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
	xmlNode *cib_xml;	/* the CIB: last query, then every diff since */
	struct bm_snapshot *snap; /* crm_mon running on a copy of cib_xml */
	int owed;		/* changes that no snapshot started covers */
	GQueue held;		/* CIB texts at a failure, to snapshot first */
	int closing;		/* the CIB left: end the session after snap */
	guint coalesce_id, retry_id, link_id;
	struct bm_model *prev;	/* what was last reported */
	int registered;		/* the session is open (or printed so) */
	clusnotify_producer *prod;
	uint32_t cluster_id;
	char *name;
	int status;		/* exit status */
	int said_no_corosync;
	struct bm_corosync *corosync;
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

/* The whole CIB into the copy; -1 when the CIB manager does not answer. */
static int cib_fetch(struct live *l)
{
	int rc;

	free_xml(l->cib_xml);
	l->cib_xml = NULL;
	rc = l->cib->cmds->query(l->cib, NULL, &l->cib_xml,
				 cib_scope_local | cib_sync_call);
	if (rc == pcmk_ok && l->cib_xml)
		return 0;
	g_printerr("clusnotify-pacemaker: CIB query: %s\n", pcmk_strerror(rc));
	free_xml(l->cib_xml);
	l->cib_xml = NULL;
	return -1;
}

/*
 * Report a snapshot: the whole directory the first time, the differences
 * from the last one otherwise (also after a reconnect: the kernel kept
 * the directory while the cluster was down). Takes m; 0 when reported,
 * else -1 with a retry scheduled (l->prev stays what was last reported).
 */
static int report_snapshot(struct live *l, struct bm_model *m)
{
	GPtrArray *changes;
	char *err = NULL;

	/* Networks from Corosync; without it, none (said once). */
	if (bm_corosync_read(l->corosync, m, &err)) {
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
	return 0;
keep_old:
	bm_model_free(m);
	return -1;
}

static void on_snapshot(struct bm_model *m, const char *err, void *data);

/* Whether a snapshot is due: changes, or a held failure. */
static int pending(struct live *l)
{
	return l->owed || !g_queue_is_empty(&l->held);
}

static void drop_held(struct live *l)
{
	char *xml;

	while ((xml = g_queue_pop_head(&l->held)))
		free(xml);
}

/*
 * Start crm_mon on the oldest held CIB, else on the copy; a retry is
 * scheduled if it cannot start.
 */
static void snapshot(struct live *l)
{
	char *xml, *err = NULL;
	int held = !g_queue_is_empty(&l->held);

	if (held) {
		xml = g_queue_pop_head(&l->held);
	} else {
		if (!l->cib_xml && (!l->connected || cib_fetch(l))) {
			schedule_retry(l);
			return;
		}
		xml = dump_xml_unformatted(l->cib_xml);
	}
	l->snap = bm_snapshot_start(xml, on_snapshot, l, &err);
	free(xml);
	if (!l->snap) {
		g_printerr("clusnotify-pacemaker: %s\n", err);
		g_free(err);
		schedule_retry(l);
		return;
	}
	if (!held)
		l->owed = 0;
}

/*
 * Changes are to be reported: a snapshot starts now, or, while one runs
 * (from an older copy), as soon as it is done. One at a time, so reports
 * keep the order of the CIB's versions.
 */
static void refresh(struct live *l)
{
	l->owed = 1;
	if (!l->snap)
		snapshot(l);
}

/* The CIB left and what it said is reported: the cluster goes down. */
static void close_session(struct live *l)
{
	l->closing = 0;
	drop_held(l);
	free_xml(l->cib_xml);
	l->cib_xml = NULL;
	session_down(l);
	schedule_retry(l);
}

static void on_snapshot(struct bm_model *m, const char *err, void *data)
{
	struct live *l = data;
	int reported = 0;

	l->snap = NULL;
	if (!m) {
		g_printerr("clusnotify-pacemaker: %s\n", err);
		l->owed = 1;
		schedule_retry(l);
	} else if (report_snapshot(l, m)) {
		l->owed = 1;
	} else {
		reported = 1;
	}
	if (l->closing) {
		/* What came in while crm_mon ran, from the copy, then down. */
		if (reported && pending(l) && l->registered) {
			snapshot(l);
			if (l->snap)
				return;
		}
		close_session(l);
		return;
	}
	/* Changes that came in meanwhile; a failure waits for its retry. */
	if (pending(l) && reported)
		snapshot(l);
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

/*
 * Whether a diff records an operation's failure: Pacemaker keeps the
 * last one of each resource as <resource>_last_failure_0.
 */
static int records_failure(xmlNode *diff)
{
	xmlXPathObjectPtr r;
	int n;

	r = xpath_search(diff, "//*[contains(@id, '_last_failure_') or contains(@path, '_last_failure_')]");
	n = numXpathResults(r);
	freeXpathObject(r);
	return n > 0;
}

#define MAX_HELD 16

/*
 * A failure is a boundary of the coalescing: Pacemaker often recovers a
 * resource in place within the interval, and a snapshot after the
 * recovery would show nothing. The copy as it is now is held and
 * snapshotted before anything later (at most MAX_HELD wait; beyond, the
 * newest held one gives way to this one).
 */
static void hold(struct live *l)
{
	if (g_queue_get_length(&l->held) >= MAX_HELD)
		free(g_queue_pop_tail(&l->held));
	g_queue_push_tail(&l->held, dump_xml_unformatted(l->cib_xml));
	if (!l->snap)
		snapshot(l);
}

static void on_diff(const char *event, xmlNode *msg)
{
	struct live *l = the_live;
	/* F_CIB_UPDATE_RESULT, which libcib's public headers do not define. */
	xmlNode *diff = get_message_xml(msg, "cib_update_result");

	(void)event;
	/*
	 * Keep the copy current now, while the CIB manager still answers:
	 * a diff checked against the copy's version, or the whole CIB.
	 */
	if (l->cib_xml &&
	    (!diff || xml_apply_patchset(l->cib_xml, diff, TRUE) != pcmk_ok)) {
		LOG(l, "clusnotify-pacemaker: a CIB diff does not apply, querying the whole CIB\n");
		free_xml(l->cib_xml);
		l->cib_xml = NULL;
	} else if (l->cib_xml && records_failure(diff)) {
		hold(l);
	}
	if (!l->cib_xml && l->connected)
		cib_fetch(l);
	if (l->cib_xml)
		LOG(l, "clusnotify-pacemaker: CIB %s.%s.%s\n",
		    crm_element_value(l->cib_xml, "admin_epoch"),
		    crm_element_value(l->cib_xml, "epoch"),
		    crm_element_value(l->cib_xml, "num_updates"));
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
	/*
	 * What Pacemaker notified before it went (resources stopped on the
	 * way down) is in the copy: report it while the session is still
	 * up, so that it is not lost with the connection, then go down.
	 */
	if (l->coalesce_id) {
		g_source_remove(l->coalesce_id);
		l->coalesce_id = 0;
		l->owed = 1;
	}
	if (!l->snap && pending(l) && l->registered && l->cib_xml)
		snapshot(l);
	if (l->snap) {
		l->closing = 1;	/* on_snapshot ends the session */
		return;
	}
	close_session(l);
}

static int cib_connect(struct live *l)
{
	int rc;

	if (l->cib) {
		l->cib->cmds->signoff(l->cib);
		cib_delete(l->cib);
	}
	/* A new connection starts from a whole CIB (refresh queries it). */
	drop_held(l);
	free_xml(l->cib_xml);
	l->cib_xml = NULL;
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
	/* on_snapshot decides what comes next; the copy is in use. */
	if (l->snap || l->closing)
		return G_SOURCE_REMOVE;
	if (!l->connected) {
		int rc = cib_connect(l);

		if (rc != pcmk_ok) {
			LOG(l, "clusnotify-pacemaker: CIB: %s\n",
			    pcmk_strerror(rc));
			schedule_retry(l);
		}
	} else if (!l->registered || pending(l)) {
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

	if (!l->connected || !l->registered || !l->prev || l->coalesce_id ||
	    l->snap)
		return G_SOURCE_CONTINUE;
	now = bm_model_new();
	if (bm_corosync_read(l->corosync, now, &err))
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
	l.corosync = bm_corosync_new();
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
	if (l.snap)
		bm_snapshot_abort(l.snap);
	session_down(&l);
	if (l.cib) {
		l.cib->cmds->signoff(l.cib);
		cib_delete(l.cib);
	}
	drop_held(&l);
	free_xml(l.cib_xml);
	bm_corosync_free(l.corosync);
	bm_model_free(l.prev);
	g_free(l.name);
	g_main_loop_unref(l.loop);
	return l.status;
}
