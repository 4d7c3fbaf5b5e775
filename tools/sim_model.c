// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated cluster: nodes, networks and their interfaces, resource
 * types, groups with their resources, and the keys of the cluster
 * database, with their states and relations (a group's owner node, a
 * resource's group). Every change here updates the model first and then
 * queues the V2 events a Windows cluster would raise for it, so that what
 * consumers hear is always the model's own story, and the module's
 * directory (the fold of those events) ends equal to the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "sim.h"

/* Registry subtrees of the cluster database, per object type. */
static const char *key_root(uint32_t type)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_NODE: return "Nodes";
	case CLUSNOTIFY_OBJ_GROUP: return "Groups";
	case CLUSNOTIFY_OBJ_RESOURCE: return "Resources";
	case CLUSNOTIFY_OBJ_RESOURCE_TYPE: return "ResourceTypes";
	case CLUSNOTIFY_OBJ_NETWORK: return "Networks";
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE: return "NetworkInterfaces";
	}
	return NULL;
}

/*
 * Ids look like the GUIDs Windows gives groups, resources and networks;
 * deterministic, so that two runs of the same script or seed match.
 */
void sim_new_id(struct sim_model *m, uint32_t type, char *buf)
{
	snprintf(buf, SIM_ID_MAX, "c1a5%04x-%04x-4000-8000-%012x", type,
		 m->nodes, ++m->next_serial);
}

struct sim_obj *sim_add(struct sim_model *m, uint32_t type, const char *name,
			const char *parent, const char *type_name,
			int has_state, uint32_t state)
{
	struct sim_obj *o;

	if (m->n >= SIM_MAX_OBJECTS) {
		/* The model is sized for far more than any script makes. */
		fprintf(stderr, "clusnotify sim: model full\n");
		exit(1);
	}
	o = &m->obj[m->n++];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->alive = 1;
	o->has_state = has_state;
	o->state = has_state ? state : CLUSNOTIFY_STATE_UNKNOWN;
	o->dir_state = CLUSNOTIFY_STATE_UNKNOWN;
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->parent, sizeof(o->parent), "%s", parent ? parent : "");
	snprintf(o->type_name, sizeof(o->type_name), "%s",
		 type_name ? type_name : "");
	if (type == CLUSNOTIFY_OBJ_NODE)
		snprintf(o->id, sizeof(o->id), "%u", m->nodes + 1);
	else if (type == CLUSNOTIFY_OBJ_RESOURCE_TYPE ||
		 type == CLUSNOTIFY_OBJ_REGISTRY)
		snprintf(o->id, sizeof(o->id), "%s", name);
	else
		sim_new_id(m, type, o->id);
	return o;
}

int sim_index(struct sim_model *m, const struct sim_obj *o)
{
	return (int)(o - m->obj);
}

struct sim_obj *sim_find(struct sim_model *m, uint32_t type,
			 const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->obj[i].alive && m->obj[i].type == type &&
		    !strcmp(m->obj[i].name, name))
			return &m->obj[i];
	return NULL;
}

struct sim_obj *sim_find_id(struct sim_model *m, uint32_t type,
			    const char *id)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->obj[i].alive && m->obj[i].type == type &&
		    !strcmp(m->obj[i].id, id))
			return &m->obj[i];
	return NULL;
}

struct sim_obj *sim_node(struct sim_model *m, unsigned int i)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", i);
	return sim_find_id(m, CLUSNOTIFY_OBJ_NODE, id);
}

struct sim_obj *sim_key_of(struct sim_model *m, const struct sim_obj *o)
{
	char path[SIM_ID_MAX * 2];
	const char *root = key_root(o->type);

	if (!root)
		return NULL;
	snprintf(path, sizeof(path), "%s\\%s", root, o->id);
	return sim_find_id(m, CLUSNOTIFY_OBJ_REGISTRY, path);
}

unsigned int sim_groups_on(struct sim_model *m, const char *node_id)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < m->n; i++)
		if (m->obj[i].alive && m->obj[i].type == CLUSNOTIFY_OBJ_GROUP &&
		    !strcmp(m->obj[i].parent, node_id))
			n++;
	return n;
}

struct sim_obj *sim_least_loaded(struct sim_model *m, const char *avoid)
{
	struct sim_obj *best = NULL;
	unsigned int i, n, best_n = 0;

