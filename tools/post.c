// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify post: be a producer for a moment. Events can only be posted
 * by the netlink session that registered their cluster (EVENT_POST is
 * session-only), so post registers the cluster itself (creating it, or
 * bringing it back up if it is down), publishes and removes the objects
 * and posts the events it is given, in order, and ends its session on
 * exit: the cluster goes down then (its ports receive CLUSTER_STATE) but
 * keeps its objects and filters, and the next post brings it back up
 * (CLUSTER_RECONNECT). --unregister removes the cluster for good instead;
 * --hold keeps the session until a signal.
 *
 * What to post comes as lines of the batch format (man/clusnotify.1):
 * from a file (-f), or one line given as the words of the command line.
 * Everything is parsed before anything is sent, so a line that does not
 * parse posts nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "cli.h"
#include "commands.h"
#include "names.h"
#include "props.h"

#define POST_MAX_WORDS 16

enum post_kind { POST_OBJECT, POST_REMOVE, POST_EVENT };

struct post_ent {
	enum post_kind kind;
	unsigned long line;
	struct clusnotify_object_desc obj;	/* object, remove */
	struct clusnotify_event ev;		/* event */
	char *strs[5];				/* what the above point to */
	unsigned char *payload;
};

struct post {
	const char *cluster;
	const char *file;	/* NULL: the command line's words */
	struct clusnotify_cluster_opts opts;
	int uid_set, gid_set, mode_set, def;
	int unregister, hold, verbose;
	struct post_ent *ents;
	size_t n, cap;
	uint32_t id;
	/* what was done, for --verbose */
	size_t published, removed;
	struct clusnotify_post_result res;
};

static void post_usage(FILE *f)
{
	fputs("usage: clusnotify post -c CLUSTER [--uid UID] [--gid GID] [--mode MODE]\n"
	      "                       [--default] [--unregister | --hold] [-v] -f FILE\n"
	      "       clusnotify post -c CLUSTER [OPTIONS] [--] DIRECTIVE WORD...\n"
	      "\n"
	      "Register CLUSTER in this process's producer session, then publish objects\n"
	      "and post events, read as batch lines from FILE ('-': standard input) or\n"
	      "given as one line on the command line. The cluster goes down when post\n"
	      "exits. Needs CAP_SYS_ADMIN.\n"
	      "\n"
	      "  -c, --cluster NAME   the cluster to register and post to\n"
	      "  -f, --file FILE      batch lines to post\n"
	      "      --uid, --gid N   owner of the cluster (default: as it was, else 0)\n"
	      "      --mode MODE      its access mode, octal (default: as it was, else 0644)\n"
	      "      --default        make it the default cluster\n"
	      "      --unregister     unregister the cluster at the end (not just down)\n"
	      "      --hold           keep the cluster up until SIGINT, SIGTERM or SIGHUP\n"
	      "  -v, --verbose        report what was posted and the queued and lost counts\n"
	      "\n"
	      "Batch lines ('#' starts a comment):\n"
	      "  object TYPE ID [name=NAME] [parent=ID] [restype=NAME] [state=STATE]\n"
	      "  remove TYPE ID\n"
	      "  event TYPE FLAG|- [id=ID] [name=NAME] [parent=ID] [restype=NAME]\n"
	      "        [state=STATE] [v1=FLAG|none] [payload=HEX | prop=NAME:TYPE:VALUE...]\n", f);
}

/* --- parsing ------------------------------------------------------- */

static char post_errbuf[512];

__attribute__((format(printf, 1, 2)))
static const char *post_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(post_errbuf, sizeof(post_errbuf), fmt, ap);
	va_end(ap);
	return post_errbuf;
}

/*
 * Split a file line into words, in place: blanks separate words, '#'
 * outside quotes starts a comment, and "..." quotes (with \" \\ \n \t)
 * may make up a word or a part of one (name="SQL Server").
 */
