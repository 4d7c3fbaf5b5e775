// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c: run crm_mon on a CIB and parse what it says.
 *
 * crm_mon's XML is the resolved view (roles, owners, failures) computed
 * by Pacemaker's own scheduler code, and its schema is versioned; running
 * it on a copy of the CIB (CIB_file) keeps the bridge independent of the
 * libpe_status API, which is renamed after 2.1.5.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <libxml/parser.h>

#include "parse.h"
#include "snapshot.h"

static xmlDoc *run_crm_mon(const char *path, char **err)
{
	const char *prog = getenv("CLUSNOTIFY_CRM_MON") ?: "crm_mon";
	char *argv[] = { (char *)prog, "--output-as=xml", NULL };
	GStrv envp = g_get_environ();
	g_autofree char *out = NULL, *errout = NULL;
	GError *gerr = NULL;
	xmlDoc *doc;
	int status;
	gboolean ok;

	envp = g_environ_setenv(envp, "CIB_file", path, TRUE);
	ok = g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
			  &out, &errout, &status, &gerr);
	g_strfreev(envp);
	if (!ok) {
		*err = g_strdup_printf("cannot run %s: %s", prog,
				       gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	/* crm_mon exits non-zero for a cluster it finds unhealthy, too. */
	doc = xmlReadMemory(out, strlen(out), "crm_mon.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	if (!doc) {
		g_strstrip(errout);
		*err = g_strdup_printf("%s on %s: no XML output (exit %d): %s",
				       prog, path, WEXITSTATUS(status),
				       errout);
	}
	return doc;
}

struct bm_model *bm_snapshot_file(const char *path, char **err)
{
	struct bm_model *m = NULL;
	xmlDoc *cib, *mon;

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
	mon = run_crm_mon(path, err);
	if (mon) {
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
	xmlFreeDoc(cib);
	return m;
}

struct bm_model *bm_snapshot_xml(const char *cib_xml, char **err)
{
	g_autofree char *path = NULL;
	struct bm_model *m;
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
		return NULL;
	}
	m = bm_snapshot_file(path, err);
	unlink(path);
	return m;
}
