// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the clusnotify selftests (see cn_util.h).
 *
 * The producer half is a reference client of the generic netlink family:
 * it speaks AF_NETLINK/NETLINK_GENERIC with plain socket calls, resolves
 * the family id through the genl controller and lays out every attribute
 * by hand, so each step of the wire protocol is visible here.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cn_util.h"

/* ------------------------------------------------------------------ */
/* Consumer side                                                        */
/* ------------------------------------------------------------------ */

int cn_open_port(int extra_flags)
{
	int fd = open(CN_DEV_PATH, O_RDWR | O_CLOEXEC | extra_flags);

	return fd < 0 ? -errno : fd;
}

long cn_ioctl(int fd, unsigned long cmd, void *arg)
{
	long ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

unsigned long cn_ioc_resize(unsigned long cmd, size_t size)
{
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size);
}

int cn_cluster_lookup(int fd, const char *name, __u32 flags,
		      struct clusnotify_cluster_query *q,
		      char *name_out, __u32 name_out_size)
{
	memset(q, 0, sizeof(*q));
	q->name = (uintptr_t)name;
	q->name_len = name ? strlen(name) : 0;
	q->flags = flags;
	q->name_out = (uintptr_t)name_out;
	q->name_out_size = name_out_size;
	return cn_ioctl(fd, CLUSNOTIFY_IOC_CLUSTER_LOOKUP, q);
}

int cn_cluster_lookup_id(int fd, __u32 id, struct clusnotify_cluster_query *q)
{
	memset(q, 0, sizeof(*q));
	q->flags = CLUSNOTIFY_LOOKUP_BY_ID;
	q->cluster_id = id;
	return cn_ioctl(fd, CLUSNOTIFY_IOC_CLUSTER_LOOKUP, q);
}

int cn_decode_object(const void *buf, size_t len, struct cn_object *o)
{
	const unsigned char *p = buf;
	const __u32 *lens[4];
	const char **strs[4] = { &o->id, &o->parent, &o->name, &o->type };
	size_t off, need;
	int i;

	if (len < sizeof(o->hdr))
		return -EBADMSG;
	memcpy(&o->hdr, buf, sizeof(o->hdr));
	lens[0] = &o->hdr.id_len;
	lens[1] = &o->hdr.parent_len;
	lens[2] = &o->hdr.name_len;
	lens[3] = &o->hdr.type_len;
	need = sizeof(o->hdr);
	for (i = 0; i < 4; i++) {
		if (*lens[i] > CLUSNOTIFY_NAME_MAX)
			return -EBADMSG;
		need += *lens[i] + 1;
	}
	need = CN_ALIGN8(need);
	if (o->hdr.size != need || o->hdr.size > len)
		return -EBADMSG;
	off = sizeof(o->hdr);
	for (i = 0; i < 4; i++) {
		*strs[i] = (const char *)p + off;
		if (p[off + *lens[i]] || memchr(p + off, 0, *lens[i]))
			return -EBADMSG;
		off += *lens[i] + 1;
	}
	for (; off < o->hdr.size; off++)
		if (p[off])
			return -EBADMSG;
	return 0;
}

int cn_object_lookup(int fd, __u32 cluster, __u32 type, const char *key,
		     __u32 flags, void *buf, __u32 *size, struct cn_object *o)
{
	struct clusnotify_object_query q = {
		.cluster_id = cluster,
		.type = type,
		.flags = flags,
		.key = (uintptr_t)key,
		.key_len = key ? strlen(key) : 0,
		.buf = (uintptr_t)buf,
		.buf_size = *size,
	};
	int ret = cn_ioctl(fd, CLUSNOTIFY_IOC_OBJECT_LOOKUP, &q);

	*size = q.buf_size;
	if (ret)
		return ret;
	if (o)
		return cn_decode_object(buf, q.buf_size, o);
	return 0;
}

int cn_add_filter(int fd, const struct clusnotify_filter *f)
{
	return cn_ioctl(fd, CLUSNOTIFY_IOC_ADD_FILTER, (void *)f);
}

int cn_add_v1(int fd, __u32 cluster, __u32 mask, __u64 key, __u64 token)
{
	return cn_add_v1_obj(fd, cluster, mask, 0, NULL, key, token);
}

int cn_add_v1_obj(int fd, __u32 cluster, __u32 mask, __u32 obj_type,
		  const char *object, __u64 key, __u64 token)
{
	struct clusnotify_filter f = {
		.cluster_id = cluster,
		.version = CLUSNOTIFY_FILTER_V1,
		.mask = mask,
		.key = key,
		.token = token,
		.object = (uintptr_t)object,
		.object_len = object ? strlen(object) : 0,
		.object_type_v1 = obj_type,
	};

	return cn_add_filter(fd, &f);
}

int cn_add_v2(int fd, __u32 cluster, __u32 type, __u64 mask, __u64 key,
	      __u64 token)
{
	return cn_add_v2_obj(fd, cluster, type, mask, NULL, key, token);
}

int cn_add_v2_obj(int fd, __u32 cluster, __u32 type, __u64 mask,
		  const char *object, __u64 key, __u64 token)
{
	struct clusnotify_filter f = {
		.cluster_id = cluster,
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = type,
		.mask = mask,
		.key = key,
		.token = token,
		.object = (uintptr_t)object,
		.object_len = object ? strlen(object) : 0,
	};

	return cn_add_filter(fd, &f);
}

