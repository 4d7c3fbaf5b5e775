// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c: run crm_mon on a CIB and parse what it says.
 *
 * crm_mon's XML is the resolved view (roles, owners, failures) computed
 * by Pacemaker's own scheduler code, and its schema is versioned; running
 * it on a copy of the CIB (CIB_file) keeps the bridge independent of the
 * libpe_status API, which is renamed after 2.1.5.
 *
 * The daemon runs crm_mon without waiting for it (bm_snapshot_start): a
 * run takes seconds on a loaded or emulated machine, and a main loop
 * blocked that long stops reading the CIB's notifications, which
 * Pacemaker then drops (a slow client's queue is bounded, and a client
 * that has not read them when the CIB manager exits never gets them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <libxml/parser.h>

#include "parse.h"
#include "snapshot.h"

static const char *crm_mon_path(void)
{
	return getenv("CLUSNOTIFY_CRM_MON") ?: "crm_mon";
}

/* The CIB in path, checked to be one; NULL with *err set otherwise. */
static xmlDoc *read_cib(const char *path, char **err)
{
	xmlDoc *cib;

	if (access(path, R_OK)) {
		*err = g_strdup_printf("%s: %s", path, strerror(errno));
		return NULL;
	}
	cib = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS |
			  XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!cib) {
		*err = g_strdup_printf("%s: not well-formed XML", path);
		return NULL;
	}
	/* crm_mon reports an empty, healthy cluster for anything else. */
	if (!xmlDocGetRootElement(cib) ||
	    strcmp((const char *)xmlDocGetRootElement(cib)->name, "cib")) {
		*err = g_strdup_printf("%s: root element is not <cib>", path);
		xmlFreeDoc(cib);
		return NULL;
	}
	return cib;
}

/*
 * The model of the CIB in path (read as cib) and of what crm_mon printed
 * for it: out, len bytes; status is its wait status, errout its stderr.
 */
static struct bm_model *parse_both(const char *path, xmlDoc *cib,
				   const char *out, size_t len, char *errout,
				   int status, char **err)
{
	struct bm_model *m = NULL;
	xmlDoc *mon;

	/* crm_mon exits non-zero for a cluster it finds unhealthy, too. */
	mon = xmlReadMemory(out, len, "crm_mon.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	if (!mon) {
		g_strstrip(errout);
		*err = g_strdup_printf("%s on %s: no XML output (exit %d): %s",
				       crm_mon_path(), path,
				       WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				       errout);
	} else {
		m = bm_model_new();
		if (bm_parse(m, mon, cib, err)) {
			char *e = g_strdup_printf("%s: %s", path, *err);

			g_free(*err);
			*err = e;
			bm_model_free(m);
			m = NULL;
		}
		xmlFreeDoc(mon);
	}
	return m;
}

struct bm_model *bm_snapshot_file(const char *path, char **err)
{
	char *argv[] = { (char *)crm_mon_path(), "--output-as=xml", NULL };
	g_autofree char *out = NULL, *errout = NULL;
	struct bm_model *m = NULL;
	GError *gerr = NULL;
	GStrv envp;
	xmlDoc *cib;
	int status;

	cib = read_cib(path, err);
	if (!cib)
		return NULL;
	envp = g_environ_setenv(g_get_environ(), "CIB_file", path, TRUE);
	if (g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
			 &out, &errout, &status, &gerr)) {
		m = parse_both(path, cib, out, strlen(out), errout, status,
			       err);
	} else {
		*err = g_strdup_printf("cannot run %s: %s", argv[0],
				       gerr->message);
		g_error_free(gerr);
	}
	g_strfreev(envp);
	xmlFreeDoc(cib);
	return m;
}

