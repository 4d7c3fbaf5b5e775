// SPDX-License-Identifier: GPL-2.0
/*
 * The random mode: changes picked at random, but only those the model
 * allows in its current state (a failed node's groups fail over to a node
 * that is up, only an online resource fails, a paused node resumes...), so
 * the events always tell a consistent story. The generator is our own and
 * seeded, so a seed replays the same story on any machine; with --events
 * N exactly N events are posted: a change that would overshoot is undone
 * in the model and another one, down to a one-event change, is picked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define WHAT_MAX 512

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(uint64_t *state, unsigned int n)
{
	return n ? (unsigned int)(rnd(state) % n) : 0;
}

typedef int (*obj_pred)(struct sim_model *m, const struct sim_obj *o);

/* A random live object of the type that pred accepts, or NULL. */
static struct sim_obj *pick(struct sim_model *m, uint64_t *rs, uint32_t type,
			    obj_pred pred)
{
	int i, n = 0, k;

	for (i = 0; i < m->n; i++)
		n += m->obj[i].alive && m->obj[i].type == type &&
		     (!pred || pred(m, &m->obj[i]));
	if (!n)
		return NULL;
	k = (int)below(rs, (unsigned int)n);
	for (i = 0; i < m->n; i++)
		if (m->obj[i].alive && m->obj[i].type == type &&
		    (!pred || pred(m, &m->obj[i])) && k-- == 0)
			return &m->obj[i];
	return NULL;
}

static int up_nodes(struct sim_model *m)
{
	unsigned int i;
	int n = 0;

	for (i = 1; i <= m->nodes; i++)
		n += sim_node(m, i)->state == SIM_NODE_UP;
	return n;
}

static int res_online(struct sim_model *m, const struct sim_obj *o)
{
	struct sim_obj *g = sim_find_id(m, CLUSNOTIFY_OBJ_GROUP, o->parent);

	return o->state == SIM_RES_ONLINE && g && g->state == SIM_GROUP_ONLINE;
}

static int group_online(struct sim_model *m, const struct sim_obj *o)
{
	(void)m;
	return o->state == SIM_GROUP_ONLINE;
}

static int group_can_stop(struct sim_model *m, const struct sim_obj *o)
{
	(void)m;
	return o->state == SIM_GROUP_ONLINE && !o->core;
}

static int group_offline(struct sim_model *m, const struct sim_obj *o)
{
	(void)m;
	return o->state == SIM_GROUP_OFFLINE;
}

static int node_up(struct sim_model *m, const struct sim_obj *o)
{
	(void)m;
	return o->state == SIM_NODE_UP;
}

static int node_paused(struct sim_model *m, const struct sim_obj *o)
{
	(void)m;
	return o->state == SIM_NODE_PAUSED;
}

static int node_down(struct sim_model *m, const struct sim_obj *o)
{
	(void)m;
	return o->state == SIM_NODE_DOWN;
}

/* A node may fail if another node is up to take its groups. */
static int node_can_fail(struct sim_model *m, const struct sim_obj *o)
{
	int up = up_nodes(m) - (o->state == SIM_NODE_UP);

	return (o->state == SIM_NODE_UP || o->state == SIM_NODE_PAUSED) &&
	       up > 0;
}

static const char *node_name(struct sim_model *m, const char *id)
{
	struct sim_obj *n = sim_find_id(m, CLUSNOTIFY_OBJ_NODE, id);

	return n ? n->name : "?";
}

enum action {
	A_RESTART, A_MOVE, A_STOP, A_START, A_PAUSE, A_RESUME, A_FAIL, A_JOIN,
	A_PROPERTY, A_REG_VALUE, A_REG_ATTR, A_CLUSTER_PROPERTY, A_COUNT
};

static const unsigned int weight[A_COUNT] = {
	[A_RESTART] = 3, [A_MOVE] = 2, [A_STOP] = 1, [A_START] = 2,
	[A_PAUSE] = 1, [A_RESUME] = 2, [A_FAIL] = 1, [A_JOIN] = 2,
	[A_PROPERTY] = 3, [A_REG_VALUE] = 3, [A_REG_ATTR] = 1,
	[A_CLUSTER_PROPERTY] = 1,
};

static enum action pick_action(uint64_t *rs)
{
	unsigned int total = 0, k, a;

