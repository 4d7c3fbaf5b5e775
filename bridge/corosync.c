// SPDX-License-Identifier: GPL-2.0
/*
 * corosync.c: the cluster's networks, from Corosync's configuration map.
 *
 * A knet link is what carries the cluster's traffic, as a Windows
 * cluster network does, and a node's address on a link is its network
 * interface there. The states are this node's view: a link a peer is not
 * connected on is unreachable from here, which is the view a Windows
 * node's cluster service reports too.
 */
#include <stdio.h>
#include <stdlib.h>

#include <corosync/cmap.h>
#include <clusapi.h>

#include "corosync.h"

#define MAX_LINKS 8		/* knet's limit */

static uint32_t netif_state(cmap_handle_t stats, uint32_t nodeid, int link)
{
	char key[96];
	uint8_t connected, enabled;

	snprintf(key, sizeof(key), "stats.knet.node%u.link%d.enabled", nodeid,
		 link);
	if (cmap_get_uint8(stats, key, &enabled) != CS_OK || !enabled)
		return ClusterNetInterfaceUnavailable;
	snprintf(key, sizeof(key), "stats.knet.node%u.link%d.connected",
		 nodeid, link);
	if (cmap_get_uint8(stats, key, &connected) != CS_OK)
		return ClusterNetInterfaceUnavailable;
	return connected ? ClusterNetInterfaceUp : ClusterNetInterfaceUnreachable;
}

static void network_states(struct bm_model *m)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, m->networks);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct bm_network *n = v;
		GHashTableIter j;
		gpointer w;
		int up = 0, all = 0;

		g_hash_table_iter_init(&j, m->netifs);
		while (g_hash_table_iter_next(&j, NULL, &w)) {
			struct bm_netif *i = w;

			if (g_strcmp0(i->network, n->id))
				continue;
			all++;
			up += i->state == ClusterNetInterfaceUp;
		}
		n->state = up == all ? ClusterNetworkUp :
			   up ? ClusterNetworkPartitioned : ClusterNetworkDown;
	}
}

/*
 * The two maps, connected on first use and kept: a libqb connection maps
 * and clears ring buffers of a megabyte each, which cost far more than
 * the few reads of a link poll (under emulation, 94 ms of CPU a second
 * for a poll every 2 s with a connection per poll).
 */
struct bm_corosync {
	cmap_handle_t h, stats;
	int connected;
};

struct bm_corosync *bm_corosync_new(void)
{
	return g_new0(struct bm_corosync, 1);
}

static void disconnect(struct bm_corosync *c)
{
	if (!c->connected)
		return;
	cmap_finalize(c->stats);
	cmap_finalize(c->h);
	c->connected = 0;
}

void bm_corosync_free(struct bm_corosync *c)
{
	if (!c)
		return;
	disconnect(c);
	g_free(c);
}

static int connect_maps(struct bm_corosync *c, char **err)
{
	if (c->connected)
		return 0;
	if (cmap_initialize(&c->h) != CS_OK) {
		*err = g_strdup("Corosync's cmap does not answer");
		return -1;
	}
	if (cmap_initialize_map(&c->stats, CMAP_MAP_STATS) != CS_OK) {
		cmap_finalize(c->h);
		*err = g_strdup("Corosync's stats map does not answer");
		return -1;
	}
	c->connected = 1;
	return 0;
}

/*
 * The first node's id into *nodeid: 1, or 0 for an empty nodelist, or -1
 * with *err set. Another error than CS_ERR_NOT_EXIST is taken for a
 * connection that is gone (Corosync restarted): one new one is tried.
 */
static int first_node(struct bm_corosync *c, uint32_t *nodeid, char **err)
{
	cs_error_t rc;

	if (connect_maps(c, err))
		return -1;
	rc = cmap_get_uint32(c->h, "nodelist.node.0.nodeid", nodeid);
	if (rc == CS_OK || rc == CS_ERR_NOT_EXIST)
		return rc == CS_OK;
	disconnect(c);
	if (connect_maps(c, err))
		return -1;
	rc = cmap_get_uint32(c->h, "nodelist.node.0.nodeid", nodeid);
	if (rc == CS_OK || rc == CS_ERR_NOT_EXIST)
		return rc == CS_OK;
	*err = g_strdup_printf("Corosync's cmap: error %d", rc);
	return -1;
}

int bm_corosync_read(struct bm_corosync *c, struct bm_model *m, char **err)
{
	char key[96];
	uint32_t nodeid;
	int i, link, n;

	n = first_node(c, &nodeid, err);
	if (n < 0)
		return -1;
	for (i = 0; n; i++) {
		char *name = NULL, *nname;

		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (i && cmap_get_uint32(c->h, key, &nodeid) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(c->h, key, &name) != CS_OK)
			name = NULL;
		nname = g_strdup(name ? name : "");
		free(name);
		if (!*nname) {
			g_free(nname);
			nname = g_strdup_printf("node%u", nodeid);
		}
		for (link = 0; link < MAX_LINKS; link++) {
			char *addr = NULL, *nid, *netid, *ifid, *ifname;
			struct bm_netif *ni;

			snprintf(key, sizeof(key), "nodelist.node.%d.ring%d_addr",
				 i, link);
			if (cmap_get_string(c->h, key, &addr) != CS_OK)
				continue;
			netid = g_strdup_printf("link%d", link);
			if (!g_hash_table_contains(m->networks, netid)) {
				char *netname = g_strdup_printf("Link %d", link);

				bm_model_add_network(m, netid, netname);
				g_free(netname);
			}
			nid = g_strdup_printf("%u", nodeid);
			ifid = g_strdup_printf("%u-link%d", nodeid, link);
			ifname = g_strdup_printf("%s - Link %d", nname, link);
			ni = bm_model_add_netif(m, ifid, ifname, nid, netid,
						addr);
			ni->state = netif_state(c->stats, nodeid, link);
			g_free(nid);
			g_free(ifid);
			g_free(ifname);
			g_free(netid);
			free(addr);
		}
		g_free(nname);
	}
	network_states(m);
	bm_model_build_registry(m);
	return 0;
}