int cn_remove(int fd, __u64 token, __u32 flags)
{
	struct clusnotify_remove r = { .token = token, .flags = flags };

	return cn_ioctl(fd, CLUSNOTIFY_IOC_REMOVE_FILTERS, &r);
}

size_t cn_record_size(size_t payload_len, size_t id_len, size_t parent_len,
		      size_t name_len, size_t type_len)
{
	return CN_ALIGN8(sizeof(struct clusnotify_record) +
			 CN_ALIGN8(payload_len) + id_len + 1 + parent_len + 1 +
			 name_len + 1 + type_len + 1);
}

int cn_decode_record(const void *buf, size_t len, struct cn_rec *r,
		     const char **why)
{
	const unsigned char *p = buf;
	const struct clusnotify_record *h = &r->hdr;
	const char **strs[4] = { &r->id, &r->parent, &r->name, &r->type };
	__u32 lens[4];
	size_t off, end;
	int i;

#define CN_BAD(msg)				\
	do {					\
		if (why)			\
			*why = (msg);		\
		return -EBADMSG;		\
	} while (0)

	if (len < sizeof(*h))
		CN_BAD("buffer shorter than a record header");
	memcpy(&r->hdr, buf, sizeof(r->hdr));
	lens[0] = h->id_len;
	lens[1] = h->parent_len;
	lens[2] = h->name_len;
	lens[3] = h->type_len;
	if (h->size % 8)
		CN_BAD("size is not a multiple of 8");
	if (h->size > len)
		CN_BAD("size runs past the bytes returned");
	if (h->version != CLUSNOTIFY_FILTER_V1 &&
	    h->version != CLUSNOTIFY_FILTER_V2)
		CN_BAD("version is neither V1 nor V2");
	if (h->flags & ~(CLUSNOTIFY_RECORD_F_LOST | CLUSNOTIFY_RECORD_F_KERNEL))
		CN_BAD("unknown flag bits");
	if (h->__reserved)
		CN_BAD("__reserved is not zero");
	if (h->payload_len > CLUSNOTIFY_PAYLOAD_MAX)
		CN_BAD("payload_len above CLUSNOTIFY_PAYLOAD_MAX");
	for (i = 0; i < 4; i++)
		if (lens[i] > CLUSNOTIFY_NAME_MAX)
			CN_BAD("a string length above CLUSNOTIFY_NAME_MAX");
	if (h->size != cn_record_size(h->payload_len, lens[0], lens[1],
				      lens[2], lens[3]))
		CN_BAD("size is not what the payload and string lengths imply");

	off = sizeof(*h);
	r->payload = p + off;
	end = off + CN_ALIGN8(h->payload_len);
	for (off += h->payload_len; off < end; off++)
		if (p[off])
			CN_BAD("payload padding is not zero");
	for (i = 0; i < 4; i++) {
		*strs[i] = (const char *)p + off;
		if (memchr(p + off, 0, lens[i]))
			CN_BAD("a string holds a NUL byte");
		if (p[off + lens[i]])
			CN_BAD("a string is not NUL-terminated");
		off += lens[i] + 1;
	}
	for (; off < h->size; off++)
		if (p[off])
			CN_BAD("trailing padding is not zero");
	return 0;
#undef CN_BAD
}

int cn_get(int fd, void *buf, __u32 *size, __u32 timeout_ms)
{
	struct clusnotify_get g = {
		.buf = (uintptr_t)buf,
		.buf_size = *size,
		.timeout_ms = timeout_ms,
	};
	int ret = cn_ioctl(fd, CLUSNOTIFY_IOC_GET, &g);

	*size = g.buf_size;
	return ret;
}

int cn_get_rec(int fd, void *buf, __u32 timeout_ms, struct cn_rec *r)
{
	__u32 size = CN_REC_BUF;
	const char *why = NULL;
	int ret;

	ret = cn_get(fd, buf, &size, timeout_ms);
	if (ret)
		return ret;
	ret = cn_decode_record(buf, size, r, &why);
	if (ret)
		fprintf(stderr, "# malformed record: %s\n", why);
	else if (r->hdr.size != size)
		fprintf(stderr, "# GET buf_size %u != record size %u\n", size,
			r->hdr.size);
	return ret;
}

int cn_port_stats(int fd, struct clusnotify_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	return cn_ioctl(fd, CLUSNOTIFY_IOC_PORT_STATS, st);
}

int cn_fionread(int fd)
{
	int n = -1;
	int ret = cn_ioctl(fd, FIONREAD, &n);

	return ret ? ret : n;
}

int cn_drain(int fd)
{
	void *buf = malloc(CN_REC_BUF);
	int n = 0;
	__u32 size;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size = CN_REC_BUF;
		if (cn_get(fd, buf, &size, 0))
			break;
		n++;
	}
	free(buf);
	return n;
}

/* ------------------------------------------------------------------ */
/* The mapped ring                                                      */
/* ------------------------------------------------------------------ */

int cn_info(int fd, struct clusnotify_info *info)
{
	memset(info, 0, sizeof(*info));
	return cn_ioctl(fd, cn_ioc_resize(CLUSNOTIFY_IOC_GET_INFO,
					  CLUSNOTIFY_INFO_SIZE_VER1), info);
}

int cn_ring_setup(int fd, __u32 size, struct clusnotify_ring_setup *out)
{
	struct clusnotify_ring_setup s = { .size = size };
	int ret = cn_ioctl(fd, CLUSNOTIFY_IOC_RING_SETUP, &s);

	if (out)
		*out = s;
	return ret;
}

int cn_ring_sync(int fd)
{
	return cn_ioctl(fd, CLUSNOTIFY_IOC_RING_SYNC, NULL);
}

