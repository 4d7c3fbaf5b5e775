// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify-pacemaker's posting path, end to end in the VM: the bridge
 * reads a chain of real CIB snapshots (made on the host by crm_simulate,
 * tests/host/bridge/make-chain) through a real crm_mon, registers the
 * cluster, publishes its directory and posts the changes through
 * libclusapi's producer API; a consumer using only clusapi.h receives
 * them with GetClusterNotifyV2, in order, with their ids, owners and
 * state payloads, between CLUSTER_RECONNECT and CLUSTER_STATE; and a
 * restarted bridge reconciles with what the kernel kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "kselftest_harness.h"

#define DIR "/opt/selftests/bridge"

/* Run the bridge with args, as the VM has it: 0 when it exited 0. */
static int bridge(const char *a1, const char *a2, const char *a3,
		  const char *a4, const char *a5, const char *a6,
		  const char *a7)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("CLUSNOTIFY_CRM_MON", DIR "/crm_mon", 1);
		setenv("PCMK_schema_directory", DIR "/schemas", 1);
		execl(DIR "/clusnotify-pacemaker", "clusnotify-pacemaker",
		      a1, a2, a3, a4, a5, a6, a7, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct want {
	DWORD type;
	LONGLONG flag;
	const char *id;		/* NULL: not checked */
	const char *parent;	/* NULL: not checked */
	int state;		/* -1: no state payload */
};

/* UTF-16 to ASCII: every id here is ASCII. */
static void narrow(const WCHAR *w, char *out, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && w[i]; i++)
		out[i] = w[i] < 0x80 ? (char)w[i] : '?';
	out[i] = '\0';
}

#define T(x) CLUSTER_OBJECT_TYPE_##x
#define NOSTATE -1

static const struct want wants[] = {
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_RECONNECT_V2, NULL, NULL, NOSTATE },
	/* c1 -> c2: node1 fails, web fails over to node2 */
	{ T(NODE), CLUSTER_CHANGE_NODE_STATE_V2, "1", NULL, ClusterNodeDown },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_STATE_V2, "ping-clone", NULL,
	  ClusterGroupPartialOnline },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_OWNER_NODE_V2, "web", "2", NOSTATE },
	/* c2 -> c3: monitor failure */
	{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_STATE_V2, "web-srv", "web",
	  ClusterResourceFailed },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_STATE_V2, "web", "2",
	  ClusterGroupFailed },
	/* c3 -> c4: recovery */
	{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_STATE_V2, "web-srv", "web",
	  ClusterResourceOnline },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_STATE_V2, "web", "2",
	  ClusterGroupOnline },
	/* c4 -> c5: group db added */
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2,
	  "ocf:heartbeat:IPaddr2", NULL, NOSTATE },
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2, "db", "3",
	  NOSTATE },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_STATE_V2, "db", "3",
	  ClusterGroupOnline },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2, "db-srv", "db",
	  NOSTATE },
	{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_STATE_V2, "db-srv", "db",
	  ClusterResourceOnline },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2, "Groups\\db", NULL,
	  NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "ResourceTypes\\ocf:heartbeat:IPaddr2", NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2, "Resources\\db-srv",
	  NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_VALUE_V2, "Resources\\db-srv",
	  NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "Resources\\db-srv\\Parameters", NULL, NOSTATE },
	/* c5 -> c6: group db deleted */
	{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_DELETED_V2, "db-srv", "db",
	  NOSTATE },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_DELETED_V2, "db", NULL, NOSTATE },
	{ T(RESOURCE_TYPE), CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2,
	  "ocf:heartbeat:IPaddr2", NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2, "Groups\\db", NULL,
	  NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "ResourceTypes\\ocf:heartbeat:IPaddr2", NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2, "Resources\\db-srv",
	  NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "Resources\\db-srv\\Parameters", NULL, NOSTATE },
	/* the bridge exits: its session ends */
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_STATE_V2, NULL, NULL, NOSTATE },
};