static const char *post_split(char *line, char **words, int *nwords)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		int inword = 0;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			break;
		if (n == POST_MAX_WORDS)
			return post_fail("more than %d words", POST_MAX_WORDS);
		words[n++] = w = r;
		while (*r && (inword || (*r != ' ' && *r != '\t' &&
					 *r != '\n' && *r != '\r'))) {
			if (*r == '"') {
				inword = !inword;
				r++;
				continue;
			}
			if (inword && *r == '\\') {
				r++;
				switch (*r) {
				case '"':
				case '\\':
					*w++ = *r++;
					continue;
				case 'n':
					*w++ = '\n';
					r++;
					continue;
				case 't':
					*w++ = '\t';
					r++;
					continue;
				default:
					return post_fail("unknown escape '\\%c' in quotes",
							 *r ? *r : '0');
				}
			}
			*w++ = *r++;
		}
		if (inword)
			return post_fail("unterminated quote");
		if (*r)
			r++;
		*w = 0;
	}
	*nwords = n;
	return NULL;
}

static const char *post_state_names(uint32_t type)
{
	static char buf[256];
	const struct names_entry *t;
	size_t n, i, len = 0;

	t = names_state_table(type, &n);
	if (!n)
		return "a number";
	buf[0] = 0;
	for (i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
				i ? ", " : "", t[i].name);
	return buf;
}

static const char *post_hex(const char *s, unsigned char **out, uint32_t *len)
{
	size_t n = strlen(s), i;
	unsigned char *b;

	if (n % 2)
		return post_fail("payload: an odd number of hex digits");
	if (n / 2 > CLUSNOTIFY_PAYLOAD_MAX)
		return post_fail("payload: more than %u bytes",
				 CLUSNOTIFY_PAYLOAD_MAX);
	b = malloc(n / 2 + 1);
	if (!b)
		return post_fail("out of memory");
	for (i = 0; i < n / 2; i++) {
		unsigned int v;
		char pair[3] = { s[2 * i], s[2 * i + 1], 0 };

		if (!strchr("0123456789abcdefABCDEF", pair[0]) ||
		    !strchr("0123456789abcdefABCDEF", pair[1]) ||
		    sscanf(pair, "%2x", &v) != 1) {
			free(b);
			return post_fail("payload: '%s' is not hex", pair);
		}
		b[i] = (unsigned char)v;
	}
	*out = b;
	*len = (uint32_t)(n / 2);
	return NULL;
}

/* The kinds only the module makes (see the uapi header). */
static int post_v2_kernel_only(uint32_t type, uint64_t flag)
{
	const char *n = names_v2(type, flag);

	if (n && strstr(n, "HANDLE_CLOSE"))
		return 1;
	if (type == CLUSNOTIFY_OBJ_CLUSTER)
		return flag == CLUSTER_CHANGE_CLUSTER_RECONNECT_V2 ||
		       flag == CLUSTER_CHANGE_CLUSTER_STATE_V2 ||
		       flag == CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2;
	return type == CLUSNOTIFY_OBJ_REGISTRY &&
	       flag == CLUSTER_CHANGE_REGISTRY_SUBTREE_V2;
}

static int post_v1_kernel_only(uint32_t bit)
{
	return bit == CLUSTER_CHANGE_HANDLE_CLOSE ||
	       bit == CLUSTER_CHANGE_CLUSTER_RECONNECT ||
	       bit == CLUSTER_CHANGE_CLUSTER_STATE ||
	       bit == CLUSTER_CHANGE_REGISTRY_SUBTREE;
}

static char *post_dup(struct post_ent *e, int slot, const char *s)
{
	e->strs[slot] = strdup(s);
	return e->strs[slot];
}

/* The words of one line into e, its prop= fields into *plp. */
static const char *post_parse_line(char **words, int n, struct post_ent *e,
				   struct clusnotify_proplist *plp)
{
	const char *what = words[0];
	uint32_t type, state = 0;
	int has_state = 0, i, seen_v1 = 0;
	const char *err = NULL;

