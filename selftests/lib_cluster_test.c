// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi's connections and object handles against the real module:
 * OpenCluster[Ex] (default cluster, by name, by node name, unknown names,
 * DesiredAccess and GrantedAccess, the cluster's mode seen by an
 * unprivileged user, ill-formed UTF-16), every Open*[Ex]/Close* of the
 * object handles and their *_NOT_FOUND codes, the cluster database keys,
 * every state getter with its owner names and ERROR_MORE_DATA, CloseCluster
 * invalidating what was opened through it, stale and forged handles, and
 * the thread-local last error. Events come from a raw netlink producer
 * (cn_util).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clusapi.h>
#include "cn_lib.h"
#include "cn_util.h"
#include "kselftest_harness.h"

/* Objects the standard environment lacks, published by the fixture. */
#define NIC1_ID "nic-id-1"
#define NIC1 "Node1 - Ethernet"
#define GS1_ID "gs-id-1"
#define GS1 "Set One"

static const struct cn_obj_desc extra_objects[] = {
	{ .type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE, .id = NIC1_ID,
	  .name = NIC1, .parent = CN_NODE1_ID, .state = 3, .has_state = true },
	{ .type = CLUSNOTIFY_OBJ_GROUPSET, .id = GS1_ID, .name = GS1 },
};

FIXTURE(cl) {
	struct cn_env env;
	HCLUSTER hc;
};

FIXTURE_SETUP(cl)
{
	ASSERT_EQ(0, cn_env_setup(&self->env, "LibCl"));
	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, extra_objects,
				CN_ARRAY_SIZE(extra_objects)));
	self->hc = cn_lib_open(&self->env);
	ASSERT_NE(NULL, self->hc);
}

FIXTURE_TEARDOWN(cl)
{
	if (self->hc)
		CloseCluster(self->hc);
	cn_env_teardown(&self->env);
}

/*
 * Whether a port on @h receives what the producer @nl posts to cluster
 * @cid: proof that a handle names that cluster.
 */
static bool reaches(struct cn_nl *nl, __u32 cid, HCLUSTER h)
{
	struct cn_event ev = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct cn_v1_got g;
	HCHANGE port;
	bool ok;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, h,
				       CLUSTER_CHANGE_GROUP_STATE, 0x5eed);
	if (!port)
		return false;
	ok = !cn_post1(nl, cid, &ev) &&
	     cn_v1_get(port, 2000, &g) == ERROR_SUCCESS && g.key == 0x5eed &&
	     !strcmp(g.name, CN_GROUP1);
	CloseClusterNotifyPort(port);
	return ok;
}

/* An ASCII string in upper case, for the case-insensitive names. */
static const char *upper(const char *s)
{
	static __thread char buf[256];
	size_t i;

	for (i = 0; s[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
	buf[i] = 0;
	return buf;
}

TEST_F(cl, open_by_name)
{
	DWORD granted = 0;
	HCLUSTER h2, h3;

	h2 = OpenCluster(cn_wide(self->env.name));
	ASSERT_NE(NULL, h2);
	/* Every open is a handle of its own. */
	EXPECT_NE((uintptr_t)self->hc, (uintptr_t)h2);
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, h2));
	/* Cluster names compare case-insensitively, as on Windows. */
	h3 = OpenClusterEx(cn_wide(upper(self->env.name)), GENERIC_ALL,
			   &granted);
	ASSERT_NE(NULL, h3);
	EXPECT_EQ(GENERIC_ALL, granted);
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, h3));
	EXPECT_TRUE(CloseCluster(h2));
	EXPECT_TRUE(CloseCluster(h3));
	/* Closing one handle leaves the others working. */
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, self->hc));
}

TEST_F(cl, open_default_cluster)
{
	struct cn_cluster_opts o = { .flags = CLUSNOTIFY_CLUSTER_F_DEFAULT };
	struct clusnotify_cluster_query q;
	HCLUSTER h1 = NULL, h2 = NULL, h3 = NULL;
	DWORD granted = 0;
	struct cn_nl nl;
	char name[64];
	__u32 cid;

	ASSERT_EQ(0, cn_nl_open(&nl));
	cn_unique_name(name, sizeof(name), "LibDefault");
	ASSERT_EQ(0, cn_register_opts(&nl, name, &o, &cid));
	ASSERT_EQ(0, cn_publish(&nl, cid, cn_std_objects, cn_std_nobjects));
	/* The kernel's own answer, for when an older default is registered. */
	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, NULL, 0, &q, NULL, 0));
	if (q.cluster_id != cid) {
		cn_unregister(&nl, cid);
		cn_nl_close(&nl);
		SKIP(return, "another cluster is the default (id %u)",
		     q.cluster_id);
	}
	/* NULL and "" both name the local (default) cluster. */
	h1 = OpenCluster(NULL);
	EXPECT_NE(NULL, h1);
	h2 = OpenCluster(u"");
	EXPECT_NE(NULL, h2);
	h3 = OpenClusterEx(NULL, GENERIC_READ, &granted);
	EXPECT_NE(NULL, h3);
	EXPECT_EQ(GENERIC_READ, granted);
	EXPECT_TRUE(h1 && reaches(&nl, cid, h1));
	EXPECT_TRUE(h2 && reaches(&nl, cid, h2));
	EXPECT_TRUE(h3 && reaches(&nl, cid, h3));
	CloseCluster(h1);
	CloseCluster(h2);
	CloseCluster(h3);
	cn_unregister(&nl, cid);
	cn_nl_close(&nl);
}

TEST_F(cl, open_by_node_name)
{
	struct cn_obj_desc node = {
		.type = CLUSNOTIFY_OBJ_NODE, .id = "node-id-unique",
		.state = CN_NODE_UP, .has_state = true,
	};
	char name[64];
	HCLUSTER h;

	/* A node name no other cluster of the run can hold. */
	cn_unique_name(name, sizeof(name), "LibNode");
	node.name = name;
	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &node, 1));
	h = OpenCluster(cn_wide(name));
	ASSERT_NE(NULL, h);
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, h));
	CloseCluster(h);
}

TEST_F(cl, unknown_cluster_is_server_unavailable)
{
	DWORD granted = 0x1234;

	SetLastError(0);
	EXPECT_EQ(NULL, OpenCluster(u"No-Such-Cluster-Anywhere"));
	EXPECT_EQ(RPC_S_SERVER_UNAVAILABLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterEx(u"No-Such-Cluster-Anywhere",
				      GENERIC_READ, &granted));
	EXPECT_EQ(RPC_S_SERVER_UNAVAILABLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterEx(u"No-Such-Cluster-Anywhere",
				      MAXIMUM_ALLOWED, NULL));
	EXPECT_EQ(RPC_S_SERVER_UNAVAILABLE, GetLastError());
}

