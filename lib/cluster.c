// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Cluster and object handles: OpenCluster[Ex], CloseCluster, the object
 * openers and closers, the registry keys and the state getters.
 *
 * Everything is looked up in the kernel's directory through the library's
 * own descriptor, so a handle names the same object as the events do (by
 * id), and a state read is always current. Closing a handle that a port
 * registered posts HANDLE_CLOSE to that port (the kernel removes the
 * port's filters with that handle's token and queues the records).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf16.h"

/* What each object type's handle and ENOENT are. */
static const struct {
	uint32_t htype;
	enum cn_ctx ctx;
} cn_objtypes[CLUSNOTIFY_OBJ_MAX + 1] = {
	[CLUSNOTIFY_OBJ_NODE] = { CN_H_NODE, CN_CTX_NODE },
	[CLUSNOTIFY_OBJ_GROUP] = { CN_H_GROUP, CN_CTX_GROUP },
	[CLUSNOTIFY_OBJ_RESOURCE] = { CN_H_RESOURCE, CN_CTX_RESOURCE },
	[CLUSNOTIFY_OBJ_NETWORK] = { CN_H_NETWORK, CN_CTX_NETWORK },
	[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = { CN_H_NETINTERFACE,
					       CN_CTX_NETINTERFACE },
	[CLUSNOTIFY_OBJ_GROUPSET] = { CN_H_GROUPSET, CN_CTX_GROUPSET },
	[CLUSNOTIFY_OBJ_REGISTRY] = { CN_H_KEY, CN_CTX_KEY },
	[CLUSNOTIFY_OBJ_RESOURCE_TYPE] = { 0, CN_CTX_RESOURCE_TYPE },
};

struct cn_cluster_h *cn_cluster_get(HCLUSTER h)
{
	struct cn_hobj *obj = cn_handle_get(h, CN_H_CLUSTER);

	return obj ? caa_container_of(obj, struct cn_cluster_h, h) : NULL;
}

/* Any object handle (not a cluster or a port). */
struct cn_object_h *cn_object_get(HANDLE h)
{
	struct cn_hobj *obj = cn_handle_get(h, 0);

	if (!obj)
		return NULL;
	if (obj->type == CN_H_CLUSTER || obj->type == CN_H_PORT) {
		cn_hobj_put(obj);
		return NULL;
	}
	return caa_container_of(obj, struct cn_object_h, h);
}

static void cn_cluster_release(struct cn_hobj *h)
{
	struct cn_cluster_h *c = caa_container_of(h, struct cn_cluster_h, h);

	free(c->name);
	free(c);
}

static void cn_object_release(struct cn_hobj *h)
{
	struct cn_object_h *o = caa_container_of(h, struct cn_object_h, h);

	cn_hobj_put(&o->cluster->h);
	free(o->id);
	free(o);
}

/*
 * The access a caller asks for, against what the cluster's mode grants
 * (CLUSNOTIFY_ACCESS_*): GENERIC_ALL needs change access, GENERIC_READ
 * read access, MAXIMUM_ALLOWED takes the most there is. 0 and unknown bits
 * are rejected (Windows leaves 0 "undefined").
 */
static int cn_access(DWORD desired, uint32_t kaccess, DWORD *granted)
{
	bool all = (kaccess & CLUSNOTIFY_ACCESS_READ) &&
		   (kaccess & CLUSNOTIFY_ACCESS_CHANGE);
	bool read = kaccess & CLUSNOTIFY_ACCESS_READ;

	if (!desired || (desired & ~(GENERIC_READ | GENERIC_ALL | MAXIMUM_ALLOWED)))
		return -EINVAL;
	if ((desired & GENERIC_ALL) && !all)
		return -EACCES;
	if ((desired & (GENERIC_READ | MAXIMUM_ALLOWED)) && !read)
		return -EACCES;
	if ((desired & GENERIC_ALL) || ((desired & MAXIMUM_ALLOWED) && all))
		*granted = GENERIC_ALL;
	else
		*granted = GENERIC_READ;
	return 0;
}

/* A caller's WCHAR string as UTF-8 (NULL stays NULL, length 0). */
static int cn_name_in(LPCWSTR in, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!in)
		return 0;
	return cn_utf16_to_utf8(CN_CU16(in), out, len);
}