/* Count the properties of a list: the payload must parse. */
static int count_prop(const struct clusnotify_prop *p, void *arg)
{
	(void)p;
	++*(int *)arg;
	return 0;
}

/*
 * Read the port's records: exactly the wanted ones, in order, then
 * nothing more for 200 ms (no event twice, none left over).
 */
static void expect_records(struct __test_metadata *_metadata, HCHANGE port,
			   const struct want *wants, size_t n)
{
	static BYTE buf[65536];
	WCHAR id[512], parent[512], name[512], type[512];
	char sid[512], sparent[512], sname[512];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct want *w = &wants[i];
		NOTIFY_FILTER_AND_TYPE ft;
		DWORD_PTR key = 0;
		DWORD nbuf = sizeof(buf), nid = 512, npar = 512, nname = 512;
		DWORD ntype = 512, rc;

		rc = GetClusterNotifyV2(port, &key, &ft, buf, &nbuf, id, &nid,
					parent, &npar, name, &nname, type,
					&ntype, 5000);
		ASSERT_EQ(ERROR_SUCCESS, rc) TH_LOG("record %zu", i);
		narrow(id, sid, sizeof(sid));
		narrow(parent, sparent, sizeof(sparent));
		narrow(name, sname, sizeof(sname));
		/* Named, as a V1 program sees objects only by name. */
		if (sid[0]) {
			EXPECT_STRNE("", sname) TH_LOG("record %zu", i);
		}
		TH_LOG("record %zu: type %u flag 0x%llx id '%s' parent '%s'",
		       i, ft.dwObjectType, (unsigned long long)ft.FilterFlags,
		       sid, sparent);
		EXPECT_EQ(7, key);
		EXPECT_EQ(w->type, ft.dwObjectType);
		EXPECT_EQ(w->flag, ft.FilterFlags);
		if (w->id)
			EXPECT_STREQ(w->id, sid);
		if (w->parent)
			EXPECT_STREQ(w->parent, sparent);
		if (w->state != NOSTATE) {
			DWORD st;

			ASSERT_EQ(sizeof(DWORD), nbuf);
			memcpy(&st, buf, sizeof(st));
			EXPECT_EQ((DWORD)w->state, st);
		}
		if (w->flag == CLUSTER_CHANGE_REGISTRY_VALUE_V2 &&
		    w->type == T(REGISTRY)) {
			int props = 0;

			/* Resources\db-srv holds Group and Type. */
			EXPECT_EQ(0, clusnotify_proplist_parse(buf, nbuf,
							       count_prop,
							       &props));
			EXPECT_EQ(2, props);
		}
	}
	/* Nothing more: no event twice, none left over. */
	{
		NOTIFY_FILTER_AND_TYPE ft;
		DWORD_PTR key;
		DWORD nbuf = sizeof(buf), nid = 512, npar = 512, nname = 512;
		DWORD ntype = 512;

		EXPECT_EQ(WAIT_TIMEOUT,
			  GetClusterNotifyV2(port, &key, &ft, buf, &nbuf, id,
					     &nid, parent, &npar, name, &nname,
					     type, &ntype, 200));
	}
}

/* A port with a filter on every kind the bridge posts, key 7. */
static HCHANGE open_port(HCLUSTER hc)
{
	NOTIFY_FILTER_AND_TYPE f[] = {
		{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_ALL_V2 },
		{ T(NODE), CLUSTER_CHANGE_NODE_ALL_V2 },
		{ T(GROUP), CLUSTER_CHANGE_GROUP_ALL_V2 },
		{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_ALL_V2 },
		{ T(RESOURCE_TYPE), CLUSTER_CHANGE_RESOURCE_TYPE_ALL_V2 },
		{ T(QUORUM), CLUSTER_CHANGE_QUORUM_ALL_V2 },
		/* The root key with its subtree: the whole database. */
		{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2 |
			       CLUSTER_CHANGE_REGISTRY_VALUE_V2 |
			       CLUSTER_CHANGE_REGISTRY_SUBTREE_V2 },
	};

	return CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, f,
					 sizeof(f) / sizeof(f[0]), 7);
}