int cn_ring_open(int fd, __u32 size, struct cn_ring *rg)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct clusnotify_ring_setup s;
	void *map;
	int ret;

	memset(rg, 0, sizeof(*rg));
	ret = cn_ring_setup(fd, size, &s);
	if (ret)
		return ret;
	map = mmap(NULL, s.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (map == MAP_FAILED)
		return -errno;
	rg->map = map;
	rg->map_size = s.mmap_size;
	rg->r = map;
	rg->size = s.size;
	if (s.mmap_size != page + 2 * (size_t)s.size ||
	    rg->r->size != s.size || rg->r->data_offset != page ||
	    rg->r->head || rg->r->tail || rg->r->consumed) {
		cn_ring_close(rg);
		return -EBADMSG;
	}
	rg->data = (unsigned char *)map + rg->r->data_offset;
	return 0;
}

void cn_ring_close(struct cn_ring *rg)
{
	if (rg->map)
		munmap(rg->map, rg->map_size);
	rg->map = NULL;
	rg->r = NULL;
	rg->data = NULL;
}

__u32 cn_ring_tail(const struct cn_ring *rg)
{
	return __atomic_load_n(&rg->r->tail, __ATOMIC_ACQUIRE);
}

__u32 cn_ring_flags(const struct cn_ring *rg)
{
	return __atomic_load_n(&rg->r->flags, __ATOMIC_ACQUIRE);
}

int cn_ring_peek(struct cn_ring *rg, struct cn_rec *rec, const char **why)
{
	__u32 avail = cn_ring_tail(rg) - rg->head;
	const void *p = rg->data + (rg->head & (rg->size - 1));
	int ret;

	if (!avail)
		return -EAGAIN;
	if (avail > rg->size) {
		if (why)
			*why = "tail - head is more than the ring's size";
		return -EBADMSG;
	}
	/* The header is copied into *rec; payload and strings stay mapped. */
	ret = cn_decode_record(p, avail, rec, why);
	return ret;
}

void cn_ring_publish(struct cn_ring *rg)
{
	__atomic_store_n(&rg->r->head, rg->head, __ATOMIC_RELEASE);
	__atomic_store_n(&rg->r->consumed, rg->consumed, __ATOMIC_RELAXED);
}

void cn_ring_advance(struct cn_ring *rg, __u32 bytes)
{
	rg->head += bytes;
	rg->consumed++;
	cn_ring_publish(rg);
}

bool cn_ring_empty_fenced(const struct cn_ring *rg)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return cn_ring_tail(rg) == rg->head;
}

int cn_ring_drain(struct cn_ring *rg, __u64 *seq, const char **why)
{
	struct cn_rec rec;
	int n = 0, ret;

	for (;;) {
		ret = cn_ring_peek(rg, &rec, why);
		if (ret == -EAGAIN)
			return n;
		if (ret)
			return ret;
		if (rec.hdr.seq != *seq) {
			if (why)
				*why = "seq is not the one expected";
			return -EBADMSG;
		}
		if (rec.hdr.flags & CLUSNOTIFY_RECORD_F_LOST)
			*seq += rec.hdr.lost;
		else
			*seq += 1;
		cn_ring_advance(rg, rec.hdr.size);
		n++;
	}
}

/* ------------------------------------------------------------------ */
/* Producer side: generic netlink                                       */
/* ------------------------------------------------------------------ */

/*
 * A generic netlink request is
 *
 *   struct nlmsghdr  { len, type = family id, flags, seq, pid = 0 }
 *   struct genlmsghdr { cmd, version, reserved = 0 }
 *   attributes: struct nlattr { len, type } + payload, each padded to 4;
 *   a nest is an nlattr with NLA_F_NESTED whose payload is attributes.
 *
 * The kernel answers with messages of the same family (replies; for a dump
 * one per object, then NLMSG_DONE) and, because we set NLM_F_ACK on doit
 * requests, an NLMSG_ERROR whose error field is 0 or -errno.
 */

#define CN_NL_RXBUF (64 * 1024)
#define CN_TB_MAX 32		/* above every attribute enum we parse */

