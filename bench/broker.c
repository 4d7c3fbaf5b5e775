// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench: the userspace broker, what people build without a kernel module.
 *
 * One process, one epoll loop. Producers and clients connect to one
 * AF_UNIX SOCK_SEQPACKET listening socket; a connection's first datagram
 * says which it is. A client subscribes with filters (the module's struct
 * clusnotify_filter: V1 mask, V2 type and flags, optional object id), kept
 * in an index of the same shape as the module's, one list per V1 bit and
 * per V2 (type, flag), so an event only visits the filters of its kinds.
 * An event is matched exactly as the module matches it and becomes a
 * struct clusnotify_record per matching filter, with that client's own
 * sequence number and the filter's key: clients receive the same bytes a
 * port's read() returns.
 *
 * Tuned as a careful author would: non-blocking sockets with a per-client
 * backlog (a slow client never stalls the others), recvmmsg() to take every
 * producer datagram already waiting, and every client's records of those
 * datagrams coalesced into one datagram (up to 64 KiB) and one send() per
 * client, so the per-client syscall cost is paid per batch, not per event.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cnbench.h"

#define B_MAGIC_SUB 0x21425553U		/* "SUB!": a client's filter */
#define B_MAGIC_EV 0x21564545U		/* "EEV!": a producer's events */
#define B_OUT_MAX (64 * 1024)		/* one datagram to a client */
#define B_RX_MSGS 16			/* producer datagrams per recvmmsg */
#define B_RX_SIZE (64 * 1024)

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* A client's subscription, as one datagram. */
struct b_sub {
	uint32_t magic;
	uint32_t object_len;
	struct clusnotify_filter f;	/* f.object is ignored */
	char object[];
};

/* A producer's datagram: a header, then nev events. */
struct b_batch {
	uint32_t magic;
	uint32_t nev;
};

/* One event; its data is laid out exactly as a record's. */
struct b_ev {
	uint32_t size;		/* with data, a multiple of 8 */
	uint32_t object_type;
	uint64_t v2_flag;
	uint32_t v1_change;
	uint32_t state;
	uint32_t payload_len;
	uint32_t id_len;
	uint32_t parent_len;
	uint32_t name_len;
	uint32_t type_len;
	uint32_t pad;
};

/* ------------------------------------------------------------------ */
/* The client-side helpers, run in the benchmark's process              */
/* ------------------------------------------------------------------ */

