// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench: the events every benchmark posts, the record layout the
 * baselines reproduce, and a lean producer over generic netlink.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cnbench.h"

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

static char group_ids[BENCH_GROUPS][40];
static char group_names[BENCH_GROUPS][16];

static void groups_init(void)
{
	int g;

	if (group_ids[0][0])
		return;
	for (g = 0; g < BENCH_GROUPS; g++) {
		snprintf(group_ids[g], sizeof(group_ids[g]),
			 "7d1c5f5e-%04x-4c1a-9f00-0000000000%02x", g + 1, g);
		snprintf(group_names[g], sizeof(group_names[g]), "Group %02d",
			 g);
	}
}

const char *group_id(int g)
{
	groups_init();
	return group_ids[g % BENCH_GROUPS];
}

const char *group_name(int g)
{
	groups_init();
	return group_names[g % BENCH_GROUPS];
}

void event_group_state(struct cn_event *e, int g, const void *payload,
		       uint32_t plen)
{
	memset(e, 0, sizeof(*e));
	e->type = CLUSNOTIFY_OBJ_GROUP;
	e->v2 = CN_V2_GROUP_STATE;
	e->v1 = CN_V1_GROUP_STATE;
	e->id = group_id(g);
	e->name = group_name(g);
	e->parent = BENCH_NODE_ID;
	e->payload = payload;
	e->payload_len = plen;
	e->state = CN_GROUP_ONLINE;
	e->has_state = true;
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t data_len(const struct cn_event *e)
{
	return ALIGN8(ALIGN8(e->payload_len) + slen(e->id) + slen(e->parent) +
		      slen(e->name) + slen(e->type_name) + 4);
}

size_t record_size(const struct cn_event *e)
{
	return sizeof(struct clusnotify_record) + data_len(e);
}

size_t record_payload_off(void)
{
	return sizeof(struct clusnotify_record);
}

static char *put_str(char *p, const char *s)
{
	size_t n = slen(s);

	memcpy(p, s ? s : "", n);
	p[n] = 0;
	return p + n + 1;
}

size_t record_build(void *buf, const struct cn_event *e, uint64_t seq,
		    uint64_t key, uint32_t cluster_id, uint64_t ts)
{
	struct clusnotify_record *r = buf;
	size_t size = record_size(e);
	char *p;

	memset(buf, 0, size);
	r->size = size;
	r->version = CLUSNOTIFY_FILTER_V2;
	r->seq = seq;
	r->key = key;
	r->v2_flag = e->v2;
	r->v1_change = e->v1;
	r->object_type = e->type;
	r->cluster_id = cluster_id;
	r->state = e->has_state ? e->state : CLUSNOTIFY_STATE_UNKNOWN;
	r->timestamp_ns = ts;
	r->payload_len = e->payload_len;
	r->id_len = slen(e->id);
	r->parent_len = slen(e->parent);
	r->name_len = slen(e->name);
	r->type_len = slen(e->type_name);
	p = (char *)(r + 1);
	if (e->payload_len)
		memcpy(p, e->payload, e->payload_len);
	p += ALIGN8(e->payload_len);
	p = put_str(p, e->id);
	p = put_str(p, e->parent);
	p = put_str(p, e->name);
	put_str(p, e->type_name);
	return size;
}

const char *record_verify(const struct clusnotify_record *r, size_t avail,
			  struct sink_check *s)
{
	if (avail < sizeof(*r) || r->size < sizeof(*r) || r->size > avail ||
	    r->size % 8)
		return "malformed record";
	if (r->flags & CLUSNOTIFY_RECORD_F_LOST)
		return "records were lost to overflow";
	if (r->seq != s->next_seq)
		return "record out of sequence";
	if (r->key != s->key)
		return "record with another filter's key";
	s->next_seq++;
	s->got++;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The producer                                                         */
/* ------------------------------------------------------------------ */

int poster_open(struct poster *p)
{
	return cn_nl_open(&p->nl);
}

void poster_close(struct poster *p)
{
	cn_nl_close(&p->nl);
}

int poster_cluster(struct poster *p, const char *tag, uint32_t *cid,
		   char *name, size_t name_len)
{
	struct cn_obj_desc objs[BENCH_GROUPS + 1];
	int g, ret;

	cn_unique_name(name, name_len, tag);
	ret = cn_register(&p->nl, name, cid);
	if (ret)
		return ret;
	memset(objs, 0, sizeof(objs));
	objs[0].type = CLUSNOTIFY_OBJ_NODE;
	objs[0].id = BENCH_NODE_ID;
	objs[0].name = "Node1";
	for (g = 0; g < BENCH_GROUPS; g++) {
		objs[g + 1].type = CLUSNOTIFY_OBJ_GROUP;
		objs[g + 1].id = group_id(g);
		objs[g + 1].name = group_name(g);
		objs[g + 1].parent = BENCH_NODE_ID;
		objs[g + 1].state = CN_GROUP_ONLINE;
		objs[g + 1].has_state = true;
	}
	return cn_publish(&p->nl, *cid, objs, BENCH_GROUPS + 1);
}

/*
 * No NLM_F_ACK: a successful doit then answers with its reply message only,
 * and a failure with an error message, so a post is one send and one recv.
 */
int post_msg_build(struct post_msg *pm, struct poster *p, uint32_t cid,
		   const struct cn_event *ev, int n)
{
	uint64_t magic = BENCH_MAGIC;
	unsigned char *hit;

	memset(pm, 0, sizeof(*pm));
	cn_msg_init(&pm->m, &p->nl, CLUSNOTIFY_CMD_EVENT_POST, 0);
	cn_msg_put_u32(&pm->m, CLUSNOTIFY_A_CLUSTER_ID, cid);
	cn_msg_put_events(&pm->m, ev, n);
	if (pm->m.err)
		return pm->m.err;
	((struct nlmsghdr *)pm->m.buf)->nlmsg_len = pm->m.len;
	pm->nev = n;
	hit = memmem(pm->m.buf, pm->m.len, &magic, sizeof(magic));
	pm->magic_off = hit ? (size_t)(hit - pm->m.buf) : 0;
	return 0;
}

void post_msg_free(struct post_msg *pm)
{
	cn_msg_free(&pm->m);
}

void post_msg_patch(struct post_msg *pm, uint64_t v)
{
	if (pm->magic_off)
		memcpy(pm->m.buf + pm->magic_off, &v, sizeof(v));
}

int post_msg_send(struct poster *p, struct post_msg *pm, uint64_t *queued,
		  uint64_t *lost)
{
	struct nlmsghdr *req = (struct nlmsghdr *)pm->m.buf;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh;
	ssize_t n;

	req->nlmsg_seq = ++p->nl.seq;
	n = sendto(p->nl.fd, pm->m.buf, pm->m.len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel));
	if (n < 0)
		return -errno;
	for (;;) {
		n = recv(p->nl.fd, p->nl.rxbuf, 64 * 1024, 0);
		if (n < 0)
			return -errno;
		for (nlh = p->nl.rxbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			const struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];

			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error ? e->error : -EPROTO;
			}
			if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				return -EBADMSG;
			if (cn_nla_parse(tb, CLUSNOTIFY_A_MAX,
					 (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
					 nlh->nlmsg_len -
					 NLMSG_LENGTH(GENL_HDRLEN)))
				return -EBADMSG;
			if (queued)
				*queued = tb[CLUSNOTIFY_A_QUEUED] ?
					  cn_nla_u64(tb[CLUSNOTIFY_A_QUEUED]) :
					  0;
			if (lost)
				*lost = tb[CLUSNOTIFY_A_LOST] ?
					cn_nla_u64(tb[CLUSNOTIFY_A_LOST]) : 0;
			return 0;
		}
	}
}