static void cn_msg_init_raw(struct cn_msg *m, __u16 type, __u8 cmd,
			    __u8 version, __u16 nlflags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	memset(m, 0, sizeof(*m));
	m->cap = 4096;
	m->buf = calloc(1, m->cap);
	if (!m->buf) {
		m->err = -ENOMEM;
		return;
	}
	nlh = (struct nlmsghdr *)m->buf;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | nlflags;
	gh = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	gh->cmd = cmd;
	gh->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

void cn_msg_init(struct cn_msg *m, const struct cn_nl *nl, __u8 cmd,
		 __u16 nlflags)
{
	cn_msg_init_raw(m, nl->family, cmd, CLUSNOTIFY_GENL_VERSION, nlflags);
}

void cn_msg_free(struct cn_msg *m)
{
	free(m->buf);
	m->buf = NULL;
}

static void *cn_msg_reserve(struct cn_msg *m, size_t len)
{
	size_t need = m->len + NLA_ALIGN(len);
	void *p;

	if (m->err)
		return NULL;
	if (need > m->cap) {
		size_t cap = m->cap;
		unsigned char *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(m->buf, cap);
		if (!nb) {
			m->err = -ENOMEM;
			return NULL;
		}
		memset(nb + m->cap, 0, cap - m->cap);
		m->buf = nb;
		m->cap = cap;
	}
	p = m->buf + m->len;
	m->len = need;
	return p;
}

void cn_msg_put(struct cn_msg *m, __u16 type, const void *data, size_t len)
{
	struct nlattr *a;

	/* nla_len is 16 bits: an attribute cannot hold more than this. */
	if (NLA_HDRLEN + len > 0xffff) {
		m->err = -E2BIG;
		return;
	}
	a = cn_msg_reserve(m, NLA_HDRLEN + len);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
}

void cn_msg_put_u8(struct cn_msg *m, __u16 type, __u8 v)
{
	cn_msg_put(m, type, &v, sizeof(v));
}

void cn_msg_put_u32(struct cn_msg *m, __u16 type, __u32 v)
{
	cn_msg_put(m, type, &v, sizeof(v));
}

void cn_msg_put_u64(struct cn_msg *m, __u16 type, __u64 v)
{
	cn_msg_put(m, type, &v, sizeof(v));
}

/* Strings go with their NUL, as libnl's nla_put_string() sends them. */
void cn_msg_put_str(struct cn_msg *m, __u16 type, const char *s)
{
	cn_msg_put(m, type, s, strlen(s) + 1);
}

void cn_msg_nest_start(struct cn_msg *m, __u16 type)
{
	struct nlattr *a;

	if (m->depth >= (int)CN_ARRAY_SIZE(m->nest)) {
		m->err = -E2BIG;
		return;
	}
	a = cn_msg_reserve(m, NLA_HDRLEN);
	if (!a)
		return;
	/* Strict validation wants NLA_F_NESTED on every nest. */
	a->nla_type = type | NLA_F_NESTED;
	m->nest[m->depth++] = (unsigned char *)a - m->buf;
}

void cn_msg_nest_end(struct cn_msg *m)
{
	struct nlattr *a;
	size_t len;

	if (m->err || m->depth <= 0)
		return;
	a = (struct nlattr *)(m->buf + m->nest[--m->depth]);
	len = m->len - ((unsigned char *)a - m->buf);
	if (len > 0xffff) {
		m->err = -E2BIG;	/* the nest outgrew nla_len */
		return;
	}
	a->nla_len = len;
}

int cn_nla_parse(const struct nlattr **tb, int max, const void *data,
		 size_t len)
{
	const unsigned char *p = data;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EBADMSG;
		if (type <= max)
			tb[type] = a;
		if (NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

const void *cn_nla_data(const struct nlattr *a)
{
	return (const unsigned char *)a + NLA_HDRLEN;
}

size_t cn_nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

__u8 cn_nla_u8(const struct nlattr *a)
{
	return *(const __u8 *)cn_nla_data(a);
}

__u32 cn_nla_u32(const struct nlattr *a)
{
	__u32 v = 0;

	memcpy(&v, cn_nla_data(a), cn_nla_len(a) < 4 ? cn_nla_len(a) : 4);
	return v;
}

__u64 cn_nla_u64(const struct nlattr *a)
{
	__u64 v = 0;

	memcpy(&v, cn_nla_data(a), cn_nla_len(a) < 8 ? cn_nla_len(a) : 8);
	return v;
}

const char *cn_nla_str(const struct nlattr *a)
{
	return cn_nla_data(a);
}

/* Keep the extended ack's message (NLMSGERR_ATTR_MSG) for the logs. */
static void cn_nl_save_extack(struct cn_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e), total = nlh->nlmsg_len - NLMSG_HDRLEN;

	nl->ext_msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NLM_F_CAPPED the whole request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= total)
		return;
	if (cn_nla_parse(tb, NLMSGERR_ATTR_MAX, (const char *)e + off,
			 total - off))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%.*s",
			 (int)cn_nla_len(tb[NLMSGERR_ATTR_MSG]),
			 cn_nla_str(tb[NLMSGERR_ATTR_MSG]));
}

/*
 * Send a request and read its answer. Messages of type want_type are
 * parsed (top-level attributes up to max) and handed to cb.
 */
