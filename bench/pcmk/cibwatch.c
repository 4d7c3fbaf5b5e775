// SPDX-License-Identifier: GPL-2.0
/*
 * pcmk-cibwatch: the raw libcib baseline of the Pacemaker latency
 * benchmark (bench/pcmk/guest.sh). It subscribes the way crm_mon and the
 * bridge do (cib_new, signon(cib_query), add_notify_callback for
 * T_CIB_DIFF_NOTIFY), keeps a copy of the CIB by applying each diff to it,
 * as crm_mon does, and prints one line per notification:
 *
 *   cib MONO N NAME=VALUE...
 *
 * MONO (CLOCK_MONOTONIC seconds, the clock of pcmk-tool and pcmk-consumer)
 * is taken when the notification arrives, before any work of ours; each
 * VALUE is the string value of the XPath expression given as NAME=XPATH on
 * the command line, on the CIB after that diff (blanks become '_'). It
 * says when the CIB held a change: the floor every follower of the CIB,
 * crm_mon and the bridge alike, starts from.
 *
 *   pcmk-cibwatch NAME=XPATH...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <libxml/xpath.h>
#include <crm/crm.h>
#include <crm/cib.h>
#include <crm/common/xml.h>

/* The diff's field in a notification (Pacemaker's F_CIB_UPDATE_RESULT). */
#define UPDATE_RESULT "cib_update_result"

static cib_t *cib;
static xmlNode *copy;
static GMainLoop *loop;
static int nexpr;
static char **names, **exprs;
static unsigned long count, applied, queried;

static int query(void)
{
	xmlNode *out = NULL;
	int rc;

	rc = cib->cmds->query(cib, NULL, &out, cib_scope_local | cib_sync_call);
	if (rc != pcmk_ok || !out) {
		fprintf(stderr, "pcmk-cibwatch: CIB query: %s\n",
			pcmk_strerror(rc));
		return -1;
	}
	if (copy)
		free_xml(copy);
	copy = out;
	return 0;
}

static void print_values(void)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(copy->doc);
	int i;

	for (i = 0; i < nexpr && ctx; i++) {
		xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST exprs[i],
							     ctx);
		xmlChar *s = r ? xmlXPathCastToString(r) : NULL;
		char *p;

		for (p = (char *)s; p && *p; p++)
			if (*p == ' ' || *p == '\t' || *p == '\n')
				*p = '_';
		printf(" %s=%s", names[i], s && *s ? (char *)s : "-");
		xmlFree(s);
		xmlXPathFreeObject(r);
	}
	xmlXPathFreeContext(ctx);
	printf("\n");
}

static void on_diff(const char *event, xmlNode *msg)
{
	struct timespec ts;
	xmlNode *diff;

	(void)event;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	count++;
	diff = get_message_xml(msg, UPDATE_RESULT);
	/*
	 * A diff that does not apply (we missed one, or it is not a v2
	 * patchset) costs a full query, as in crm_mon: the state printed is
	 * then the CIB's now, which can only be later than this diff's.
	 */
	if (diff && xml_apply_patchset(copy, diff, TRUE) == pcmk_ok)
		applied++;
	else if (query() == 0)
		queried++;
	printf("cib %lld.%09ld %lu", (long long)ts.tv_sec, ts.tv_nsec, count);
	print_values();
}

static void on_lost(gpointer data)
{
	(void)data;
	fprintf(stderr, "pcmk-cibwatch: CIB connection lost\n");
	g_main_loop_quit(loop);
}

int main(int argc, char **argv)
{
	int i, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: pcmk-cibwatch NAME=XPATH...\n");
		return 2;
	}
	nexpr = argc - 1;
	names = calloc(nexpr, sizeof(*names));
	exprs = calloc(nexpr, sizeof(*exprs));
	if (!names || !exprs)
		return 1;
	for (i = 0; i < nexpr; i++) {
		char *eq = strchr(argv[i + 1], '=');

		if (!eq) {
			fprintf(stderr, "pcmk-cibwatch: %s: not NAME=XPATH\n",
				argv[i + 1]);
			return 2;
		}
		*eq = 0;
		names[i] = argv[i + 1];
		exprs[i] = eq + 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* signon fails with a schema error without it. */
	crm_log_cli_init("pcmk-cibwatch");
	loop = g_main_loop_new(NULL, FALSE);
	cib = cib_new();
	if (!cib)
		return 1;
	rc = cib->cmds->signon(cib, "pcmk-cibwatch", cib_query);
	if (rc == pcmk_ok)
		rc = cib->cmds->add_notify_callback(cib, T_CIB_DIFF_NOTIFY,
						    on_diff);
	if (rc == pcmk_ok)
		rc = cib->cmds->set_connection_dnotify(cib, on_lost);
	if (rc != pcmk_ok) {
		fprintf(stderr, "pcmk-cibwatch: CIB: %s\n", pcmk_strerror(rc));
		return 1;
	}
	if (query())
		return 1;
	printf("cib 0 0");
	print_values();
	fprintf(stderr, "pcmk-cibwatch: ready\n");
	g_main_loop_run(loop);
	fprintf(stderr, "pcmk-cibwatch: %lu notifications, %lu applied, %lu by query\n",
		count, applied, queried);
	cib->cmds->signoff(cib);
	cib_delete(cib);
	return 0;
}