	for (i = 1; i <= m->nodes; i++) {
		struct sim_obj *node = sim_node(m, i);

		if (!node || node->state != SIM_NODE_UP ||
		    (avoid && !strcmp(node->id, avoid)))
			continue;
		n = sim_groups_on(m, node->id);
		if (!best || n < best_n) {
			best = node;
			best_n = n;
		}
	}
	return best;
}

/* A key of the cluster database, below parent ("" for the top). */
static struct sim_obj *add_key(struct sim_model *m, const char *path,
			       const char *parent)
{
	return sim_add(m, CLUSNOTIFY_OBJ_REGISTRY, path, parent, NULL, 0, 0);
}

static void add_keys_for(struct sim_model *m, const struct sim_obj *o)
{
	char path[SIM_ID_MAX * 2];
	const char *root = key_root(o->type);
	struct sim_obj *k;

	snprintf(path, sizeof(path), "%s\\%s", root, o->id);
	k = add_key(m, path, root);
	if (o->type == CLUSNOTIFY_OBJ_RESOURCE) {
		snprintf(path, sizeof(path), "%s\\Parameters", k->id);
		add_key(m, path, k->id);
	}
}

static const char *const restypes[] = {
	"IP Address", "Network Name", "Physical Disk", "SQL Server",
	"SQL Server Agent", "File Server", "Virtual Machine",
};

/* Resources of a group, in the order they come online. */
struct res_spec {
	const char *name;
	const char *type;
};

static struct sim_obj *add_group(struct sim_model *m, const char *name,
				 const struct sim_obj *owner,
				 const struct res_spec *res, int nres)
{
	struct sim_obj *g;
	int i;

	g = sim_add(m, CLUSNOTIFY_OBJ_GROUP, name, owner->id, NULL, 1,
		    SIM_GROUP_OFFLINE);
	for (i = 0; i < nres; i++)
		sim_add(m, CLUSNOTIFY_OBJ_RESOURCE, res[i].name, g->id,
			res[i].type, 1, SIM_RES_OFFLINE);
	return g;
}

/*
 * The cluster as the service finds it at night: every node down, every
 * group and resource offline. The scripted day starts from here; the
 * random mode first brings everything up (sim_model_steady).
 */
void sim_model_init(struct sim_model *m, unsigned int nodes)
{
	static const struct res_spec core[] = {
		{ "Cluster Disk 1", "Physical Disk" },
		{ "Cluster IP Address", "IP Address" },
		{ "Cluster Name", "Network Name" },
	};
	static const struct res_spec storage[] = {
		{ "Cluster Disk 4", "Physical Disk" },
	};
	static const struct res_spec sql[] = {
		{ "Cluster Disk 2", "Physical Disk" },
		{ "SQL IP Address 1 (SQL01)", "IP Address" },
		{ "SQL Network Name (SQL01)", "Network Name" },
		{ "SQL Server", "SQL Server" },
		{ "SQL Server Agent", "SQL Server Agent" },
	};
	static const struct res_spec fs[] = {
		{ "Cluster Disk 3", "Physical Disk" },
		{ "IP Address 10.0.0.52", "IP Address" },
		{ "FileServer-01", "Network Name" },
		{ "File Server (\\\\FileServer-01)", "File Server" },
	};
	struct sim_obj *node[SIM_MAX_NODES + 1], *g;
	static const char *const tops[] = { "Nodes", "Groups", "Resources", "ResourceTypes",
			       "Networks", "NetworkInterfaces" };
	char name[SIM_NAME_MAX];
	unsigned int i;
	int j, first_key;

	memset(m, 0, sizeof(*m));
	for (i = 1; i <= nodes; i++) {
		snprintf(name, sizeof(name), "node%u", i);
		node[i] = sim_add(m, CLUSNOTIFY_OBJ_NODE, name, NULL, NULL, 1,
				  SIM_NODE_DOWN);
		m->nodes = i;
	}
	sim_add(m, CLUSNOTIFY_OBJ_NETWORK, "Cluster Network 1", NULL, NULL, 1,
		SIM_NET_DOWN);
	sim_add(m, CLUSNOTIFY_OBJ_NETWORK, "Cluster Network 2", NULL, NULL, 1,
		SIM_NET_DOWN);
	for (i = 1; i <= nodes; i++) {
		for (j = 0; j < 2; j++) {
			snprintf(name, sizeof(name), "node%u - Ethernet%s", i,
				 j ? " 2" : "");
			sim_add(m, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, name,
				node[i]->id, NULL, 1, SIM_NETIF_FAILED);
		}
	}
	for (j = 0; j < (int)(sizeof(restypes) / sizeof(restypes[0])); j++)
		sim_add(m, CLUSNOTIFY_OBJ_RESOURCE_TYPE, restypes[j], NULL, NULL,
			0, 0);
	g = add_group(m, "Cluster Group", node[1], core, 3);
	g->core = 1;
	add_group(m, "Available Storage", node[nodes >= 3 ? 3 : 1], storage, 1);
	add_group(m, "SQL Server (MSSQLSERVER)", node[nodes >= 2 ? 2 : 1], sql,
		  5);
	add_group(m, "FileServer-01", node[nodes >= 2 ? 2 : 1], fs, 4);
	for (i = 4; i <= nodes; i++) {
		struct res_spec vm[1] = { { name, "Virtual Machine" } };
		char gname[SIM_NAME_MAX];

		snprintf(name, sizeof(name), "Virtual Machine vm%02u", i);
		snprintf(gname, sizeof(gname), "vm%02u", i);
		add_group(m, gname, node[i], vm, 1);
	}
	first_key = m->n;
	for (j = 0; j < (int)(sizeof(tops) / sizeof(tops[0])); j++)
		add_key(m, tops[j], "");
	for (j = 0; j < first_key; j++)
		add_keys_for(m, &m->obj[j]);
}