	for (a = 0; a < A_COUNT; a++)
		total += weight[a];
	k = below(rs, total);
	for (a = 0; a < A_COUNT; a++) {
		if (k < weight[a])
			return (enum action)a;
		k -= weight[a];
	}
	return A_PROPERTY;
}

static void fail_node(struct sim *s, struct sim_obj *node, char *what)
{
	struct sim_model *m = s->m;
	size_t len;
	int i;

	snprintf(what, WHAT_MAX, "%s fails", node->name);
	sim_node_fail(s, node);
	for (i = 0; i < m->n; i++) {
		struct sim_obj *g = &m->obj[i];
		struct sim_obj *to;

		if (!g->alive || g->type != CLUSNOTIFY_OBJ_GROUP ||
		    strcmp(g->parent, node->id))
			continue;
		to = sim_least_loaded(m, node->id);
		len = strlen(what);
		snprintf(what + len, WHAT_MAX - len, "; %s fails over to %s",
			 g->name, to->name);
		if (g->state == SIM_GROUP_ONLINE)
			sim_group_failover(s, g, to);
		else
			sim_group_move(s, g, to);
	}
}

/*
 * Apply one change of kind a: 1 if it applied (events queued, model
 * changed, what describes it), 0 if the model does not allow it now.
 */
static int apply(struct sim *s, uint64_t *rs, enum action a, char *what)
{
	struct sim_model *m = s->m;
	static const char *const descr[] = {
		"Finance shares", "Sales shares", "Backups", "Reports",
	};
	struct sim_obj *o, *to;
	uint32_t v;

	switch (a) {
	case A_RESTART:
		o = pick(m, rs, CLUSNOTIFY_OBJ_RESOURCE, res_online);
		if (!o)
			return 0;
		snprintf(what, WHAT_MAX, "%s fails and restarts", o->name);
		sim_resource_restart(s, o);
		return 1;
	case A_MOVE:
		o = pick(m, rs, CLUSNOTIFY_OBJ_GROUP, group_online);
		if (!o)
			return 0;
		to = pick(m, rs, CLUSNOTIFY_OBJ_NODE, node_up);
		if (!to || !strcmp(to->id, o->parent))
			return 0;
		snprintf(what, WHAT_MAX, "%s moves from %s to %s", o->name,
			 node_name(m, o->parent), to->name);
		sim_group_offline(s, o);
		sim_group_move(s, o, to);
		sim_group_online(s, o);
		return 1;
	case A_STOP:
		o = pick(m, rs, CLUSNOTIFY_OBJ_GROUP, group_can_stop);
		if (!o)
			return 0;
		snprintf(what, WHAT_MAX, "%s is taken offline", o->name);
		sim_group_offline(s, o);
		return 1;
	case A_START:
		o = pick(m, rs, CLUSNOTIFY_OBJ_GROUP, group_offline);
		if (!o)
			return 0;
		snprintf(what, WHAT_MAX, "%s comes online on %s", o->name,
			 node_name(m, o->parent));
		sim_group_online(s, o);
		return 1;
	case A_PAUSE:
		o = pick(m, rs, CLUSNOTIFY_OBJ_NODE, node_up);
		if (!o)
			return 0;
		snprintf(what, WHAT_MAX, "%s is paused", o->name);
		sim_set_state(s, o, SIM_NODE_PAUSED);
		return 1;
	case A_RESUME:
		o = pick(m, rs, CLUSNOTIFY_OBJ_NODE, node_paused);
		if (!o)
			return 0;
		snprintf(what, WHAT_MAX, "%s resumes", o->name);
		sim_set_state(s, o, SIM_NODE_UP);
		return 1;
	case A_FAIL:
		o = pick(m, rs, CLUSNOTIFY_OBJ_NODE, node_can_fail);
		if (!o)
			return 0;
		fail_node(s, o, what);
		return 1;
	case A_JOIN:
		o = pick(m, rs, CLUSNOTIFY_OBJ_NODE, node_down);
		if (!o)
			return 0;
		snprintf(what, WHAT_MAX, "%s joins again", o->name);
		sim_node_join(s, o);
		return 1;
	case A_PROPERTY:
		switch (below(rs, 3)) {
		case 0:
			o = pick(m, rs, CLUSNOTIFY_OBJ_GROUP, NULL);
			snprintf(what, WHAT_MAX, "%s gets a new Description",
				 o->name);
			sim_property(s, o, SIM_GROUP_COMMON_PROPERTY,
				     "Description", 0, descr[below(rs, 4)]);
			return 1;
		case 1:
			o = pick(m, rs, CLUSNOTIFY_OBJ_RESOURCE, NULL);
			v = 1 + below(rs, 9);
			snprintf(what, WHAT_MAX, "%s's RestartThreshold is now %u",
				 o->name, v);
			sim_property(s, o, SIM_RESOURCE_COMMON_PROPERTY,
				     "RestartThreshold", v, NULL);
			return 1;
		default:
			o = pick(m, rs, CLUSNOTIFY_OBJ_NODE, NULL);
			v = below(rs, 100);
			snprintf(what, WHAT_MAX, "%s's NodeWeight is now %u",
				 o->name, v);
			sim_property(s, o, SIM_NODE_COMMON_PROPERTY,
				     "NodeWeight", v, NULL);
			return 1;
		}
	case A_REG_VALUE:
	case A_REG_ATTR:
		o = pick(m, rs, CLUSNOTIFY_OBJ_REGISTRY, NULL);
		snprintf(what, WHAT_MAX, "the %s of key %s change%s",
			 a == A_REG_VALUE ? "values" : "security descriptor",
			 o->id, a == A_REG_VALUE ? "" : "s");
		sim_registry(s, o, a == A_REG_VALUE ? SIM_REGISTRY_VALUE :
			     SIM_REGISTRY_ATTRIBUTES);
		return 1;
	case A_CLUSTER_PROPERTY:
		v = 5 + below(rs, 20);
		snprintf(what, WHAT_MAX, "%s's SameSubnetThreshold is now %u",
			 s->cluster, v);
		sim_property(s, NULL, SIM_CLUSTER_COMMON_PROPERTY,
			     "SameSubnetThreshold", v, NULL);
		return 1;
	case A_COUNT:
		break;
	}
	return 0;
}