	if (!strcasecmp(what, "object"))
		e->kind = POST_OBJECT;
	else if (!strcasecmp(what, "remove"))
		e->kind = POST_REMOVE;
	else if (!strcasecmp(what, "event"))
		e->kind = POST_EVENT;
	else
		return post_fail("unknown directive '%s' (object, remove or event)",
				 what);
	if (n < 3)
		return post_fail("%s needs a type and %s", what,
				 e->kind == POST_EVENT ? "a flag" : "an id");
	if (names_type_parse(words[1], &type))
		return post_fail("unknown object type '%s'", words[1]);
	if (e->kind == POST_REMOVE && n > 3)
		return post_fail("remove takes a type and an id only");
	if (e->kind == POST_EVENT) {
		e->ev.object_type = type;
		if (strcmp(words[2], "-")) {
			if (names_v2_parse(type, words[2], &e->ev.v2_flag) ||
			    !strcasecmp(words[2], "ALL"))
				return post_fail("unknown V2 flag '%s' for type %s",
						 words[2], names_type(type));
			if (post_v2_kernel_only(type, e->ev.v2_flag))
				return post_fail("%s is made by the module only and cannot be posted",
						 names_short(names_v2(type,
								      e->ev.v2_flag)));
		}
	} else {
		e->obj.type = type;
		if (!post_dup(e, 0, words[2]))
			return post_fail("out of memory");
		e->obj.id = e->strs[0];
	}
	for (i = 3; i < n; i++) {
		char *eq = strchr(words[i], '=');
		const char *key = words[i], *val;
		int slot;

		if (!eq)
			return post_fail("'%s' is not a key=value field",
					 words[i]);
		*eq = 0;
		val = eq + 1;
		if (!strcmp(key, "state")) {
			if (has_state)
				return post_fail("state given twice");
			if (names_state_parse(type, val, &state))
				return post_fail("unknown state '%s' for %s (%s)",
						 val, names_type(type),
						 post_state_names(type));
			has_state = 1;
			continue;
		}
		if (e->kind == POST_EVENT && !strcmp(key, "v1")) {
			uint32_t bit;

			if (seen_v1++)
				return post_fail("v1 given twice");
			if (!strcasecmp(val, "none")) {
				e->ev.flags |= CLUSNOTIFY_EVENT_NO_V1;
				continue;
			}
			if (names_v1_parse(val, &bit) || (bit & (bit - 1)))
				return post_fail("unknown V1 flag '%s'", val);
			if (post_v1_kernel_only(bit))
				return post_fail("%s is made by the module only and cannot be posted",
						 names_short(names_v1(bit)));
			e->ev.v1_change = bit;
			continue;
		}
		if (e->kind == POST_EVENT && !strcmp(key, "prop")) {
			if (e->payload)
				return post_fail("payload= and prop= cannot be mixed");
			err = props_add(plp, val);
			if (err)
				break;
			continue;
		}
		if (e->kind == POST_EVENT && !strcmp(key, "payload")) {
			if (e->payload)
				return post_fail("payload given twice");
			if (plp->count) {
				err = post_fail("payload= and prop= cannot be mixed");
				break;
			}
			err = post_hex(val, &e->payload, &e->ev.payload_len);
			if (err)
				return err;
			e->ev.payload = e->payload;
			continue;
		}
		if (e->kind == POST_EVENT && !strcmp(key, "id"))
			slot = 0;
		else if (!strcmp(key, "name"))
			slot = 1;
		else if (!strcmp(key, "parent"))
			slot = 2;
		else if (!strcmp(key, "restype"))
			slot = 3;
		else
			return post_fail("unknown field '%s' (%s)", key,
					 e->kind == POST_EVENT ?
					 "id, name, parent, restype, state, v1, payload, prop" :
					 "name, parent, restype, state");
		if (e->strs[slot] && slot)
			return post_fail("%s given twice", key);
		if (e->kind == POST_EVENT && !slot && e->strs[0])
			return post_fail("id given twice");
		if (slot == 1 && !*val)
			return post_fail("name cannot be empty");
		if (strlen(val) > CLUSNOTIFY_NAME_MAX)
			return post_fail("%s longer than %u bytes", key,
					 CLUSNOTIFY_NAME_MAX);
		if (!post_dup(e, slot, val))
			return post_fail("out of memory");
	}
	if (!err && plp->count) {
		size_t len;
		const void *data = clusnotify_proplist_data(plp, &len);

		if (!data || len > CLUSNOTIFY_PAYLOAD_MAX) {
			err = post_fail("the properties take more than %u bytes",
					CLUSNOTIFY_PAYLOAD_MAX);
		} else {
			e->payload = malloc(len);
			if (!e->payload) {
				err = "out of memory";
			} else {
				memcpy(e->payload, data, len);
				e->ev.payload = e->payload;
				e->ev.payload_len = (uint32_t)len;
			}
		}
	}
	if (err)
		return err;
	if (strlen(words[2]) > CLUSNOTIFY_NAME_MAX)
		return post_fail("id longer than %u bytes", CLUSNOTIFY_NAME_MAX);
	if (e->kind == POST_EVENT) {
		if (!e->ev.v2_flag && !e->ev.v1_change)
			return post_fail("an event with no V2 flag ('-') needs v1=FLAG");
		e->ev.id = e->strs[0];
		e->ev.name = e->strs[1];
		e->ev.parent = e->strs[2];
		e->ev.type_name = e->strs[3];
		e->ev.state = state;
		e->ev.has_state = has_state;
	} else {
		e->obj.name = e->strs[1];
		e->obj.parent = e->strs[2];
		e->obj.type_name = e->strs[3];
		e->obj.state = has_state ? state : 0;
		e->obj.has_state = has_state;
	}
	return NULL;
}

