// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify watch: a notification port on one cluster, its events printed
 * as they arrive (inotifywait for clusters).
 *
 * The port is made and filled with the clusapi.h calls a Windows consumer
 * makes (OpenClusterEx, OpenCluster<Object>Ex, CreateClusterNotifyPort[V2],
 * RegisterClusterNotify[V2]), so watch also shows what such a program would
 * receive. Events are then read in batches with clusnotify_port_read,
 * which hands over the kernel's whole records: unlike GetClusterNotify they
 * carry the sequence number, the object's id, parent and state, and the
 * exact count of an overflow record, all of which watch prints.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "names.h"
#include "props.h"
#include "quote.h"
#include "utf16.h"

#define WATCH_MAX_OBJECTS 64
#define WATCH_BUF (256 * 1024)	/* many records, and always the largest */

struct watch_object {
	uint32_t type;
	const char *opt;	/* the option that named it, for messages */
	const char *name;
	HANDLE h;
};

struct watch {
	const char *cluster;
	int version;		/* CLUSNOTIFY_FILTER_V1 or _V2 */
	int v1_given, v2_given, force_v1;
	uint32_t v1_mask;
	uint64_t v2_mask[CLUSNOTIFY_OBJ_MAX + 1];
	struct watch_object obj[WATCH_MAX_OBJECTS];
	size_t nobj;
	uint64_t count;		/* 0: no limit */
	int has_timeout;
	uint32_t timeout_ms;
	int json, quiet;
	HCLUSTER hc;
	HCHANGE port;
	DWORD_PTR next_key;
};

static void watch_usage(FILE *f)
{
	fputs("usage: clusnotify watch [-c CLUSTER] [-e FLAG[,FLAG...]]... [--v1]\n"
	      "                        [-T TYPE[:FLAG[,FLAG...]]]...\n"
	      "                        [--node NAME]... [--group NAME]... [--resource NAME]...\n"
	      "                        [--network NAME]... [--netinterface NAME]...\n"
	      "                        [--key PATH]... [--restype NAME]...\n"
	      "                        [-n COUNT] [-t SECONDS] [-j] [-q]\n"
	      "       clusnotify watch --list-flags\n"
	      "\n"
	      "Print a cluster's events as they arrive, one line each.\n"
	      "\n"
	      "  -c, --cluster NAME   cluster (or one of its nodes) to watch; default:\n"
	      "                       the default cluster\n"
	      "  -e, --event FLAGS    V1 filter: CLUSTER_CHANGE flags (NODE_STATE, ALL, ...)\n"
	      "      --v1             V1 filter with every flag (when no -e is given)\n"
	      "  -T, --type TYPE[:FLAGS]\n"
	      "                       V2 filter: an object type and its CLUSTER_CHANGE_*_V2\n"
	      "                       flags (GROUP:STATE,DELETED); no FLAGS: all of them\n"
	      "      --node, --group, --resource, --network, --netinterface NAME\n"
	      "                       filter on that object only (repeatable)\n"
	      "      --key PATH       filter on a registry key ('\\' separated; \"\": the root)\n"
	      "      --restype NAME   V2 filter on a resource type\n"
	      "  -n, --count N        exit after N events\n"
	      "  -t, --timeout SECS   exit after SECS seconds (fractions allowed)\n"
	      "  -j, --json           one JSON object per event\n"
	      "  -q, --quiet          do not report on stderr when the watch is set up\n"
	      "  -l, --list-flags     list object types, flag names and state names\n"
	      "\n"
	      "Without -e, --v1 or -T: V2, every flag of every object type.\n"
	      "Names are case-insensitive, with or without the CLUSTER_CHANGE_ prefix.\n"
	      "Exit status: 0 events seen (COUNT of them with -n), 1 error, 2 timeout\n"
	      "first, 64 usage error.\n", f);
}