TEST_F(cl, desired_and_granted_access)
{
	static const DWORD bad[] = {
		0, GENERIC_WRITE, GENERIC_EXECUTE, 0x1, 0x00010000,
		GENERIC_READ | 0x4, GENERIC_ALL | GENERIC_WRITE,
	};
	WCHAR *name = cn_wide(self->env.name);
	DWORD granted;
	HCLUSTER hr, h;
	HGROUP g;
	size_t i;

	for (i = 0; i < CN_ARRAY_SIZE(bad); i++) {
		SetLastError(0);
		granted = 0x1234;
		EXPECT_EQ(NULL, OpenClusterEx(name, bad[i], &granted))
			TH_LOG("DesiredAccess 0x%x", bad[i]);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
			TH_LOG("DesiredAccess 0x%x", bad[i]);
	}
	granted = 0;
	h = OpenClusterEx(name, MAXIMUM_ALLOWED, &granted);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(GENERIC_ALL, granted);	/* root may change */
	CloseCluster(h);
	h = OpenClusterEx(name, GENERIC_READ | GENERIC_ALL, &granted);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(GENERIC_ALL, granted);
	CloseCluster(h);
	h = OpenClusterEx(name, GENERIC_ALL, NULL);	/* GrantedAccess optional */
	ASSERT_NE(NULL, h);
	CloseCluster(h);

	/* A reader gets what it asked for, even where more is allowed. */
	granted = 0;
	hr = OpenClusterEx(name, GENERIC_READ, &granted);
	ASSERT_NE(NULL, hr);
	EXPECT_EQ(GENERIC_READ, granted);
	/* Every notification function needs only read access. */
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, hr));
	/* An object handle never has more than its cluster handle. */
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterGroup(hr, cn_wide(CN_GROUP1)));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterGroupEx(hr, cn_wide(CN_GROUP1), GENERIC_ALL,
					   &granted));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	granted = 0;
	g = OpenClusterGroupEx(hr, cn_wide(CN_GROUP1), MAXIMUM_ALLOWED,
			       &granted);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(GENERIC_READ, granted);
	/* A read-only handle reads states. */
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(g, NULL, NULL));
	EXPECT_TRUE(CloseClusterGroup(g));
	granted = 0;
	g = OpenClusterGroupEx(hr, cn_wide(CN_GROUP1), GENERIC_READ, &granted);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(GENERIC_READ, granted);
	EXPECT_TRUE(CloseClusterGroup(g));
	CloseCluster(hr);

	/* The object openers check DesiredAccess the same way. */
	for (i = 0; i < CN_ARRAY_SIZE(bad); i++) {
		SetLastError(0);
		EXPECT_EQ(NULL, OpenClusterNodeEx(self->hc, cn_wide(CN_NODE1),
						  bad[i], &granted))
			TH_LOG("DesiredAccess 0x%x", bad[i]);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
			TH_LOG("DesiredAccess 0x%x", bad[i]);
	}
	granted = 0;
	g = OpenClusterGroupEx(self->hc, cn_wide(CN_GROUP1), MAXIMUM_ALLOWED,
			       &granted);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(GENERIC_ALL, granted);
	CloseClusterGroup(g);
}

/* ------------------------------------------------------------------ */
/* An unprivileged user against the cluster's mode                     */
/* ------------------------------------------------------------------ */

struct check {
	const char *what;
	long long want, got;
};

struct nobody {
	int ready, posted;
	int n;
	struct check c[40];
	char ro[64], none[64], all[64];
};

#define CHECK(s, w, wantv, gotv)                                   \
	do {                                                       \
		if ((s)->n < (int)CN_ARRAY_SIZE((s)->c)) {         \
			(s)->c[(s)->n].what = (w);                 \
			(s)->c[(s)->n].want = (long long)(wantv);  \
			(s)->c[(s)->n].got = (long long)(gotv);    \
			(s)->n++;                                  \
		}                                                  \
	} while (0)

static void nobody_child(struct nobody *s)
{
	DWORD granted, st;
	struct cn_v1_got g;
	HCLUSTER h;
	HCHANGE port = NULL;
	HGROUP grp;
	__u64 end;

	CHECK(s, "become nobody", 0, cn_become(CN_NOBODY, CN_NOBODY));
	/* Mode 0644: others may read, not change. */
	SetLastError(0);
	h = OpenCluster(cn_wide(s->ro));
	CHECK(s, "OpenCluster(0644) fails", 1, h == NULL);
	CHECK(s, "OpenCluster(0644) error", ERROR_ACCESS_DENIED,
	      GetLastError());
	SetLastError(0);
	h = OpenClusterEx(cn_wide(s->ro), GENERIC_ALL, &granted);
	CHECK(s, "GENERIC_ALL(0644) fails", 1, h == NULL);
	CHECK(s, "GENERIC_ALL(0644) error", ERROR_ACCESS_DENIED,
	      GetLastError());
	granted = 0;
	h = OpenClusterEx(cn_wide(s->ro), MAXIMUM_ALLOWED, &granted);
	CHECK(s, "MAXIMUM_ALLOWED(0644) opens", 1, h != NULL);
	CHECK(s, "MAXIMUM_ALLOWED(0644) grants", GENERIC_READ, granted);
	if (h)
		CloseCluster(h);
	granted = 0;
	h = OpenClusterEx(cn_wide(s->ro), GENERIC_READ, &granted);
	CHECK(s, "GENERIC_READ(0644) opens", 1, h != NULL);
	CHECK(s, "GENERIC_READ(0644) grants", GENERIC_READ, granted);
	if (h) {
		port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, h,
					       CLUSTER_CHANGE_GROUP_STATE, 5);
		CHECK(s, "reader creates a port", 1, port != NULL);
		SetLastError(0);
		grp = OpenClusterGroup(h, cn_wide(CN_GROUP1));
		CHECK(s, "reader OpenClusterGroup fails", 1, grp == NULL);
		CHECK(s, "reader OpenClusterGroup error", ERROR_ACCESS_DENIED,
		      GetLastError());
		grp = OpenClusterGroupEx(h, cn_wide(CN_GROUP1), GENERIC_READ,
					 &granted);
		CHECK(s, "reader OpenClusterGroupEx(READ)", 1, grp != NULL);
		if (grp) {
			CHECK(s, "reader reads the group's state",
			      ClusterGroupOnline,
			      GetClusterGroupState(grp, NULL, NULL));
			CloseClusterGroup(grp);
		}
	}
	CN_SET(s->ready);
	if (port) {
		end = cn_now_ms() + 5000;
		while (!CN_TEST(s->posted) && cn_now_ms() < end)
			cn_sleep_ms(5);
		st = cn_v1_get(port, 2000, &g);
		CHECK(s, "reader receives the event", ERROR_SUCCESS, st);
		CHECK(s, "reader's event key", 5, g.key);
		CHECK(s, "reader's event name", 0, strcmp(g.name, CN_GROUP1));
		CloseClusterNotifyPort(port);
	}
	if (h)
		CloseCluster(h);

	/* Mode 0640: others get nothing at all. */
	SetLastError(0);
	h = OpenClusterEx(cn_wide(s->none), GENERIC_READ, &granted);
	CHECK(s, "GENERIC_READ(0640) fails", 1, h == NULL);
	CHECK(s, "GENERIC_READ(0640) error", ERROR_ACCESS_DENIED,
	      GetLastError());
	SetLastError(0);
	h = OpenClusterEx(cn_wide(s->none), MAXIMUM_ALLOWED, &granted);
	CHECK(s, "MAXIMUM_ALLOWED(0640) fails", 1, h == NULL);
	CHECK(s, "MAXIMUM_ALLOWED(0640) error", ERROR_ACCESS_DENIED,
	      GetLastError());

	/* Mode 0666: others may change too. */
	granted = 0;
	h = OpenClusterEx(cn_wide(s->all), MAXIMUM_ALLOWED, &granted);
	CHECK(s, "MAXIMUM_ALLOWED(0666) opens", 1, h != NULL);
	CHECK(s, "MAXIMUM_ALLOWED(0666) grants", GENERIC_ALL, granted);
	if (h)
		CloseCluster(h);
	h = OpenCluster(cn_wide(s->all));
	CHECK(s, "OpenCluster(0666) opens", 1, h != NULL);
	if (h)
		CloseCluster(h);
}