static int cn_nl_transact_type(struct cn_nl *nl, struct cn_msg *m,
			       __u16 want_type, int max, cn_reply_cb cb,
			       void *arg)
{
	struct nlmsghdr *req = (struct nlmsghdr *)m->buf;
	bool dump = req && (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct nlattr *tb[CN_TB_MAX + 1];
	ssize_t n;

	if (m->err)
		return m->err;
	if (m->depth)
		return -EINVAL;		/* an unclosed nest */
	req->nlmsg_len = m->len;
	req->nlmsg_seq = ++nl->seq;
	nl->ext_msg[0] = 0;

	n = sendto(nl->fd, m->buf, m->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	if (n < 0)
		return -errno;
	if ((size_t)n != m->len)
		return -EIO;

	for (;;) {
		struct nlmsghdr *nlh;

		/* Peek at the datagram's size so nothing is ever truncated. */
		n = recv(nl->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0)
			return -errno;
		if (n > CN_NL_RXBUF)
			return -EMSGSIZE;
		n = recv(nl->fd, nl->rxbuf, CN_NL_RXBUF, 0);
		if (n < 0)
			return -errno;

		for (nlh = nl->rxbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;	/* a stale answer */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error)
					cn_nl_save_extack(nl, nlh);
				/*
				 * For a doit this is the ACK that ends it;
				 * for a dump, a failure to start it.
				 */
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
					memcpy(&err, NLMSG_DATA(nlh),
					       sizeof(err));
				return err;
			}
			if (nlh->nlmsg_type != want_type)
				continue;
			if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				return -EBADMSG;
			if (cn_nla_parse(tb, max,
					 (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
					 nlh->nlmsg_len -
					 NLMSG_LENGTH(GENL_HDRLEN)))
				return -EBADMSG;
			if (cb)
				cb(tb, arg);
			if (!dump && !(req->nlmsg_flags & NLM_F_ACK))
				return 0;	/* a reply and no ACK asked */
		}
	}
}

int cn_nl_transact(struct cn_nl *nl, struct cn_msg *m, cn_reply_cb cb,
		   void *arg)
{
	return cn_nl_transact_type(nl, m, nl->family, CN_TB_MAX, cb, arg);
}

static void cn_family_cb(const struct nlattr **tb, void *arg)
{
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(__u16 *)arg = *(const __u16 *)cn_nla_data(tb[CTRL_ATTR_FAMILY_ID]);
}

/* Ask the genl controller (GENL_ID_CTRL) for the id of our family. */
static int cn_nl_resolve(struct cn_nl *nl)
{
	struct cn_msg m;
	__u16 id = 0;
	int ret;

	cn_msg_init_raw(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	cn_msg_put_str(&m, CTRL_ATTR_FAMILY_NAME, CLUSNOTIFY_GENL_NAME);
	ret = cn_nl_transact_type(nl, &m, GENL_ID_CTRL, CN_TB_MAX,
				  cn_family_cb, &id);
	cn_msg_free(&m);
	if (ret)
		return ret;
	if (!id)
		return -EBADMSG;
	nl->family = id;
	return 0;
}

int cn_nl_open(struct cn_nl *nl)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int one = 1, bufsz = 4 << 20;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->rxbuf = malloc(CN_NL_RXBUF);
	if (!nl->rxbuf)
		return -ENOMEM;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* nl_pid 0: the kernel picks our port id. */
	if (bind(nl->fd, (struct sockaddr *)&local, sizeof(local))) {
		ret = -errno;
		goto fail;
	}
	/* Error messages with a text (extack), without the echoed request. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Room for big batches; the FORCE variant only works for root. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz,
		       sizeof(bufsz)))
		setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUF, &bufsz,
			   sizeof(bufsz));
	ret = cn_nl_resolve(nl);
	if (ret)
		goto fail;
	return 0;
fail:
	if (nl->fd >= 0)
		close(nl->fd);
	free(nl->rxbuf);
	nl->rxbuf = NULL;
	nl->fd = -1;
	return ret;
}

void cn_nl_close(struct cn_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->rxbuf);
	nl->rxbuf = NULL;
}

static void cn_id_cb(const struct nlattr **tb, void *arg)
{
	if (tb[CLUSNOTIFY_A_CLUSTER_ID])
		*(__u32 *)arg = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
}

int cn_register_opts(struct cn_nl *nl, const char *name,
		     const struct cn_cluster_opts *o, __u32 *id)
{
	struct cn_msg m;
	__u32 got = 0;
	int ret;

	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER, NLM_F_ACK);
	cn_msg_put_str(&m, CLUSNOTIFY_A_CLUSTER_NAME, name);
	if (o) {
		cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_UID, o->uid);
		cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_GID, o->gid);
		cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_MODE, o->mode);
		cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_FLAGS, o->flags);
	}
	ret = cn_nl_transact(nl, &m, cn_id_cb, &got);
	cn_msg_free(&m);
	if (!ret && !got)
		ret = -EBADMSG;		/* no CLUSTER_ID in the reply */
	if (id)
		*id = got;
	return ret;
}

int cn_register(struct cn_nl *nl, const char *name, __u32 *id)
{
	return cn_register_opts(nl, name, NULL, id);
}

int cn_unregister(struct cn_nl *nl, __u32 id)
{
	struct cn_msg m;
	int ret;

	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, id);
	ret = cn_nl_transact(nl, &m, NULL, NULL);
	cn_msg_free(&m);
	return ret;
}

static void cn_put_objects(struct cn_msg *m, const struct cn_obj_desc *o,
			   int n, bool full)
{
	int i;

	/* Each object is one top-level OBJECT attribute. */
	for (i = 0; i < n; i++) {
		cn_msg_nest_start(m, CLUSNOTIFY_A_OBJECT);
		cn_msg_put_u32(m, CLUSNOTIFY_OBJ_A_TYPE, o[i].type);
		if (o[i].id)
			cn_msg_put_str(m, CLUSNOTIFY_OBJ_A_ID, o[i].id);
		if (full && o[i].name)
			cn_msg_put_str(m, CLUSNOTIFY_OBJ_A_NAME, o[i].name);
		if (full && o[i].parent)
			cn_msg_put_str(m, CLUSNOTIFY_OBJ_A_PARENT, o[i].parent);
		if (full && o[i].type_name)
			cn_msg_put_str(m, CLUSNOTIFY_OBJ_A_TYPE_NAME,
				       o[i].type_name);
		if (full && o[i].has_state)
			cn_msg_put_u32(m, CLUSNOTIFY_OBJ_A_STATE, o[i].state);
		cn_msg_nest_end(m);
	}
}

static int cn_objects_cmd(struct cn_nl *nl, __u8 cmd, __u32 cluster,
			  const struct cn_obj_desc *o, int n, bool full)
{
	struct cn_msg m;
	int ret;

	cn_msg_init(&m, nl, cmd, NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, cluster);
	cn_put_objects(&m, o, n, full);
	ret = cn_nl_transact(nl, &m, NULL, NULL);
	cn_msg_free(&m);
	return ret;
}