static int watch_list_flags(void)
{
	const struct names_entry *t;
	const uint32_t *types;
	size_t n, nt, i, k;

	t = names_v1_table(&n);
	for (i = 0; i < n; i++) {
		const char *ty = names_type(names_v1_type((uint32_t)t[i].value));

		printf("v1 %s 0x%08" PRIx64 " %s\n", names_short(t[i].name),
		       t[i].value, ty ? ty : "ANY");
	}
	types = names_types(&nt);
	for (k = 0; k < nt; k++) {
		t = names_v2_table(types[k], &n);
		for (i = 0; i < n; i++)
			printf("v2 %s %s 0x%" PRIx64 "\n", names_type(types[k]),
			       names_short(t[i].name), t[i].value);
	}
	for (k = 0; k < nt; k++) {
		t = names_state_table(types[k], &n);
		for (i = 0; i < n; i++)
			printf("state %s %s %" PRIu64 "\n",
			       names_type(types[k]), t[i].name, t[i].value);
	}
	return CLI_EXIT_OK;
}

/* -e FLAG,FLAG,... */
static int watch_parse_v1(struct watch *w, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	uint32_t m;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (names_v1_parse(tok, &m)) {
			ret = cli_usage_err("unknown V1 flag '%s' (see --list-flags)",
					    tok);
			break;
		}
		w->v1_mask |= m;
	}
	if (!ret && !w->v1_mask)
		ret = cli_usage_err("-e needs at least one flag name");
	free(copy);
	w->v1_given = 1;
	return ret;
}

/* -T TYPE[:FLAG,FLAG,...] */
static int watch_parse_v2(struct watch *w, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok, *colon;
	uint32_t type;
	uint64_t m, mask = 0;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	colon = strchr(copy, ':');
	if (colon)
		*colon = 0;
	if (names_type_parse(copy, &type)) {
		ret = cli_usage_err("unknown object type '%s' (see --list-flags)",
				    copy);
		goto out;
	}
	if (!names_v2_all(type)) {
		ret = cli_usage_err("object type %s has no V2 notifications",
				    names_type(type));
		goto out;
	}
	if (!colon) {
		mask = names_v2_all(type);
	} else {
		for (tok = strtok_r(colon + 1, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (names_v2_parse(type, tok, &m)) {
				ret = cli_usage_err("unknown V2 flag '%s' for type %s (see --list-flags)",
						    tok, names_type(type));
				goto out;
			}
			mask |= m;
		}
		if (!mask) {
			ret = cli_usage_err("-T %s: no flag names after ':'",
					    names_type(type));
			goto out;
		}
	}
	w->v2_mask[type] |= mask;
	w->v2_given = 1;
out:
	free(copy);
	return ret;
}

static int watch_parse_timeout(struct watch *w, const char *arg)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (*end || end == arg || errno || !(s >= 0) || s > 4000000.0)
		return cli_usage_err("bad timeout '%s': seconds, 0 to 4000000",
				     arg);
	w->has_timeout = 1;
	/* Rounded up: a wait never ends before the time asked for. */
	w->timeout_ms = (uint32_t)(s * 1000.0 + 0.999);
	return 0;
}

enum {
	OPT_V1 = 256,
	OPT_NODE,
	OPT_GROUP,
	OPT_RESOURCE,
	OPT_NETWORK,
	OPT_NETINTERFACE,
	OPT_KEY,
	OPT_RESTYPE,
};

static const struct {
	int opt;
	uint32_t type;
	const char *name;
} watch_objopts[] = {
	{ OPT_NODE, CLUSNOTIFY_OBJ_NODE, "--node" },
	{ OPT_GROUP, CLUSNOTIFY_OBJ_GROUP, "--group" },
	{ OPT_RESOURCE, CLUSNOTIFY_OBJ_RESOURCE, "--resource" },
	{ OPT_NETWORK, CLUSNOTIFY_OBJ_NETWORK, "--network" },
	{ OPT_NETINTERFACE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	  "--netinterface" },
	{ OPT_KEY, CLUSNOTIFY_OBJ_REGISTRY, "--key" },
	{ OPT_RESTYPE, CLUSNOTIFY_OBJ_RESOURCE_TYPE, "--restype" },
};

