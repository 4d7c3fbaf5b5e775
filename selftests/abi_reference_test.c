// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI's reference flow, end to end, with raw system calls only (no
 * helper library): a producer registers a cluster over generic netlink and
 * publishes its objects, a consumer opens a port, adds a V1 and a V2
 * filter, the producer posts an event, the consumer fetches the records
 * with ioctl(GET) and read() and decodes them, and unregistering the
 * cluster delivers the module's own CLUSTER_STATE record.
 *
 * Read it top to bottom as a worked example of include/uapi/linux/clusnotify.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/clusnotify.h>
#include "kselftest_harness.h"

/* --- A minimal netlink message builder ----------------------------- */

struct req {
	unsigned char buf[8192];
	size_t len;
};

/* nlmsghdr + genlmsghdr: the fixed start of every genl request. */
static void req_init(struct req *r, uint16_t family, uint8_t cmd,
		     uint8_t version)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)r->buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);

	memset(r, 0, sizeof(*r));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	gh->cmd = cmd;
	gh->version = version;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* One attribute: struct nlattr { len, type } + payload, padded to 4. */
static struct nlattr *put_attr(struct req *r, uint16_t type, const void *data,
			       size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->buf + r->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->len += NLA_ALIGN(a->nla_len);
	return a;
}

