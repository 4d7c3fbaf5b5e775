// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify sim: a simulated cluster service, the producer side of the
 * module. It registers a cluster, publishes the model's objects, and then
 * plays a script (sim_day.c) or random changes (sim_random.c), posting the
 * V2 events of each change in one batch. The netlink socket is the
 * cluster's session: a scripted restart closes it (the module tells every
 * port CLUSTER_STATE) and registers again (CLUSTER_RECONNECT, then the
 * states that changed meanwhile). At the end the module's directory is
 * compared with the model, so a run proves the events told the whole story.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "sim.h"

#define SYNC_TIMEOUT_MS 2000
#define POLL_MS 20

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int sim_interrupted(void)
{
	return interrupted;
}

uint64_t sim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sleeps, but returns early once SIGINT or SIGTERM arrived. */
void sim_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (!interrupted && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void oom(void)
{
	fprintf(stderr, "clusnotify sim: out of memory\n");
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

/* The events point into copies, so the model may change meanwhile. */
static const void *keep(struct sim *s, const void *data, size_t len)
{
	struct sim_batch *b = &s->b;
	char *copy;

	if (b->nstrs == b->capstrs) {
		size_t cap = b->capstrs ? 2 * b->capstrs : 64;
		char **n = realloc(b->strs, cap * sizeof(*n));

		if (!n)
			oom();
		b->strs = n;
		b->capstrs = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		oom();
	memcpy(copy, data, len);
	copy[len] = 0;
	b->strs[b->nstrs++] = copy;
	return copy;
}

static const char *keep_str(struct sim *s, const char *str)
{
	return str && *str ? keep(s, str, strlen(str)) : NULL;
}

/* The kinds whose event carries the object's state. */
static int carries_state(uint32_t type, uint64_t flag)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_GROUP:
		return flag == SIM_GROUP_STATE || flag == SIM_GROUP_OWNER_NODE;
	case CLUSNOTIFY_OBJ_RESOURCE:
		return flag == SIM_RESOURCE_STATE;
	case CLUSNOTIFY_OBJ_NODE:
		return flag == SIM_NODE_STATE;
	case CLUSNOTIFY_OBJ_NETWORK:
		return flag == SIM_NETWORK_STATE;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:
		return flag == SIM_NETINTERFACE_STATE;
	}
	return 0;
}

/*
 * Queue one V2 event about o (NULL: the cluster itself, or the registry
 * root). Its V1 bit is left to the library (clusnotify_v1_from_v2), and
 * it carries o's name, parent and type name, so that the directory the
 * module folds from the events keeps matching the model.
 */
void sim_emit(struct sim *s, uint32_t type, uint64_t flag,
	      const struct sim_obj *o, const char *parent,
	      const void *payload, uint32_t len)
{
	struct sim_batch *b = &s->b;
	struct clusnotify_event *e;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct clusnotify_event *n = realloc(b->ev, cap * sizeof(*n));

		if (!n)
			oom();
		b->ev = n;
		b->cap = cap;
	}
	e = &b->ev[b->n++];
	memset(e, 0, sizeof(*e));
	e->object_type = type;
	e->v2_flag = flag;
	if (o) {
		e->id = keep_str(s, o->id);
		e->name = keep_str(s, o->name);
		e->parent = keep_str(s, parent ? parent : o->parent);
		e->type_name = keep_str(s, o->type_name);
		if (carries_state(type, flag) && o->has_state) {
			e->state = o->state;
			e->has_state = 1;
		}
	} else if (type == CLUSNOTIFY_OBJ_CLUSTER) {
		e->name = keep_str(s, s->cluster);
	}
	if (len) {
		e->payload = keep(s, payload, len);
		e->payload_len = len;
	}
}

static void batch_reset(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->b.nstrs; i++)
		free(s->b.strs[i]);
	s->b.nstrs = 0;
	s->b.n = 0;
}

void sim_discard(struct sim *s)
{
	batch_reset(s);
}