TEST_F(cl, cluster_mode_against_nobody)
{
	struct cn_cluster_opts ro = { .mode = 0644 }, none = { .mode = 0640 };
	struct cn_cluster_opts all = { .mode = 0666 };
	struct cn_event ev = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct nobody *s = cn_shared_alloc(sizeof(*s));
	__u32 cro, cnone, call;
	int status, i;
	__u64 end;
	pid_t pid;

	ASSERT_NE(NULL, s);
	cn_unique_name(s->ro, sizeof(s->ro), "LibRO");
	cn_unique_name(s->none, sizeof(s->none), "LibNone");
	cn_unique_name(s->all, sizeof(s->all), "LibAll");
	ASSERT_EQ(0, cn_register_opts(&self->env.nl, s->ro, &ro, &cro));
	ASSERT_EQ(0, cn_register_opts(&self->env.nl, s->none, &none, &cnone));
	ASSERT_EQ(0, cn_register_opts(&self->env.nl, s->all, &all, &call));
	ASSERT_EQ(0, cn_publish(&self->env.nl, cro, cn_std_objects,
				cn_std_nobjects));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		nobody_child(s);
		_exit(0);
	}
	end = cn_now_ms() + 10000;
	while (!CN_TEST(s->ready) && cn_now_ms() < end)
		cn_sleep_ms(5);
	EXPECT_EQ(0, cn_post1(&self->env.nl, cro, &ev));
	CN_SET(s->posted);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	for (i = 0; i < s->n; i++) {
		EXPECT_EQ(s->c[i].want, s->c[i].got)
			TH_LOG("%s", s->c[i].what);
	}
	EXPECT_LE(20, s->n);
	cn_unregister(&self->env.nl, cro);
	cn_unregister(&self->env.nl, cnone);
	cn_unregister(&self->env.nl, call);
	munmap(s, sizeof(*s));
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* Object openers with one signature, for tables. */
static HANDLE open_node(HCLUSTER h, LPCWSTR n) { return OpenClusterNode(h, n); }
static HANDLE open_group(HCLUSTER h, LPCWSTR n) { return OpenClusterGroup(h, n); }
static HANDLE open_res(HCLUSTER h, LPCWSTR n) { return OpenClusterResource(h, n); }
static HANDLE open_net(HCLUSTER h, LPCWSTR n) { return OpenClusterNetwork(h, n); }
static HANDLE open_nic(HCLUSTER h, LPCWSTR n) { return OpenClusterNetInterface(h, n); }
static HANDLE open_gs(HCLUSTER h, LPCWSTR n) { return OpenClusterGroupSet(h, n); }

static HANDLE openex_node(HCLUSTER h, LPCWSTR n, DWORD d, DWORD *g)
{
	return OpenClusterNodeEx(h, n, d, g);
}

static HANDLE openex_group(HCLUSTER h, LPCWSTR n, DWORD d, DWORD *g)
{
	return OpenClusterGroupEx(h, n, d, g);
}

static HANDLE openex_res(HCLUSTER h, LPCWSTR n, DWORD d, DWORD *g)
{
	return OpenClusterResourceEx(h, n, d, g);
}

static HANDLE openex_net(HCLUSTER h, LPCWSTR n, DWORD d, DWORD *g)
{
	return OpenClusterNetworkEx(h, n, d, g);
}

static HANDLE openex_nic(HCLUSTER h, LPCWSTR n, DWORD d, DWORD *g)
{
	return OpenClusterNetInterfaceEx(h, n, d, g);
}

static BOOL close_node(HANDLE h) { return CloseClusterNode(h); }
static BOOL close_group(HANDLE h) { return CloseClusterGroup(h); }
static BOOL close_res(HANDLE h) { return CloseClusterResource(h); }
static BOOL close_net(HANDLE h) { return CloseClusterNetwork(h); }
static BOOL close_nic(HANDLE h) { return CloseClusterNetInterface(h); }
static BOOL close_gs(HANDLE h) { return CloseClusterGroupSet(h); }

static const struct otype {
	const char *what, *name;
	DWORD not_found;
	HANDLE (*open)(HCLUSTER h, LPCWSTR n);
	HANDLE (*openex)(HCLUSTER h, LPCWSTR n, DWORD d, DWORD *g);
	BOOL (*close)(HANDLE h);
} otypes[] = {
	{ "node", CN_NODE1, ERROR_CLUSTER_NODE_NOT_FOUND, open_node,
	  openex_node, close_node },
	{ "group", CN_GROUP1, ERROR_GROUP_NOT_FOUND, open_group, openex_group,
	  close_group },
	{ "resource", CN_RES1, ERROR_RESOURCE_NOT_FOUND, open_res, openex_res,
	  close_res },
	{ "network", CN_NET1, ERROR_CLUSTER_NETWORK_NOT_FOUND, open_net,
	  openex_net, close_net },
	{ "netinterface", NIC1, ERROR_CLUSTER_NETINTERFACE_NOT_FOUND, open_nic,
	  openex_nic, close_nic },
	{ "groupset", GS1, ERROR_GROUPSET_NOT_FOUND, open_gs, NULL, close_gs },
};

/* Ill-formed UTF-16: unpaired surrogates in every position. */
static const WCHAR bad_utf16[][4] = {
	{ 'A', 0xd800, 0 },		/* high surrogate at the end */
	{ 0xd800, 'B', 0 },		/* high surrogate, no low one */
	{ 0xdc00, 0 },			/* lone low surrogate */
	{ 0xdc00, 0xd800, 0 },		/* a pair the wrong way round */
};