static int watch_add_object(struct watch *w, int opt, const char *name)
{
	size_t i;

	/* The registry root's path is "". */
	if (!*name && opt != OPT_KEY)
		return cli_usage_err("an object name cannot be empty");
	if (w->nobj == WATCH_MAX_OBJECTS)
		return cli_usage_err("at most %d objects", WATCH_MAX_OBJECTS);
	for (i = 0; i < sizeof(watch_objopts) / sizeof(watch_objopts[0]); i++) {
		if (watch_objopts[i].opt == opt) {
			w->obj[w->nobj].type = watch_objopts[i].type;
			w->obj[w->nobj].opt = watch_objopts[i].name;
			w->obj[w->nobj].name = name;
			w->nobj++;
			return 0;
		}
	}
	return CLI_EXIT_USAGE;
}

/*
 * The V1 flags of -e that a filter on an object of type takes:
 * RegisterClusterNotify's table (the type's own, and HANDLE_CLOSE).
 */
static uint32_t watch_v1_mask(const struct watch *w, uint32_t type)
{
	uint32_t bit, m = 0;

	for (bit = 1; bit; bit <<= 1)
		if ((w->v1_mask & bit) &&
		    (names_v1_type(bit) == type ||
		     bit == CLUSTER_CHANGE_HANDLE_CLOSE))
			m |= bit;
	return m;
}

/*
 * Check what was asked for against the V1/V2 rules before anything is
 * opened, so every usage error comes without a module.
 */
static int watch_check(struct watch *w)
{
	size_t i;
	uint32_t t;

	if (w->v1_given && w->v2_given)
		return cli_usage_err("-e (V1) and -T (V2) cannot be mixed: a port is V1 or V2");
	if (w->force_v1 && w->v2_given)
		return cli_usage_err("--v1 and -T cannot be mixed");
	w->version = w->v1_given || w->force_v1 ? CLUSNOTIFY_FILTER_V1 :
						 CLUSNOTIFY_FILTER_V2;
	if (w->version == CLUSNOTIFY_FILTER_V1 && !w->v1_given)
		w->v1_mask = CLUSTER_CHANGE_ALL;
	if (!w->nobj)
		return 0;
	if (w->version == CLUSNOTIFY_FILTER_V1) {
		uint32_t used = 0, bit, m;

		for (i = 0; i < w->nobj; i++)
			if (w->obj[i].type == CLUSNOTIFY_OBJ_RESOURCE_TYPE)
				return cli_usage_err("--restype is V2 only (RegisterClusterResourceTypeNotifyV2): use -T RESOURCE_TYPE[:FLAGS]");
		if (!w->v1_given || w->v1_mask == CLUSTER_CHANGE_ALL)
			return 0;
		for (i = 0; i < w->nobj; i++) {
			m = watch_v1_mask(w, w->obj[i].type);
			if (!(m & ~(uint32_t)CLUSTER_CHANGE_HANDLE_CLOSE) &&
			    w->v1_mask != CLUSTER_CHANGE_HANDLE_CLOSE)
				return cli_usage_err("none of the -e flags applies to %s %s",
						     w->obj[i].opt,
						     w->obj[i].name);
			used |= m;
		}
		if (w->v1_mask & ~used) {
			for (bit = 1; !(w->v1_mask & ~used & bit); bit <<= 1)
				;
			return cli_usage_err("-e %s applies to none of the objects given",
					     names_short(names_v1(bit)));
		}
		return 0;
	}
	if (!w->v2_given)
		return 0;
	for (i = 0; i < w->nobj; i++)
		if (!w->v2_mask[w->obj[i].type])
			return cli_usage_err("%s %s needs a -T %s[:FLAGS] (or no -T at all)",
					     w->obj[i].opt, w->obj[i].name,
					     names_type(w->obj[i].type));
	for (t = 0; t <= CLUSNOTIFY_OBJ_MAX; t++) {
		if (!w->v2_mask[t])
			continue;
		for (i = 0; i < w->nobj && w->obj[i].type != t; i++)
			;
		if (i == w->nobj)
			return cli_usage_err("-T %s applies to none of the objects given",
					     names_type(t));
	}
	return 0;
}

