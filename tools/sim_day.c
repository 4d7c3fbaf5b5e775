// SPDX-License-Identifier: GPL-2.0
/*
 * The scripted day: a day in the life of the cluster, told one step at a
 * time. Each step prints what happens, the way an administrator would say
 * it, then posts the events a Windows cluster raises for it in one batch.
 * The narrative is computed from the model (which groups a failed node
 * owned, where they go), so it stays true for any --nodes.
 */
#include <stdio.h>
#include <string.h>

#include "sim.h"

#define LIST_MAX 1024

/* Append item i of n to an English list: "a", "a and b", "a, b and c". */
static void list_add(char *buf, const char *item, int i, int n)
{
	size_t len = strlen(buf);

	snprintf(buf + len, LIST_MAX - len, "%s%s",
		 i == 0 ? "" : i == n - 1 ? " and " : ", ", item);
}

static int count_type(struct sim_model *m, uint32_t type)
{
	int i, n = 0;

	for (i = 0; i < m->n; i++)
		n += m->obj[i].alive && m->obj[i].type == type;
	return n;
}

static struct sim_obj *nth(struct sim_model *m, uint32_t type, int k)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->obj[i].alive && m->obj[i].type == type && k-- == 0)
			return &m->obj[i];
	return NULL;
}

static int morning(struct sim *s)
{
	struct sim_model *m = s->m;
	char nodes[LIST_MAX] = "";
	unsigned int i;
	int k;

	for (i = 1; i <= m->nodes; i++)
		list_add(nodes, sim_node(m, i)->name, (int)i - 1,
			 (int)m->nodes);
	if (sim_step(s, "06:00", "the cluster service starts: %s join %s, the networks come up",
		    nodes, s->cluster))
		return 1;
	for (i = 1; i <= m->nodes; i++)
		sim_node_join(s, sim_node(m, i));
	for (k = 0; k < count_type(m, CLUSNOTIFY_OBJ_NETWORK); k++)
		sim_set_state(s, nth(m, CLUSNOTIFY_OBJ_NETWORK, k), SIM_NET_UP);
	return sim_commit(s) ? 1 : 0;
}

static int groups_online(struct sim *s)
{
	struct sim_model *m = s->m;
	int k, n = count_type(m, CLUSNOTIFY_OBJ_GROUP);
	char list[LIST_MAX] = "";

	for (k = 0; k < n; k++) {
		struct sim_obj *g = nth(m, CLUSNOTIFY_OBJ_GROUP, k);
		char item[2 * SIM_NAME_MAX + 8];

		snprintf(item, sizeof(item), "%s on %s", g->name,
			 sim_find_id(m, CLUSNOTIFY_OBJ_NODE, g->parent)->name);
		list_add(list, item, k, n);
	}
	if (sim_step(s, "07:00", "the groups come online, resource by resource: %s",
		    list))
		return 1;
	for (k = 0; k < n; k++)
		sim_group_online(s, nth(m, CLUSNOTIFY_OBJ_GROUP, k));
	return sim_commit(s) ? 1 : 0;
}

/* Where each group of the failing node goes: the least loaded up node. */
static int node_fails(struct sim *s, struct sim_obj *failing)
{
	struct sim_model *m = s->m;
	struct sim_obj *moved[SIM_MAX_OBJECTS / 8], *to[SIM_MAX_OBJECTS / 8];
	unsigned int load[SIM_MAX_NODES + 1] = { 0 };
	char list[LIST_MAX] = "";
	int k, n = 0, ng = count_type(m, CLUSNOTIFY_OBJ_GROUP);
	unsigned int i;

	for (i = 1; i <= m->nodes; i++)
		load[i] = sim_groups_on(m, sim_node(m, i)->id);
	for (k = 0; k < ng; k++) {
		struct sim_obj *g = nth(m, CLUSNOTIFY_OBJ_GROUP, k);
		unsigned int best = 0;

		if (strcmp(g->parent, failing->id))
			continue;
		for (i = 1; i <= m->nodes; i++) {
			struct sim_obj *node = sim_node(m, i);

			if (node == failing || node->state != SIM_NODE_UP)
				continue;
			if (!best || load[i] < load[best])
				best = i;
		}
		if (!best)
			return 1;	/* cannot happen: the day has 2 nodes */
		load[best]++;
		moved[n] = g;
		to[n++] = sim_node(m, best);
	}
	for (k = 0; k < n; k++) {
		char item[2 * SIM_NAME_MAX + 8];

		snprintf(item, sizeof(item), "%s to %s", moved[k]->name,
			 to[k]->name);
		list_add(list, item, k, n);
	}
	if (sim_step(s, "09:00", "%s fails: its network interfaces fail, and its groups fail over, %s",
		    failing->name, n ? list : "(none)"))
		return 1;
	sim_node_fail(s, failing);
	for (k = 0; k < n; k++)
		sim_group_failover(s, moved[k], to[k]);
	return sim_commit(s) ? 1 : 0;
}