TEST_F(cl, ill_formed_utf16_is_no_unicode_translation)
{
	HKEY root, k = (HKEY)0x1;
	size_t i, t;

	root = GetClusterKey(self->hc, KEY_READ);
	ASSERT_NE(NULL, root);
	for (i = 0; i < CN_ARRAY_SIZE(bad_utf16); i++) {
		SetLastError(0);
		EXPECT_EQ(NULL, OpenCluster(bad_utf16[i]));
		EXPECT_EQ(ERROR_NO_UNICODE_TRANSLATION, GetLastError())
			TH_LOG("string %zu", i);
		SetLastError(0);
		EXPECT_EQ(NULL, OpenClusterEx(bad_utf16[i], GENERIC_READ,
					      NULL));
		EXPECT_EQ(ERROR_NO_UNICODE_TRANSLATION, GetLastError())
			TH_LOG("string %zu", i);
		for (t = 0; t < CN_ARRAY_SIZE(otypes); t++) {
			SetLastError(0);
			EXPECT_EQ(NULL, otypes[t].open(self->hc, bad_utf16[i]));
			EXPECT_EQ(ERROR_NO_UNICODE_TRANSLATION, GetLastError())
				TH_LOG("%s, string %zu", otypes[t].what, i);
		}
		EXPECT_EQ(ERROR_NO_UNICODE_TRANSLATION,
			  ClusterRegOpenKey(root, bad_utf16[i], KEY_READ, &k));
		EXPECT_EQ((HKEY)0x1, k);
	}
	/* A well-formed pair is a name like any other: just not there. */
	SetLastError(0);
	EXPECT_EQ(NULL, OpenCluster(cn_wide("No-Such-\xf0\x9f\x98\x80")));
	EXPECT_EQ(RPC_S_SERVER_UNAVAILABLE, GetLastError());
	ClusterRegCloseKey(root);
}

TEST_F(cl, name_limits)
{
	char name[CLUSNOTIFY_NAME_MAX + 2];

	/* CLUSNOTIFY_NAME_MAX bytes is a legal name, one more is not. */
	memset(name, 'n', CLUSNOTIFY_NAME_MAX);
	name[CLUSNOTIFY_NAME_MAX] = 0;
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterGroup(self->hc, cn_wide(name)));
	EXPECT_EQ(ERROR_GROUP_NOT_FOUND, GetLastError());
	name[CLUSNOTIFY_NAME_MAX] = 'n';
	name[CLUSNOTIFY_NAME_MAX + 1] = 0;
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterGroup(self->hc, cn_wide(name)));
	EXPECT_EQ(ERROR_INVALID_NAME, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, OpenCluster(cn_wide(name)));
	EXPECT_EQ(ERROR_INVALID_NAME, GetLastError());
}

/* A group whose name and owner's name are beyond ASCII and the BMP. */
TEST_F(cl, non_ascii_names_count_utf16_units)
{
	static const char grp[] = "Gr\xc3\xbcppe \xf0\x9f\x98\x80";
	static const char node[] = "N\xc3\xb6" "de \xf0\x9f\x98\x80\xe2\x82\xac";
	const struct cn_obj_desc objs[] = {
		{ .type = CLUSNOTIFY_OBJ_NODE, .id = "node-id-u", .name = node,
		  .state = CN_NODE_UP, .has_state = true },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "group-id-u", .name = grp,
		  .parent = "node-id-u", .state = ClusterGroupPartialOnline,
		  .has_state = true },
	};
	WCHAR buf[64];
	DWORD cch;
	HGROUP g;

	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, objs, 2));
	g = OpenClusterGroup(self->hc, cn_wide(grp));
	ASSERT_NE(NULL, g);
	/* "Nöde 😀€": 8 UTF-16 units, the emoji counting two. */
	ASSERT_EQ(8, cn_units(node));
	cch = 8;
	SetLastError(0);
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(g, buf, &cch));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(8, cch);
	cch = 9;
	EXPECT_EQ(ClusterGroupPartialOnline, GetClusterGroupState(g, buf, &cch));
	EXPECT_EQ(8, cch);
	EXPECT_STREQ(node, cn_narrow(buf));
	CloseClusterGroup(g);
}