/* What a failed clusapi.h call means, for the Win32 codes it can give. */
static const char *watch_win32_text(DWORD code)
{
	switch (code) {
	case ERROR_ACCESS_DENIED:
		return "permission denied";
	case ERROR_TOO_MANY_OPEN_FILES:
		return "limit reached (module parameters max_ports, max_filters)";
	case ERROR_INVALID_PARAMETER:
		return "the module refused the filter";
	case ERROR_NOT_ENOUGH_MEMORY:
		return "out of memory";
	case ERROR_NO_UNICODE_TRANSLATION:
		return "not valid UTF-8";
	case ERROR_INVALID_NAME:
		return "name too long";
	case ERROR_GROUP_NOT_FOUND:
	case ERROR_RESOURCE_NOT_FOUND:
	case ERROR_CLUSTER_NODE_NOT_FOUND:
	case ERROR_CLUSTER_NETWORK_NOT_FOUND:
	case ERROR_CLUSTER_NETINTERFACE_NOT_FOUND:
	case ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND:
	case ERROR_FILE_NOT_FOUND:	/* a registry key */
		return "no such object in the cluster";
	case RPC_S_SERVER_UNAVAILABLE:
		return "no such cluster";
	default:
		return "failed";
	}
}

static int watch_open_cluster(struct watch *w)
{
	WCHAR *name = NULL;
	DWORD granted = 0, code;
	int ret;

	ret = utf16_dup(w->cluster, &name);
	if (ret) {
		cli_cluster_err("cannot open the cluster", w->cluster, ret);
		return CLI_EXIT_ERROR;
	}
	/* Read access is all a consumer needs. */
	w->hc = OpenClusterEx(name, GENERIC_READ, &granted);
	code = GetLastError();
	free(name);
	if (w->hc)
		return 0;
	if (code == RPC_S_SERVER_UNAVAILABLE)
		cli_cluster_err("cannot open the cluster", w->cluster, -ENOENT);
	else if (code == ERROR_ACCESS_DENIED)
		cli_cluster_err("cannot open the cluster", w->cluster, -EACCES);
	else
		cli_err("cannot open cluster '%s': %s (Win32 error %u)",
			w->cluster ? w->cluster : "(default)",
			watch_win32_text(code), code);
	return CLI_EXIT_ERROR;
}

static HANDLE watch_open_object(HCLUSTER hc, uint32_t type, LPCWSTR name)
{
	DWORD g;

	switch (type) {
	case CLUSNOTIFY_OBJ_NODE:
		return OpenClusterNodeEx(hc, name, GENERIC_READ, &g);
	case CLUSNOTIFY_OBJ_GROUP:
		return OpenClusterGroupEx(hc, name, GENERIC_READ, &g);
	case CLUSNOTIFY_OBJ_RESOURCE:
		return OpenClusterResourceEx(hc, name, GENERIC_READ, &g);
	case CLUSNOTIFY_OBJ_NETWORK:
		return OpenClusterNetworkEx(hc, name, GENERIC_READ, &g);
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:
		return OpenClusterNetInterfaceEx(hc, name, GENERIC_READ, &g);
	case CLUSNOTIFY_OBJ_REGISTRY: {
		HKEY root = GetClusterKey(hc, KEY_READ), key = NULL;
		LONG r;

		if (!root || !name[0])
			return root;
		r = ClusterRegOpenKey(root, name, KEY_READ, &key);
		ClusterRegCloseKey(root);
		if (r != ERROR_SUCCESS) {
			SetLastError((DWORD)r);
			return NULL;
		}
		return key;
	}
	}
	SetLastError(ERROR_INVALID_PARAMETER);
	return NULL;
}