/* Everything up and online on its owner: where the random mode starts. */
void sim_model_steady(struct sim_model *m)
{
	static const uint32_t up[CLUSNOTIFY_OBJ_MAX + 1] = {
		[CLUSNOTIFY_OBJ_NODE] = SIM_NODE_UP,
		[CLUSNOTIFY_OBJ_NETWORK] = SIM_NET_UP,
		[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = SIM_NETIF_UP,
		[CLUSNOTIFY_OBJ_GROUP] = SIM_GROUP_ONLINE,
		[CLUSNOTIFY_OBJ_RESOURCE] = SIM_RES_ONLINE,
	};
	int i;

	for (i = 0; i < m->n; i++)
		if (m->obj[i].has_state)
			m->obj[i].state = up[m->obj[i].type];
}

/* ------------------------------------------------------------------ */
/* Changes and the events that announce them                           */
/* ------------------------------------------------------------------ */

static uint64_t state_flag(uint32_t type)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_GROUP: return SIM_GROUP_STATE;
	case CLUSNOTIFY_OBJ_RESOURCE: return SIM_RESOURCE_STATE;
	case CLUSNOTIFY_OBJ_NODE: return SIM_NODE_STATE;
	case CLUSNOTIFY_OBJ_NETWORK: return SIM_NETWORK_STATE;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE: return SIM_NETINTERFACE_STATE;
	}
	return 0;
}