static void put_u32(struct req *r, uint16_t type, uint32_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static void put_u64(struct req *r, uint16_t type, uint64_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static void put_str(struct req *r, uint16_t type, const char *s)
{
	put_attr(r, type, s, strlen(s) + 1);	/* with its NUL */
}

/* A nest is an attribute (flagged NLA_F_NESTED) holding attributes. */
static size_t nest_start(struct req *r, uint16_t type)
{
	struct nlattr *a = put_attr(r, type | NLA_F_NESTED, NULL, 0);

	return (unsigned char *)a - r->buf;
}

static void nest_end(struct req *r, size_t off)
{
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	a->nla_len = r->len - off;
}

/* Find attribute type among the attributes at data (len bytes). */
static const struct nlattr *find_attr(const void *data, size_t len, int type)
{
	const unsigned char *p = data;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if (NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

static uint64_t attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/*
 * Send a request, collect the reply's attributes (if any) into reply, and
 * return the error of the ACK that ends the exchange (0 or -errno).
 */
static int transact(int sock, struct req *r, uint32_t seq,
		    unsigned char *reply, size_t *reply_len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)r->buf;
	unsigned char rx[16384];
	ssize_t n;

	nlh->nlmsg_len = r->len;
	nlh->nlmsg_seq = seq;
	if (send(sock, r->buf, r->len, 0) != (ssize_t)r->len)
		return -errno;
	if (reply_len)
		*reply_len = 0;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(sock, rx, sizeof(rx), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)rx; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			/* A reply: genlmsghdr, then attributes. */
			if (reply && reply_len) {
				size_t len = h->nlmsg_len -
					     NLMSG_LENGTH(GENL_HDRLEN);

				memcpy(reply, (char *)NLMSG_DATA(h) + GENL_HDRLEN,
				       len);
				*reply_len = len;
			}
		}
	}
}

/* --- The flow -------------------------------------------------------- */

#define GROUP_STATE_V1 0x00001000U	/* CLUSTER_CHANGE_GROUP_STATE */
#define GROUP_STATE_V2 0x0008ULL	/* CLUSTER_CHANGE_GROUP_STATE_V2 */
#define RESOURCE_STATE_V1 0x00000100U	/* CLUSTER_CHANGE_RESOURCE_STATE */
#define GROUP_ID "3f1e0a5c-0001-4b1d-8f00-000000000001"
#define GROUP_ONLINE 0
#define GROUP_OFFLINE 1

TEST(end_to_end_v1_and_v2)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	unsigned char reply[4096], buf[4096], batch[2048];
	struct clusnotify_cluster_query cq;
	struct clusnotify_object_query oq;
	struct clusnotify_filter v1, v2;
	struct clusnotify_get g;
	struct clusnotify_object *o = (void *)buf;
	struct clusnotify_record *h, first, *second = (void *)batch;
	const char *s, *key = "web group";
	const struct nlattr *a;
	uint16_t family = 0;
	uint32_t cid = 0, seq = 0, state;
	size_t reply_len, ev, i;
	struct req r;
	char name[64], upper[64], got_name[64];
	int sock, port, seen_v1 = 0, seen_v2 = 0;
	ssize_t n;

	/* 1. The producer: a generic netlink socket. */
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, sock);
	ASSERT_EQ(0, connect(sock, (struct sockaddr *)&kernel, sizeof(kernel)));

	/* 2. Resolve "clusnotify" to its family id via the genl controller. */
	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	put_str(&r, CTRL_ATTR_FAMILY_NAME, CLUSNOTIFY_GENL_NAME);
	ASSERT_EQ(0, transact(sock, &r, ++seq, reply, &reply_len));
	a = find_attr(reply, reply_len, CTRL_ATTR_FAMILY_ID);
	ASSERT_NE(NULL, a);
	memcpy(&family, (const char *)a + NLA_HDRLEN, sizeof(family));
	ASSERT_NE(0, family);

	/* 3. Register a cluster; the reply carries its id. */
	snprintf(name, sizeof(name), "AbiRef-%d", getpid());
	req_init(&r, family, CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		 CLUSNOTIFY_GENL_VERSION);
	put_str(&r, CLUSNOTIFY_A_CLUSTER_NAME, name);
	put_u32(&r, CLUSNOTIFY_A_CLUSTER_MODE, 0644);
	ASSERT_EQ(0, transact(sock, &r, ++seq, reply, &reply_len));
	a = find_attr(reply, reply_len, CLUSNOTIFY_A_CLUSTER_ID);
	ASSERT_NE(NULL, a);
	cid = attr_u32(a);
	ASSERT_NE(0, cid);

	/* 4. Publish one group: OBJECT { TYPE, ID, NAME, STATE }, repeatable. */
	req_init(&r, family, CLUSNOTIFY_CMD_OBJECT_PUBLISH,
		 CLUSNOTIFY_GENL_VERSION);
	put_u32(&r, CLUSNOTIFY_A_CLUSTER_ID, cid);
	ev = nest_start(&r, CLUSNOTIFY_A_OBJECT);
	put_u32(&r, CLUSNOTIFY_OBJ_A_TYPE, CLUSNOTIFY_OBJ_GROUP);
	put_str(&r, CLUSNOTIFY_OBJ_A_ID, GROUP_ID);
	put_str(&r, CLUSNOTIFY_OBJ_A_NAME, "Web Group");
	put_u32(&r, CLUSNOTIFY_OBJ_A_STATE, GROUP_OFFLINE);
	nest_end(&r, ev);
	ASSERT_EQ(0, transact(sock, &r, ++seq, NULL, NULL));

	/* 5. The consumer: one open() is one port. */
	port = open("/dev/" CLUSNOTIFY_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, port);

	/* 6. Find the cluster by name (in another case), get its name back. */
	for (i = 0; name[i]; i++)
		upper[i] = (name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 :
								name[i];
	memset(&cq, 0, sizeof(cq));
	cq.name = (uintptr_t)upper;	/* (pointer, length): no NUL needed */
	cq.name_len = i;
	cq.name_out = (uintptr_t)got_name;
	cq.name_out_size = sizeof(got_name);
	ASSERT_EQ(0, ioctl(port, CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &cq));
	EXPECT_EQ(cid, cq.cluster_id);
	EXPECT_EQ(1, cq.up);
	EXPECT_TRUE(cq.access & CLUSNOTIFY_ACCESS_READ);
	EXPECT_EQ(strlen(name) + 1, cq.name_out_size);
	EXPECT_STREQ(name, got_name);

	/* 7. Find the group by (type, name): clusnotify_object + strings. */
	memset(&oq, 0, sizeof(oq));
	oq.cluster_id = cid;
	oq.type = CLUSNOTIFY_OBJ_GROUP;
	oq.key = (uintptr_t)key;
	oq.key_len = strlen(key);
	oq.buf = (uintptr_t)buf;
	oq.buf_size = sizeof(buf);
	ASSERT_EQ(0, ioctl(port, CLUSNOTIFY_IOC_OBJECT_LOOKUP, &oq));
	EXPECT_EQ(o->size, oq.buf_size);
	EXPECT_EQ(0, o->size % 8);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, o->type);
	EXPECT_EQ(GROUP_OFFLINE, o->state);
	EXPECT_EQ(cid, o->cluster_id);
	s = (const char *)(o + 1);
	EXPECT_STREQ(GROUP_ID, s);		/* id */
	s += o->id_len + 1;
	EXPECT_STREQ("", s);			/* parent: none published */
	s += o->parent_len + 1;
	EXPECT_STREQ("Web Group", s);		/* name */

	/* 8. Two filters: V1 on the whole cluster, V2 on the group only. */
	memset(&v1, 0, sizeof(v1));
	v1.cluster_id = cid;
	v1.version = CLUSNOTIFY_FILTER_V1;
	v1.mask = GROUP_STATE_V1 | RESOURCE_STATE_V1;
	v1.key = 0x1111;
	v1.token = 1;
	ASSERT_EQ(0, ioctl(port, CLUSNOTIFY_IOC_ADD_FILTER, &v1));
	memset(&v2, 0, sizeof(v2));
	v2.cluster_id = cid;
	v2.version = CLUSNOTIFY_FILTER_V2;
	v2.object_type = CLUSNOTIFY_OBJ_GROUP;
	v2.mask = GROUP_STATE_V2;
	v2.key = 0xffffffff00002222ULL;		/* keys are 64-bit */
	v2.token = 2;
	v2.object = (uintptr_t)GROUP_ID;
	v2.object_len = strlen(GROUP_ID);
	ASSERT_EQ(0, ioctl(port, CLUSNOTIFY_IOC_ADD_FILTER, &v2));

	/* 9. Post the group coming online, with its V1 bit and V2 kind. */
	req_init(&r, family, CLUSNOTIFY_CMD_EVENT_POST, CLUSNOTIFY_GENL_VERSION);
	put_u32(&r, CLUSNOTIFY_A_CLUSTER_ID, cid);
	ev = nest_start(&r, CLUSNOTIFY_A_EVENT);
	put_u32(&r, CLUSNOTIFY_EV_A_OBJECT_TYPE, CLUSNOTIFY_OBJ_GROUP);
	put_u64(&r, CLUSNOTIFY_EV_A_V2_FLAG, GROUP_STATE_V2);
	put_u32(&r, CLUSNOTIFY_EV_A_V1_CHANGE, GROUP_STATE_V1);
	put_str(&r, CLUSNOTIFY_EV_A_ID, GROUP_ID);
	put_str(&r, CLUSNOTIFY_EV_A_NAME, "Web Group");
	state = GROUP_ONLINE;
	put_attr(&r, CLUSNOTIFY_EV_A_PAYLOAD, &state, sizeof(state));
	put_u32(&r, CLUSNOTIFY_EV_A_STATE, GROUP_ONLINE);
	nest_end(&r, ev);
	ASSERT_EQ(0, transact(sock, &r, ++seq, reply, &reply_len));
	a = find_attr(reply, reply_len, CLUSNOTIFY_A_POSTED);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(1, attr_u32(a));
	a = find_attr(reply, reply_len, CLUSNOTIFY_A_QUEUED);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(2, attr_u64(a));		/* one record per filter */
	a = find_attr(reply, reply_len, CLUSNOTIFY_A_LOST);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, attr_u64(a));

	/* 10. Take the first record with GET, the rest with read(). */
	memset(&g, 0, sizeof(g));
	g.buf = (uintptr_t)buf;
	g.buf_size = sizeof(buf);
	g.timeout_ms = 1000;
	ASSERT_EQ(0, ioctl(port, CLUSNOTIFY_IOC_GET, &g));
	h = (void *)buf;
	ASSERT_EQ(h->size, g.buf_size);
	first = *h;
	n = read(port, batch, sizeof(batch));
	ASSERT_EQ(second->size, n);		/* exactly one whole record */

	/* Decode both (a reader advances by size, never by sizeof). */
	for (i = 0; i < 2; i++) {
		const unsigned char *base = i ? batch : buf;

		h = i ? second : &first;
		EXPECT_EQ(0, h->size % 8);
		EXPECT_EQ(cid, h->cluster_id);
		EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, h->object_type);
		EXPECT_EQ(GROUP_ONLINE, h->state);
		EXPECT_EQ(0, h->flags);
		EXPECT_EQ(4, h->payload_len);
		memcpy(&state, base + sizeof(*h), sizeof(state));
		EXPECT_EQ(GROUP_ONLINE, state);
		/* id, parent, name, type: NUL-ended, after the padded payload */
		s = (const char *)base + sizeof(*h) + 8;
		EXPECT_STREQ(GROUP_ID, s);
		s += h->id_len + 1 + h->parent_len + 1;
		EXPECT_STREQ("Web Group", s);
		if (h->version == CLUSNOTIFY_FILTER_V1) {
			seen_v1++;
			EXPECT_EQ(0x1111, h->key);
			EXPECT_EQ(1, h->token);
			EXPECT_EQ(GROUP_STATE_V1, h->v1_change);
		} else {
			seen_v2++;
			EXPECT_EQ(0xffffffff00002222ULL, h->key);
			EXPECT_EQ(2, h->token);
			EXPECT_EQ(GROUP_STATE_V2, h->v2_flag);
		}
	}
	EXPECT_EQ(1, seen_v1);
	EXPECT_EQ(1, seen_v2);
	/* One sequence per port: the second record follows the first. */
	EXPECT_EQ(first.seq + 1, second->seq);

	/* 11. Unregister: the port gets the module's CLUSTER_STATE record. */
	req_init(&r, family, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER,
		 CLUSNOTIFY_GENL_VERSION);
	put_u32(&r, CLUSNOTIFY_A_CLUSTER_ID, cid);
	ASSERT_EQ(0, transact(sock, &r, ++seq, NULL, NULL));
	g.buf_size = sizeof(buf);
	g.timeout_ms = 2000;
	ASSERT_EQ(0, ioctl(port, CLUSNOTIFY_IOC_GET, &g));
	h = (void *)buf;
	/* Neither filter holds CLUSTER_STATE: it comes via the oldest one. */
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, h->version);
	EXPECT_EQ(0x1111, h->key);
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, h->flags);
	EXPECT_EQ(CLUSNOTIFY_V1_CLUSTER_STATE, h->v1_change);
	EXPECT_EQ(CLUSNOTIFY_V2_CLUSTER_STATE, h->v2_flag);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, h->object_type);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_DOWN, h->state);
	s = (const char *)(h + 1) + ((h->payload_len + 7) & ~7U);
	s += h->id_len + 1 + h->parent_len + 1;
	EXPECT_STREQ(name, s);

	close(port);
	close(sock);
}

TEST_HARNESS_MAIN