/* One filter on h (the cluster or an object); what for the messages. */
static int watch_register(struct watch *w, HANDLE h, uint32_t type,
			  uint64_t mask, const char *what)
{
	DWORD code;

	if (w->version == CLUSNOTIFY_FILTER_V1) {
		code = RegisterClusterNotify(w->port, (DWORD)mask, h,
					     ++w->next_key);
	} else {
		NOTIFY_FILTER_AND_TYPE f;

		memset(&f, 0, sizeof(f));
		f.dwObjectType = type;
		f.FilterFlags = (LONGLONG)mask;
		code = RegisterClusterNotifyV2(w->port, f, h, ++w->next_key);
	}
	if (code == ERROR_SUCCESS)
		return 0;
	if (code == ERROR_ACCESS_DENIED)
		cli_err("cannot watch %s: permission denied: the cluster grants you no read access",
			what);
	else
		cli_err("cannot watch %s: %s (Win32 error %u)", what,
			watch_win32_text(code), code);
	return CLI_EXIT_ERROR;
}

static int watch_setup(struct watch *w)
{
	char what[256];
	size_t i;
	uint32_t t;
	int ret;

	ret = watch_open_cluster(w);
	if (ret)
		return ret;
	/* An empty port first; each filter is then one registration. */
	if (w->version == CLUSNOTIFY_FILTER_V1)
		w->port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
						  INVALID_HANDLE_VALUE, 0, 0);
	else
		w->port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
						    INVALID_HANDLE_VALUE,
						    NULL, 0, 0);
	if (!w->port) {
		DWORD code = GetLastError();

		cli_err("cannot create a notification port: %s (Win32 error %u)",
			code == ERROR_TOO_MANY_OPEN_FILES ?
			"too many ports open for this user (module parameter max_ports)" :
			watch_win32_text(code), code);
		return CLI_EXIT_ERROR;
	}
	if (!w->nobj) {
		snprintf(what, sizeof(what), "cluster '%s'",
			 w->cluster ? w->cluster : "(default)");
		if (w->version == CLUSNOTIFY_FILTER_V1)
			return watch_register(w, w->hc, 0, w->v1_mask, what);
		for (t = 0; t <= CLUSNOTIFY_OBJ_MAX; t++) {
			uint64_t m = w->v2_given ? w->v2_mask[t] :
						   names_v2_all(t);

			if (!m)
				continue;
			ret = watch_register(w, w->hc, t, m, what);
			if (ret)
				return ret;
		}
		return 0;
	}
	for (i = 0; i < w->nobj; i++) {
		struct watch_object *o = &w->obj[i];
		WCHAR *name;
		uint64_t m;
		DWORD code;

		ret = utf16_dup(o->name, &name);
		if (ret) {
			cli_err("%s %s: not valid UTF-8", o->opt, o->name);
			return CLI_EXIT_ERROR;
		}
		snprintf(what, sizeof(what), "%s '%s'", o->opt + 2, o->name);
		if (o->type == CLUSNOTIFY_OBJ_RESOURCE_TYPE) {
			/* A resource type has no handle: it is named. */
			code = RegisterClusterResourceTypeNotifyV2(w->port, w->hc,
				(LONGLONG)(w->v2_given ? w->v2_mask[o->type] :
					   names_v2_all(o->type)),
				name, ++w->next_key);
			free(name);
			if (code == ERROR_SUCCESS)
				continue;
			cli_err("cannot watch %s: %s (Win32 error %u)", what,
				watch_win32_text(code), code);
			return CLI_EXIT_ERROR;
		}
		o->h = watch_open_object(w->hc, o->type, name);
		code = GetLastError();
		free(name);
		if (!o->h) {
			if (code == ERROR_ACCESS_DENIED)
				cli_err("cannot open %s '%s': permission denied",
					o->opt + 2, o->name);
			else
				cli_err("cannot open %s '%s': %s (Win32 error %u)",
					o->opt + 2, o->name,
					watch_win32_text(code), code);
			return CLI_EXIT_ERROR;
		}
		if (w->version == CLUSNOTIFY_FILTER_V1) {
			m = watch_v1_mask(w, o->type);
		} else {
			m = w->v2_given ? w->v2_mask[o->type] :
					  names_v2_all(o->type);
		}
		ret = watch_register(w, o->h, o->type, m, what);
		if (ret)
			return ret;
	}
	return 0;
}