static int resource_restarts(struct sim *s, struct sim_obj *res)
{
	struct sim_model *m = s->m;
	struct sim_obj *g = sim_find_id(m, CLUSNOTIFY_OBJ_GROUP, res->parent);
	struct sim_obj *node = sim_find_id(m, CLUSNOTIFY_OBJ_NODE, g->parent);

	if (sim_step(s, "10:30", "the %s resource fails on %s; the cluster restarts it in place (%s is partially online meanwhile)",
		    res->name, node->name, g->name))
		return 1;
	sim_resource_restart(s, res);
	return sim_commit(s) ? 1 : 0;
}

static int node_returns(struct sim *s, struct sim_obj *node)
{
	if (sim_step(s, "11:00", "%s is repaired and joins again; the groups stay where they are",
		    node->name))
		return 1;
	sim_node_join(s, node);
	return sim_commit(s) ? 1 : 0;
}

/*
 * Properties live in the cluster database: common ones in the object's
 * key, private ones in its Parameters subkey, the cluster's at the root.
 * A change raises the property event and the registry event.
 */
static int properties(struct sim *s)
{
	struct sim_model *m = s->m;
	struct sim_obj *fs = sim_find(m, CLUSNOTIFY_OBJ_GROUP, "FileServer-01");
	struct sim_obj *sql = sim_find(m, CLUSNOTIFY_OBJ_RESOURCE, "SQL Server");
	struct sim_obj *ip = sim_find(m, CLUSNOTIFY_OBJ_RESOURCE,
				      "IP Address 10.0.0.52");
	char params[2 * SIM_ID_MAX];

	if (sim_step(s, "12:00", "the administrator changes properties: %s's Description, %s's RestartThreshold (5), %s's OverrideAddress (private), %s's SameSubnetThreshold (20)",
		    fs->name, sql->name, ip->name, s->cluster))
		return 1;
	sim_property(s, fs, SIM_GROUP_COMMON_PROPERTY, "Description", 0,
		     "Department file shares");
	sim_registry(s, sim_key_of(m, fs), SIM_REGISTRY_VALUE);
	sim_property(s, sql, SIM_RESOURCE_COMMON_PROPERTY, "RestartThreshold",
		     5, NULL);
	sim_registry(s, sim_key_of(m, sql), SIM_REGISTRY_VALUE);
	sim_property(s, ip, SIM_RESOURCE_PRIVATE_PROPERTY, "OverrideAddress",
		     0, "10.0.0.53");
	snprintf(params, sizeof(params), "%s\\Parameters",
		 sim_key_of(m, ip)->id);
	sim_registry(s, sim_find_id(m, CLUSNOTIFY_OBJ_REGISTRY, params),
		     SIM_REGISTRY_VALUE);
	sim_property(s, NULL, SIM_CLUSTER_COMMON_PROPERTY,
		     "SameSubnetThreshold", 20, NULL);
	sim_registry(s, NULL, SIM_REGISTRY_VALUE);
	return sim_commit(s) ? 1 : 0;
}