/*
 * One line per event, for --verbose and --dry-run; "module" lines are the
 * records the module makes itself. The format is stable: the selftest
 * compares it with what a consumer receives.
 */
static void print_event(struct sim *s, const char *who, uint32_t type,
			uint64_t flag, uint32_t v1, const char *name,
			const char *id, const char *parent, int has_state,
			uint32_t state)
{
	fprintf(s->out, "  %s %s %s v1=%s name=\"%s\" id=%s parent=%s state=%s\n",
		who, sim_type_str(type), sim_v2_str(type, flag), sim_v1_str(v1),
		name ? name : "", id && *id ? id : "-",
		parent && *parent ? parent : "-",
		has_state ? sim_state_str(type, state) : "-");
}

static void desc_of(const struct sim_obj *o, struct clusnotify_object_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->type = o->type;
	d->has_state = o->has_state;
	d->state = o->state;
	d->id = o->id;
	d->name = o->name;
	d->parent = *o->parent ? o->parent : NULL;
	d->type_name = *o->type_name ? o->type_name : NULL;
}

/* Registry keys have no *_ADDED event: they are published and removed. */
static int keys_sync(struct sim *s, int alive)
{
	struct clusnotify_object_desc *d;
	size_t n = 0, done = 0;
	int i, ret = 0;

	d = calloc(s->m->n ? s->m->n : 1, sizeof(*d));
	if (!d)
		oom();
	for (i = 0; i < s->m->n; i++) {
		struct sim_obj *o = &s->m->obj[i];

		if (o->type == CLUSNOTIFY_OBJ_REGISTRY && o->alive == alive &&
		    o->in_dir == !alive)
			desc_of(o, &d[n++]);
	}
	if (n && alive)
		ret = clusnotify_objects_publish(s->p, s->cid, d, n, &done);
	else if (n)
		ret = clusnotify_objects_remove(s->p, s->cid, d, n, &done);
	if (ret)
		fprintf(stderr, "clusnotify sim: %s registry keys: %s (%s)\n",
			alive ? "publishing" : "removing", strerror(-ret),
			clusnotify_producer_error(s->p));
	free(d);
	return ret;
}

/* After a post the directory holds what the model holds. */
static void dir_sync(struct sim *s)
{
	int i;

	for (i = 0; i < s->m->n; i++) {
		struct sim_obj *o = &s->m->obj[i];

		o->in_dir = o->alive;
		if (o->alive)
			o->dir_state = o->state;
	}
}