TEST_F(cl, object_open_and_close)
{
	DWORD granted;
	HANDLE h, h2;
	size_t t;

	for (t = 0; t < CN_ARRAY_SIZE(otypes); t++) {
		const struct otype *o = &otypes[t];

		h = o->open(self->hc, cn_wide(o->name));
		ASSERT_NE(NULL, h) TH_LOG("%s", o->what);
		/* Names compare case-insensitively. */
		h2 = o->open(self->hc, cn_wide(upper(o->name)));
		EXPECT_NE(NULL, h2) TH_LOG("%s", o->what);
		EXPECT_NE((uintptr_t)h, (uintptr_t)h2) TH_LOG("%s", o->what);
		SetLastError(0);
		EXPECT_EQ(NULL, o->open(self->hc, u"No Such Object"))
			TH_LOG("%s", o->what);
		EXPECT_EQ(o->not_found, GetLastError()) TH_LOG("%s", o->what);
		SetLastError(0);
		EXPECT_EQ(NULL, o->open(self->hc, NULL)) TH_LOG("%s", o->what);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
			TH_LOG("%s", o->what);
		/* Only a cluster handle opens objects. */
		SetLastError(0);
		EXPECT_EQ(NULL, o->open((HCLUSTER)h, cn_wide(o->name)))
			TH_LOG("%s", o->what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
			TH_LOG("%s", o->what);
		SetLastError(0);
		EXPECT_EQ(NULL, o->open(NULL, cn_wide(o->name)))
			TH_LOG("%s", o->what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
			TH_LOG("%s", o->what);
		if (o->openex) {
			HANDLE hx;

			granted = 0;
			hx = o->openex(self->hc, cn_wide(o->name), GENERIC_READ,
				       &granted);
			EXPECT_NE(NULL, hx) TH_LOG("%s", o->what);
			EXPECT_EQ(GENERIC_READ, granted) TH_LOG("%s", o->what);
			EXPECT_TRUE(o->close(hx)) TH_LOG("%s", o->what);
			SetLastError(0);
			EXPECT_EQ(NULL, o->openex(self->hc, u"No Such Object",
						  GENERIC_READ, &granted))
				TH_LOG("%s", o->what);
			EXPECT_EQ(o->not_found, GetLastError())
				TH_LOG("%s", o->what);
			SetLastError(0);
			EXPECT_EQ(NULL, o->openex(self->hc, cn_wide(o->name), 0,
						  &granted))
				TH_LOG("%s", o->what);
			EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
				TH_LOG("%s", o->what);
		}
		/* Every other type's closer refuses the handle, and keeps it. */
		for (size_t u = 0; u < CN_ARRAY_SIZE(otypes); u++) {
			if (u == t)
				continue;
			SetLastError(0);
			EXPECT_FALSE(otypes[u].close(h))
				TH_LOG("%s closing a %s", otypes[u].what,
				       o->what);
			EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
				TH_LOG("%s closing a %s", otypes[u].what,
				       o->what);
		}
		EXPECT_NE(ERROR_SUCCESS, ClusterRegCloseKey((HKEY)h));
		EXPECT_TRUE(o->close(h)) TH_LOG("%s", o->what);
		/* Closed: a second close fails. */
		SetLastError(0);
		EXPECT_FALSE(o->close(h)) TH_LOG("%s", o->what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
			TH_LOG("%s", o->what);
		if (h2) {
			EXPECT_TRUE(o->close(h2)) TH_LOG("%s", o->what);
		}
		SetLastError(0);
		EXPECT_FALSE(o->close(NULL)) TH_LOG("%s", o->what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
			TH_LOG("%s", o->what);
		SetLastError(0);
		EXPECT_FALSE(o->close(INVALID_HANDLE_VALUE))
			TH_LOG("%s", o->what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
			TH_LOG("%s", o->what);
		/* A cluster handle is no object handle. */
		EXPECT_FALSE(o->close((HANDLE)self->hc)) TH_LOG("%s", o->what);
	}
	/* ... and the cluster handle survived all that. */
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, self->hc));
}

/* ------------------------------------------------------------------ */
/* States                                                              */
/* ------------------------------------------------------------------ */

TEST_F(cl, simple_state_getters)
{
	HNODE n1, n2;
	HNETWORK net;
	HNETINTERFACE nic;
	HGROUP g;
	struct cn_event ev;

	n1 = OpenClusterNode(self->hc, cn_wide(CN_NODE1));
	n2 = OpenClusterNode(self->hc, cn_wide(CN_NODE2));
	net = OpenClusterNetwork(self->hc, cn_wide(CN_NET1));
	nic = OpenClusterNetInterface(self->hc, cn_wide(NIC1));
	g = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, n1);
	ASSERT_NE(NULL, n2);
	ASSERT_NE(NULL, net);
	ASSERT_NE(NULL, nic);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(ClusterNodeUp, GetClusterNodeState(n1));
	EXPECT_EQ(ClusterNodeUp, GetClusterNodeState(n2));
	EXPECT_EQ(ClusterNetworkUp, GetClusterNetworkState(net));
	EXPECT_EQ(ClusterNetInterfaceUp, GetClusterNetInterfaceState(nic));

	/* A state read is current: the producer's events move it. */
	ev = cn_ev_node_state(CN_NODE2_ID, CN_NODE2, CN_NODE_DOWN);
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	EXPECT_EQ(ClusterNodeDown, GetClusterNodeState(n2));
	EXPECT_EQ(ClusterNodeUp, GetClusterNodeState(n1));
	ev = (struct cn_event){
		.type = CLUSNOTIFY_OBJ_NETWORK, .v1 = CN_V1_NETWORK_STATE,
		.v2 = CN_V2_NETWORK_STATE, .id = CN_NET1_ID,
		.state = ClusterNetworkPartitioned, .has_state = true,
	};
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	EXPECT_EQ(ClusterNetworkPartitioned, GetClusterNetworkState(net));
	ev = (struct cn_event){
		.type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
		.v1 = CN_V1_NETINTERFACE_STATE,
		.v2 = CN_V2_NETINTERFACE_STATE, .id = NIC1_ID,
		.state = ClusterNetInterfaceUnreachable, .has_state = true,
	};
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	EXPECT_EQ(ClusterNetInterfaceUnreachable,
		  GetClusterNetInterfaceState(nic));

	/* A handle of another type is an invalid handle. */
	SetLastError(0);
	EXPECT_EQ(ClusterNodeStateUnknown, GetClusterNodeState((HNODE)g));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(ClusterNetworkStateUnknown,
		  GetClusterNetworkState((HNETWORK)nic));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(ClusterNetInterfaceStateUnknown,
		  GetClusterNetInterfaceState((HNETINTERFACE)net));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(ClusterNodeStateUnknown,
		  GetClusterNodeState((HNODE)self->hc));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());

	/* An object the producer removed: its *_NOT_FOUND code. */
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_NODE,
					   .id = CN_NODE2_ID }, 1));
	SetLastError(0);
	EXPECT_EQ(ClusterNodeStateUnknown, GetClusterNodeState(n2));
	EXPECT_EQ(ERROR_CLUSTER_NODE_NOT_FOUND, GetLastError());
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_NETWORK,
					   .id = CN_NET1_ID }, 1));
	SetLastError(0);
	EXPECT_EQ(ClusterNetworkStateUnknown, GetClusterNetworkState(net));
	EXPECT_EQ(ERROR_CLUSTER_NETWORK_NOT_FOUND, GetLastError());
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
					   .id = NIC1_ID }, 1));
	SetLastError(0);
	EXPECT_EQ(ClusterNetInterfaceStateUnknown,
		  GetClusterNetInterfaceState(nic));
	EXPECT_EQ(ERROR_CLUSTER_NETINTERFACE_NOT_FOUND, GetLastError());

	/* Closed handles. */
	EXPECT_TRUE(CloseClusterNode(n1));
	EXPECT_TRUE(CloseClusterNode(n2));
	EXPECT_TRUE(CloseClusterNetwork(net));
	EXPECT_TRUE(CloseClusterNetInterface(nic));
	SetLastError(0);
	EXPECT_EQ(ClusterNodeStateUnknown, GetClusterNodeState(n1));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(ClusterNetworkStateUnknown, GetClusterNetworkState(net));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(ClusterNetInterfaceStateUnknown,
		  GetClusterNetInterfaceState(nic));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	CloseClusterGroup(g);
}