static int registry(struct sim *s)
{
	struct sim_model *m = s->m;
	struct sim_obj *sql = sim_find(m, CLUSNOTIFY_OBJ_RESOURCE, "SQL Server");
	struct sim_obj *groups = sim_find_id(m, CLUSNOTIFY_OBJ_REGISTRY,
					     "Groups");
	char params[2 * SIM_ID_MAX];

	snprintf(params, sizeof(params), "%s\\Parameters",
		 sim_key_of(m, sql)->id);
	if (sim_step(s, "13:00", "the cluster database changes: a value under %s's Parameters key, the security descriptor of the Groups key",
		    sql->name))
		return 1;
	sim_registry(s, sim_find_id(m, CLUSNOTIFY_OBJ_REGISTRY, params),
		     SIM_REGISTRY_VALUE);
	sim_registry(s, groups, SIM_REGISTRY_ATTRIBUTES);
	return sim_commit(s) ? 1 : 0;
}

static int group_added(struct sim *s, struct sim_obj **g, struct sim_obj **t)
{
	struct sim_obj *node = sim_least_loaded(s->m, NULL);

	if (sim_step(s, "14:00", "the administrator registers the resource type Print Spooler and creates the group PrintServer-01 on %s, with an IP address and a print spooler, then brings it online",
		    node->name))
		return 1;
	*t = sim_restype_add(s, "Print Spooler");
	*g = sim_group_add(s, "PrintServer-01", node);
	sim_resource_add(s, *g, "IP Address 10.0.0.60", "IP Address");
	sim_resource_add(s, *g, "Print Spooler", "Print Spooler");
	sim_group_online(s, *g);
	return sim_commit(s) ? 1 : 0;
}

static int group_deleted(struct sim *s, struct sim_obj *g, struct sim_obj *t)
{
	if (sim_step(s, "15:00", "%s is taken offline and deleted with its resources; the Print Spooler resource type goes too",
		    g->name))
		return 1;
	sim_group_offline(s, g);
	sim_group_delete(s, g);
	sim_restype_delete(s, t);
	return sim_commit(s) ? 1 : 0;
}

static int service_restarts(struct sim *s, struct sim_obj *paused)
{
	if (sim_step(s, "16:00", "the cluster service restarts: its session with the module ends, every notification port hears CLUSTER_STATE (down)"))
		return 1;
	if (sim_service_down(s))
		return 1;
	/* What happens while nobody is telling the module. */
	paused->state = SIM_NODE_PAUSED;
	if (sim_step(s, "16:05", "the service is back (%s was paused for patching meanwhile): %s registers again, the ports hear CLUSTER_RECONNECT, and republishing the objects makes the module announce %s Paused",
		    paused->name, s->cluster, paused->name))
		return 1;
	return sim_service_up(s) ? 1 : 0;
}

static int evening(struct sim *s, struct sim_obj *paused,
		   struct sim_obj *home)
{
	struct sim_obj *sql = sim_find(s->m, CLUSNOTIFY_OBJ_GROUP,
				       "SQL Server (MSSQLSERVER)");

	if (sim_step(s, "17:00", "%s resumes", paused->name))
		return 1;
	sim_set_state(s, paused, SIM_NODE_UP);
	if (sim_commit(s))
		return 1;
	if (strcmp(sql->parent, home->id)) {
		if (sim_step(s, "17:30", "%s moves back to %s, its preferred owner",
			    sql->name, home->name))
			return 1;
		sim_group_offline(s, sql);
		sim_group_move(s, sql, home);
		sim_group_online(s, sql);
		if (sim_commit(s))
			return 1;
	}
	if (sim_step(s, "18:00", "the day is over"))
		return 1;
	return 0;
}

int sim_day(struct sim *s)
{
	struct sim_model *m = s->m;
	struct sim_obj *node2 = sim_node(m, 2);
	struct sim_obj *last = sim_node(m, m->nodes);
	struct sim_obj *g, *t;

	if (morning(s) || groups_online(s) || node_fails(s, node2) ||
	    resource_restarts(s, sim_find(m, CLUSNOTIFY_OBJ_RESOURCE,
					  "SQL Server")) ||
	    node_returns(s, node2) || properties(s) || registry(s) ||
	    group_added(s, &g, &t) || group_deleted(s, g, t) ||
	    service_restarts(s, last) || evening(s, last, node2)) {
		if (sim_interrupted())
			fprintf(stderr, "clusnotify sim: interrupted\n");
		return 1;
	}
	return 0;
}
