// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c: crm_mon's XML and the CIB to the model.
 */
#include <string.h>

#include <libxml/xpath.h>
#include <clusapi.h>

#include "mapping.h"
#include "parse.h"

/* libxml2 strings are unsigned char; everything here is UTF-8 text. */
#define X(s) ((const xmlChar *)(s))

static int is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name,
						      name);
}

/* An attribute, or NULL; the string is owned by the cache below. */
struct attrs {
	GPtrArray *keep;
};

static const char *attr(struct attrs *a, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, X(name));

	if (!v)
		return NULL;
	g_ptr_array_add(a->keep, v);
	return (const char *)v;
}

/* XML Schema booleans, as crm_mon and the CIB write them. */
static int truthy(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "1") ||
		     !strcmp(v, "yes") || !strcmp(v, "on"));
}

static int flag(struct attrs *a, xmlNode *n, const char *name)
{
	return truthy(attr(a, n, name));
}

/*
 * Pacemaker ids are XML IDs, so they cannot hold a quote; one that does
 * came from something else and is not looked up.
 */
static int safe_id(const char *id)
{
	return id && !strchr(id, '\'') && !strchr(id, '"');
}

/*
 * Pacemaker's own transient bookkeeping on a node, which a Windows node
 * has no property for: fail counts, promotion scores (which agents set
 * again on every monitor), the controller's shutdown and terminate
 * requests, and the #-prefixed built-ins.
 */
static int internal_attr(const char *k)
{
	return g_str_has_prefix(k, "fail-count-") ||
	       g_str_has_prefix(k, "last-failure-") ||
	       g_str_has_prefix(k, "master-") ||
	       !strcmp(k, "shutdown") || !strcmp(k, "terminate") ||
	       k[0] == '#';
}

/*
 * The controller's own bookkeeping among the cluster options: the time of
 * the last resource refresh, which it writes on every cleanup.
 */
static int internal_option(const char *k)
{
	return !strcmp(k, "last-lrm-refresh");
}

/*
 * Add the nvpairs of every set the XPath expression selects to p, the
 * first occurrence of a name winning (rules are not evaluated: see the
 * man page). Names @skip says yes to (Pacemaker's own bookkeeping) are
 * left out; @skip may be NULL.
 */