TEST(bridge_posts_a_failover_and_a_group_lifecycle)
{
	HCLUSTER hc;
	HCHANGE port;

	ASSERT_EQ(0, access(DIR "/clusnotify-pacemaker", X_OK));
	/* The first snapshot: registered, directory published, down again. */
	ASSERT_EQ(0, bridge("--cib-file", DIR "/c1.xml", NULL, NULL, NULL,
			    NULL, NULL));
	hc = OpenCluster(u"testclu");
	ASSERT_NE(NULL, hc);
	port = open_port(hc);
	ASSERT_NE(NULL, port);

	ASSERT_EQ(0, bridge("--diff", DIR "/c1.xml", DIR "/c2.xml",
			    DIR "/c3.xml", DIR "/c4.xml", DIR "/c5.xml",
			    DIR "/c6.xml"));

	expect_records(_metadata, port, wants,
		       sizeof(wants) / sizeof(wants[0]));
	CloseClusterNotifyPort(port);
	CloseCluster(hc);
}

/*
 * The bridge restarted with no memory of what it posted: it diffs what
 * the kernel kept against its fresh snapshot. From c5 (group db there,
 * web Online) to c3 (db never made, web-srv failed): the state changes
 * and deletions, once; the same snapshot again: nothing at all.
 */
static const struct want restart_wants[] = {
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_RECONNECT_V2, NULL, NULL, NOSTATE },
	{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_STATE_V2, "web-srv", "web",
	  ClusterResourceFailed },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_STATE_V2, "web", "2",
	  ClusterGroupFailed },
	{ T(RESOURCE), CLUSTER_CHANGE_RESOURCE_DELETED_V2, "db-srv", "db",
	  NOSTATE },
	{ T(GROUP), CLUSTER_CHANGE_GROUP_DELETED_V2, "db", NULL, NOSTATE },
	{ T(RESOURCE_TYPE), CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2,
	  "ocf:heartbeat:IPaddr2", NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2, "Groups\\db", NULL,
	  NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "ResourceTypes\\ocf:heartbeat:IPaddr2", NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2, "Resources\\db-srv",
	  NULL, NOSTATE },
	{ T(REGISTRY), CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "Resources\\db-srv\\Parameters", NULL, NOSTATE },
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_STATE_V2, NULL, NULL, NOSTATE },
};

static const struct want quiet_wants[] = {
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_RECONNECT_V2, NULL, NULL, NOSTATE },
	{ T(CLUSTER), CLUSTER_CHANGE_CLUSTER_STATE_V2, NULL, NULL, NOSTATE },
};

TEST(bridge_restart_reconciles_with_the_kernel)
{
	HCLUSTER hc;
	HCHANGE port;

	ASSERT_EQ(0, bridge("--cluster-name", "restartclu", "--cib-file",
			    DIR "/c5.xml", NULL, NULL, NULL));
	hc = OpenCluster(u"restartclu");
	ASSERT_NE(NULL, hc);
	port = open_port(hc);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, bridge("--cluster-name", "restartclu", "--cib-file",
			    DIR "/c3.xml", NULL, NULL, NULL));
	expect_records(_metadata, port, restart_wants,
		       sizeof(restart_wants) / sizeof(restart_wants[0]));
	ASSERT_EQ(0, bridge("--cluster-name", "restartclu", "--cib-file",
			    DIR "/c3.xml", NULL, NULL, NULL));
	expect_records(_metadata, port, quiet_wants,
		       sizeof(quiet_wants) / sizeof(quiet_wants[0]));
	CloseClusterNotifyPort(port);
	CloseCluster(hc);
}

/* A CIB file that is not there: exit 1 before anything is registered. */
TEST(bridge_file_mode_needs_files)
{
	EXPECT_EQ(1, bridge("--cib-file", DIR "/nonexistent.xml", NULL, NULL,
			    NULL, NULL, NULL));
}

TEST_HARNESS_MAIN