int sim_commit(struct sim *s)
{
	struct clusnotify_post_result res = { 0 };
	size_t i, n = s->b.n;
	int ret = 0;

	if (!n)
		return 0;
	if (s->verbose || s->dry_run) {
		for (i = 0; i < n; i++) {
			const struct clusnotify_event *e = &s->b.ev[i];

			print_event(s, "event", e->object_type, e->v2_flag,
				    clusnotify_v1_from_v2(e->object_type,
							  e->v2_flag),
				    e->name, e->id, e->parent, e->has_state,
				    e->state);
		}
	}
	if (!s->dry_run) {
		ret = keys_sync(s, 1);
		if (!ret) {
			ret = clusnotify_post(s->p, s->cid, s->b.ev, n, &res);
			if (ret)
				fprintf(stderr,
					"clusnotify sim: posting %zu events: %s (%s)\n",
					n, strerror(-ret),
					clusnotify_producer_error(s->p));
			else if (res.posted != n) {
				fprintf(stderr,
					"clusnotify sim: the module applied %llu of %zu events\n",
					(unsigned long long)res.posted, n);
				ret = -EIO;
			}
		}
		if (!ret)
			ret = keys_sync(s, 0);
		s->posted += res.posted;
		s->queued += res.queued;
		s->lost += res.lost;
	} else {
		s->posted += n;
	}
	batch_reset(s);
	if (!ret)
		dir_sync(s);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The session                                                         */
/* ------------------------------------------------------------------ */

static int publish_all(struct sim *s, int announce)
{
	struct clusnotify_object_desc *d;
	size_t n = 0, done = 0;
	int i, ret = 0;

	d = calloc(s->m->n ? s->m->n : 1, sizeof(*d));
	if (!d)
		oom();
	for (i = 0; i < s->m->n; i++) {
		struct sim_obj *o = &s->m->obj[i];

		if (!o->alive)
			continue;
		desc_of(o, &d[n++]);
		/* The module queues *_STATE for what changed meanwhile. */
		if (announce && o->in_dir && o->has_state &&
		    o->state != o->dir_state) {
			s->announced++;
			if (s->verbose || s->dry_run) {
				uint64_t v2;
				uint32_t v1;

				sim_state_kind(o->type, &v2, &v1);
				print_event(s, "module", o->type, v2, v1,
					    o->name, o->id, o->parent, 1,
					    o->state);
			}
		}
	}
	if (!s->dry_run) {
		ret = clusnotify_objects_publish(s->p, s->cid, d, n, &done);
		if (ret)
			fprintf(stderr,
				"clusnotify sim: publishing %zu objects: %s (%s)\n",
				n, strerror(-ret),
				clusnotify_producer_error(s->p));
	}
	free(d);
	if (!ret)
		dir_sync(s);
	return ret;
}

static int open_producer(struct sim *s)
{
	int ret = clusnotify_producer_open(&s->p);

	if (ret == -ENOENT)
		fprintf(stderr,
			"clusnotify sim: the clusnotify module is not loaded (no generic netlink family \"%s\")\n",
			CLUSNOTIFY_GENL_NAME);
	else if (ret)
		fprintf(stderr, "clusnotify sim: netlink: %s\n",
			strerror(-ret));
	return ret;
}

static int register_cluster(struct sim *s)
{
	int ret = clusnotify_cluster_register(s->p, s->cluster, NULL, &s->cid);

	if (!ret)
		return 0;
	if (ret == -EPERM)
		fprintf(stderr,
			"clusnotify sim: registering a cluster needs CAP_SYS_ADMIN (run it as root)\n");
	else if (ret == -EEXIST)
		fprintf(stderr,
			"clusnotify sim: cluster '%s' is already up in another producer's session\n",
			s->cluster);
	else
		fprintf(stderr, "clusnotify sim: registering '%s': %s (%s)\n",
			s->cluster, strerror(-ret),
			clusnotify_producer_error(s->p));
	return ret;
}

int sim_service_down(struct sim *s)
{
	if (s->verbose || s->dry_run)
		print_event(s, "module", CLUSNOTIFY_OBJ_CLUSTER,
			    CLUSNOTIFY_V2_CLUSTER_STATE,
			    CLUSNOTIFY_V1_CLUSTER_STATE, s->cluster, NULL, NULL,
			    1, CLUSNOTIFY_CLUSTER_DOWN);
	if (!s->dry_run) {
		clusnotify_producer_close(s->p);
		s->p = NULL;
	}
	return 0;
}

int sim_service_up(struct sim *s)
{
	uint32_t old = s->cid;
	int ret;

	if (s->verbose || s->dry_run)
		print_event(s, "module", CLUSNOTIFY_OBJ_CLUSTER,
			    CLUSNOTIFY_V2_CLUSTER_RECONNECT,
			    CLUSNOTIFY_V1_CLUSTER_RECONNECT, s->cluster, NULL,
			    NULL, 1, CLUSNOTIFY_CLUSTER_UP);
	if (!s->dry_run) {
		ret = open_producer(s);
		if (!ret)
			ret = register_cluster(s);
		if (ret)
			return ret;
		if (s->cid != old) {
			fprintf(stderr,
				"clusnotify sim: '%s' came back with id %u, not %u\n",
				s->cluster, s->cid, old);
			return -EPROTO;
		}
	}
	return publish_all(s, 1);
}

/* Objects a previous run left in a cluster that is registered again. */
struct stale {
	struct sim *s;
	struct clusnotify_object_desc *d;
	char **ids;
	size_t n, cap;
};

static int collect_stale(const struct clusnotify_object_entry *o, void *arg)
{
	struct stale *st = arg;

	if (sim_find_id(st->s->m, o->type, o->id))
		return 0;
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 32;
		void *d = realloc(st->d, cap * sizeof(*st->d));
		void *ids = realloc(st->ids, cap * sizeof(*st->ids));

		if (!d || !ids)
			oom();
		st->d = d;
		st->ids = ids;
		st->cap = cap;
	}
	st->ids[st->n] = strdup(o->id);
	if (!st->ids[st->n])
		oom();
	memset(&st->d[st->n], 0, sizeof(st->d[0]));
	st->d[st->n].type = o->type;
	st->d[st->n].id = st->ids[st->n];
	st->n++;
	return 0;
}