int cn_publish(struct cn_nl *nl, __u32 cluster, const struct cn_obj_desc *o,
	       int n)
{
	return cn_objects_cmd(nl, CLUSNOTIFY_CMD_OBJECT_PUBLISH, cluster, o, n,
			      true);
}

int cn_obj_remove(struct cn_nl *nl, __u32 cluster,
		  const struct cn_obj_desc *o, int n)
{
	return cn_objects_cmd(nl, CLUSNOTIFY_CMD_OBJECT_REMOVE, cluster, o, n,
			      false);
}

void cn_msg_put_events(struct cn_msg *m, const struct cn_event *ev, int n)
{
	int i;

	/* Each event is one top-level EVENT attribute. */
	for (i = 0; i < n; i++) {
		const struct cn_event *e = &ev[i];

		cn_msg_nest_start(m, CLUSNOTIFY_A_EVENT);
		if (!e->no_type)
			cn_msg_put_u32(m, CLUSNOTIFY_EV_A_OBJECT_TYPE, e->type);
		if (e->v2)
			cn_msg_put_u64(m, CLUSNOTIFY_EV_A_V2_FLAG, e->v2);
		if (e->v1)
			cn_msg_put_u32(m, CLUSNOTIFY_EV_A_V1_CHANGE, e->v1);
		if (e->id)
			cn_msg_put_str(m, CLUSNOTIFY_EV_A_ID, e->id);
		if (e->parent)
			cn_msg_put_str(m, CLUSNOTIFY_EV_A_PARENT, e->parent);
		if (e->name)
			cn_msg_put_str(m, CLUSNOTIFY_EV_A_NAME, e->name);
		if (e->type_name)
			cn_msg_put_str(m, CLUSNOTIFY_EV_A_TYPE_NAME,
				       e->type_name);
		if (e->payload)
			cn_msg_put(m, CLUSNOTIFY_EV_A_PAYLOAD, e->payload,
				   e->payload_len);
		if (e->has_state)
			cn_msg_put_u32(m, CLUSNOTIFY_EV_A_STATE, e->state);
		cn_msg_nest_end(m);
	}
}

static void cn_post_cb(const struct nlattr **tb, void *arg)
{
	struct cn_post_reply *r = arg;

	if (tb[CLUSNOTIFY_A_POSTED]) {
		r->posted = cn_nla_u32(tb[CLUSNOTIFY_A_POSTED]);
		r->has_posted = true;
	}
	if (tb[CLUSNOTIFY_A_QUEUED]) {
		r->queued = cn_nla_u64(tb[CLUSNOTIFY_A_QUEUED]);
		r->has_queued = true;
	}
	if (tb[CLUSNOTIFY_A_LOST]) {
		r->lost = cn_nla_u64(tb[CLUSNOTIFY_A_LOST]);
		r->has_lost = true;
	}
}

int cn_post(struct cn_nl *nl, __u32 cluster, const struct cn_event *ev, int n,
	    struct cn_post_reply *r)
{
	struct cn_post_reply dummy;
	struct cn_msg m;
	int ret;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_EVENT_POST, NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, cluster);
	cn_msg_put_events(&m, ev, n);
	ret = cn_nl_transact(nl, &m, cn_post_cb, r);
	cn_msg_free(&m);
	return ret;
}

int cn_post1(struct cn_nl *nl, __u32 cluster, const struct cn_event *ev)
{
	return cn_post(nl, cluster, ev, 1, NULL);
}

static void cn_copy_str(char *dst, size_t cap, const struct nlattr *a)
{
	size_t len = cn_nla_len(a);

	if (len && ((const char *)cn_nla_data(a))[len - 1] == 0)
		len--;
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, cn_nla_data(a), len);
	dst[len] = 0;
}

static void cn_fill_cluster(struct cn_cluster_desc *d,
			    const struct nlattr **tb)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 1; i <= CLUSNOTIFY_A_MAX; i++)
		if (tb[i])
			d->attrs |= 1U << i;
	if (tb[CLUSNOTIFY_A_CLUSTER_ID])
		d->id = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	if (tb[CLUSNOTIFY_A_CLUSTER_NAME])
		cn_copy_str(d->name, sizeof(d->name),
			    tb[CLUSNOTIFY_A_CLUSTER_NAME]);
	if (tb[CLUSNOTIFY_A_CLUSTER_UID])
		d->uid = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_UID]);
	if (tb[CLUSNOTIFY_A_CLUSTER_GID])
		d->gid = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_GID]);
	if (tb[CLUSNOTIFY_A_CLUSTER_MODE])
		d->mode = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_MODE]);
	if (tb[CLUSNOTIFY_A_CLUSTER_FLAGS])
		d->flags = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_FLAGS]);
	if (tb[CLUSNOTIFY_A_CLUSTER_UP])
		d->up = cn_nla_u8(tb[CLUSNOTIFY_A_CLUSTER_UP]);
	if (tb[CLUSNOTIFY_A_CLUSTER_OBJECTS])
		d->objects = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_OBJECTS]);
	if (tb[CLUSNOTIFY_A_CLUSTER_FILTERS])
		d->filters = cn_nla_u32(tb[CLUSNOTIFY_A_CLUSTER_FILTERS]);
}

struct cn_dump_ctx {
	void *arr;
	int max;
	int n;
};

static void cn_cluster_cb(const struct nlattr **tb, void *arg)
{
	struct cn_dump_ctx *c = arg;

	if (c->n < c->max)
		cn_fill_cluster((struct cn_cluster_desc *)c->arr + c->n, tb);
	c->n++;
}