/* GROUP_STATE_V2, or a number when the tables do not know the kind. */
static const char *watch_kind(const struct clusnotify_record *r, char *buf,
			      size_t len)
{
	const char *n;

	if (r->version == CLUSNOTIFY_FILTER_V1)
		n = names_v1(r->v1_change);
	else
		n = names_v2(r->object_type, r->v2_flag);
	if (n)
		return names_short(n);
	if (r->version == CLUSNOTIFY_FILTER_V1)
		snprintf(buf, len, "V1_0x%08x", r->v1_change);
	else
		snprintf(buf, len, "V2_0x%" PRIx64, (uint64_t)r->v2_flag);
	return buf;
}

static const char *watch_type(uint32_t type, char *buf, size_t len)
{
	const char *n = names_type(type);

	if (n)
		return n;
	snprintf(buf, len, "%u", type);
	return buf;
}

/* A property event, whose payload should be a property list. */
static int watch_is_property(const struct clusnotify_record *r)
{
	const char *n = r->version == CLUSNOTIFY_FILTER_V1 ?
			names_v1(r->v1_change) :
			names_v2(r->object_type, r->v2_flag);

	return r->payload_len && n && strstr(n, "PROPERTY");
}

static void watch_print_human(const struct clusnotify_record_view *v)
{
	const struct clusnotify_record *r = v->hdr;
	char kbuf[32], tbuf[16];
	const char *st;

	printf("%" PRIu64 " %s %s ", (uint64_t)r->seq,
	       watch_kind(r, kbuf, sizeof(kbuf)),
	       watch_type(r->object_type, tbuf, sizeof(tbuf)));
	quote_word(stdout, v->name);
	quote_field(stdout, "id", v->id);
	quote_field(stdout, "parent", v->parent);
	quote_field(stdout, "restype", v->type);
	if (r->state != CLUSNOTIFY_STATE_UNKNOWN) {
		st = names_state(r->object_type, r->state);
		if (st)
			printf(" state=%s", st);
		else
			printf(" state=%u", r->state);
	}
	if (r->payload_len)
		printf(" payload=%u", r->payload_len);
	if (watch_is_property(r))
		props_print_human(stdout, v->payload, r->payload_len);
	if (r->flags & CLUSNOTIFY_RECORD_F_LOST)
		printf(" lost=%" PRIu64, (uint64_t)r->lost);
	putchar('\n');
}

static void watch_print_json(const struct clusnotify_record_view *v)
{
	const struct clusnotify_record *r = v->hdr;
	char kbuf[32], tbuf[16];
	const char *st = names_state(r->object_type, r->state);

	putchar('{');
	json_knum(stdout, 1, "seq", r->seq);
	json_kstr(stdout, 0, "event", watch_kind(r, kbuf, sizeof(kbuf)));
	json_knum(stdout, 0, "version", r->version);
	json_kstr(stdout, 0, "type",
		  watch_type(r->object_type, tbuf, sizeof(tbuf)));
	json_kstr(stdout, 0, "name", v->name);
	json_kstr(stdout, 0, "id", v->id);
	json_kstr(stdout, 0, "parent", v->parent);
	json_kstr(stdout, 0, "restype", v->type);
	json_kstate(stdout, st, r->state);
	json_knum(stdout, 0, "lost",
		  r->flags & CLUSNOTIFY_RECORD_F_LOST ? r->lost : 0);
	json_kbool(stdout, 0, "kernel", r->flags & CLUSNOTIFY_RECORD_F_KERNEL);
	json_knum(stdout, 0, "key", r->key);
	json_knum(stdout, 0, "v1_change", r->v1_change);
	json_knum(stdout, 0, "v2_flag", r->v2_flag);
	json_knum(stdout, 0, "time_ns", r->timestamp_ns);
	json_khex(stdout, 0, "payload", v->payload, r->payload_len);
	if (watch_is_property(r))
		props_print_json(stdout, v->payload, r->payload_len);
	fputs("}\n", stdout);
}