static void nvpairs(xmlDoc *cib, const char *expr, bm_props *p,
		    int (*skip)(const char *))
{
	xmlXPathContext *ctx = xmlXPathNewContext(cib);
	xmlXPathObject *res;
	int i;

	if (!ctx)
		return;
	res = xmlXPathEvalExpression(X(expr), ctx);
	if (res && res->nodesetval) {
		for (i = 0; i < res->nodesetval->nodeNr; i++) {
			xmlNode *n = res->nodesetval->nodeTab[i];
			xmlChar *name = xmlGetProp(n, X("name"));
			xmlChar *value = xmlGetProp(n, X("value"));
			const char *k = (const char *)name;

			if (k && !g_hash_table_contains(p, k) &&
			    !(skip && skip(k)))
				bm_props_set(p, k, (const char *)value);
			xmlFree(name);
			xmlFree(value);
		}
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
}

static void sets(xmlDoc *cib, const char *elem, const char *id,
		 const char *set, bm_props *p)
{
	char *expr;

	if (!safe_id(id))
		return;
	expr = g_strdup_printf("/cib/configuration/resources//%s[@id='%s']/%s/nvpair",
			       elem, id, set);
	nvpairs(cib, expr, p, NULL);
	g_free(expr);
}

/* One primitive instance as crm_mon shows it. */
struct inst {
	char *id;		/* clone suffix ":N" removed */
	char *type;
	uint32_t state;
	char *node;		/* node id it runs on, or NULL */
};

static void inst_free(gpointer d)
{
	struct inst *i = d;

	g_free(i->id);
	g_free(i->type);
	g_free(i->node);
	g_free(i);
}

static void strip_instance(char *id)
{
	char *c = strrchr(id, ':');
	char *p;

	if (!c || !c[1])
		return;
	for (p = c + 1; *p; p++)
		if (!g_ascii_isdigit(*p))
			return;
	*c = '\0';
}

/* Every primitive below n (n itself if it is one), orphans left out. */
static void collect(struct attrs *a, xmlNode *n, int in_clone,
		    GPtrArray *out)
{
	xmlNode *c;

	if (is(n, "resource")) {
		struct inst *i;
		xmlNode *on;

		if (flag(a, n, "orphaned") || !attr(a, n, "id"))
			return;
		i = g_new0(struct inst, 1);
		i->id = g_strdup(attr(a, n, "id"));
		if (in_clone)
			strip_instance(i->id);
		i->type = g_strdup(attr(a, n, "resource_agent") ?: "");
		i->state = bm_map_resource(attr(a, n, "role"),
					   flag(a, n, "active"),
					   flag(a, n, "failed"),
					   attr(a, n, "pending"));
		for (on = n->children; on; on = on->next)
			if (is(on, "node") && attr(a, on, "id")) {
				i->node = g_strdup(attr(a, on, "id"));
				break;
			}
		g_ptr_array_add(out, i);
		return;
	}
	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			collect(a, c, in_clone, out);
}

static void add_resources(struct bm_model *m, xmlDoc *cib,
			  struct bm_group *g, GPtrArray *insts)
{
	g_autofree uint32_t *states = g_new0(uint32_t, insts->len + 1);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	guint i, j;

	for (i = 0; i < insts->len; i++) {
		struct inst *in = insts->pdata[i];

		states[i] = in->state;
		/* The owner: where the first running member runs. */
		if (!g->owner && in->node &&
		    (g->kind == BM_GROUP_GROUP || g->kind == BM_GROUP_SOLO) &&
		    in->state != ClusterResourceOffline)
			g->owner = g_strdup(in->node);
	}
	g->state = bm_map_group(states, insts->len);

	for (i = 0; i < insts->len; i++) {
		struct inst *in = insts->pdata[i];
		struct bm_resource *r;
		size_t n = 0;

		if (g_hash_table_contains(seen, in->id))
			continue;
		g_hash_table_add(seen, in->id);
		/* A clone's instances make one resource. */
		for (j = i; j < insts->len; j++) {
			struct inst *o = insts->pdata[j];

			if (!strcmp(o->id, in->id))
				states[n++] = o->state;
		}
		r = bm_model_add_resource(m, in->id, g->id, in->type);
		r->state = bm_map_instances(states, n);
		sets(cib, "primitive", r->id, "meta_attributes", r->common);
		sets(cib, "primitive", r->id, "instance_attributes", r->priv);
	}
	g_hash_table_unref(seen);
}

static void parse_resources(struct bm_model *m, struct attrs *a,
			    xmlNode *list, xmlDoc *cib)
{
	xmlNode *n;

	for (n = list->children; n; n = n->next) {
		GPtrArray *insts;
		struct bm_group *g;
		const char *id;
		enum bm_group_kind kind;
		const char *elem = NULL;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		id = attr(a, n, "id");
		if (!id)
			continue;
		if (is(n, "resource")) {
			if (flag(a, n, "orphaned"))
				continue;
			kind = BM_GROUP_SOLO;
		} else if (is(n, "group")) {
			kind = BM_GROUP_GROUP;
			elem = "group";
		} else if (is(n, "clone")) {
			kind = BM_GROUP_CLONE;
			elem = "clone";
		} else if (is(n, "bundle")) {
			kind = BM_GROUP_BUNDLE;
			elem = "bundle";
		} else {
			continue;
		}
		insts = g_ptr_array_new_with_free_func(inst_free);
		collect(a, n, kind == BM_GROUP_CLONE || kind == BM_GROUP_BUNDLE,
			insts);
		g = bm_model_add_group(m, id, kind);
		if (elem)
			sets(cib, elem, id, "meta_attributes", g->common);
		add_resources(m, cib, g, insts);
		g_ptr_array_unref(insts);
	}
}

static void parse_nodes(struct bm_model *m, struct attrs *a, xmlNode *list,
			xmlDoc *cib)
{
	xmlNode *n;

	for (n = list->children; n; n = n->next) {
		struct bm_node_flags f;
		struct bm_node *node;
		const char *id, *name, *type;
		char *expr;

		if (!is(n, "node"))
			continue;
		id = attr(a, n, "id");
		name = attr(a, n, "name");
		type = attr(a, n, "type");
		/* Ping nodes never host anything. */
		if (!id || !name || (type && !strcmp(type, "ping")))
			continue;
		f.online = flag(a, n, "online");
		f.pending = flag(a, n, "pending");
		f.standby = flag(a, n, "standby") ||
			    flag(a, n, "standby_onfail");
		f.maintenance = flag(a, n, "maintenance");
		node = bm_model_add_node(m, id, name);
		node->state = bm_map_node(&f);
		if (!safe_id(id))
			continue;
		/* Transient attributes first: they win, as in Pacemaker. */
		expr = g_strdup_printf("/cib/status/node_state[@id='%s']/transient_attributes/instance_attributes/nvpair",
				       id);
		nvpairs(cib, expr, node->props, internal_attr);
		g_free(expr);
		expr = g_strdup_printf("/cib/configuration/nodes/node[@id='%s']/instance_attributes/nvpair",
				       id);
		nvpairs(cib, expr, node->props, internal_attr);
		g_free(expr);
		if (type && strcmp(type, "member"))
			bm_props_set(node->props, "NodeType", type);
	}
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (n = n->children; n; n = n->next)
		if (is(n, name))
			return n;
	return NULL;
}

int bm_parse(struct bm_model *m, xmlDoc *mon, xmlDoc *cib, char **err)
{
	struct attrs a = { g_ptr_array_new_with_free_func(xmlFree) };
	xmlNode *root = mon ? xmlDocGetRootElement(mon) : NULL;
	xmlNode *croot = cib ? xmlDocGetRootElement(cib) : NULL;
	xmlNode *nodes, *rscs, *st;
	const char *code;
	int ret = -1;

	if (!croot || !is(croot, "cib")) {
		*err = g_strdup("CIB: root element is not <cib>");
		goto out;
	}
	if (!root || !is(root, "pacemaker-result")) {
		*err = g_strdup("crm_mon output: root element is not <pacemaker-result>");
		goto out;
	}
	st = child(root, "status");
	code = st ? attr(&a, st, "code") : NULL;
	if (code && strcmp(code, "0")) {
		*err = g_strdup_printf("crm_mon output: status code %s (%s)",
				       code, attr(&a, st, "message") ?: "");
		goto out;
	}
	nodes = child(root, "nodes");
	rscs = child(root, "resources");
	if (!nodes) {
		*err = g_strdup("crm_mon output: no <nodes> element");
		goto out;
	}
	m->quorate = flag(&a, croot, "have-quorum");
	nvpairs(cib, "/cib/configuration/crm_config/cluster_property_set/nvpair",
		m->props, internal_option);
	/* Pacemaker's controller copies Corosync's cluster_name here. */
	if (g_hash_table_lookup(m->props, "cluster-name")) {
		g_free(m->name);
		m->name = g_strdup(g_hash_table_lookup(m->props,
						       "cluster-name"));
	}
	parse_nodes(m, &a, nodes, cib);
	if (rscs)
		parse_resources(m, &a, rscs, cib);
	bm_model_build_registry(m);
	ret = 0;
out:
	g_ptr_array_unref(a.keep);
	return ret;
}