/* The CIB text into a new temporary file; its path, or NULL. */
static char *write_tmp(const char *cib_xml, char **err)
{
	char *path = NULL;
	GError *gerr = NULL;
	int fd;

	fd = g_file_open_tmp("clusnotify-cib-XXXXXX.xml", &path, &gerr);
	if (fd < 0) {
		*err = g_strdup_printf("temporary CIB file: %s",
				       gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	close(fd);
	if (!g_file_set_contents(path, cib_xml, -1, &gerr)) {
		*err = g_strdup_printf("%s: %s", path, gerr->message);
		g_error_free(gerr);
		unlink(path);
		g_free(path);
		return NULL;
	}
	return path;
}

struct bm_model *bm_snapshot_xml(const char *cib_xml, char **err)
{
	struct bm_model *m;
	char *path = write_tmp(cib_xml, err);

	if (!path)
		return NULL;
	m = bm_snapshot_file(path, err);
	unlink(path);
	g_free(path);
	return m;
}

/*
 * A snapshot in flight. It belongs to the pending communicate call: the
 * completion frees it, after calling done unless bm_snapshot_abort()
 * cleared it.
 */
struct bm_snapshot {
	char *path;		/* the CIB copy crm_mon reads */
	GSubprocess *proc;
	bm_snapshot_done *done;
	void *data;
};

static void snapshot_free(struct bm_snapshot *s)
{
	if (s->path) {
		unlink(s->path);
		g_free(s->path);
	}
	g_object_unref(s->proc);
	g_free(s);
}

static void on_crm_mon_exit(GObject *src, GAsyncResult *res, gpointer data)
{
	struct bm_snapshot *s = data;
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GBytes) errout = NULL;
	struct bm_model *m = NULL;
	GError *gerr = NULL;
	char *err = NULL;

	if (!g_subprocess_communicate_finish(G_SUBPROCESS(src), res, &out,
					     &errout, &gerr)) {
		err = g_strdup_printf("%s: %s", crm_mon_path(), gerr->message);
		g_error_free(gerr);
	} else if (s->done) {
		gsize n = 0, en = 0;
		const char *o = g_bytes_get_data(out, &n);
		const char *e = g_bytes_get_data(errout, &en);
		g_autofree char *etext = g_strndup(e ? e : "", en);
		xmlDoc *cib = read_cib(s->path, &err);

		if (cib) {
			m = parse_both(s->path, cib, o ? o : "", n, etext,
				       g_subprocess_get_status(s->proc), &err);
			xmlFreeDoc(cib);
		}
	}
	if (s->done)
		s->done(m, err, s->data);
	else
		bm_model_free(m);
	g_free(err);
	snapshot_free(s);
}

struct bm_snapshot *bm_snapshot_start(const char *cib_xml,
				      bm_snapshot_done *done, void *data,
				      char **err)
{
	const char *argv[] = { crm_mon_path(), "--output-as=xml", NULL };
	GSubprocessLauncher *launcher;
	struct bm_snapshot *s;
	GError *gerr = NULL;
	char *path;

	path = write_tmp(cib_xml, err);
	if (!path)
		return NULL;
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_subprocess_launcher_setenv(launcher, "CIB_file", path, TRUE);
	s = g_new0(struct bm_snapshot, 1);
	s->path = path;
	s->done = done;
	s->data = data;
	s->proc = g_subprocess_launcher_spawnv(launcher, argv, &gerr);
	g_object_unref(launcher);
	if (!s->proc) {
		*err = g_strdup_printf("cannot run %s: %s", argv[0],
				       gerr->message);
		g_error_free(gerr);
		unlink(path);
		g_free(path);
		g_free(s);
		return NULL;
	}
	g_subprocess_communicate_async(s->proc, NULL, NULL, on_crm_mon_exit,
				       s);
	return s;
}

void bm_snapshot_abort(struct bm_snapshot *s)
{
	s->done = NULL;
	g_subprocess_force_exit(s->proc);
	/* The main loop may never run again: the copy goes now. */
	unlink(s->path);
	g_free(s->path);
	s->path = NULL;
}