/* The words of one line into e; NULL or the message. */
static const char *post_parse_words(char **words, int n, struct post_ent *e)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	const char *err = post_parse_line(words, n, e, &pl);

	clusnotify_proplist_free(&pl);
	return err;
}

static void post_ent_free(struct post_ent *e)
{
	int i;

	for (i = 0; i < 5; i++)
		free(e->strs[i]);
	free(e->payload);
}

static struct post_ent *post_new_ent(struct post *p, unsigned long line)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct post_ent *r = realloc(p->ents, cap * sizeof(*r));

		if (!r)
			return NULL;
		p->ents = r;
		p->cap = cap;
	}
	memset(&p->ents[p->n], 0, sizeof(p->ents[0]));
	p->ents[p->n].line = line;
	return &p->ents[p->n++];
}

static int post_read_file(struct post *p)
{
	FILE *f = strcmp(p->file, "-") ? fopen(p->file, "r") : stdin;
	unsigned long lineno = 0;
	char *line = NULL, *words[POST_MAX_WORDS];
	size_t cap = 0;
	int ret = 0, n = 0;

	if (!f) {
		cli_err("%s: %s", p->file, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	while (getline(&line, &cap, f) >= 0) {
		const char *err;
		struct post_ent *e;

		lineno++;
		err = post_split(line, words, &n);
		if (!err && !n)
			continue;
		e = err ? NULL : post_new_ent(p, lineno);
		if (!err && !e)
			err = "out of memory";
		if (!err) {
			err = post_parse_words(words, n, e);
			if (err)
				post_ent_free(e), p->n--;
		}
		if (err) {
			cli_err("%s:%lu: %s (nothing was posted)", p->file,
				lineno, err);
			ret = CLI_EXIT_DATAERR;
			break;
		}
	}
	if (!ret && ferror(f)) {
		cli_err("%s: %s", p->file, strerror(errno));
		ret = CLI_EXIT_ERROR;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

/* --- sending ------------------------------------------------------- */

struct post_find {
	const char *name;
	struct clusnotify_cluster_entry found;
	int hit;
};

static int post_find_cb(const struct clusnotify_cluster_entry *c, void *arg)
{
	struct post_find *f = arg;

	if (strcasecmp(c->name, f->name))
		return 0;
	f->found = *c;
	f->hit = 1;
	return 1;
}

/*
 * Options not given keep what the cluster had, so that posting to a
 * cluster does not silently reopen it to everybody.
 */
static int post_opts(struct post *p, clusnotify_producer *pr)
{
	struct post_find f = { p->cluster, { 0 }, 0 };
	int ret = clusnotify_clusters_list(pr, post_find_cb, &f);

	if (ret < 0) {
		cli_err("listing the clusters: %s", strerror(-ret));
		return CLI_EXIT_ERROR;
	}
	if (f.hit) {
		if (!p->uid_set)
			p->opts.uid = f.found.uid;
		if (!p->gid_set)
			p->opts.gid = f.found.gid;
		if (!p->mode_set)
			p->opts.mode = f.found.mode;
		p->opts.flags = f.found.flags;
	}
	if (p->def)
		p->opts.flags |= CLUSNOTIFY_CLUSTER_F_DEFAULT;
	return 0;
}

static int post_register(struct post *p, clusnotify_producer *pr)
{
	int ret = clusnotify_cluster_register(pr, p->cluster, &p->opts,
					      &p->id);

	switch (ret) {
	case 0:
		return 0;
	case -EPERM:
		cli_err("permission denied: registering cluster '%s' needs CAP_SYS_ADMIN",
			p->cluster);
		break;
	case -EEXIST:
		cli_err("cluster '%s' is up in another producer's session: post registers the cluster itself and needs one that no producer holds",
			p->cluster);
		break;
	case -ENOSPC:
		cli_err("cannot register cluster '%s': too many clusters (module parameter max_clusters)",
			p->cluster);
		break;
	case -EILSEQ:
		cli_err("cluster name '%s' is not valid UTF-8", p->cluster);
		break;
	case -ENAMETOOLONG:
		cli_err("cluster name longer than %u bytes",
			CLUSNOTIFY_NAME_MAX);
		break;
	default:
		cli_err("cannot register cluster '%s': %s%s%s", p->cluster,
			strerror(-ret),
			*clusnotify_producer_error(pr) ? ": " : "",
			clusnotify_producer_error(pr));
	}
	return CLI_EXIT_ERROR;
}

/*
 * A refused batch: name the line of the entry the kernel named ("event
 * 3: ..." counts from 0 within the array), or the first of the group.
 */
static void post_refused(struct post *p, size_t first, size_t count,
			 size_t applied, int err, clusnotify_producer *pr)
{
	const char *msg = clusnotify_producer_error(pr), *text = msg;
	size_t idx = applied < count ? applied : 0;
	unsigned long line;
	char word[16];
	size_t k;
	int used = 0;

	if (sscanf(msg, "%15s %zu%n", word, &k, &used) == 2 &&
	    (!strcmp(word, "event") || !strcmp(word, "object")) &&
	    k < count) {
		idx = k;
		text = msg + used;
		if (*text == ':')
			text++;
		while (*text == ' ')
			text++;
	}
	line = p->ents[first + idx].line;
	if (p->file)
		fprintf(stderr, "clusnotify post: %s:%lu: ", p->file, line);
	else
		fprintf(stderr, "clusnotify post: ");
	switch (err) {
	case -EPERM:
		fprintf(stderr, "permission denied (CAP_SYS_ADMIN needed)");
		break;
	case -ENOSPC:
		fprintf(stderr, "the cluster's directory is full (module parameter max_objects)");
		break;
	case -ENOENT:
		fprintf(stderr, "no such object");
		break;
	default:
		fprintf(stderr, "refused: %s", strerror(-err));
	}
	if (*text)
		fprintf(stderr, ": %s", text);
	fprintf(stderr, "\n");
	if (first + applied)
		fprintf(stderr, "clusnotify post: the %zu entries before it were applied\n",
			first + applied);
}

static int post_send(struct post *p, clusnotify_producer *pr)
{
	size_t i = 0, j, k;
	int ret;

	while (i < p->n) {
		enum post_kind kind = p->ents[i].kind;
		size_t done = 0;

		for (j = i; j < p->n && p->ents[j].kind == kind; j++)
			;
		if (kind == POST_EVENT) {
			struct clusnotify_event *ev = calloc(j - i, sizeof(*ev));
			struct clusnotify_post_result r;

			if (!ev)
				return CLI_EXIT_ERROR;
			for (k = i; k < j; k++)
				ev[k - i] = p->ents[k].ev;
			ret = clusnotify_post(pr, p->id, ev, j - i, &r);
			free(ev);
			p->res.posted += r.posted;
			p->res.queued += r.queued;
			p->res.lost += r.lost;
			done = (size_t)r.posted;
		} else {
			struct clusnotify_object_desc *o = calloc(j - i,
								  sizeof(*o));

			if (!o)
				return CLI_EXIT_ERROR;
			for (k = i; k < j; k++)
				o[k - i] = p->ents[k].obj;
			if (kind == POST_OBJECT)
				ret = clusnotify_objects_publish(pr, p->id, o,
								 j - i, &done);
			else
				ret = clusnotify_objects_remove(pr, p->id, o,
								j - i, &done);
			free(o);
			if (kind == POST_OBJECT)
				p->published += done;
			else
				p->removed += done;
		}
		if (ret) {
			post_refused(p, i, j - i, done, ret, pr);
			return CLI_EXIT_ERROR;
		}
		i = j;
	}
	return 0;
}

static int post_wait_signal(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	return sigwait(&set, &sig);
}

enum {
	OPT_UID = 256,
	OPT_GID,
	OPT_MODE,
	OPT_DEFAULT,
	OPT_UNREGISTER,
	OPT_HOLD,
};

int cmd_post(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "gid", required_argument, NULL, OPT_GID },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "default", no_argument, NULL, OPT_DEFAULT },
		{ "unregister", no_argument, NULL, OPT_UNREGISTER },
		{ "hold", no_argument, NULL, OPT_HOLD },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	clusnotify_producer *pr = NULL;
	struct post p;
	int c, ret;
	size_t i;

	memset(&p, 0, sizeof(p));
	cli_cmd = "post";
	opterr = 0;
	/* '+': the line's words may start with '-' (the "-" flag). */
	while ((c = getopt_long(argc, argv, "+:c:f:vh", opts, NULL)) != -1) {
		char *end;
		unsigned long m;

		switch (c) {
		case 'c':
			if (!*optarg)
				return cli_usage_err("a cluster name cannot be empty");
			p.cluster = optarg;
			break;
		case 'f':
			p.file = optarg;
			break;
		case OPT_UID:
			if (cli_parse_u32(optarg, &p.opts.uid))
				return cli_usage_err("bad uid '%s'", optarg);
			p.uid_set = 1;
			break;
		case OPT_GID:
			if (cli_parse_u32(optarg, &p.opts.gid))
				return cli_usage_err("bad gid '%s'", optarg);
			p.gid_set = 1;
			break;
		case OPT_MODE:
			errno = 0;
			m = strtoul(optarg, &end, 8);
			if (*optarg < '0' || *optarg > '7' || *end || errno ||
			    !m || m > 0777)
				return cli_usage_err("bad mode '%s': octal, 1 to 0777",
						     optarg);
			p.opts.mode = (uint32_t)m;
			p.mode_set = 1;
			break;
		case OPT_DEFAULT:
			p.def = 1;
			break;
		case OPT_UNREGISTER:
			p.unregister = 1;
			break;
		case OPT_HOLD:
			p.hold = 1;
			break;
		case 'v':
			p.verbose = 1;
			break;
		case 'h':
			post_usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_getopt_err(c, argv);
		}
	}
	if (!p.cluster)
		return cli_usage_err("post needs -c CLUSTER: it registers that cluster");
	if (p.unregister && p.hold)
		return cli_usage_err("--unregister and --hold cannot be mixed");
	if (p.file && optind < argc)
		return cli_usage_err("give -f FILE or a line on the command line, not both");
	if (p.file) {
		ret = post_read_file(&p);
		if (ret)
			goto out;
	} else if (optind < argc) {
		struct post_ent *e = post_new_ent(&p, 0);
		const char *err;

		if (argc - optind > POST_MAX_WORDS)
			return cli_usage_err("more than %d words",
					     POST_MAX_WORDS);
		/* The shell has split and unquoted the words already. */
		err = e ? post_parse_words(argv + optind, argc - optind, e) :
			  "out of memory";
		if (err) {
			ret = cli_usage_err("%s (nothing was posted)", err);
			goto out;
		}
	}
	if (cli_module_check()) {
		ret = CLI_EXIT_ERROR;
		goto out;
	}
	ret = cli_producer_open(&pr);
	if (ret)
		goto out;
	ret = post_opts(&p, pr);
	if (!ret)
		ret = post_register(&p, pr);
	if (!ret)
		ret = post_send(&p, pr);
	if (!ret && p.verbose)
		printf("cluster %s (id %u): %zu objects published, %zu removed, %" PRIu64
		       " events posted, %" PRIu64 " records queued, %" PRIu64 " lost\n",
		       p.cluster, p.id, p.published, p.removed, p.res.posted,
		       p.res.queued, p.res.lost);
	if (!ret && p.unregister) {
		int err = clusnotify_cluster_unregister(pr, p.id);

		if (err) {
			cli_err("unregistering cluster '%s': %s", p.cluster,
				strerror(-err));
			ret = CLI_EXIT_ERROR;
		}
	}
	if (!ret && p.hold) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigprocmask(SIG_BLOCK, &set, NULL);
		fflush(stdout);
		post_wait_signal();
	}
out:
	clusnotify_producer_close(pr);	/* ends the session: cluster down */
	for (i = 0; i < p.n; i++)
		post_ent_free(&p.ents[i]);
	free(p.ents);
	return ret;
}