static int b_connect(struct broker *b)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, b->path, sizeof(sa.sun_path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int broker_producer(struct broker *b)
{
	return b_connect(b);
}

int broker_client(struct broker *b, const struct clusnotify_filter *f,
		  const char *object)
{
	size_t olen = object ? strlen(object) : 0;
	size_t len = sizeof(struct b_sub) + olen;
	struct b_sub *s = calloc(1, len);
	uint32_t ack;
	int fd, ret;

	if (!s)
		return -ENOMEM;
	fd = b_connect(b);
	if (fd < 0) {
		free(s);
		return fd;
	}
	s->magic = B_MAGIC_SUB;
	s->object_len = olen;
	s->f = *f;
	s->f.object = object ? 1 : 0;
	memcpy(s->object, object ? object : "", olen);
	ret = send(fd, s, len, 0) == (ssize_t)len ? 0 : -EIO;
	free(s);
	if (!ret && recv(fd, &ack, sizeof(ack), 0) != sizeof(ack))
		ret = -EIO;
	if (!ret && ack)
		ret = -(int)ack;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

size_t broker_pack(void *buf, size_t cap, const struct cn_event *ev, int n)
{
	struct b_batch *bh = buf;
	char *p = (char *)(bh + 1);
	char rec[4096] __attribute__((aligned(8)));
	int i;

	bh->magic = B_MAGIC_EV;
	bh->nev = n;
	for (i = 0; i < n; i++) {
		size_t rs = record_build(rec, &ev[i], 0, 0, 0, 0);
		const struct clusnotify_record *r = (const void *)rec;
		size_t dlen = rs - sizeof(*r);
		struct b_ev *e = (struct b_ev *)p;

		if (rs > sizeof(rec) ||
		    (size_t)(p - (char *)buf) + sizeof(*e) + dlen > cap)
			bench_fail("broker_pack: batch too big");
		memset(e, 0, sizeof(*e));
		e->size = sizeof(*e) + dlen;
		e->object_type = r->object_type;
		e->v2_flag = r->v2_flag;
		e->v1_change = r->v1_change;
		e->state = r->state;
		e->payload_len = r->payload_len;
		e->id_len = r->id_len;
		e->parent_len = r->parent_len;
		e->name_len = r->name_len;
		e->type_len = r->type_len;
		memcpy(e + 1, r + 1, dlen);
		p += e->size;
	}
	return p - (char *)buf;
}

size_t broker_magic_off(const void *buf, size_t len)
{
	uint64_t magic = BENCH_MAGIC;
	const char *hit = memmem(buf, len, &magic, sizeof(magic));

	return hit ? (size_t)(hit - (const char *)buf) : 0;
}

/* ------------------------------------------------------------------ */
/* The broker process                                                   */
/* ------------------------------------------------------------------ */

struct b_pend {
	struct b_pend *next;
	size_t len;
	char data[];
};

struct b_filt;

struct b_conn {
	int fd;
	int role;			/* 0 unknown, 1 producer, 2 client */
	uint64_t next_seq;
	char *out;			/* the datagram being built */
	size_t out_len;
	struct b_pend *pend;		/* datagrams the socket refused */
	struct b_pend **pend_tail;
	bool epollout;
	bool dirty;
	struct b_conn *dirty_next;
	struct b_filt **filts;
	int nfilts;
};

struct b_filt {
	struct b_conn *c;
	uint64_t key;
	uint64_t mask;
	uint64_t idxmask;
	uint32_t version;
	uint32_t obj_type;
	bool subtree;
	bool has_object;
	uint32_t object_len;
	char *object;
};

struct b_list {
	struct b_filt **v;
	int n, cap;
};

static struct b_list b_v1[32];
static struct b_list b_v2[CLUSNOTIFY_OBJ_MAX + 1][64];
static int b_ep;
static struct b_conn *b_dirty;

/* The object type a V1 CLUSTER_CHANGE bit is about (clusapi.h's table). */
static uint32_t b_v1_type(unsigned int bit)
{
	if (bit <= 3)
		return CLUSNOTIFY_OBJ_NODE;
	if (bit <= 7)
		return CLUSNOTIFY_OBJ_REGISTRY;
	if (bit <= 11)
		return CLUSNOTIFY_OBJ_RESOURCE;
	if (bit <= 15)
		return CLUSNOTIFY_OBJ_GROUP;
	if (bit <= 18)
		return CLUSNOTIFY_OBJ_RESOURCE_TYPE;
	if (bit <= 19)
		return CLUSNOTIFY_OBJ_CLUSTER;
	if (bit <= 23)
		return CLUSNOTIFY_OBJ_NETWORK;
	if (bit <= 27)
		return CLUSNOTIFY_OBJ_NETWORK_INTERFACE;
	if (bit == 28)
		return CLUSNOTIFY_OBJ_QUORUM;
	return CLUSNOTIFY_OBJ_CLUSTER;
}

static struct b_list *b_list_of(uint32_t version, uint32_t type,
				unsigned int bit)
{
	return version == CLUSNOTIFY_FILTER_V1 ? &b_v1[bit] : &b_v2[type][bit];
}

static void b_list_add(struct b_list *l, struct b_filt *f)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			bench_fail("broker: out of memory");
	}
	l->v[l->n++] = f;
}

static void b_list_del(struct b_list *l, struct b_filt *f)
{
	int i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i] != f)
			continue;
		memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
		l->n--;
		return;
	}
}