static int remove_stale(struct sim *s)
{
	struct stale st = { .s = s };
	size_t i;
	int ret;

	ret = clusnotify_objects_list(s->p, s->cid, collect_stale, &st);
	if (!ret && st.n)
		ret = clusnotify_objects_remove(s->p, s->cid, st.d, st.n, NULL);
	if (ret)
		fprintf(stderr, "clusnotify sim: cleaning '%s': %s\n",
			s->cluster, strerror(-ret));
	for (i = 0; i < st.n; i++)
		free(st.ids[i]);
	free(st.ids);
	free(st.d);
	return ret;
}

static void count_types(struct sim_model *m, unsigned int *n)
{
	int i;

	memset(n, 0, (CLUSNOTIFY_OBJ_MAX + 1) * sizeof(*n));
	for (i = 0; i < m->n; i++)
		if (m->obj[i].alive)
			n[m->obj[i].type]++;
}

static int service_start(struct sim *s)
{
	unsigned int n[CLUSNOTIFY_OBJ_MAX + 1];
	int ret;

	if (!s->dry_run) {
		ret = open_producer(s);
		if (!ret)
			ret = register_cluster(s);
		if (!ret)
			ret = remove_stale(s);
		if (ret)
			return ret;
	}
	ret = publish_all(s, 0);
	if (ret)
		return ret;
	count_types(s->m, n);
	fprintf(s->out,
		"%s %s: %u nodes, %u networks, %u network interfaces, %u resource types, %u groups, %u resources, %u registry keys\n",
		s->cluster, s->dry_run ? "(dry run, nothing is posted)" :
		"is registered", n[CLUSNOTIFY_OBJ_NODE],
		n[CLUSNOTIFY_OBJ_NETWORK], n[CLUSNOTIFY_OBJ_NETWORK_INTERFACE],
		n[CLUSNOTIFY_OBJ_RESOURCE_TYPE], n[CLUSNOTIFY_OBJ_GROUP],
		n[CLUSNOTIFY_OBJ_RESOURCE], n[CLUSNOTIFY_OBJ_REGISTRY]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Waiting for consumers                                               */
/* ------------------------------------------------------------------ */

/*
 * How many filters the port (pid, port id) has on cluster cid, from
 * /proc/PID/fdinfo; -1 if that cannot be read (another user's process).
 */
static int fdinfo_filters(pid_t pid, uint64_t port_id, uint32_t cid)
{
	char path[64], want[64], line[512];
	struct dirent *de;
	int found = -1;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	snprintf(want, sizeof(want), "port-id:\t%llu\n",
		 (unsigned long long)port_id);
	while (found < 0 && (de = readdir(dir))) {
		char file[320], prefix[64];
		int mine = 0, n = 0;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		snprintf(prefix, sizeof(prefix), "filter:\tcluster=%u ", cid);
		while (fgets(line, sizeof(line), f)) {
			if (!strcmp(line, want))
				mine = 1;
			else if (!strncmp(line, prefix, strlen(prefix)))
				n++;
		}
		fclose(f);
		if (mine)
			found = n;
	}
	closedir(dir);
	return found;
}

struct port_count {
	struct sim *s;
	pid_t self;
	unsigned int ready;	/* ports with filters on the cluster */
	unsigned int filters;	/* their filters on it */
	unsigned int busy;	/* ports with records waiting */
};

static int count_port(const struct clusnotify_port_entry *pt, void *arg)
{
	struct port_count *c = arg;
	int n;

	if ((pid_t)pt->pid == c->self)
		return 0;
	if (pt->queued)
		c->busy++;
	if (!pt->filters)
		return 0;
	n = fdinfo_filters((pid_t)pt->pid, pt->id, c->s->cid);
	if (n < 0)
		n = (int)pt->filters;	/* cannot tell the cluster: count it */
	if (n > 0) {
		c->ready++;
		c->filters += (unsigned int)n;
	}
	return 0;
}

static int list_ports(struct sim *s, struct port_count *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->s = s;
	c->self = getpid();
	ret = clusnotify_ports_list(s->p, count_port, c);
	if (ret)
		fprintf(stderr, "clusnotify sim: listing ports: %s\n",
			strerror(-ret));
	return ret;
}

/*
 * Wait until want ports of other processes have filters on the cluster
 * and their number of filters stopped growing (a consumer registering
 * several filters one call at a time is seen complete).
 */
static int wait_ports(struct sim *s, unsigned int want, unsigned int secs)
{
	uint64_t deadline = sim_now_ms() + (uint64_t)secs * 1000;
	struct port_count c;
	int last = -1;

	fprintf(s->out, "waiting for %u notification port%s on %s\n", want,
		want == 1 ? "" : "s", s->cluster);
	for (;;) {
		if (list_ports(s, &c))
			return 1;
		if (c.ready >= want && (int)c.filters == last)
			break;
		last = c.ready >= want ? (int)c.filters : -1;
		if (interrupted)
			return 1;
		if (sim_now_ms() > deadline) {
			fprintf(stderr,
				"clusnotify sim: %u of %u notification ports on '%s' after %u s\n",
				c.ready, want, s->cluster, secs);
			return 1;
		}
		sim_sleep_ms(POLL_MS * 2);
	}
	fprintf(s->out, "%u notification port%s listening, with %u filter%s\n",
		c.ready, c.ready == 1 ? " is" : "s are", c.filters,
		c.filters == 1 ? "" : "s");
	return 0;
}

/* --sync: give every consumer the time to read what the step queued. */
static void sync_ports(struct sim *s)
{
	uint64_t deadline = sim_now_ms() + SYNC_TIMEOUT_MS;
	struct port_count c;

	if (!s->sync || s->dry_run || !s->p)
		return;
	while (!interrupted && !list_ports(s, &c) && c.busy &&
	       sim_now_ms() < deadline)
		sim_sleep_ms(POLL_MS / 2);
}

/* ------------------------------------------------------------------ */
/* The story                                                           */
/* ------------------------------------------------------------------ */

void sim_say(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	fputc('\n', s->out);
}

/* A step of a script: pause, then its narrative line. */
int sim_step(struct sim *s, const char *clock, const char *fmt, ...)
{
	unsigned int pace = s->pace_ms;
	va_list ap;

	/*
	 * Half the pace before the narrative, half after it: whoever prints
	 * what the ports received has time to finish the previous step
	 * before this one is told, and this one is told before its events.
	 */
	/* A dry run posts nothing: nobody needs the time to read. */
	if (s->dry_run)
		pace = 0;
	if (s->steps++ > 0) {
		sync_ports(s);
		sim_sleep_ms(pace / 2);
	}
	if (interrupted)
		return -EINTR;
	fprintf(s->out, "%s ", clock);
	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	fputc('\n', s->out);
	sim_sleep_ms(pace - pace / 2);
	return interrupted ? -EINTR : 0;
}

/* ------------------------------------------------------------------ */
/* The final check                                                     */
/* ------------------------------------------------------------------ */

struct verify {
	struct sim *s;
	char *seen;
	int bad, n;
};

static int verify_one(const struct clusnotify_object_entry *e, void *arg)
{
	struct verify *v = arg;
	struct sim_obj *o = sim_find_id(v->s->m, e->type, e->id);

	v->n++;
	if (!o) {
		fprintf(stderr,
			"clusnotify sim: the module has %s '%s' (%s), the model has not\n",
			sim_type_str(e->type), e->name, e->id);
		v->bad++;
		return 0;
	}
	v->seen[sim_index(v->s->m, o)] = 1;
	if (o->has_state && e->state != o->state) {
		fprintf(stderr,
			"clusnotify sim: %s '%s' is %s in the module, %s in the model\n",
			sim_type_str(o->type), o->name,
			sim_state_str(o->type, e->state),
			sim_state_str(o->type, o->state));
		v->bad++;
	}
	if (strcmp(e->name, o->name) || strcmp(e->parent, o->parent)) {
		fprintf(stderr,
			"clusnotify sim: %s '%s' has name '%s' and parent '%s' in the module, not '%s' and '%s'\n",
			sim_type_str(o->type), o->id, e->name, e->parent,
			o->name, o->parent);
		v->bad++;
	}
	return 0;
}

static int verify(struct sim *s)
{
	struct verify v = { .s = s };
	int i, ret;

	v.seen = calloc(s->m->n ? s->m->n : 1, 1);
	if (!v.seen)
		oom();
	ret = clusnotify_objects_list(s->p, s->cid, verify_one, &v);
	if (ret) {
		fprintf(stderr, "clusnotify sim: listing objects: %s\n",
			strerror(-ret));
		v.bad++;
	}
	for (i = 0; !ret && i < s->m->n; i++) {
		if (s->m->obj[i].alive && !v.seen[i]) {
			fprintf(stderr,
				"clusnotify sim: %s '%s' is missing from the module's directory\n",
				sim_type_str(s->m->obj[i].type),
				s->m->obj[i].name);
			v.bad++;
		}
	}
	free(v.seen);
	if (v.bad)
		return 1;
	fprintf(s->out, "the module's directory of %s matches the model (%d objects)\n",
		s->cluster, v.n);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(struct sim *s);
	const char *what;
} scripts[] = {
	{ "day", sim_day, "a day in a three-node cluster's life" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: clusnotify sim --script NAME [--pace MS] [OPTIONS]\n"
		"       clusnotify sim --random [--rate N/s] [--events N] [--duration SECS]\n"
		"                      [--seed S] [OPTIONS]\n"
		"\n"
		"A simulated cluster service: registers a cluster, publishes its\n"
		"nodes, networks, interfaces, resource types, groups, resources and\n"
		"registry keys, and posts their changes. Needs the clusnotify module\n"
		"and CAP_SYS_ADMIN (except with --dry-run).\n"
		"\n"
		"  --script NAME       play a script: day (a day in the cluster's life)\n"
		"  --pace MS           pause between the steps of a script (default 1000)\n"
		"  --random            random, consistent changes of the same model\n"
		"  --rate N[/s]        events per second (default 10; 0: no pause)\n"
		"  --events N          stop after exactly N events\n"
		"  --duration SECS     stop after SECS seconds (suffix s, m or h)\n"
		"  --seed S            seed of the random mode (default 1)\n"
		"  --cluster NAME      the cluster's name (default Contoso)\n"
		"  --nodes N           nodes in the cluster (default 3; the day needs 2)\n"
		"  --wait-ports N      first wait until N notification ports of other\n"
		"                      processes have filters on the cluster\n"
		"  --wait-timeout SECS give up waiting after SECS (default 30)\n"
		"  --sync              after each step, wait until the ports read it\n"
		"  --keep              leave the cluster registered at the end\n"
		"  --dry-run           print the events instead of posting them\n"
		"  -v, --verbose       print every event posted\n"
		"  -h, --help          this text\n");
}

static int bad_value(const char *opt, const char *val, const char *what)
{
	fprintf(stderr, "clusnotify sim: %s: '%s' is not %s\n", opt, val,
		what);
	return CLI_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "12", "12/s", "0.5/s" */
static int parse_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || v > 1e7)
		return -1;
	if (*end && strcmp(end, "/s"))
		return -1;
	*out = v;
	return 0;
}

/* "30", "30s", "2m", "1h" */
static int parse_duration(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v <= 0)
		return -1;
	if (!strcmp(end, "m"))
		v *= 60;
	else if (!strcmp(end, "h"))
		v *= 3600;
	else if (*end && strcmp(end, "s"))
		return -1;
	if (v > 86400 * 365)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_SCRIPT = 256, OPT_PACE, OPT_RANDOM, OPT_RATE, OPT_EVENTS,
	OPT_DURATION, OPT_SEED, OPT_CLUSTER, OPT_NODES, OPT_WAIT_PORTS,
	OPT_WAIT_TIMEOUT, OPT_SYNC, OPT_KEEP, OPT_DRY_RUN,
};