/* The *_STATE kinds of a type: V2 flag and V1 bit. */
void sim_state_kind(uint32_t type, uint64_t *v2, uint32_t *v1_bit)
{
	static const uint32_t v1[CLUSNOTIFY_OBJ_MAX + 1] = {
		[CLUSNOTIFY_OBJ_GROUP] = 0x00001000,
		[CLUSNOTIFY_OBJ_RESOURCE] = 0x00000100,
		[CLUSNOTIFY_OBJ_NODE] = 0x00000001,
		[CLUSNOTIFY_OBJ_NETWORK] = 0x00100000,
		[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = 0x01000000,
	};

	*v2 = state_flag(type);
	*v1_bit = type <= CLUSNOTIFY_OBJ_MAX ? v1[type] : 0;
}

/*
 * A *_STATE_V2 event carries the new state as one DWORD payload, as
 * Windows' GROUP_STATE_V2 does (os-win reads exactly that).
 */
void sim_set_state(struct sim *s, struct sim_obj *o, uint32_t state)
{
	uint32_t v = state;

	o->state = state;
	sim_emit(s, o->type, state_flag(o->type), o, NULL, &v, sizeof(v));
}

static void set_group_resources(struct sim *s, struct sim_obj *g,
				int online)
{
	struct sim_model *m = s->m;
	int i;

	if (online) {
		for (i = 0; i < m->n; i++) {
			struct sim_obj *r = &m->obj[i];

			if (!r->alive || r->type != CLUSNOTIFY_OBJ_RESOURCE ||
			    strcmp(r->parent, g->id) || r->state == SIM_RES_ONLINE)
				continue;
			sim_set_state(s, r, SIM_RES_ONLINE_PENDING);
			sim_set_state(s, r, SIM_RES_ONLINE);
		}
		return;
	}
	/* Dependents first: the reverse of the online order. */
	for (i = m->n - 1; i >= 0; i--) {
		struct sim_obj *r = &m->obj[i];

		if (!r->alive || r->type != CLUSNOTIFY_OBJ_RESOURCE ||
		    strcmp(r->parent, g->id) || r->state == SIM_RES_OFFLINE)
			continue;
		sim_set_state(s, r, SIM_RES_OFFLINE_PENDING);
		sim_set_state(s, r, SIM_RES_OFFLINE);
	}
}

void sim_group_online(struct sim *s, struct sim_obj *g)
{
	sim_set_state(s, g, SIM_GROUP_PENDING);
	set_group_resources(s, g, 1);
	sim_set_state(s, g, SIM_GROUP_ONLINE);
}

void sim_group_offline(struct sim *s, struct sim_obj *g)
{
	sim_set_state(s, g, SIM_GROUP_PENDING);
	set_group_resources(s, g, 0);
	sim_set_state(s, g, SIM_GROUP_OFFLINE);
}

/*
 * The owner changes: the old node loses the group, the group reports its
 * new owner (ParentId = the node's id, as os-win expects), the new node
 * gains it. The group's state travels with OWNER_NODE_V2, whose V1 bit is
 * GROUP_STATE.
 */
void sim_group_move(struct sim *s, struct sim_obj *g, struct sim_obj *node)
{
	struct sim_obj *old = sim_find_id(s->m, CLUSNOTIFY_OBJ_NODE, g->parent);

	if (old)
		sim_emit(s, CLUSNOTIFY_OBJ_NODE, SIM_NODE_GROUP_LOST, old, NULL,
			 NULL, 0);
	snprintf(g->parent, sizeof(g->parent), "%s", node->id);
	sim_emit(s, CLUSNOTIFY_OBJ_GROUP, SIM_GROUP_OWNER_NODE, g, NULL, NULL,
		 0);
	sim_emit(s, CLUSNOTIFY_OBJ_NODE, SIM_NODE_GROUP_GAINED, node, NULL,
		 NULL, 0);
}

/*
 * The owner died: the group is pending, its resources went offline with
 * the node, it moves to its new owner and comes online there.
 */
void sim_group_failover(struct sim *s, struct sim_obj *g, struct sim_obj *node)
{
	struct sim_model *m = s->m;
	int i;

	sim_set_state(s, g, SIM_GROUP_PENDING);
	for (i = m->n - 1; i >= 0; i--) {
		struct sim_obj *r = &m->obj[i];

		if (r->alive && r->type == CLUSNOTIFY_OBJ_RESOURCE &&
		    !strcmp(r->parent, g->id) && r->state != SIM_RES_OFFLINE)
			sim_set_state(s, r, SIM_RES_OFFLINE);
	}
	sim_group_move(s, g, node);
	set_group_resources(s, g, 1);
	sim_set_state(s, g, SIM_GROUP_ONLINE);
}

static void set_interfaces(struct sim *s, struct sim_obj *node,
			   uint32_t state)
{
	struct sim_model *m = s->m;
	int i;

	for (i = 0; i < m->n; i++) {
		struct sim_obj *ifc = &m->obj[i];

		if (ifc->alive && ifc->type == CLUSNOTIFY_OBJ_NETWORK_INTERFACE &&
		    !strcmp(ifc->parent, node->id) && ifc->state != state)
			sim_set_state(s, ifc, state);
	}
}

void sim_node_join(struct sim *s, struct sim_obj *node)
{
	sim_set_state(s, node, SIM_NODE_JOINING);
	set_interfaces(s, node, SIM_NETIF_UP);
	sim_set_state(s, node, SIM_NODE_UP);
}

void sim_node_fail(struct sim *s, struct sim_obj *node)
{
	sim_set_state(s, node, SIM_NODE_DOWN);
	set_interfaces(s, node, SIM_NETIF_FAILED);
}

/*
 * A resource fails and the cluster restarts it in place: the resources
 * that depend on it (those after it in its group) go offline with it, the
 * group is partially online meanwhile, then all come back.
 */
void sim_resource_restart(struct sim *s, struct sim_obj *res)
{
	struct sim_model *m = s->m;
	struct sim_obj *g = sim_find_id(m, CLUSNOTIFY_OBJ_GROUP, res->parent);
	int i, first = sim_index(m, res);

	sim_set_state(s, res, SIM_RES_FAILED);
	for (i = m->n - 1; i > first; i--) {
		struct sim_obj *r = &m->obj[i];

		if (r->alive && r->type == CLUSNOTIFY_OBJ_RESOURCE &&
		    !strcmp(r->parent, res->parent) &&
		    r->state == SIM_RES_ONLINE)
			sim_set_state(s, r, SIM_RES_OFFLINE);
	}
	if (g)
		sim_set_state(s, g, SIM_GROUP_PARTIAL_ONLINE);
	for (i = first; i < m->n; i++) {
		struct sim_obj *r = &m->obj[i];

		if (r->alive && r->type == CLUSNOTIFY_OBJ_RESOURCE &&
		    !strcmp(r->parent, res->parent) &&
		    r->state != SIM_RES_ONLINE) {
			sim_set_state(s, r, SIM_RES_ONLINE_PENDING);
			sim_set_state(s, r, SIM_RES_ONLINE);
		}
	}
	if (g)
		sim_set_state(s, g, SIM_GROUP_ONLINE);
}

/*
 * A property change carries a property list with the new value (a DWORD,
 * or a string when sz is given). o NULL: a property of the cluster.
 */
void sim_property(struct sim *s, struct sim_obj *o, uint64_t flag,
		  const char *prop, uint32_t value, const char *sz)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	const void *data;
	size_t len = 0;

	if (sz)
		clusnotify_proplist_add_sz(&pl, prop, sz);
	else
		clusnotify_proplist_add_dword(&pl, prop, value);
	data = clusnotify_proplist_data(&pl, &len);
	if (!data) {
		/* Only allocation fails here, with names this short. */
		fprintf(stderr, "clusnotify sim: property list: %s\n",
			strerror(-pl.err));
		exit(1);
	}
	sim_emit(s, o ? o->type : CLUSNOTIFY_OBJ_CLUSTER, flag, o, NULL, data,
		 (uint32_t)len);
	clusnotify_proplist_free(&pl);
}