/* The module's validation, in short: what the filter is indexed under. */
static int b_filter_add(struct b_conn *c, const struct b_sub *s)
{
	const struct clusnotify_filter *uf = &s->f;
	struct b_filt *f;
	unsigned int bit;

	if (uf->version != CLUSNOTIFY_FILTER_V1 &&
	    uf->version != CLUSNOTIFY_FILTER_V2)
		return -EINVAL;
	if (uf->version == CLUSNOTIFY_FILTER_V2 &&
	    uf->object_type > CLUSNOTIFY_OBJ_MAX)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->c = c;
	f->key = uf->key;
	f->mask = uf->mask;
	f->version = uf->version;
	f->has_object = uf->object != 0;
	if (uf->version == CLUSNOTIFY_FILTER_V1) {
		f->subtree = uf->mask & CN_V1_REGISTRY_SUBTREE;
		f->idxmask = uf->mask & 0xffffffffULL & ~(uint64_t)CN_V1_REGISTRY_SUBTREE;
		f->obj_type = uf->object_type_v1;
	} else {
		f->subtree = uf->object_type == CLUSNOTIFY_OBJ_REGISTRY &&
			     (uf->mask & CN_V2_REGISTRY_SUBTREE);
		f->idxmask = f->subtree ? uf->mask & ~CN_V2_REGISTRY_SUBTREE :
					  uf->mask;
		f->obj_type = uf->object_type;
	}
	if (!f->idxmask) {
		free(f);
		return -EINVAL;
	}
	if (f->has_object) {
		f->object = malloc(s->object_len + 1);
		if (!f->object) {
			free(f);
			return -ENOMEM;
		}
		memcpy(f->object, s->object, s->object_len);
		f->object[s->object_len] = 0;
		f->object_len = s->object_len;
	}
	for (bit = 0; bit < 64; bit++)
		if (f->idxmask & (1ULL << bit))
			b_list_add(b_list_of(f->version, f->obj_type, bit), f);
	c->filts = realloc(c->filts, (c->nfilts + 1) * sizeof(*c->filts));
	if (!c->filts)
		bench_fail("broker: out of memory");
	c->filts[c->nfilts++] = f;
	return 0;
}

/* The module's cn_filter_match(): the object scope, the kind matched. */
static bool b_match(const struct b_filt *f, const char *id, uint32_t len,
		    uint32_t subject, bool registry)
{
	if (!f->has_object)
		return !registry || f->subtree || len == 0;
	if (subject != f->obj_type)
		return false;
	if (len == f->object_len && !memcmp(id, f->object, len))
		return true;
	if (!f->subtree)
		return false;
	if (!f->object_len)
		return true;
	return len > f->object_len && id[f->object_len] == '\\' &&
	       !memcmp(id, f->object, f->object_len);
}

static void b_watch(struct b_conn *c, bool out)
{
	struct epoll_event ee = {
		.events = EPOLLIN | EPOLLRDHUP | (out ? EPOLLOUT : 0),
		.data.ptr = c,
	};

	if (c->epollout == out)
		return;
	c->epollout = out;
	epoll_ctl(b_ep, EPOLL_CTL_MOD, c->fd, &ee);
}

static void b_queue(struct b_conn *c, const char *data, size_t len)
{
	struct b_pend *p = malloc(sizeof(*p) + len);

	if (!p)
		bench_fail("broker: out of memory");
	p->next = NULL;
	p->len = len;
	memcpy(p->data, data, len);
	*c->pend_tail = p;
	c->pend_tail = &p->next;
	b_watch(c, true);
}

/* Send the datagram being built, or queue it behind those waiting. */
static void b_flush_out(struct b_conn *c)
{
	ssize_t n;

	if (!c->out_len)
		return;
	if (c->pend) {
		b_queue(c, c->out, c->out_len);
	} else {
		n = send(c->fd, c->out, c->out_len,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN)
			b_queue(c, c->out, c->out_len);
		/* Other errors: the client is gone; EPOLLRDHUP follows. */
	}
	c->out_len = 0;
}