/*
 * Write @s (UTF-8) into a caller's WCHAR buffer with Windows' rules: *cch
 * is the capacity with the NUL on input, the length without it on output;
 * ERROR_MORE_DATA (and the length needed) when it does not fit.
 */
static DWORD cn_name_out(const char *s, LPWSTR out, LPDWORD cch)
{
	ssize_t n;

	if (!cch)
		return ERROR_SUCCESS;
	n = cn_utf8_to_utf16(s, strlen(s), CN_U16(out), out ? *cch : 0);
	if (n == -ENOBUFS) {
		*cch = cn_utf16_len_of_utf8(s, strlen(s));
		return ERROR_MORE_DATA;
	}
	if (n < 0)
		return cn_win32_error(n, CN_CTX_GENERIC);
	*cch = n;
	return ERROR_SUCCESS;
}

CN_EXPORT HCLUSTER WINAPI OpenClusterEx(LPCWSTR lpszClusterName,
					DWORD DesiredAccess,
					DWORD *GrantedAccess)
{
	struct clusnotify_cluster_query q;
	struct cn_cluster_h *c;
	DWORD granted = 0;
	size_t len;
	char *name;
	int ret;

	ret = cn_name_in(lpszClusterName, &name, &len);
	if (ret) {
		cn_set_error(ret, CN_CTX_CLUSTER);
		return NULL;
	}
	/* NULL (or empty): the local cluster; else a cluster or node name. */
	ret = cn_kapi_cluster_lookup(0, 0, name, len, &q, NULL, 0);
	if (ret == -ENOENT && len)
		ret = cn_kapi_cluster_lookup(CLUSNOTIFY_LOOKUP_BY_NODE, 0, name,
					     len, &q, NULL, 0);
	free(name);
	if (!ret)
		ret = cn_access(DesiredAccess, q.access, &granted);
	if (ret) {
		cn_set_error(ret, CN_CTX_CLUSTER);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->name = malloc(q.name_out_size);
	if (!c || !c->name) {
		ret = -ENOMEM;
		goto err;
	}
	c->cluster_id = q.cluster_id;
	c->granted = granted;
	ret = cn_kapi_cluster_lookup(CLUSNOTIFY_LOOKUP_BY_ID, q.cluster_id,
				     NULL, 0, &q, c->name, q.name_out_size);
	if (ret)
		goto err;
	ret = cn_handle_new(&c->h, CN_H_CLUSTER, cn_cluster_release);
	if (ret)
		goto err;
	if (GrantedAccess)
		*GrantedAccess = granted;
	return (HCLUSTER)cn_handle_value(&c->h);
err:
	if (c)
		free(c->name);
	free(c);
	cn_set_error(ret, CN_CTX_CLUSTER);
	return NULL;
}

CN_EXPORT HCLUSTER WINAPI OpenCluster(LPCWSTR lpszClusterName)
{
	return OpenClusterEx(lpszClusterName, GENERIC_ALL, NULL);
}

struct cn_collect {
	struct cn_hobj **objs;
	size_t n, cap;
	uint32_t type;
	struct cn_cluster_h *cluster;	/* with CN_H_*: only its objects */
};

static void cn_collect_one(struct cn_hobj *obj, void *arg)
{
	struct cn_collect *col = arg;
	struct cn_hobj **grown;

	if (col->type == CN_H_PORT) {
		if (obj->type != CN_H_PORT)
			return;
	} else if (obj->type == CN_H_CLUSTER || obj->type == CN_H_PORT ||
		   caa_container_of(obj, struct cn_object_h, h)->cluster !=
			   col->cluster) {
		return;
	}
	if (col->n == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 16;
		grown = realloc(col->objs, col->cap * sizeof(*grown));
		if (!grown)
			return;		/* collected fewer; see callers */
		col->objs = grown;
	}
	cn_hobj_get(obj);
	col->objs[col->n++] = obj;
}

/*
 * HANDLE_CLOSE for a closed handle: every port that registered a filter
 * with its token gets the records its filters ask for (the kernel knows
 * which), and loses those filters. Ports without one answer -ENOENT.
 */
void cn_ports_handle_close(uintptr_t token)
{
	struct cn_collect col = { .type = CN_H_PORT };
	struct clusnotify_remove r = {
		.token = token,
		.flags = CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE,
	};
	size_t i;

	cn_handle_for_each(cn_collect_one, &col);
	for (i = 0; i < col.n; i++) {
		struct cn_port_h *p = caa_container_of(col.objs[i],
						       struct cn_port_h, h);

		cn_kapi_ioctl(p->fd, CLUSNOTIFY_IOC_REMOVE_FILTERS, &r);
		cn_hobj_put(col.objs[i]);
	}
	free(col.objs);
}

/* Close one handle of any kind but a port; FALSE if it was not live. */
static BOOL cn_close_handle(HANDLE h, uint32_t type)
{
	struct cn_hobj *obj = cn_handle_close(h, type);

	if (!obj) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	cn_ports_handle_close(obj->value);
	cn_hobj_put(obj);
	return TRUE;
}

/*
 * CloseCluster invalidates every handle obtained from the cluster handle
 * too; each one a port registered posts its HANDLE_CLOSE, and so does the
 * cluster's own, last (the documented way a notification thread learns to
 * stop). The cluster handle dies first: an object opened or a filter
 * registered concurrently either is found below or sees the cluster dead
 * and undoes itself (cn_object_handle, cn_add_filter). Always TRUE.
 */
CN_EXPORT BOOL WINAPI CloseCluster(HCLUSTER hCluster)
{
	struct cn_collect col = { .type = CN_H_CLUSTER };
	struct cn_hobj *obj = cn_handle_close(hCluster, CN_H_CLUSTER);
	size_t i;

	if (!obj) {
		SetLastError(ERROR_INVALID_HANDLE);
		return TRUE;
	}
	col.cluster = caa_container_of(obj, struct cn_cluster_h, h);
	cn_handle_for_each(cn_collect_one, &col);
	for (i = 0; i < col.n; i++) {
		cn_close_handle(cn_handle_value(col.objs[i]), 0);
		cn_hobj_put(col.objs[i]);
	}
	free(col.objs);
	cn_ports_handle_close(obj->value);
	cn_hobj_put(obj);
	return TRUE;
}

/* A new handle for object @id of @objtype in cluster @c (ref consumed). */
static HANDLE cn_object_handle(struct cn_cluster_h *c, uint32_t objtype,
			       const char *id)
{
	struct cn_object_h *o = calloc(1, sizeof(*o));
	int ret = -ENOMEM;

	if (o)
		o->id = strdup(id);
	if (!o || !o->id)
		goto err;
	o->cluster = c;
	o->objtype = objtype;
	/*
	 * Published wholly before CloseCluster marks the cluster dead (its
	 * sweep then finds this handle) or not at all.
	 */
	if (!cn_hobj_use_begin(&c->h)) {
		ret = -EBADF;
		goto err;
	}
	ret = cn_handle_new(&o->h, cn_objtypes[objtype].htype,
			    cn_object_release);
	cn_hobj_use_end(&c->h);
	if (ret)
		goto err;
	return cn_handle_value(&o->h);
err:
	if (o)
		free(o->id);
	free(o);
	cn_hobj_put(&c->h);
	cn_set_error(ret, cn_objtypes[objtype].ctx);
	return NULL;
}

static HANDLE cn_open_object(HCLUSTER hCluster, LPCWSTR lpszName,
			     uint32_t objtype, DWORD desired, DWORD *granted)
{
	struct cn_cluster_h *c = cn_cluster_get(hCluster);
	struct clusnotify_object *o = NULL;
	DWORD g = 0;
	size_t len;
	char *name;
	int ret;

	if (!c) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	ret = lpszName ? cn_name_in(lpszName, &name, &len) : -EINVAL;
	if (ret)
		goto err;
	ret = cn_kapi_object_lookup(c->cluster_id, objtype, 0, name, len, &o);
	free(name);
	if (!ret) {
		/* An object handle cannot have more than its cluster's. */
		uint32_t k = CLUSNOTIFY_ACCESS_READ;

		if (c->granted == GENERIC_ALL)
			k |= CLUSNOTIFY_ACCESS_CHANGE;
		ret = cn_access(desired, k, &g);
	}
	if (ret)
		goto err;
	if (granted)
		*granted = g;
	{
		HANDLE h = cn_object_handle(c, objtype,
					    cn_kapi_object_str(o, CN_STR_ID));

		free(o);
		return h;
	}
err:
	free(o);
	cn_hobj_put(&c->h);
	cn_set_error(ret, cn_objtypes[objtype].ctx);
	return NULL;
}

#define CN_OPENERS(T, H, Name, EXName, Close, Htype)                          \
	CN_EXPORT H WINAPI Name(HCLUSTER hCluster, LPCWSTR lpszName)          \
	{                                                                     \
		return (H)cn_open_object(hCluster, lpszName, T, GENERIC_ALL,  \
					 NULL);                               \
	}                                                                     \
	CN_EXPORT H WINAPI EXName(HCLUSTER hCluster, LPCWSTR lpszName,        \
				  DWORD dwDesiredAccess,                      \
				  DWORD *lpdwGrantedAccess)                   \
	{                                                                     \
		return (H)cn_open_object(hCluster, lpszName, T,               \
					 dwDesiredAccess, lpdwGrantedAccess); \
	}                                                                     \
	CN_EXPORT BOOL WINAPI Close(H h)                                      \
	{                                                                     \
		return cn_close_handle(h, Htype);                             \
	}

CN_OPENERS(CLUSNOTIFY_OBJ_NODE, HNODE, OpenClusterNode, OpenClusterNodeEx,
	   CloseClusterNode, CN_H_NODE)
CN_OPENERS(CLUSNOTIFY_OBJ_GROUP, HGROUP, OpenClusterGroup, OpenClusterGroupEx,
	   CloseClusterGroup, CN_H_GROUP)
CN_OPENERS(CLUSNOTIFY_OBJ_RESOURCE, HRESOURCE, OpenClusterResource,
	   OpenClusterResourceEx, CloseClusterResource, CN_H_RESOURCE)
CN_OPENERS(CLUSNOTIFY_OBJ_NETWORK, HNETWORK, OpenClusterNetwork,
	   OpenClusterNetworkEx, CloseClusterNetwork, CN_H_NETWORK)
CN_OPENERS(CLUSNOTIFY_OBJ_NETWORK_INTERFACE, HNETINTERFACE,
	   OpenClusterNetInterface, OpenClusterNetInterfaceEx,
	   CloseClusterNetInterface, CN_H_NETINTERFACE)

CN_EXPORT HGROUPSET WINAPI OpenClusterGroupSet(HCLUSTER hCluster,
					       LPCWSTR lpszGroupSetName)
{
	return (HGROUPSET)cn_open_object(hCluster, lpszGroupSetName,
					 CLUSNOTIFY_OBJ_GROUPSET, GENERIC_ALL,
					 NULL);
}

CN_EXPORT BOOL WINAPI CloseClusterGroupSet(HGROUPSET hGroupSet)
{
	return cn_close_handle(hGroupSet, CN_H_GROUPSET);
}

/*
 * The cluster database: an HKEY names a registry object of the directory by
 * its path below the root ("" for the root itself, which always exists).
 */
CN_EXPORT HKEY WINAPI GetClusterKey(HCLUSTER hCluster, REGSAM samDesired)
{
	struct cn_cluster_h *c = cn_cluster_get(hCluster);

	(void)samDesired;
	if (!c) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	return (HKEY)cn_object_handle(c, CLUSNOTIFY_OBJ_REGISTRY, "");
}

CN_EXPORT LONG WINAPI ClusterRegOpenKey(HKEY hKey, LPCWSTR lpszSubKey,
					REGSAM samDesired, PHKEY phkResult)
{
	struct cn_object_h *parent = cn_object_get(hKey);
	struct clusnotify_object *o = NULL;
	char *sub = NULL, *path = NULL;
	size_t len;
	HANDLE h = NULL;
	int ret;

	(void)samDesired;
	if (!parent || parent->objtype != CLUSNOTIFY_OBJ_REGISTRY) {
		if (parent)
			cn_hobj_put(&parent->h);
		return ERROR_INVALID_HANDLE;
	}
	if (!phkResult) {
		ret = -EINVAL;
		goto out;
	}
	ret = cn_name_in(lpszSubKey, &sub, &len);
	if (ret)
		goto out;
	if (asprintf(&path, "%s%s%s", parent->id,
		     *parent->id && len ? "\\" : "", sub ? sub : "") < 0) {
		path = NULL;
		ret = -ENOMEM;
		goto out;
	}
	if (*path) {
		ret = cn_kapi_object_lookup(parent->cluster->cluster_id,
					    CLUSNOTIFY_OBJ_REGISTRY,
					    CLUSNOTIFY_LOOKUP_BY_ID, path,
					    strlen(path), &o);
		if (ret)
			goto out;
	}
	cn_hobj_get(&parent->cluster->h);
	h = cn_object_handle(parent->cluster, CLUSNOTIFY_OBJ_REGISTRY, path);
	if (h)
		*phkResult = (HKEY)h;
out:
	free(o);
	free(path);
	free(sub);
	cn_hobj_put(&parent->h);
	/* cn_object_handle said why it failed (e.g. the cluster closed). */
	if (!ret && !h)
		return GetLastError();
	return cn_win32_error(ret, CN_CTX_KEY);
}

CN_EXPORT LONG WINAPI ClusterRegCloseKey(HKEY hKey)
{
	return cn_close_handle(hKey, CN_H_KEY) ? ERROR_SUCCESS :
						  ERROR_INVALID_HANDLE;
}

/* The current record of the object behind a handle of @htype. */
static int cn_fetch(HANDLE h, uint32_t htype, struct clusnotify_object **out,
		    struct cn_object_h **handle)
{
	struct cn_hobj *obj = cn_handle_get(h, htype);
	struct cn_object_h *o;
	int ret;

	if (!obj)
		return -EBADF;
	o = caa_container_of(obj, struct cn_object_h, h);
	ret = cn_kapi_object_lookup(o->cluster->cluster_id, o->objtype,
				    CLUSNOTIFY_LOOKUP_BY_ID, o->id,
				    strlen(o->id), out);
	if (ret || !handle)
		cn_hobj_put(obj);
	else
		*handle = o;
	return ret;
}

/* The name of object @id of @type, or "" if there is none; malloc'ed. */
static char *cn_name_of(uint32_t cluster_id, uint32_t type, const char *id)
{
	struct clusnotify_object *o;
	char *name;

	if (!*id || cn_kapi_object_lookup(cluster_id, type,
					  CLUSNOTIFY_LOOKUP_BY_ID, id,
					  strlen(id), &o))
		return strdup("");
	name = strdup(cn_kapi_object_str(o, CN_STR_NAME));
	free(o);
	return name;
}

static DWORD cn_simple_state(HANDLE h, uint32_t htype, enum cn_ctx ctx)
{
	struct clusnotify_object *o;
	DWORD state;
	int ret;

	ret = cn_fetch(h, htype, &o, NULL);
	if (ret) {
		cn_set_error(ret == -EBADF ? -EBADF : ret, ctx);
		return (DWORD)-1;	/* every *StateUnknown is -1 */
	}
	state = o->state;
	free(o);
	return state;
}

CN_EXPORT CLUSTER_NODE_STATE WINAPI GetClusterNodeState(HNODE hNode)
{
	return (CLUSTER_NODE_STATE)cn_simple_state(hNode, CN_H_NODE,
						   CN_CTX_NODE);
}

CN_EXPORT CLUSTER_NETWORK_STATE WINAPI GetClusterNetworkState(HNETWORK hNetwork)
{
	return (CLUSTER_NETWORK_STATE)cn_simple_state(hNetwork, CN_H_NETWORK,
						      CN_CTX_NETWORK);
}

CN_EXPORT CLUSTER_NETINTERFACE_STATE WINAPI
GetClusterNetInterfaceState(HNETINTERFACE hNetInterface)
{
	return (CLUSTER_NETINTERFACE_STATE)cn_simple_state(hNetInterface,
							   CN_H_NETINTERFACE,
							   CN_CTX_NETINTERFACE);
}

/*
 * A group's owner is the node its parent names (GROUP_OWNER_NODE_V2 moves
 * it); a resource's group is its parent, and its node the group's owner.
 */
CN_EXPORT CLUSTER_GROUP_STATE WINAPI GetClusterGroupState(HGROUP hGroup,
							  LPWSTR lpszNodeName,
							  LPDWORD lpcchNodeName)
{
	struct clusnotify_object *o;
	struct cn_object_h *g;
	DWORD state, code;
	char *node;
	int ret;

	ret = cn_fetch(hGroup, CN_H_GROUP, &o, &g);
	if (ret) {
		cn_set_error(ret, CN_CTX_GROUP);
		return ClusterGroupStateUnknown;
	}
	state = o->state;
	node = cn_name_of(g->cluster->cluster_id, CLUSNOTIFY_OBJ_NODE,
			  cn_kapi_object_str(o, CN_STR_PARENT));
	cn_hobj_put(&g->h);
	free(o);
	code = node ? cn_name_out(node, lpszNodeName, lpcchNodeName) :
		      ERROR_NOT_ENOUGH_MEMORY;
	free(node);
	if (code) {
		SetLastError(code);
		return ClusterGroupStateUnknown;
	}
	return (CLUSTER_GROUP_STATE)state;
}

CN_EXPORT CLUSTER_RESOURCE_STATE WINAPI
GetClusterResourceState(HRESOURCE hResource, LPWSTR lpszNodeName,
			LPDWORD lpcchNodeName, LPWSTR lpszGroupName,
			LPDWORD lpcchGroupName)
{
	struct clusnotify_object *o, *grp = NULL;
	char *node = NULL, *group = NULL;
	struct cn_object_h *r;
	DWORD state, code;
	uint32_t cid;
	int ret;

	ret = cn_fetch(hResource, CN_H_RESOURCE, &o, &r);
	if (ret) {
		cn_set_error(ret, CN_CTX_RESOURCE);
		return ClusterResourceStateUnknown;
	}
	state = o->state;
	cid = r->cluster->cluster_id;
	cn_hobj_put(&r->h);
	if (*cn_kapi_object_str(o, CN_STR_PARENT) &&
	    !cn_kapi_object_lookup(cid, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_LOOKUP_BY_ID,
				   cn_kapi_object_str(o, CN_STR_PARENT),
				   o->parent_len, &grp)) {
		group = strdup(cn_kapi_object_str(grp, CN_STR_NAME));
		node = cn_name_of(cid, CLUSNOTIFY_OBJ_NODE,
				  cn_kapi_object_str(grp, CN_STR_PARENT));
	} else {
		group = strdup("");
		node = strdup("");
	}
	free(grp);
	free(o);
	if (!node || !group)
		code = ERROR_NOT_ENOUGH_MEMORY;
	else
		code = cn_name_out(node, lpszNodeName, lpcchNodeName) ?:
		       cn_name_out(group, lpszGroupName, lpcchGroupName);
	free(node);
	free(group);
	if (code) {
		SetLastError(code);
		return ClusterResourceStateUnknown;
	}
	return (CLUSTER_RESOURCE_STATE)state;
}