/* key NULL: the root of the cluster database. */
void sim_registry(struct sim *s, struct sim_obj *key, uint64_t flag)
{
	sim_emit(s, CLUSNOTIFY_OBJ_REGISTRY, flag, key, NULL, NULL, 0);
}

/* A new key: REGISTRY_NAME on it (the driver publishes it first). */
struct sim_obj *sim_key_create(struct sim *s, const char *path,
			       const char *parent)
{
	struct sim_obj *k = add_key(s->m, path, parent);

	sim_registry(s, k, SIM_REGISTRY_NAME);
	return k;
}

/* REGISTRY_NAME, then the key leaves the model (and the directory). */
void sim_key_delete(struct sim *s, struct sim_obj *key)
{
	sim_registry(s, key, SIM_REGISTRY_NAME);
	key->alive = 0;
}

static struct sim_obj *keys_for_new(struct sim *s, struct sim_obj *o)
{
	char path[SIM_ID_MAX * 2];
	const char *root = key_root(o->type);
	struct sim_obj *k;

	snprintf(path, sizeof(path), "%s\\%s", root, o->id);
	k = sim_key_create(s, path, root);
	if (o->type == CLUSNOTIFY_OBJ_RESOURCE) {
		snprintf(path, sizeof(path), "%s\\Parameters", k->id);
		sim_key_create(s, path, k->id);
	}
	return k;
}

static void keys_for_gone(struct sim *s, struct sim_obj *o)
{
	struct sim_obj *k = sim_key_of(s->m, o);
	char path[SIM_ID_MAX * 2];
	struct sim_obj *sub;

	if (!k)
		return;
	snprintf(path, sizeof(path), "%s\\Parameters", k->id);
	sub = sim_find_id(s->m, CLUSNOTIFY_OBJ_REGISTRY, path);
	if (sub)
		sim_key_delete(s, sub);
	sim_key_delete(s, k);
}

struct sim_obj *sim_restype_add(struct sim *s, const char *name)
{
	struct sim_obj *t = sim_add(s->m, CLUSNOTIFY_OBJ_RESOURCE_TYPE, name,
				    NULL, NULL, 0, 0);