int cmd_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "script", required_argument, NULL, OPT_SCRIPT },
		{ "pace", required_argument, NULL, OPT_PACE },
		{ "random", no_argument, NULL, OPT_RANDOM },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "cluster", required_argument, NULL, OPT_CLUSTER },
		{ "nodes", required_argument, NULL, OPT_NODES },
		{ "wait-ports", required_argument, NULL, OPT_WAIT_PORTS },
		{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
		{ "sync", no_argument, NULL, OPT_SYNC },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *script = NULL, *random_only = NULL;
	uint64_t v, events = 0, seed = 1, nodes = 3, wait = 0, wait_secs = 30;
	uint64_t pace = 1000;
	double rate = 10, duration = 0;
	int random = 0, pace_set = 0, c, ret = 1;
	struct sigaction sa;
	struct sim s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.cluster = "Contoso";
	s.out = stdout;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SCRIPT:
			script = optarg;
			break;
		case OPT_PACE:
			if (parse_u64(optarg, 600000, &pace))
				return bad_value("--pace", optarg,
						 "milliseconds (0 to 600000)");
			pace_set = 1;
			break;
		case OPT_RANDOM:
			random = 1;
			break;
		case OPT_RATE:
			if (parse_rate(optarg, &rate))
				return bad_value("--rate", optarg,
						 "a rate such as 100/s");
			random_only = "--rate";
			break;
		case OPT_EVENTS:
			if (parse_u64(optarg, UINT64_MAX, &events) || !events)
				return bad_value("--events", optarg,
						 "a positive count");
			random_only = "--events";
			break;
		case OPT_DURATION:
			if (parse_duration(optarg, &duration))
				return bad_value("--duration", optarg,
						 "a duration such as 30s or 2m");
			random_only = "--duration";
			break;
		case OPT_SEED:
			if (parse_u64(optarg, UINT64_MAX, &seed))
				return bad_value("--seed", optarg,
						 "an unsigned number");
			random_only = "--seed";
			break;
		case OPT_CLUSTER:
			if (!*optarg || strlen(optarg) > CLUSNOTIFY_NAME_MAX)
				return bad_value("--cluster", optarg,
						 "a cluster name (1 to 1023 bytes)");
			s.cluster = optarg;
			break;
		case OPT_NODES:
			if (parse_u64(optarg, SIM_MAX_NODES, &nodes) || !nodes)
				return bad_value("--nodes", optarg,
						 "a number of nodes (1 to 32)");
			break;
		case OPT_WAIT_PORTS:
			if (parse_u64(optarg, 4096, &wait))
				return bad_value("--wait-ports", optarg,
						 "a number of ports (0 to 4096)");
			break;
		case OPT_WAIT_TIMEOUT:
			if (parse_u64(optarg, 86400, &v) || !v)
				return bad_value("--wait-timeout", optarg,
						 "seconds (1 to 86400)");
			wait_secs = v;
			break;
		case OPT_SYNC:
			s.sync = 1;
			break;
		case OPT_KEEP:
			s.keep = 1;
			break;
		case OPT_DRY_RUN:
			s.dry_run = 1;
			break;
		case 'v':
			s.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "clusnotify sim: %s needs a value\n",
				argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			fprintf(stderr, "clusnotify sim: unknown option '%s'\n",
				argv[optind - 1]);
			fprintf(stderr, "Try 'clusnotify sim --help'.\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "clusnotify sim: unexpected argument '%s'\n",
			argv[optind]);
		return CLI_EXIT_USAGE;
	}
	if (!!script == random) {
		fprintf(stderr,
			"clusnotify sim: give either --script NAME or --random\n");
		return CLI_EXIT_USAGE;
	}
	if (script && random_only) {
		fprintf(stderr, "clusnotify sim: %s goes with --random only\n",
			random_only);
		return CLI_EXIT_USAGE;
	}
	if (random && pace_set) {
		fprintf(stderr,
			"clusnotify sim: --pace goes with --script; --random has --rate\n");
		return CLI_EXIT_USAGE;
	}
	for (i = 0; script && i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (!strcmp(script, scripts[i].name))
			break;
	if (script && i == sizeof(scripts) / sizeof(scripts[0])) {
		fprintf(stderr, "clusnotify sim: unknown script '%s' (scripts:",
			script);
		for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
			fprintf(stderr, " %s", scripts[i].name);
		fprintf(stderr, ")\n");
		return CLI_EXIT_USAGE;
	}
	if (script && nodes < 2) {
		fprintf(stderr,
			"clusnotify sim: the %s script needs at least 2 nodes\n",
			script);
		return CLI_EXIT_USAGE;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	s.pace_ms = (unsigned int)pace;
	s.m = malloc(sizeof(*s.m));
	if (!s.m)
		oom();
	sim_model_init(s.m, (unsigned int)nodes);
	if (random)
		sim_model_steady(s.m);

	if (service_start(&s))
		goto out;
	if (wait && !s.dry_run && wait_ports(&s, (unsigned int)wait,
					     (unsigned int)wait_secs))
		goto out;
	if (script)
		ret = scripts[i].fn(&s);
	else
		ret = sim_random(&s, seed, events, duration, rate);
	sync_ports(&s);
	if (s.p && !s.dry_run && verify(&s))
		ret = 1;
	/* Unregistered now, or down when this process exits: CLUSTER_STATE. */
	if ((s.verbose || s.dry_run) && (s.p || s.dry_run))
		print_event(&s, "module", CLUSNOTIFY_OBJ_CLUSTER,
			    CLUSNOTIFY_V2_CLUSTER_STATE,
			    CLUSNOTIFY_V1_CLUSTER_STATE, s.cluster, NULL, NULL,
			    1, CLUSNOTIFY_CLUSTER_DOWN);
	if (s.p && !s.keep) {
		int r = clusnotify_cluster_unregister(s.p, s.cid);

		if (r) {
			fprintf(stderr, "clusnotify sim: unregistering: %s\n",
				strerror(-r));
			ret = 1;
		} else {
			fprintf(s.out, "%s is unregistered\n", s.cluster);
		}
	} else if (s.p) {
		fprintf(s.out,
			"%s stays registered (down once this process exits)\n",
			s.cluster);
	}
	if (s.dry_run)
		fprintf(s.out, "%llu events would be posted",
			(unsigned long long)s.posted);
	else
		fprintf(s.out,
			"%llu events posted: %llu records queued on notification ports, %llu lost",
			(unsigned long long)s.posted,
			(unsigned long long)s.queued,
			(unsigned long long)s.lost);
	if (s.announced)
		fprintf(s.out, "; %llu state%s announced by the module after the reconnect",
			(unsigned long long)s.announced,
			s.announced == 1 ? "" : "s");
	fputc('\n', s.out);
out:
	sim_discard(&s);
	free(s.b.ev);
	free(s.b.strs);
	clusnotify_producer_close(s.p);
	free(s.m);
	return ret;
}