TEST_F(cl, group_state_and_owner_node)
{
	struct cn_event owner = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_OWNER_NODE,
		.id = CN_GROUP1_ID, .name = CN_GROUP1, .parent = CN_NODE2_ID,
	};
	struct cn_event st = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_FAILED);
	WCHAR node[64];
	DWORD cch;
	HGROUP g1, g2;

	g1 = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	g2 = OpenClusterGroup(self->hc, cn_wide(CN_GROUP2));
	ASSERT_NE(NULL, g1);
	ASSERT_NE(NULL, g2);
	cch = CN_ARRAY_SIZE(node);
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(g1, node, &cch));
	EXPECT_EQ(strlen(CN_NODE1), cch);
	EXPECT_STREQ(CN_NODE1, cn_narrow(node));
	cch = CN_ARRAY_SIZE(node);
	EXPECT_EQ(ClusterGroupOffline, GetClusterGroupState(g2, node, &cch));
	EXPECT_EQ(strlen(CN_NODE2), cch);
	EXPECT_STREQ(CN_NODE2, cn_narrow(node));
	/* The name is optional. */
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(g1, NULL, NULL));

	/* Too short by the NUL: ERROR_MORE_DATA, the length without it. */
	cch = strlen(CN_NODE1);
	SetLastError(0);
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(g1, node, &cch));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(strlen(CN_NODE1), cch);
	cch = 0;
	SetLastError(0);
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(g1, node, &cch));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(strlen(CN_NODE1), cch);
	/* No buffer but a size: a size query. */
	cch = 100;
	SetLastError(0);
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(g1, NULL, &cch));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(strlen(CN_NODE1), cch);
	cch = strlen(CN_NODE1) + 1;
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(g1, node, &cch));
	EXPECT_EQ(strlen(CN_NODE1), cch);

	/* The state and the owner follow the producer's events. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &st));
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &owner));
	cch = CN_ARRAY_SIZE(node);
	EXPECT_EQ(ClusterGroupFailed, GetClusterGroupState(g1, node, &cch));
	EXPECT_STREQ(CN_NODE2, cn_narrow(node));

	/* An owner that is gone leaves an empty name. */
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_NODE,
					   .id = CN_NODE2_ID }, 1));
	cch = CN_ARRAY_SIZE(node);
	EXPECT_EQ(ClusterGroupOffline, GetClusterGroupState(g2, node, &cch));
	EXPECT_EQ(0, cch);
	EXPECT_STREQ("", cn_narrow(node));

	/* A group that is gone: ERROR_GROUP_NOT_FOUND. */
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_GROUP,
					   .id = CN_GROUP2_ID }, 1));
	SetLastError(0);
	cch = CN_ARRAY_SIZE(node);
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(g2, node, &cch));
	EXPECT_EQ(ERROR_GROUP_NOT_FOUND, GetLastError());

	/* Wrong-type and closed handles. */
	SetLastError(0);
	EXPECT_EQ(ClusterGroupStateUnknown,
		  GetClusterGroupState((HGROUP)self->hc, node, &cch));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_TRUE(CloseClusterGroup(g1));
	EXPECT_TRUE(CloseClusterGroup(g2));
	SetLastError(0);
	cch = CN_ARRAY_SIZE(node);
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(g1, node, &cch));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
}

TEST_F(cl, resource_state_node_and_group)
{
	struct cn_event owner = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_OWNER_NODE,
		.id = CN_GROUP1_ID, .name = CN_GROUP1, .parent = CN_NODE2_ID,
	};
	struct cn_event st = cn_ev_res_state(CN_RES1_ID, CN_RES1,
					     CN_RESOURCE_OFFLINE);
	WCHAR node[64], group[64];
	DWORD cn, cg;
	HRESOURCE r;

	r = OpenClusterResource(self->hc, cn_wide(CN_RES1));
	ASSERT_NE(NULL, r);
	cn = cg = 64;
	EXPECT_EQ(ClusterResourceOnline,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_EQ(strlen(CN_NODE1), cn);
	EXPECT_EQ(strlen(CN_GROUP1), cg);
	EXPECT_STREQ(CN_NODE1, cn_narrow(node));
	EXPECT_STREQ(CN_GROUP1, cn_narrow(group));
	EXPECT_EQ(ClusterResourceOnline,
		  GetClusterResourceState(r, NULL, NULL, NULL, NULL));

	/* A short node buffer. */
	cn = strlen(CN_NODE1);
	cg = 64;
	SetLastError(0);
	EXPECT_EQ(ClusterResourceStateUnknown,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(strlen(CN_NODE1), cn);
	/* A short group buffer. */
	cn = 64;
	cg = strlen(CN_GROUP1);
	SetLastError(0);
	EXPECT_EQ(ClusterResourceStateUnknown,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(strlen(CN_GROUP1), cg);
	/* Exactly enough. */
	cn = strlen(CN_NODE1) + 1;
	cg = strlen(CN_GROUP1) + 1;
	EXPECT_EQ(ClusterResourceOnline,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_STREQ(CN_NODE1, cn_narrow(node));
	EXPECT_STREQ(CN_GROUP1, cn_narrow(group));

	/* The resource's node is its group's owner, as it moves. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &st));
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &owner));
	cn = cg = 64;
	EXPECT_EQ(ClusterResourceOffline,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_STREQ(CN_NODE2, cn_narrow(node));
	EXPECT_STREQ(CN_GROUP1, cn_narrow(group));

	/* Its group gone: no node, no group. */
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_GROUP,
					   .id = CN_GROUP1_ID }, 1));
	cn = cg = 64;
	EXPECT_EQ(ClusterResourceOffline,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_EQ(0, cn);
	EXPECT_EQ(0, cg);

	/* The resource gone: ERROR_RESOURCE_NOT_FOUND. */
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid,
				   &(struct cn_obj_desc){
					   .type = CLUSNOTIFY_OBJ_RESOURCE,
					   .id = CN_RES1_ID }, 1));
	SetLastError(0);
	EXPECT_EQ(ClusterResourceStateUnknown,
		  GetClusterResourceState(r, node, &cn, group, &cg));
	EXPECT_EQ(ERROR_RESOURCE_NOT_FOUND, GetLastError());

	EXPECT_TRUE(CloseClusterResource(r));
	SetLastError(0);
	EXPECT_EQ(ClusterResourceStateUnknown,
		  GetClusterResourceState(r, NULL, NULL, NULL, NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
}

/* ------------------------------------------------------------------ */
/* The cluster database                                                */
/* ------------------------------------------------------------------ */

/* Whether a REGISTRY_VALUE posted on @path reaches a filter on @key. */
static bool key_sees(struct cn_env *env, HKEY key, const char *path)
{
	struct cn_event ev = cn_ev_reg_value(path);
	struct cn_v1_got g;
	HCHANGE port;
	bool ok;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
				       INVALID_HANDLE_VALUE, 0, 0);
	if (!port)
		return false;
	ok = RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE, key,
				   0x4e9) == ERROR_SUCCESS &&
	     !cn_post1(&env->nl, env->cid, &ev) &&
	     cn_v1_get(port, 500, &g) == ERROR_SUCCESS && g.key == 0x4e9 &&
	     g.filter == CLUSTER_CHANGE_REGISTRY_VALUE &&
	     !strcmp(g.name, path);
	CloseClusterNotifyPort(port);
	return ok;
}