int cn_cluster_get(struct cn_nl *nl, __u32 id, struct cn_cluster_desc *d)
{
	struct cn_dump_ctx c = { .arr = d, .max = 1 };
	struct cn_msg m;
	int ret;

	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_CLUSTER_GET, NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, id);
	ret = cn_nl_transact(nl, &m, cn_cluster_cb, &c);
	cn_msg_free(&m);
	if (!ret && c.n != 1)
		ret = -EBADMSG;
	return ret;
}

int cn_cluster_dump(struct cn_nl *nl, struct cn_cluster_desc *d, int max,
		    int *n)
{
	struct cn_dump_ctx c = { .arr = d, .max = max };
	struct cn_msg m;
	int ret;

	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_CLUSTER_GET, NLM_F_DUMP);
	ret = cn_nl_transact(nl, &m, cn_cluster_cb, &c);
	cn_msg_free(&m);
	*n = c.n;
	return ret;
}

static void cn_port_cb(const struct nlattr **tb, void *arg)
{
	struct cn_dump_ctx *c = arg;
	const struct nlattr *pt[CLUSNOTIFY_PORT_A_MAX + 1];
	struct cn_port_desc *d;
	int i;

	if (!tb[CLUSNOTIFY_A_PORT])
		return;
	if (c->n >= c->max) {
		c->n++;
		return;
	}
	d = (struct cn_port_desc *)c->arr + c->n++;
	memset(d, 0, sizeof(*d));
	if (cn_nla_parse(pt, CLUSNOTIFY_PORT_A_MAX,
			 cn_nla_data(tb[CLUSNOTIFY_A_PORT]),
			 cn_nla_len(tb[CLUSNOTIFY_A_PORT])))
		return;
	for (i = 1; i <= CLUSNOTIFY_PORT_A_MAX; i++)
		if (pt[i])
			d->attrs |= 1U << i;
	if (pt[CLUSNOTIFY_PORT_A_ID])
		d->id = cn_nla_u64(pt[CLUSNOTIFY_PORT_A_ID]);
	if (pt[CLUSNOTIFY_PORT_A_UID])
		d->uid = cn_nla_u32(pt[CLUSNOTIFY_PORT_A_UID]);
	if (pt[CLUSNOTIFY_PORT_A_PID])
		d->pid = cn_nla_u32(pt[CLUSNOTIFY_PORT_A_PID]);
	if (pt[CLUSNOTIFY_PORT_A_QUEUED])
		d->queued = cn_nla_u64(pt[CLUSNOTIFY_PORT_A_QUEUED]);
	if (pt[CLUSNOTIFY_PORT_A_DELIVERED])
		d->delivered = cn_nla_u64(pt[CLUSNOTIFY_PORT_A_DELIVERED]);
	if (pt[CLUSNOTIFY_PORT_A_LOST])
		d->lost = cn_nla_u64(pt[CLUSNOTIFY_PORT_A_LOST]);
	if (pt[CLUSNOTIFY_PORT_A_NEXT_SEQ])
		d->next_seq = cn_nla_u64(pt[CLUSNOTIFY_PORT_A_NEXT_SEQ]);
	if (pt[CLUSNOTIFY_PORT_A_FILTERS])
		d->filters = cn_nla_u32(pt[CLUSNOTIFY_PORT_A_FILTERS]);
}

int cn_port_dump(struct cn_nl *nl, struct cn_port_desc *d, int max, int *n)
{
	struct cn_dump_ctx c = { .arr = d, .max = max };
	struct cn_msg m;
	int ret;

	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_PORT_GET, NLM_F_DUMP);
	ret = cn_nl_transact(nl, &m, cn_port_cb, &c);
	cn_msg_free(&m);
	*n = c.n;
	return ret;
}

static void cn_object_cb(const struct nlattr **tb, void *arg)
{
	struct cn_dump_ctx *c = arg;
	const struct nlattr *ot[CLUSNOTIFY_OBJ_A_MAX + 1];
	struct cn_obj_info *d;
	int i;

	if (!tb[CLUSNOTIFY_A_OBJECT])
		return;
	if (c->n >= c->max) {
		c->n++;
		return;
	}
	d = (struct cn_obj_info *)c->arr + c->n++;
	memset(d, 0, sizeof(*d));
	if (cn_nla_parse(ot, CLUSNOTIFY_OBJ_A_MAX,
			 cn_nla_data(tb[CLUSNOTIFY_A_OBJECT]),
			 cn_nla_len(tb[CLUSNOTIFY_A_OBJECT])))
		return;
	for (i = 1; i <= CLUSNOTIFY_OBJ_A_MAX; i++)
		if (ot[i])
			d->attrs |= 1U << i;
	if (ot[CLUSNOTIFY_OBJ_A_TYPE])
		d->type = cn_nla_u32(ot[CLUSNOTIFY_OBJ_A_TYPE]);
	if (ot[CLUSNOTIFY_OBJ_A_STATE])
		d->state = cn_nla_u32(ot[CLUSNOTIFY_OBJ_A_STATE]);
	if (ot[CLUSNOTIFY_OBJ_A_STATE_SEQ])
		d->state_seq = cn_nla_u64(ot[CLUSNOTIFY_OBJ_A_STATE_SEQ]);
	if (ot[CLUSNOTIFY_OBJ_A_ID])
		cn_copy_str(d->id, sizeof(d->id), ot[CLUSNOTIFY_OBJ_A_ID]);
	if (ot[CLUSNOTIFY_OBJ_A_NAME])
		cn_copy_str(d->name, sizeof(d->name), ot[CLUSNOTIFY_OBJ_A_NAME]);
}