static void b_drain_pend(struct b_conn *c)
{
	while (c->pend) {
		struct b_pend *p = c->pend;
		ssize_t n = send(c->fd, p->data, p->len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return;
		c->pend = p->next;
		if (!c->pend)
			c->pend_tail = &c->pend;
		free(p);
	}
	b_watch(c, false);
}

static void b_append(struct b_conn *c, const struct b_filt *f,
		     const struct b_ev *e, uint64_t ts)
{
	size_t dlen = e->size - sizeof(*e);
	size_t rsize = sizeof(struct clusnotify_record) + dlen;
	struct clusnotify_record *r;

	if (c->out_len + rsize > B_OUT_MAX)
		b_flush_out(c);
	r = (struct clusnotify_record *)(c->out + c->out_len);
	memset(r, 0, sizeof(*r));
	r->size = rsize;
	r->version = f->version;
	r->seq = c->next_seq++;
	r->key = f->key;
	r->v2_flag = e->v2_flag;
	r->v1_change = e->v1_change;
	r->object_type = e->object_type;
	r->state = e->state;
	r->timestamp_ns = ts;
	r->payload_len = e->payload_len;
	r->id_len = e->id_len;
	r->parent_len = e->parent_len;
	r->name_len = e->name_len;
	r->type_len = e->type_len;
	memcpy(r + 1, e + 1, dlen);
	c->out_len += rsize;
	if (!c->dirty) {
		c->dirty = true;
		c->dirty_next = b_dirty;
		b_dirty = c;
	}
}

static void b_fan(const struct b_list *l, const struct b_ev *e,
		  uint32_t subject, bool registry, uint64_t ts)
{
	const char *id = (const char *)(e + 1) + ALIGN8(e->payload_len);
	int i;

	for (i = 0; i < l->n; i++) {
		const struct b_filt *f = l->v[i];

		if (b_match(f, id, e->id_len, subject, registry))
			b_append(f->c, f, e, ts);
	}
}

static void b_dispatch(const char *buf, size_t len, uint64_t ts)
{
	const struct b_batch *bh = (const void *)buf;
	const char *p = (const char *)(bh + 1);
	const char *end = buf + len;
	uint32_t i;

	if (len < sizeof(*bh) || bh->magic != B_MAGIC_EV)
		return;
	for (i = 0; i < bh->nev; i++) {
		const struct b_ev *e = (const void *)p;

		if (p + sizeof(*e) > end || e->size < sizeof(*e) ||
		    p + e->size > end)
			return;
		if (e->v1_change) {
			unsigned int bit = __builtin_ctz(e->v1_change);

			b_fan(&b_v1[bit], e, b_v1_type(bit), bit >= 4 && bit <= 6,
			      ts);
		}
		if (e->v2_flag && e->object_type <= CLUSNOTIFY_OBJ_MAX)
			b_fan(&b_v2[e->object_type][__builtin_ctzll(e->v2_flag)],
			      e, e->object_type,
			      e->object_type == CLUSNOTIFY_OBJ_REGISTRY, ts);
		p += e->size;
	}
}

static void b_close(struct b_conn *c)
{
	unsigned int bit;
	int i;

	for (i = 0; i < c->nfilts; i++) {
		struct b_filt *f = c->filts[i];

		for (bit = 0; bit < 64; bit++)
			if (f->idxmask & (1ULL << bit))
				b_list_del(b_list_of(f->version, f->obj_type,
						     bit), f);
		free(f->object);
		free(f);
	}
	while (c->pend) {
		struct b_pend *p = c->pend;

		c->pend = p->next;
		free(p);
	}
	epoll_ctl(b_ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->filts);
	free(c->out);
	free(c);
}

/* The producer's socket: every datagram waiting, then one send per client. */
static bool b_producer_rx(struct b_conn *c, char **bufs)
{
	struct mmsghdr msgs[B_RX_MSGS];
	struct iovec iov[B_RX_MSGS];
	uint64_t ts;
	int i, n;

	for (i = 0; i < B_RX_MSGS; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = B_RX_SIZE;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(c->fd, msgs, B_RX_MSGS, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN;
	if (n == 0)
		return false;
	/* One timestamp per wakeup, as a broker would take it. */
	ts = now_ns();
	for (i = 0; i < n; i++) {
		if (!msgs[i].msg_len)
			return false;
		b_dispatch(bufs[i], msgs[i].msg_len, ts);
	}
	while (b_dirty) {
		struct b_conn *d = b_dirty;

		b_dirty = d->dirty_next;
		d->dirty = false;
		b_flush_out(d);
	}
	return true;
}

static bool b_conn_rx(struct b_conn *c, char **bufs)
{
	char *buf = bufs[0];
	uint32_t ack;
	ssize_t n;

	if (c->role == 1)
		return b_producer_rx(c, bufs);
	n = recv(c->fd, buf, B_RX_SIZE, MSG_DONTWAIT | MSG_PEEK);
	if (n < 0)
		return errno == EAGAIN;
	if (n < 4)
		return false;
	if (*(uint32_t *)buf == B_MAGIC_EV) {
		c->role = 1;
		return b_producer_rx(c, bufs);
	}
	n = recv(c->fd, buf, B_RX_SIZE, MSG_DONTWAIT);
	if (n < (ssize_t)sizeof(struct b_sub) ||
	    *(uint32_t *)buf != B_MAGIC_SUB ||
	    n < (ssize_t)(sizeof(struct b_sub) +
			  ((struct b_sub *)buf)->object_len))
		return false;
	c->role = 2;
	ack = -b_filter_add(c, (struct b_sub *)buf);
	send(c->fd, &ack, sizeof(ack), MSG_DONTWAIT | MSG_NOSIGNAL);
	return true;
}

/* A connection the broker serves, on its end of the socket. */
static struct b_conn *b_conn_new(int fd)
{
	struct epoll_event ee = { .events = EPOLLIN | EPOLLRDHUP };
	int big = 4 << 20;
	struct b_conn *c;

	/* Room for a backlog per client, as a broker would ask. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	c = calloc(1, sizeof(*c));
	if (!c)
		bench_fail("broker: out of memory");
	c->out = malloc(B_OUT_MAX);
	if (!c->out)
		bench_fail("broker: out of memory");
	c->fd = fd;
	c->pend_tail = &c->pend;
	ee.data.ptr = c;
	epoll_ctl(b_ep, EPOLL_CTL_ADD, fd, &ee);
	return c;
}

static void b_accept(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		b_conn_new(fd);
	}
}

static void __attribute__((noreturn)) b_main(int lfd)
{
	struct epoll_event evs[256];
	char *bufs[B_RX_MSGS];
	struct epoll_event ee = { .events = EPOLLIN, .data.ptr = NULL };
	int i, n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < B_RX_MSGS; i++) {
		bufs[i] = malloc(B_RX_SIZE);
		if (!bufs[i])
			bench_fail("broker: out of memory");
	}
	b_ep = epoll_create1(EPOLL_CLOEXEC);
	if (b_ep < 0)
		bench_fail("broker: epoll_create1: %s", strerror(errno));
	epoll_ctl(b_ep, EPOLL_CTL_ADD, lfd, &ee);
	for (;;) {
		n = epoll_wait(b_ep, evs, 256, -1);
		if (n < 0 && errno != EINTR)
			bench_fail("broker: epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			struct b_conn *c = evs[i].data.ptr;

			if (!c) {
				b_accept(lfd);
				continue;
			}
			if (evs[i].events & EPOLLOUT)
				b_drain_pend(c);
			if ((evs[i].events & EPOLLIN) && b_conn_rx(c, bufs))
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
					     EPOLLERR)) {
				/* Events already fetched may name c: skip. */
				int j;

				for (j = i + 1; j < n; j++)
					if (evs[j].data.ptr == c)
						evs[j].data.ptr = NULL;
				b_close(c);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* The same broker, stepped in the calling thread                       */
/* ------------------------------------------------------------------ */

static struct b_conn **b_local;
static int b_nlocal;
static char *b_local_bufs[B_RX_MSGS];

static struct b_conn *b_local_pair(int *peer)
{
	struct b_conn *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		bench_fail("broker: socketpair: %s", strerror(errno));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	c = b_conn_new(sv[0]);
	b_local = realloc(b_local, (b_nlocal + 1) * sizeof(*b_local));
	if (!b_local)
		bench_fail("broker: out of memory");
	b_local[b_nlocal++] = c;
	*peer = sv[1];
	return c;
}

void broker_local_open(void)
{
	int i;

	b_ep = epoll_create1(EPOLL_CLOEXEC);
	if (b_ep < 0)
		bench_fail("broker: epoll_create1: %s", strerror(errno));
	for (i = 0; i < B_RX_MSGS; i++) {
		b_local_bufs[i] = malloc(B_RX_SIZE);
		if (!b_local_bufs[i])
			bench_fail("broker: out of memory");
	}
}

int broker_local_producer(void)
{
	int peer;

	b_local_pair(&peer)->role = 1;
	return peer;
}

int broker_local_client(const struct clusnotify_filter *f,
			const char *object)
{
	size_t olen = object ? strlen(object) : 0;
	struct b_sub *s = calloc(1, sizeof(*s) + olen);
	struct b_conn *c;
	int peer, ret;

	if (!s)
		bench_fail("broker: out of memory");
	c = b_local_pair(&peer);
	c->role = 2;
	s->magic = B_MAGIC_SUB;
	s->object_len = olen;
	s->f = *f;
	s->f.object = object ? 1 : 0;
	memcpy(s->object, object ? object : "", olen);
	ret = b_filter_add(c, s);
	free(s);
	if (ret)
		bench_fail("broker: filter: %s", strerror(-ret));
	return peer;
}

void broker_local_run(void)
{
	int i;

	for (i = 0; i < b_nlocal; i++) {
		struct b_conn *c = b_local[i];

		if (c->role != 1)
			continue;
		/* Every datagram waiting, as the loop would on EPOLLIN. */
		while (b_producer_rx(c, b_local_bufs)) {
			char probe;

			if (recv(c->fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) < 0)
				break;
		}
	}
}

void broker_local_close(void)
{
	int i;

	for (i = 0; i < b_nlocal; i++)
		b_close(b_local[i]);
	free(b_local);
	b_local = NULL;
	b_nlocal = 0;
	for (i = 0; i < B_RX_MSGS; i++)
		free(b_local_bufs[i]);
	close(b_ep);
}

int broker_start(struct broker *b, int cpu)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd, pid;

	snprintf(b->path, sizeof(b->path), "/tmp/cnbench-broker-%d.sock",
		 (int)getpid());
	unlink(b->path);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		     0);
	if (lfd < 0)
		return -errno;
	memcpy(sa.sun_path, b->path, sizeof(sa.sun_path));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4096)) {
		int err = -errno;

		close(lfd);
		return err;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(lfd);
		return -errno;
	}
	if (pid == 0) {
		if (cpu >= 0)
			pin_cpu(cpu);
		else
			unpin_cpu();
		b_main(lfd);
	}
	close(lfd);
	b->pid = pid;
	return 0;
}

void broker_stop(struct broker *b)
{
	if (b->pid <= 0)
		return;
	kill(b->pid, SIGKILL);
	waitpid(b->pid, NULL, 0);
	unlink(b->path);
	b->pid = 0;
}