TEST_F(cl, registry_keys)
{
	HKEY root, a, ab, abc, abc2, same, same2, x;
	HGROUP g;

	root = GetClusterKey(self->hc, KEY_READ);
	ASSERT_NE(NULL, root);
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_A),
						   KEY_READ, &a));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(a, u"res-id-1", KEY_READ,
						   &ab));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(ab, u"Parameters",
						   KEY_ALL_ACCESS, &abc));
	EXPECT_EQ(ERROR_SUCCESS,
		  ClusterRegOpenKey(root, cn_wide(CN_REGKEY_ABC), KEY_READ,
				    &abc2));
	/* Each handle names its own key. */
	EXPECT_TRUE(key_sees(&self->env, root, ""));
	EXPECT_TRUE(key_sees(&self->env, a, CN_REGKEY_A));
	EXPECT_TRUE(key_sees(&self->env, ab, CN_REGKEY_AB));
	EXPECT_TRUE(key_sees(&self->env, abc, CN_REGKEY_ABC));
	EXPECT_TRUE(key_sees(&self->env, abc2, CN_REGKEY_ABC));
	EXPECT_FALSE(key_sees(&self->env, a, CN_REGKEY_AB));
	/* An empty or absent subkey opens the key itself again. */
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(ab, u"", KEY_READ, &same));
	EXPECT_TRUE(key_sees(&self->env, same, CN_REGKEY_AB));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(ab, NULL, KEY_READ, &same2));
	EXPECT_TRUE(key_sees(&self->env, same2, CN_REGKEY_AB));

	/* Missing keys: ERROR_FILE_NOT_FOUND, the result untouched. */
	x = (HKEY)0x1;
	EXPECT_EQ(ERROR_FILE_NOT_FOUND,
		  ClusterRegOpenKey(root, u"NoSuchKey", KEY_READ, &x));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND,
		  ClusterRegOpenKey(a, u"NoSuchKey", KEY_READ, &x));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND,
		  ClusterRegOpenKey(root, u"Resources\\NoSuchKey", KEY_READ,
				    &x));
	/* "Resources" is below the root, not below itself. */
	EXPECT_EQ(ERROR_FILE_NOT_FOUND,
		  ClusterRegOpenKey(a, cn_wide(CN_REGKEY_A), KEY_READ, &x));
	EXPECT_EQ((HKEY)0x1, x);
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  ClusterRegOpenKey(root, cn_wide(CN_REGKEY_A), KEY_READ,
				    NULL));

	/* Only a key opens keys. */
	g = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, g);
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  ClusterRegOpenKey((HKEY)g, u"x", KEY_READ, &x));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  ClusterRegOpenKey((HKEY)self->hc, u"Resources", KEY_READ,
				    &x));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  ClusterRegOpenKey(NULL, u"Resources", KEY_READ, &x));
	/* ... and only GetClusterKey of a cluster handle opens the root. */
	SetLastError(0);
	EXPECT_EQ(NULL, GetClusterKey((HCLUSTER)g, KEY_READ));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, GetClusterKey(NULL, KEY_READ));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* ClusterRegCloseKey closes keys only. */
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey((HKEY)g));
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(g, NULL, NULL));
	CloseClusterGroup(g);
	EXPECT_FALSE(CloseClusterGroup((HGROUP)a));

	/* Keys are independent handles: closing a parent keeps the child. */
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(a));
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey(a));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  ClusterRegOpenKey(a, u"res-id-1", KEY_READ, &x));
	EXPECT_TRUE(key_sees(&self->env, ab, CN_REGKEY_AB));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(ab));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(abc));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(abc2));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(same));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(same2));
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(root));
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey(root));
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey(NULL));
	EXPECT_EQ((HKEY)0x1, x);
}

/* ------------------------------------------------------------------ */
/* Handle lifetime                                                     */
/* ------------------------------------------------------------------ */

TEST_F(cl, closecluster_invalidates_derived_handles)
{
	HANDLE h[CN_ARRAY_SIZE(otypes)];
	HKEY root, sub, x;
	HCLUSTER h2;
	HGROUP other;
	size_t t;

	for (t = 0; t < CN_ARRAY_SIZE(otypes); t++) {
		h[t] = otypes[t].open(self->hc, cn_wide(otypes[t].name));
		ASSERT_NE(NULL, h[t]) TH_LOG("%s", otypes[t].what);
	}
	root = GetClusterKey(self->hc, KEY_READ);
	ASSERT_NE(NULL, root);
	ASSERT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_AB),
						   KEY_READ, &sub));
	/* Another handle of the same cluster, and what it opened. */
	h2 = cn_lib_open(&self->env);
	ASSERT_NE(NULL, h2);
	other = OpenClusterGroup(h2, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, other);

	EXPECT_TRUE(CloseCluster(self->hc));
	for (t = 0; t < CN_ARRAY_SIZE(otypes); t++) {
		SetLastError(0);
		EXPECT_FALSE(otypes[t].close(h[t])) TH_LOG("%s", otypes[t].what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError())
			TH_LOG("%s", otypes[t].what);
	}
	SetLastError(0);
	EXPECT_EQ(ClusterNodeStateUnknown, GetClusterNodeState(h[0]));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  ClusterRegOpenKey(sub, u"Parameters", KEY_READ, &x));
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey(sub));
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey(root));
	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterGroup(self->hc, cn_wide(CN_GROUP1)));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, GetClusterKey(self->hc, KEY_READ));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* Always TRUE, even for a handle already closed. */
	EXPECT_TRUE(CloseCluster(self->hc));
	self->hc = NULL;

	/* The other cluster handle and its group are untouched. */
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(other, NULL, NULL));
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, h2));
	EXPECT_TRUE(CloseCluster(h2));
	SetLastError(0);
	EXPECT_EQ(ClusterGroupStateUnknown,
		  GetClusterGroupState(other, NULL, NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Every entry point given @h must see an invalid handle, not crash. */
static int all_refuse(struct __test_metadata *_metadata, HCLUSTER hc,
		      HANDLE h)
{
	DWORD_PTR key;
	DWORD filter, cch = 8, granted;
	WCHAR name[8];
	HANDLE ev;
	HKEY x;

	SetLastError(0);
	EXPECT_EQ(NULL, OpenClusterGroup(h, cn_wide(CN_GROUP1)));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(NULL, OpenClusterNodeEx(h, cn_wide(CN_NODE1), GENERIC_READ,
					  &granted));
	EXPECT_EQ(NULL, GetClusterKey(h, KEY_READ));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(CloseClusterNode(h));
	EXPECT_FALSE(CloseClusterGroup(h));
	EXPECT_FALSE(CloseClusterResource(h));
	EXPECT_FALSE(CloseClusterNetwork(h));
	EXPECT_FALSE(CloseClusterNetInterface(h));
	EXPECT_FALSE(CloseClusterGroupSet(h));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(ERROR_INVALID_HANDLE, ClusterRegCloseKey(h));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  ClusterRegOpenKey(h, u"Resources", KEY_READ, &x));
	SetLastError(0);
	EXPECT_EQ(ClusterNodeStateUnknown, GetClusterNodeState(h));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(ClusterGroupStateUnknown, GetClusterGroupState(h, name, &cch));
	EXPECT_EQ(ClusterResourceStateUnknown,
		  GetClusterResourceState(h, NULL, NULL, NULL, NULL));
	EXPECT_EQ(ClusterNetworkStateUnknown, GetClusterNetworkState(h));
	EXPECT_EQ(ClusterNetInterfaceStateUnknown,
		  GetClusterNetInterfaceState(h));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* (INVALID_HANDLE_VALUE as hCluster: a port of no cluster.) */
	if (h != INVALID_HANDLE_VALUE) {
		SetLastError(0);
		EXPECT_EQ(NULL, CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
							h, CLUSTER_CHANGE_ALL,
							0));
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
		SetLastError(0);
		EXPECT_EQ(NULL, CreateClusterNotifyPort(h, hc,
							CLUSTER_CHANGE_ALL, 0));
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	}
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(h, CLUSTER_CHANGE_GROUP_STATE, hc, 0));
	cch = 8;
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  GetClusterNotify(h, &key, &filter, name, &cch, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  GetClusterNotifyV2(h, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, NULL, NULL, NULL, NULL, NULL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetNotifyEventHandle(h, &ev));
	EXPECT_TRUE(CloseClusterNotifyPort(h));
	EXPECT_TRUE(CloseCluster(h));
	return _metadata->passed;
}