	sim_emit(s, CLUSNOTIFY_OBJ_CLUSTER, SIM_CLUSTER_RESOURCE_TYPE_ADDED, t,
		 NULL, NULL, 0);
	keys_for_new(s, t);
	return t;
}

void sim_restype_delete(struct sim *s, struct sim_obj *t)
{
	keys_for_gone(s, t);
	sim_emit(s, CLUSNOTIFY_OBJ_RESOURCE_TYPE, SIM_RESOURCE_TYPE_DELETED, t,
		 NULL, NULL, 0);
	t->alive = 0;
}

/*
 * A new group starts offline on its owner: GROUP_ADDED (a CLUSTER kind),
 * its key, and its first state, so that the directory knows the state too.
 */
struct sim_obj *sim_group_add(struct sim *s, const char *name,
			      struct sim_obj *node)
{
	struct sim_obj *g = sim_add(s->m, CLUSNOTIFY_OBJ_GROUP, name, node->id,
				    NULL, 1, SIM_GROUP_OFFLINE);

	sim_emit(s, CLUSNOTIFY_OBJ_CLUSTER, SIM_CLUSTER_GROUP_ADDED, g, NULL,
		 NULL, 0);
	keys_for_new(s, g);
	sim_set_state(s, g, SIM_GROUP_OFFLINE);
	return g;
}

struct sim_obj *sim_resource_add(struct sim *s, struct sim_obj *g,
				 const char *name, const char *type_name)
{
	struct sim_obj *r = sim_add(s->m, CLUSNOTIFY_OBJ_RESOURCE, name, g->id,
				    type_name, 1, SIM_RES_OFFLINE);

	sim_emit(s, CLUSNOTIFY_OBJ_GROUP, SIM_GROUP_RESOURCE_ADDED, r, NULL,
		 NULL, 0);
	keys_for_new(s, r);
	sim_set_state(s, r, SIM_RES_OFFLINE);
	return r;
}

/* Resources first (RESOURCE_DELETED), then the group (GROUP_DELETED). */
void sim_group_delete(struct sim *s, struct sim_obj *g)
{
	struct sim_model *m = s->m;
	int i;

	for (i = m->n - 1; i >= 0; i--) {
		struct sim_obj *r = &m->obj[i];

		if (!r->alive || r->type != CLUSNOTIFY_OBJ_RESOURCE ||
		    strcmp(r->parent, g->id))
			continue;
		sim_emit(s, CLUSNOTIFY_OBJ_RESOURCE, SIM_RESOURCE_DELETED, r,
			 NULL, NULL, 0);
		keys_for_gone(s, r);
		r->alive = 0;
	}
	sim_emit(s, CLUSNOTIFY_OBJ_GROUP, SIM_GROUP_DELETED, g, NULL, NULL, 0);
	keys_for_gone(s, g);
	g->alive = 0;
}

/* ------------------------------------------------------------------ */
/* Names, for the story and the event lines                            */
/* ------------------------------------------------------------------ */

/*
 * Thin spellings over names.h (the one table of names), in the short forms
 * the story and the event lines use: NETINTERFACE, STATE_V2 without its
 * type, NODE_STATE without CLUSTER_CHANGE_, and "?" or "-" for none.
 */
const char *sim_type_str(uint32_t type)
{
	if (type == CLUSNOTIFY_OBJ_NETWORK_INTERFACE)
		return "NETINTERFACE";
	return names_type(type) ?: "?";
}

/* The CLUSTER_CHANGE_<TYPE>_<KIND>_V2 kinds, as "KIND_V2". */
const char *sim_v2_str(uint32_t type, uint64_t flag)
{
	const char *name = names_v2(type, flag), *t = sim_type_str(type);
	size_t n = strlen(t);

	if (!name)
		return "?";
	name = names_short(name);
	if (!strncmp(name, t, n) && name[n] == '_')
		name += n + 1;
	return name;
}

/* CLUSTER_CHANGE (V1) names without the prefix; "-" for none. */
const char *sim_v1_str(uint32_t bit)
{
	const char *name;

	if (!bit || (bit & (bit - 1)))
		return "-";
	name = names_v1(bit);
	return name ? names_short(name) : "-";
}

const char *sim_state_str(uint32_t type, uint32_t state)
{
	if (type == CLUSNOTIFY_OBJ_CLUSTER)
		return state == CLUSNOTIFY_CLUSTER_UP ? "up" : "down";
	return names_state(type, state) ?: "-";
}