int cn_object_dump(struct cn_nl *nl, __u32 cluster, struct cn_obj_info *d,
		   int max, int *n)
{
	struct cn_dump_ctx c = { .arr = d, .max = max };
	struct cn_msg m;
	int ret;

	cn_msg_init(&m, nl, CLUSNOTIFY_CMD_OBJECT_GET, NLM_F_DUMP);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, cluster);
	ret = cn_nl_transact(nl, &m, cn_object_cb, &c);
	cn_msg_free(&m);
	*n = c.n;
	return ret;
}

/* ------------------------------------------------------------------ */
/* A ready test environment                                             */
/* ------------------------------------------------------------------ */

#define CN_OBJ(t, i, n, p, tn, s)					\
	{ .type = (t), .id = (i), .name = (n), .parent = (p),		\
	  .type_name = (tn), .state = (s), .has_state = true }

const struct cn_obj_desc cn_std_objects[] = {
	CN_OBJ(CLUSNOTIFY_OBJ_NODE, CN_NODE1_ID, CN_NODE1, NULL, NULL,
	       CN_NODE_UP),
	CN_OBJ(CLUSNOTIFY_OBJ_NODE, CN_NODE2_ID, CN_NODE2, NULL, NULL,
	       CN_NODE_UP),
	CN_OBJ(CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID, CN_GROUP1, CN_NODE1_ID,
	       NULL, CN_GROUP_ONLINE),
	CN_OBJ(CLUSNOTIFY_OBJ_GROUP, CN_GROUP2_ID, CN_GROUP2, CN_NODE2_ID,
	       NULL, CN_GROUP_OFFLINE),
	CN_OBJ(CLUSNOTIFY_OBJ_RESOURCE, CN_RES1_ID, CN_RES1, CN_GROUP1_ID,
	       CN_RES1_TYPE, CN_RESOURCE_ONLINE),
	CN_OBJ(CLUSNOTIFY_OBJ_NETWORK, CN_NET1_ID, CN_NET1, NULL, NULL, 3),
	{ .type = CLUSNOTIFY_OBJ_REGISTRY, .id = CN_REGKEY_A,
	  .name = CN_REGKEY_A },
	{ .type = CLUSNOTIFY_OBJ_REGISTRY, .id = CN_REGKEY_AB,
	  .name = CN_REGKEY_AB },
	{ .type = CLUSNOTIFY_OBJ_REGISTRY, .id = CN_REGKEY_ABC,
	  .name = CN_REGKEY_ABC },
	{ .type = CLUSNOTIFY_OBJ_REGISTRY, .id = CN_REGKEY_OTHER,
	  .name = CN_REGKEY_OTHER },
};

const int cn_std_nobjects = CN_ARRAY_SIZE(cn_std_objects);

void cn_unique_name(char *buf, size_t len, const char *tag)
{
	static unsigned int counter;

	snprintf(buf, len, "%s-%d-%u", tag, (int)getpid(), ++counter);
}

int cn_env_setup(struct cn_env *e, const char *tag)
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->port = -1;
	ret = cn_nl_open(&e->nl);
	if (ret)
		return ret;
	cn_unique_name(e->name, sizeof(e->name), tag);
	ret = cn_register(&e->nl, e->name, &e->cid);
	if (ret)
		goto fail_nl;
	ret = cn_publish(&e->nl, e->cid, cn_std_objects, cn_std_nobjects);
	if (ret)
		goto fail_cluster;
	e->port = cn_open_port(0);
	if (e->port < 0) {
		ret = e->port;
		goto fail_cluster;
	}
	return 0;
fail_cluster:
	cn_unregister(&e->nl, e->cid);
fail_nl:
	cn_nl_close(&e->nl);
	e->cid = 0;
	e->port = -1;
	return ret;
}

void cn_env_teardown(struct cn_env *e)
{
	if (e->port >= 0)
		close(e->port);
	e->port = -1;
	if (e->nl.rxbuf) {
		if (e->cid)
			cn_unregister(&e->nl, e->cid);
		cn_nl_close(&e->nl);
	}
	e->cid = 0;
}

/* ------------------------------------------------------------------ */
/* Miscellany                                                           */
/* ------------------------------------------------------------------ */

int cn_param_get(const char *name, unsigned int *val)
{
	char path[256];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", CN_PARAM_DIR, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fscanf(f, "%u", val) != 1)
		ret = -EIO;
	fclose(f);
	return ret;
}

int cn_param_set(const char *name, unsigned int val)
{
	char path[256], buf[32];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", CN_PARAM_DIR, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u\n", val);
	if (write(fd, buf, len) != len)
		ret = -errno ? -errno : -EIO;
	close(fd);
	return ret;
}

int cn_become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL))
		return -errno;
	if (setresgid(gid, gid, gid))
		return -errno;
	if (setresuid(uid, uid, uid))
		return -errno;
	return 0;
}

int cn_drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	__u32 bit = 1U << (CAP_SYS_ADMIN % 32);
	int i = CAP_SYS_ADMIN / 32;

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
		return -errno;
	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return 0;
}

int cn_run_child(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void *cn_shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

__u64 cn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

__u64 cn_now_ms(void)
{
	return cn_now_ns() / 1000000ULL;
}

void cn_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cn_fdinfo_lines(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int f, lines = 0;
	size_t i;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, len - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] == '\n')
			lines++;
	return lines;
}