TEST_F(cl, forged_handles_are_invalid)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	HGROUP g;
	HANDLE forged[32];
	int local, n = 0, i;
	uintptr_t v;

	g = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, g);
	v = (uintptr_t)g;
	forged[n++] = NULL;
	forged[n++] = INVALID_HANDLE_VALUE;
	forged[n++] = (HANDLE)(uintptr_t)1;
	forged[n++] = (HANDLE)(uintptr_t)2;
	forged[n++] = (HANDLE)(uintptr_t)0x11;
	forged[n++] = (HANDLE)(uintptr_t)0xfffff1;	/* far past the table */
	forged[n++] = (HANDLE)&local;			/* a real address */
	forged[n++] = (HANDLE)self;			/* a heap-ish one */
	forged[n++] = (HANDLE)(v ^ 1);			/* the even neighbour */
	forged[n++] = (HANDLE)(v + ((uintptr_t)1 << 32)); /* next generation */
	forged[n++] = (HANDLE)(v - ((uintptr_t)1 << 32)); /* previous one */
	forged[n++] = (HANDLE)(uintptr_t)0x7fffffffffffffffULL;
	forged[n++] = (HANDLE)(uintptr_t)0xfffffffffffffffeULL;
	while (n < (int)CN_ARRAY_SIZE(forged))
		forged[n++] = (HANDLE)(uintptr_t)(xorshift(&seed) | 1);
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(all_refuse(_metadata, self->hc, forged[i]))
			TH_LOG("forged handle %d: %p", i, forged[i]);
	}
	/* None of that touched the real handles. */
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(g, NULL, NULL));
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, self->hc));
	EXPECT_TRUE(CloseClusterGroup(g));
}

TEST_F(cl, stale_handles_stay_invalid_after_slot_reuse)
{
	HANDLE old[64];
	HANDLE cur = NULL;
	HCLUSTER hc2;
	int i, j;

	/* Open and close over and over: slots are reused, values never. */
	for (i = 0; i < (int)CN_ARRAY_SIZE(old); i++) {
		old[i] = i % 2 ? (HANDLE)OpenClusterGroup(self->hc,
							  cn_wide(CN_GROUP1)) :
				 (HANDLE)OpenClusterNode(self->hc,
							 cn_wide(CN_NODE1));
		ASSERT_NE(NULL, old[i]);
		for (j = 0; j < i; j++) {
			ASSERT_NE((uintptr_t)old[j], (uintptr_t)old[i]);
		}
		ASSERT_TRUE(i % 2 ? CloseClusterGroup(old[i]) :
				    CloseClusterNode(old[i]));
	}
	cur = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, cur);
	for (i = 0; i < (int)CN_ARRAY_SIZE(old); i++) {
		EXPECT_TRUE(all_refuse(_metadata, self->hc, old[i]))
			TH_LOG("stale handle %d", i);
	}
	/* The live handle in the reused slot is intact. */
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(cur, NULL, NULL));
	EXPECT_TRUE(CloseClusterGroup(cur));
	/* A closed cluster handle is as stale as any other. */
	hc2 = cn_lib_open(&self->env);
	ASSERT_NE(NULL, hc2);
	EXPECT_TRUE(CloseCluster(hc2));
	EXPECT_TRUE(all_refuse(_metadata, self->hc, hc2));
	EXPECT_TRUE(reaches(&self->env.nl, self->env.cid, self->hc));
}

/* ------------------------------------------------------------------ */
/* The last error                                                      */
/* ------------------------------------------------------------------ */

struct lasterr {
	HCLUSTER hc;
	DWORD initial, after_set, after_fail, after_peer;
	int *go, *peer_done;
};

static void *lasterr_thread(void *arg)
{
	struct lasterr *l = arg;

	l->initial = GetLastError();
	SetLastError(4242);
	l->after_set = GetLastError();
	/* A failing call in this thread sets this thread's error. */
	OpenClusterGroup(l->hc, u"No Such Group");
	l->after_fail = GetLastError();
	SetLastError(77);
	CN_SET(*l->peer_done);
	while (!CN_TEST(*l->go))
		cn_sleep_ms(1);
	l->after_peer = GetLastError();
	return NULL;
}

TEST_F(cl, last_error_is_per_thread)
{
	struct lasterr l = { .hc = self->hc };
	int go = 0, done = 0;
	pthread_t th;

	l.go = &go;
	l.peer_done = &done;
	SetLastError(1234);
	ASSERT_EQ(0, pthread_create(&th, NULL, lasterr_thread, &l));
	while (!CN_TEST(done))
		cn_sleep_ms(1);
	/* The thread's errors did not reach this one... */
	EXPECT_EQ(1234, GetLastError());
	/* ... nor this one's failure the thread's. */
	EXPECT_EQ(NULL, OpenClusterNode(self->hc, u"No Such Node"));
	EXPECT_EQ(ERROR_CLUSTER_NODE_NOT_FOUND, GetLastError());
	CN_SET(go);
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(0, l.initial);		/* a new thread starts at 0 */
	EXPECT_EQ(4242, l.after_set);
	EXPECT_EQ(ERROR_GROUP_NOT_FOUND, l.after_fail);
	EXPECT_EQ(77, l.after_peer);
	EXPECT_EQ(ERROR_CLUSTER_NODE_NOT_FOUND, GetLastError());
	SetLastError(0xffffffff);
	EXPECT_EQ(0xffffffff, GetLastError());
}

TEST_HARNESS_MAIN