static uint64_t watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int watch_loop(struct watch *w)
{
	uint64_t seen = 0, deadline = 0;
	void *buf = malloc(WATCH_BUF);
	int ret = CLI_EXIT_OK;

	if (!buf) {
		cli_err("out of memory");
		return CLI_EXIT_ERROR;
	}
	if (w->has_timeout)
		deadline = watch_now_ms() + w->timeout_ms;
	while (!w->count || seen < w->count) {
		uint32_t wait = CLUSNOTIFY_INFINITE;
		struct clusnotify_record_view v;
		size_t off = 0;
		ssize_t n;
		int r;

		if (w->has_timeout) {
			uint64_t now = watch_now_ms();

			wait = now >= deadline ? 0 : (uint32_t)(deadline - now);
		}
		n = clusnotify_port_read(w->port, buf, WATCH_BUF, wait);
		if (n == -ETIMEDOUT) {
			ret = seen && !w->count ? CLI_EXIT_OK :
						  CLI_EXIT_TIMEOUT;
			break;
		}
		if (n < 0) {
			cli_err("reading the port: %s", strerror((int)-n));
			ret = CLI_EXIT_ERROR;
			break;
		}
		while ((!w->count || seen < w->count) &&
		       (r = clusnotify_record_next(buf, (size_t)n, &off,
						   &v)) > 0) {
			if (w->json)
				watch_print_json(&v);
			else
				watch_print_human(&v);
			seen++;
		}
		if (fflush(stdout)) {
			cli_err("writing the events: %s", strerror(errno));
			ret = CLI_EXIT_ERROR;
			break;
		}
	}
	free(buf);
	return ret;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "event", required_argument, NULL, 'e' },
		{ "type", required_argument, NULL, 'T' },
		{ "v1", no_argument, NULL, OPT_V1 },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "resource", required_argument, NULL, OPT_RESOURCE },
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "netinterface", required_argument, NULL, OPT_NETINTERFACE },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "restype", required_argument, NULL, OPT_RESTYPE },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list-flags", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct watch w;
	int c, ret, list = 0;

	memset(&w, 0, sizeof(w));
	cli_cmd = "watch";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:e:T:n:t:jqlh", opts,
				NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'c':
			if (!*optarg)
				return cli_usage_err("a cluster name cannot be empty");
			w.cluster = optarg;
			break;
		case 'e':
			ret = watch_parse_v1(&w, optarg);
			break;
		case 'T':
			ret = watch_parse_v2(&w, optarg);
			break;
		case OPT_V1:
			w.force_v1 = 1;
			break;
		case 'n':
			if (cli_parse_u64(optarg, &w.count) || !w.count)
				return cli_usage_err("bad count '%s': a number of events, at least 1",
						     optarg);
			break;
		case 't':
			ret = watch_parse_timeout(&w, optarg);
			break;
		case 'j':
			w.json = 1;
			break;
		case 'q':
			w.quiet = 1;
			break;
		case 'l':
			list = 1;
			break;
		case 'h':
			watch_usage(stdout);
			return CLI_EXIT_OK;
		case '?':
		case ':':
			return cli_getopt_err(c, argv);
		default:
			ret = watch_add_object(&w, c, optarg);
		}
		if (ret)
			return ret < 0 ? CLI_EXIT_ERROR : ret;
	}
	if (optind < argc)
		return cli_usage_err("unexpected argument '%s'", argv[optind]);
	if (list)
		return watch_list_flags();
	ret = watch_check(&w);
	if (ret)
		return ret;
	if (cli_module_check())
		return CLI_EXIT_ERROR;
	ret = watch_setup(&w);
	if (!ret) {
		if (!w.quiet) {
			fputs("Watches established.\n", stderr);
			fflush(stderr);
		}
		setvbuf(stdout, NULL, _IOLBF, 0);
		ret = watch_loop(&w);
	}
	if (w.port)
		CloseClusterNotifyPort(w.port);
	if (w.hc)
		CloseCluster(w.hc);	/* and every object handle */
	return ret;
}