int sim_random(struct sim *s, uint64_t seed, uint64_t events,
	       double duration_s, double rate)
{
	struct sim_model *m = s->m;
	uint64_t rs = seed, start = sim_now_ms(), done = 0, changes = 0;
	struct sim_obj *snap;
	char what[WHAT_MAX];
	int ret = 0;

	snap = malloc(sizeof(m->obj));
	if (!snap) {
		fprintf(stderr, "clusnotify sim: out of memory\n");
		return 1;
	}
	sim_say(s, "random changes, seed %llu%s", (unsigned long long)seed,
		events ? "" : duration_s > 0 ? "" : ", until interrupted");
	while (!sim_interrupted()) {
		uint64_t left = events ? events - done : UINT64_MAX;
		unsigned int serial = m->next_serial;
		int tries;

		if (events && !left)
			break;
		if (duration_s > 0 &&
		    sim_now_ms() - start >= (uint64_t)(duration_s * 1000))
			break;
		/* Random changes add no objects: the array is all state. */
		memcpy(snap, m->obj, (size_t)m->n * sizeof(*snap));
		for (tries = 0;; tries++) {
			/* After many misses, a change of exactly one event. */
			enum action a = tries < 16 ? pick_action(&rs) :
					A_CLUSTER_PROPERTY;

			if (apply(s, &rs, a, what) && s->b.n <= left)
				break;
			memcpy(m->obj, snap, (size_t)m->n * sizeof(*snap));
			m->next_serial = serial;
			sim_discard(s);
		}
		changes++;
		done += s->b.n;
		sim_say(s, "#%llu %s", (unsigned long long)changes, what);
		if (sim_commit(s)) {
			ret = 1;
			break;
		}
		if (rate > 0 && !s->dry_run) {
			uint64_t due = start + (uint64_t)((double)done * 1000 /
							  rate);
			uint64_t now = sim_now_ms();

			if (due > now)
				sim_sleep_ms((unsigned int)(due - now));
		}
	}
	free(snap);
	if (!ret)
		sim_say(s, "%llu random changes, %llu events",
			(unsigned long long)changes, (unsigned long long)done);
	return ret;
}
