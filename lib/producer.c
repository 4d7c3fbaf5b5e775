// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The producer API of clusapi_linux.h over the generic netlink family
 * "clusnotify", with libnl-genl-3. The message tree is the ABI's top
 * comment in <linux/clusnotify.h>.
 *
 * Errors. Every request asks for an ACK; the kernel answers with its
 * replies, then an NLMSG_ERROR carrying 0 or -errno (for a dump: an
 * NLMSG_DONE carrying it). libnl would turn that errno into one of its own
 * NLE_* codes, losing it (EMSGSIZE and ENOSPC both become NLE_FAILURE), so
 * custom ACK, error and FINISH callbacks keep the kernel's errno and its
 * extended-ack text, and those are what the API returns. Only a failing
 * socket call (send, receive) goes through libnl's codes, and then the
 * errno the system call left is used whenever libnl's code is the
 * translation of it.
 *
 * Batches. OBJECT and EVENT attributes repeat at the top level of a
 * message, so a message is bounded by max_batch entries and the socket's
 * send buffer, not by one attribute. A batch is cut into messages that fit
 * both: bytes are counted exactly before a message is built; max_batch is
 * learned the first time the kernel answers -E2BIG (before it applies
 * anything), from CLUSNOTIFY_IOC_GET_INFO, and the message is sent again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "clusapi_linux.h"

#define CNP_EXPORT __attribute__((visibility("default")))

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Socket buffers asked for; without CAP_NET_ADMIN the sysctl caps apply. */
#define CNP_SNDBUF (4 << 20)
#define CNP_RCVBUF (1 << 20)
/* A request never exceeds this, whatever the send buffer allows. */
#define CNP_MSG_MAX ((size_t)4 << 20)
/* netlink_sendmsg() refuses len > sk_sndbuf - 32; keep a margin. */
#define CNP_SNDBUF_SLACK 128

#define CNP_DEV_PATH "/dev/" CLUSNOTIFY_DEVICE_NAME

struct clusnotify_producer {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	size_t msg_max;		/* bytes a request may take */
	size_t batch_max;	/* entries per request; SIZE_MAX: not learned */
	char errmsg[256];
};

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/*
 * The -errno of a libnl call that failed with nle (negative), sys being
 * the errno right after it. libnl reports a failed system call as
 * nl_syserr2nlerr(errno) and leaves errno alone, so when the two agree
 * errno is the exact answer; otherwise read the NLE code back.
 */
static int cnp_nl_errno(int nle, int sys)
{
	if (sys > 0 && nl_syserr2nlerr(sys) == -nle)
		return -sys;
	switch (-nle) {
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_MSG_OVERFLOW:
		return -ENOBUFS;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_NOATTR:
	case NLE_MISSING_ATTR:
	case NLE_ATTRSIZE:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

static void cnp_clear_error(clusnotify_producer *p)
{
	p->errmsg[0] = 0;
}

__attribute__((format(printf, 2, 3)))
static void cnp_set_error(clusnotify_producer *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->errmsg, sizeof(p->errmsg), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* One request and its answer                                          */
/* ------------------------------------------------------------------ */

static const struct nla_policy cnp_policy[CLUSNOTIFY_A_MAX + 1] = {
	[CLUSNOTIFY_A_CLUSTER_ID] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_NAME] = { .type = NLA_STRING },
	[CLUSNOTIFY_A_CLUSTER_UID] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_GID] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_MODE] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_FLAGS] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_UP] = { .type = NLA_U8 },
	[CLUSNOTIFY_A_CLUSTER_OBJECTS] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_FILTERS] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_OBJECT] = { .type = NLA_NESTED },
	[CLUSNOTIFY_A_EVENT] = { .type = NLA_NESTED },
	[CLUSNOTIFY_A_POSTED] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_QUEUED] = { .type = NLA_U64 },
	[CLUSNOTIFY_A_LOST] = { .type = NLA_U64 },
	[CLUSNOTIFY_A_PORT] = { .type = NLA_NESTED },
};

struct cnp_txn;
/* A reply's top-level attributes: 0, or a value that stops the rest. */
typedef int (*cnp_reply_fn)(struct cnp_txn *t, struct nlattr **tb);

struct cnp_txn {
	clusnotify_producer *p;
	uint32_t seq;		/* of the request */
	cnp_reply_fn reply;
	void *arg;
	int done;		/* the ACK, error or DONE arrived */
	int kerr;		/* what the kernel acknowledged: 0 or -errno */
	int perr;		/* -EBADMSG: a reply that would not parse */
	int stop;		/* a reply function's non-zero value */
	/* The entries of a batch request, to name the one the kernel blames */
	const char *what;	/* "object", "event" */
	const uint32_t *offs;	/* each entry's offset in the request */
	size_t nent;
	size_t base;		/* index of the first entry in the caller's array */
};

/* Answers to an earlier request (one abandoned midway) are dropped. */
static int cnp_on_seq(struct nl_msg *msg, void *arg)
{
	struct cnp_txn *t = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == t->seq ? NL_OK : NL_SKIP;
}

static int cnp_on_valid(struct nl_msg *msg, void *arg)
{
	struct cnp_txn *t = arg;
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	int ret;

	if (nlmsg_hdr(msg)->nlmsg_type != t->p->family)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CLUSNOTIFY_A_MAX,
			  cnp_policy) < 0) {
		t->perr = -EBADMSG;
		return NL_SKIP;
	}
	if (t->stop || !t->reply)
		return NL_OK;
	ret = t->reply(t, tb);
	if (ret)
		t->stop = ret;
	return NL_OK;
}

static int cnp_on_ack(struct nl_msg *msg, void *arg)
{
	struct cnp_txn *t = arg;

	(void)msg;
	t->done = 1;
	return NL_STOP;
}

/*
 * The extended ACK's TLVs (NLMSGERR_ATTR_*) of an error or DONE message,
 * found at off bytes into nlh: its text, and the offset in our request of
 * the attribute it blames, turned into the index of a batch's entry.
 */
static void cnp_extack(struct cnp_txn *t, const struct nlmsghdr *nlh,
		       size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *text = "";
	size_t i;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0)
		text = nla_data(tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4 &&
	    t->nent && nla_get_u32(tb[NLMSGERR_ATTR_OFFS]) >= t->offs[0]) {
		uint32_t at = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);

		for (i = 1; i < t->nent && t->offs[i] <= at; i++)
			;
		cnp_set_error(t->p, "%s %zu%s%.*s", t->what, t->base + i - 1,
			      *text ? ": " : "",
			      tb[NLMSGERR_ATTR_MSG] ?
			      nla_len(tb[NLMSGERR_ATTR_MSG]) : 0, text);
		return;
	}
	if (tb[NLMSGERR_ATTR_MSG])
		cnp_set_error(t->p, "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
			      text);
}

static int cnp_on_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
			void *arg)
{
	struct cnp_txn *t = arg;
	/* libnl hands us the payload; the message is right before it. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	(void)nla;
	if (e->msg.nlmsg_seq != t->seq)
		return NL_SKIP;
	t->kerr = e->error < 0 ? e->error : -e->error;
	t->done = 1;
	/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	cnp_extack(t, nlh, off);
	return NL_STOP;
}

/* The end of a dump: its payload is the dump's errno (0 or negative). */
static int cnp_on_finish(struct nl_msg *msg, void *arg)
{
	struct cnp_txn *t = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = 0;

	t->done = 1;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err))) {
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
		if (err < 0) {
			t->kerr = err;
			cnp_extack(t, nlh,
				   NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(err)));
		}
	}
	return NL_STOP;
}

/*
 * Send msg (completed by libnl: our port, the next sequence number,
 * NLM_F_REQUEST | NLM_F_ACK) and read the answer to the end. Returns what
 * the kernel acknowledged, a socket error, or -EBADMSG for an answer that
 * would not parse; t->stop holds a reply function's value.
 */
static int cnp_txn_run(clusnotify_producer *p, struct nl_msg *msg,
		       struct cnp_txn *t)
{
	int ret;

	t->p = p;
	nl_cb_set(p->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, cnp_on_seq, t);
	nl_cb_set(p->cb, NL_CB_VALID, NL_CB_CUSTOM, cnp_on_valid, t);
	nl_cb_set(p->cb, NL_CB_ACK, NL_CB_CUSTOM, cnp_on_ack, t);
	nl_cb_set(p->cb, NL_CB_FINISH, NL_CB_CUSTOM, cnp_on_finish, t);
	nl_cb_err(p->cb, NL_CB_CUSTOM, cnp_on_error, t);

	errno = 0;
	ret = nl_send_auto(p->sk, msg);
	if (ret < 0)
		return cnp_nl_errno(ret, errno);
	t->seq = nlmsg_hdr(msg)->nlmsg_seq;
	while (!t->done) {
		errno = 0;
		ret = nl_recvmsgs_report(p->sk, p->cb);
		if (t->done)
			break;
		if (ret < 0)
			return cnp_nl_errno(ret, errno);
		if (ret == 0)
			return -ECONNRESET;	/* end of file: cannot happen */
	}
	if (t->kerr)
		return t->kerr;
	return t->perr;
}

static size_t cnp_attr_size(size_t payload)
{
	return NLA_ALIGN(NLA_HDRLEN + payload);
}

static size_t cnp_str_size(const char *s)
{
	return s ? cnp_attr_size(strlen(s) + 1) : 0;
}

/* The fixed start of every request: nlmsghdr, genlmsghdr, CLUSTER_ID. */
#define CNP_HDR_SIZE (NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(NLA_HDRLEN + 4))

static struct nl_msg *cnp_msg_new(clusnotify_producer *p, size_t size,
				  uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, p->family, 0, flags,
			 cmd, CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A string the kernel would refuse for its length alone. */
static int cnp_check_str(const char *s)
{
	return s && strlen(s) > CLUSNOTIFY_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* ------------------------------------------------------------------ */
/* The producer                                                        */
/* ------------------------------------------------------------------ */

static void cnp_setbuf(int fd, int force, int plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

static void cnp_close(clusnotify_producer *p)
{
	if (!p)
		return;
	if (p->sk)
		nl_socket_free(p->sk);	/* closes the socket: the session */
	if (p->cb)
		nl_cb_put(p->cb);
	free(p);
}

static int cnp_open(clusnotify_producer **out)
{
	clusnotify_producer *p;
	int fd, one = 1, sndbuf = 0, ret;
	socklen_t len = sizeof(sndbuf);

	if (!out)
		return -EINVAL;
	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->batch_max = SIZE_MAX;
	p->sk = nl_socket_alloc();
	p->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!p->sk || !p->cb) {
		ret = -ENOMEM;
		goto fail;
	}
	errno = 0;
	ret = genl_connect(p->sk);
	if (ret < 0) {
		ret = cnp_nl_errno(ret, errno);
		goto fail;
	}
	fd = nl_socket_get_fd(p->sk);
	/* Error texts, and no echo of a (possibly huge) failed request. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* libnl sets 32 KiB; batches want more (FORCE needs CAP_NET_ADMIN). */
	cnp_setbuf(fd, SO_SNDBUFFORCE, SO_SNDBUF, CNP_SNDBUF);
	cnp_setbuf(fd, SO_RCVBUFFORCE, SO_RCVBUF, CNP_RCVBUF);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) ||
	    sndbuf < 4096 + CNP_SNDBUF_SLACK)
		sndbuf = 4096 + CNP_SNDBUF_SLACK;
	p->msg_max = (size_t)sndbuf - CNP_SNDBUF_SLACK;
	if (p->msg_max > CNP_MSG_MAX)
		p->msg_max = CNP_MSG_MAX;
	/* Size every receive to its datagram, however long. */
	nl_socket_enable_msg_peek(p->sk);

	errno = 0;
	ret = genl_ctrl_resolve(p->sk, CLUSNOTIFY_GENL_NAME);
	if (ret < 0) {
		/* The controller answers ENOENT: the module is not loaded. */
		ret = cnp_nl_errno(ret, errno);
		goto fail;
	}
	p->family = ret;
	*out = p;
	return 0;
fail:
	cnp_close(p);
	return ret;
}

CNP_EXPORT int clusnotify_producer_open(clusnotify_producer **out)
{
	int saved = errno, ret = cnp_open(out);

	errno = saved;
	return ret;
}

CNP_EXPORT void clusnotify_producer_close(clusnotify_producer *p)
{
	int saved = errno;

	cnp_close(p);
	errno = saved;
}

CNP_EXPORT const char *clusnotify_producer_error(const clusnotify_producer *p)
{
	return p ? p->errmsg : "";
}

/* ------------------------------------------------------------------ */
/* Clusters                                                            */
/* ------------------------------------------------------------------ */

static int cnp_register_reply(struct cnp_txn *t, struct nlattr **tb)
{
	uint32_t *id = t->arg;

	if (tb[CLUSNOTIFY_A_CLUSTER_ID])
		*id = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	return 0;
}

static int cnp_register(clusnotify_producer *p, const char *name,
			const struct clusnotify_cluster_opts *opts,
			uint32_t *cluster_id)
{
	struct cnp_txn t = { .reply = cnp_register_reply };
	struct nl_msg *msg;
	uint32_t id = 0;
	int ret;

	if (!p || !name)
		return -EINVAL;
	cnp_clear_error(p);
	if (cnp_check_str(name)) {
		cnp_set_error(p, "cluster name longer than %u bytes",
			      CLUSNOTIFY_NAME_MAX);
		return -ENAMETOOLONG;
	}
	msg = cnp_msg_new(p, CNP_HDR_SIZE + cnp_str_size(name) +
			  4 * cnp_attr_size(4), CLUSNOTIFY_CMD_CLUSTER_REGISTER,
			  0);
	if (!msg)
		return -ENOMEM;
	ret = nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name);
	/* Zero fields are the kernel's defaults, mode included (0644). */
	if (!ret && opts && opts->uid)
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_UID, opts->uid);
	if (!ret && opts && opts->gid)
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_GID, opts->gid);
	if (!ret && opts && opts->mode)
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_MODE, opts->mode);
	if (!ret && opts && opts->flags)
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_FLAGS, opts->flags);
	if (ret < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	t.arg = &id;
	ret = cnp_txn_run(p, msg, &t);
	nlmsg_free(msg);
	if (!ret && !id)
		ret = -EBADMSG;		/* a reply without CLUSTER_ID */
	if (!ret && cluster_id)
		*cluster_id = id;
	return ret;
}

CNP_EXPORT int clusnotify_cluster_register(clusnotify_producer *p,
					   const char *name,
					   const struct clusnotify_cluster_opts *opts,
					   uint32_t *cluster_id)
{
	int saved = errno, ret = cnp_register(p, name, opts, cluster_id);

	errno = saved;
	return ret;
}

static int cnp_unregister(clusnotify_producer *p, uint32_t cluster_id)
{
	struct cnp_txn t = { 0 };
	struct nl_msg *msg;
	int ret;

	if (!p)
		return -EINVAL;
	cnp_clear_error(p);
	msg = cnp_msg_new(p, CNP_HDR_SIZE, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = cnp_txn_run(p, msg, &t);
	nlmsg_free(msg);
	return ret;
}

CNP_EXPORT int clusnotify_cluster_unregister(clusnotify_producer *p,
					     uint32_t cluster_id)
{
	int saved = errno, ret = cnp_unregister(p, cluster_id);

	errno = saved;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Batches: OBJECT_PUBLISH, OBJECT_REMOVE, EVENT_POST                  */
/* ------------------------------------------------------------------ */

struct cnp_batch {
	uint8_t cmd;
	const char *what;	/* "object", "event": for error texts */
	const void *ents;
	size_t n;
	/* Bytes entry i takes in a request, and putting it there. */
	size_t (*size)(const struct cnp_batch *b, size_t i);
	int (*put)(const struct cnp_batch *b, size_t i, struct nl_msg *msg);
	cnp_reply_fn reply;
	void *reply_arg;
};

/*
 * max_batch, from GET_INFO on a port opened for the purpose (0 if it
 * cannot be had). It is a runtime module parameter, so it is asked for
 * when the kernel refuses a message as too long, not trusted from before.
 */
static size_t cnp_kernel_max_batch(void)
{
	struct clusnotify_info info;
	int fd = open(CNP_DEV_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, CLUSNOTIFY_IOC_GET_INFO, &info))
		info.max_batch = 0;
	close(fd);
	return info.max_batch;
}

/*
 * Send the entries of b in as many messages as it takes, in order. *done
 * gets the number of leading entries applied, also on error.
 */
static int cnp_batch_run(clusnotify_producer *p, uint32_t cluster_id,
			 const struct cnp_batch *b, size_t *done)
{
	uint32_t *offs = NULL;
	size_t i = 0;
	int ret = 0;

	while (i < b->n) {
		struct cnp_txn t = { .reply = b->reply, .arg = b->reply_arg,
				     .what = b->what, .base = i };
		size_t cnt = 0, bytes = CNP_HDR_SIZE, k, m;
		struct nl_msg *msg;
		uint32_t *no;

		/* As many entries as max_batch and the send buffer take. */
		while (i + cnt < b->n && cnt < p->batch_max) {
			size_t sz = b->size(b, i + cnt);

			if (cnt && bytes + sz > p->msg_max)
				break;
			bytes += sz;
			cnt++;
		}
		no = realloc(offs, cnt * sizeof(*offs));
		if (!no) {
			ret = -ENOMEM;
			break;
		}
		offs = no;
		msg = cnp_msg_new(p, bytes, b->cmd, 0);
		if (!msg) {
			ret = -ENOMEM;
			break;
		}
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id);
		for (k = 0; k < cnt && ret >= 0; k++) {
			offs[k] = (uint32_t)((char *)nlmsg_tail(nlmsg_hdr(msg)) -
					     (char *)nlmsg_hdr(msg));
			ret = b->put(b, i + k, msg);
		}
		if (ret < 0) {
			/* The sizes are exact: only a bug lands here. */
			nlmsg_free(msg);
			ret = -ENOMEM;
			break;
		}
		t.offs = offs;
		t.nent = cnt;
		ret = cnp_txn_run(p, msg, &t);
		nlmsg_free(msg);
		if (ret == -E2BIG) {
			/* Refused whole for its length: learn and resend. */
			if (cnt == 1)
				break;
			m = cnp_kernel_max_batch();
			p->batch_max = m && m < cnt ? m : cnt / 2;
			cnp_clear_error(p);
			continue;
		}
		if (ret)
			break;
		i += cnt;
	}
	free(offs);
	if (done)
		*done = i;
	return ret;
}

/* --- objects -------------------------------------------------------- */

static size_t cnp_obj_size(const struct cnp_batch *b, size_t i)
{
	const struct clusnotify_object_desc *o =
		(const struct clusnotify_object_desc *)b->ents + i;
	size_t sz = cnp_attr_size(4) + cnp_str_size(o->id);

	if (b->cmd == CLUSNOTIFY_CMD_OBJECT_PUBLISH)
		sz += cnp_str_size(o->name) + cnp_str_size(o->parent) +
		      cnp_str_size(o->type_name) +
		      (o->has_state ? cnp_attr_size(4) : 0);
	return cnp_attr_size(sz);
}

static int cnp_obj_put(const struct cnp_batch *b, size_t i,
		       struct nl_msg *msg)
{
	const struct clusnotify_object_desc *o =
		(const struct clusnotify_object_desc *)b->ents + i;
	struct nlattr *nest = nla_nest_start(msg, CLUSNOTIFY_A_OBJECT);
	int ret;

	if (!nest)
		return -NLE_NOMEM;
	ret = nla_put_u32(msg, CLUSNOTIFY_OBJ_A_TYPE, o->type);
	if (!ret)
		ret = nla_put_string(msg, CLUSNOTIFY_OBJ_A_ID, o->id);
	if (b->cmd == CLUSNOTIFY_CMD_OBJECT_PUBLISH) {
		if (!ret && o->name)
			ret = nla_put_string(msg, CLUSNOTIFY_OBJ_A_NAME,
					     o->name);
		if (!ret && o->parent)
			ret = nla_put_string(msg, CLUSNOTIFY_OBJ_A_PARENT,
					     o->parent);
		if (!ret && o->type_name)
			ret = nla_put_string(msg, CLUSNOTIFY_OBJ_A_TYPE_NAME,
					     o->type_name);
		if (!ret && o->has_state)
			ret = nla_put_u32(msg, CLUSNOTIFY_OBJ_A_STATE,
					  o->state);
	}
	return ret ? ret : nla_nest_end(msg, nest);
}

static int cnp_objects(clusnotify_producer *p, uint8_t cmd,
		       uint32_t cluster_id,
		       const struct clusnotify_object_desc *objs, size_t n,
		       size_t *done)
{
	const struct cnp_batch b = {
		.cmd = cmd, .what = "object", .ents = objs, .n = n,
		.size = cnp_obj_size, .put = cnp_obj_put,
	};
	int publish = cmd == CLUSNOTIFY_CMD_OBJECT_PUBLISH;
	size_t i;

	if (done)
		*done = 0;
	if (!p || (!objs && n))
		return -EINVAL;
	cnp_clear_error(p);
	for (i = 0; i < n; i++) {
		const struct clusnotify_object_desc *o = &objs[i];

		if (!o->id) {
			cnp_set_error(p, "object %zu: no id", i);
			return -EINVAL;
		}
		if (cnp_check_str(o->id) ||
		    (publish && (cnp_check_str(o->name) ||
				 cnp_check_str(o->parent) ||
				 cnp_check_str(o->type_name)))) {
			cnp_set_error(p, "object %zu: a string longer than %u bytes",
				      i, CLUSNOTIFY_NAME_MAX);
			return -ENAMETOOLONG;
		}
	}
	return cnp_batch_run(p, cluster_id, &b, done);
}

CNP_EXPORT int clusnotify_objects_publish(clusnotify_producer *p,
					  uint32_t cluster_id,
					  const struct clusnotify_object_desc *objs,
					  size_t n, size_t *done)
{
	int saved = errno;
	int ret = cnp_objects(p, CLUSNOTIFY_CMD_OBJECT_PUBLISH, cluster_id,
			      objs, n, done);

	errno = saved;
	return ret;
}

CNP_EXPORT int clusnotify_objects_remove(clusnotify_producer *p,
					 uint32_t cluster_id,
					 const struct clusnotify_object_desc *objs,
					 size_t n, size_t *done)
{
	int saved = errno;
	int ret = cnp_objects(p, CLUSNOTIFY_CMD_OBJECT_REMOVE, cluster_id,
			      objs, n, done);

	errno = saved;
	return ret;
}

/* --- events --------------------------------------------------------- */

/* The V1 bit an event goes out with. */
static uint32_t cnp_event_v1(const struct clusnotify_event *e)
{
	if (e->v1_change || (e->flags & CLUSNOTIFY_EVENT_NO_V1))
		return e->v1_change;
	return clusnotify_v1_from_v2(e->object_type, e->v2_flag);
}

static size_t cnp_event_size(const struct cnp_batch *b, size_t i)
{
	const struct clusnotify_event *e =
		(const struct clusnotify_event *)b->ents + i;
	size_t sz = cnp_attr_size(4);

	if (e->v2_flag)
		sz += cnp_attr_size(8);
	if (cnp_event_v1(e))
		sz += cnp_attr_size(4);
	sz += cnp_str_size(e->id) + cnp_str_size(e->parent) +
	      cnp_str_size(e->name) + cnp_str_size(e->type_name);
	if (e->payload)
		sz += cnp_attr_size(e->payload_len);
	if (e->has_state)
		sz += cnp_attr_size(4);
	return cnp_attr_size(sz);
}

static int cnp_event_put(const struct cnp_batch *b, size_t i,
			 struct nl_msg *msg)
{
	const struct clusnotify_event *e =
		(const struct clusnotify_event *)b->ents + i;
	struct nlattr *nest = nla_nest_start(msg, CLUSNOTIFY_A_EVENT);
	uint32_t v1 = cnp_event_v1(e);
	int ret;

	if (!nest)
		return -NLE_NOMEM;
	ret = nla_put_u32(msg, CLUSNOTIFY_EV_A_OBJECT_TYPE, e->object_type);
	if (!ret && e->v2_flag)
		ret = nla_put_u64(msg, CLUSNOTIFY_EV_A_V2_FLAG, e->v2_flag);
	if (!ret && v1)
		ret = nla_put_u32(msg, CLUSNOTIFY_EV_A_V1_CHANGE, v1);
	if (!ret && e->id)
		ret = nla_put_string(msg, CLUSNOTIFY_EV_A_ID, e->id);
	if (!ret && e->parent)
		ret = nla_put_string(msg, CLUSNOTIFY_EV_A_PARENT, e->parent);
	if (!ret && e->name)
		ret = nla_put_string(msg, CLUSNOTIFY_EV_A_NAME, e->name);
	if (!ret && e->type_name)
		ret = nla_put_string(msg, CLUSNOTIFY_EV_A_TYPE_NAME,
				     e->type_name);
	if (!ret && e->payload)
		ret = nla_put(msg, CLUSNOTIFY_EV_A_PAYLOAD, e->payload_len,
			      e->payload);
	if (!ret && e->has_state)
		ret = nla_put_u32(msg, CLUSNOTIFY_EV_A_STATE, e->state);
	return ret ? ret : nla_nest_end(msg, nest);
}

static int cnp_post_reply(struct cnp_txn *t, struct nlattr **tb)
{
	struct clusnotify_post_result *r = t->arg;

	if (tb[CLUSNOTIFY_A_POSTED])
		r->posted += nla_get_u32(tb[CLUSNOTIFY_A_POSTED]);
	if (tb[CLUSNOTIFY_A_QUEUED])
		r->queued += nla_get_u64(tb[CLUSNOTIFY_A_QUEUED]);
	if (tb[CLUSNOTIFY_A_LOST])
		r->lost += nla_get_u64(tb[CLUSNOTIFY_A_LOST]);
	return 0;
}

static int cnp_post(clusnotify_producer *p, uint32_t cluster_id,
		    const struct clusnotify_event *ev, size_t n,
		    struct clusnotify_post_result *res)
{
	struct clusnotify_post_result r = { 0 };
	const struct cnp_batch b = {
		.cmd = CLUSNOTIFY_CMD_EVENT_POST, .what = "event", .ents = ev,
		.n = n, .size = cnp_event_size, .put = cnp_event_put,
		.reply = cnp_post_reply, .reply_arg = &r,
	};
	size_t i;
	int ret;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!p || (!ev && n))
		return -EINVAL;
	cnp_clear_error(p);
	for (i = 0; i < n; i++) {
		const struct clusnotify_event *e = &ev[i];

		if (e->flags & ~CLUSNOTIFY_EVENT_NO_V1) {
			cnp_set_error(p, "event %zu: unknown flags %#x", i,
				      e->flags & ~CLUSNOTIFY_EVENT_NO_V1);
			return -EINVAL;
		}
		if (!e->payload && e->payload_len) {
			cnp_set_error(p, "event %zu: payload_len without a payload",
				      i);
			return -EINVAL;
		}
		if (e->payload_len > CLUSNOTIFY_PAYLOAD_MAX) {
			cnp_set_error(p, "event %zu: payload longer than %u bytes",
				      i, CLUSNOTIFY_PAYLOAD_MAX);
			return -ERANGE;
		}
		if (cnp_check_str(e->id) || cnp_check_str(e->parent) ||
		    cnp_check_str(e->name) || cnp_check_str(e->type_name)) {
			cnp_set_error(p, "event %zu: a string longer than %u bytes",
				      i, CLUSNOTIFY_NAME_MAX);
			return -ENAMETOOLONG;
		}
	}
	ret = cnp_batch_run(p, cluster_id, &b, NULL);
	if (res)
		*res = r;
	return ret;
}

CNP_EXPORT int clusnotify_post(clusnotify_producer *p, uint32_t cluster_id,
			       const struct clusnotify_event *ev, size_t n,
			       struct clusnotify_post_result *res)
{
	int saved = errno, ret = cnp_post(p, cluster_id, ev, n, res);

	errno = saved;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Listings                                                            */
/* ------------------------------------------------------------------ */

static const char *cnp_nla_str(struct nlattr *a)
{
	return a ? nla_get_string(a) : "";
}

static int cnp_dump(clusnotify_producer *p, uint8_t cmd, int has_id,
		    uint32_t cluster_id, cnp_reply_fn fn, void *arg)
{
	struct cnp_txn t = { .reply = fn, .arg = arg };
	struct nl_msg *msg;
	int ret;

	if (!p || !fn)
		return -EINVAL;
	cnp_clear_error(p);
	msg = cnp_msg_new(p, CNP_HDR_SIZE, cmd, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	if (has_id && nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = cnp_txn_run(p, msg, &t);
	nlmsg_free(msg);
	return ret ? ret : t.stop;
}

/* The caller's callback of a listing, and its argument. */
struct cnp_list {
	clusnotify_cluster_cb cluster;
	clusnotify_object_cb object;
	clusnotify_port_cb port;
	void *arg;
};

static int cnp_cluster_reply(struct cnp_txn *t, struct nlattr **tb)
{
	struct cnp_list *l = t->arg;
	struct clusnotify_cluster_entry c;

	if (!tb[CLUSNOTIFY_A_CLUSTER_ID] || !tb[CLUSNOTIFY_A_CLUSTER_NAME]) {
		t->perr = -EBADMSG;
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.id = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	c.name = cnp_nla_str(tb[CLUSNOTIFY_A_CLUSTER_NAME]);
	if (tb[CLUSNOTIFY_A_CLUSTER_UID])
		c.uid = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_UID]);
	if (tb[CLUSNOTIFY_A_CLUSTER_GID])
		c.gid = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_GID]);
	if (tb[CLUSNOTIFY_A_CLUSTER_MODE])
		c.mode = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_MODE]);
	if (tb[CLUSNOTIFY_A_CLUSTER_FLAGS])
		c.flags = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_FLAGS]);
	if (tb[CLUSNOTIFY_A_CLUSTER_OBJECTS])
		c.objects = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_OBJECTS]);
	if (tb[CLUSNOTIFY_A_CLUSTER_FILTERS])
		c.filters = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_FILTERS]);
	if (tb[CLUSNOTIFY_A_CLUSTER_UP])
		c.up = !!nla_get_u8(tb[CLUSNOTIFY_A_CLUSTER_UP]);
	return l->cluster(&c, l->arg);
}

static const struct nla_policy cnp_obj_policy[CLUSNOTIFY_OBJ_A_MAX + 1] = {
	[CLUSNOTIFY_OBJ_A_TYPE] = { .type = NLA_U32 },
	[CLUSNOTIFY_OBJ_A_ID] = { .type = NLA_STRING },
	[CLUSNOTIFY_OBJ_A_NAME] = { .type = NLA_STRING },
	[CLUSNOTIFY_OBJ_A_PARENT] = { .type = NLA_STRING },
	[CLUSNOTIFY_OBJ_A_TYPE_NAME] = { .type = NLA_STRING },
	[CLUSNOTIFY_OBJ_A_STATE] = { .type = NLA_U32 },
	[CLUSNOTIFY_OBJ_A_STATE_SEQ] = { .type = NLA_U64 },
};

static int cnp_object_reply(struct cnp_txn *t, struct nlattr **tb)
{
	struct cnp_list *l = t->arg;
	struct nlattr *ot[CLUSNOTIFY_OBJ_A_MAX + 1];
	struct clusnotify_object_entry o;

	if (!tb[CLUSNOTIFY_A_OBJECT] ||
	    nla_parse_nested(ot, CLUSNOTIFY_OBJ_A_MAX, tb[CLUSNOTIFY_A_OBJECT],
			     cnp_obj_policy) < 0 ||
	    !ot[CLUSNOTIFY_OBJ_A_TYPE] || !ot[CLUSNOTIFY_OBJ_A_ID]) {
		t->perr = -EBADMSG;
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.type = nla_get_u32(ot[CLUSNOTIFY_OBJ_A_TYPE]);
	o.state = ot[CLUSNOTIFY_OBJ_A_STATE] ?
		  nla_get_u32(ot[CLUSNOTIFY_OBJ_A_STATE]) :
		  CLUSNOTIFY_STATE_UNKNOWN;
	if (ot[CLUSNOTIFY_OBJ_A_STATE_SEQ])
		o.state_seq = nla_get_u64(ot[CLUSNOTIFY_OBJ_A_STATE_SEQ]);
	o.id = cnp_nla_str(ot[CLUSNOTIFY_OBJ_A_ID]);
	o.name = cnp_nla_str(ot[CLUSNOTIFY_OBJ_A_NAME]);
	o.parent = cnp_nla_str(ot[CLUSNOTIFY_OBJ_A_PARENT]);
	o.type_name = cnp_nla_str(ot[CLUSNOTIFY_OBJ_A_TYPE_NAME]);
	return l->object(&o, l->arg);
}

static const struct nla_policy cnp_port_policy[CLUSNOTIFY_PORT_A_MAX + 1] = {
	[CLUSNOTIFY_PORT_A_ID] = { .type = NLA_U64 },
	[CLUSNOTIFY_PORT_A_UID] = { .type = NLA_U32 },
	[CLUSNOTIFY_PORT_A_PID] = { .type = NLA_U32 },
	[CLUSNOTIFY_PORT_A_QUEUED] = { .type = NLA_U64 },
	[CLUSNOTIFY_PORT_A_DELIVERED] = { .type = NLA_U64 },
	[CLUSNOTIFY_PORT_A_LOST] = { .type = NLA_U64 },
	[CLUSNOTIFY_PORT_A_NEXT_SEQ] = { .type = NLA_U64 },
	[CLUSNOTIFY_PORT_A_FILTERS] = { .type = NLA_U32 },
};

static int cnp_port_reply(struct cnp_txn *t, struct nlattr **tb)
{
	struct cnp_list *l = t->arg;
	struct nlattr *pt[CLUSNOTIFY_PORT_A_MAX + 1];
	struct clusnotify_port_entry e;

	if (!tb[CLUSNOTIFY_A_PORT] ||
	    nla_parse_nested(pt, CLUSNOTIFY_PORT_A_MAX, tb[CLUSNOTIFY_A_PORT],
			     cnp_port_policy) < 0 || !pt[CLUSNOTIFY_PORT_A_ID]) {
		t->perr = -EBADMSG;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.id = nla_get_u64(pt[CLUSNOTIFY_PORT_A_ID]);
	if (pt[CLUSNOTIFY_PORT_A_UID])
		e.uid = nla_get_u32(pt[CLUSNOTIFY_PORT_A_UID]);
	if (pt[CLUSNOTIFY_PORT_A_PID])
		e.pid = nla_get_u32(pt[CLUSNOTIFY_PORT_A_PID]);
	if (pt[CLUSNOTIFY_PORT_A_QUEUED])
		e.queued = nla_get_u64(pt[CLUSNOTIFY_PORT_A_QUEUED]);
	if (pt[CLUSNOTIFY_PORT_A_DELIVERED])
		e.delivered = nla_get_u64(pt[CLUSNOTIFY_PORT_A_DELIVERED]);
	if (pt[CLUSNOTIFY_PORT_A_LOST])
		e.lost = nla_get_u64(pt[CLUSNOTIFY_PORT_A_LOST]);
	if (pt[CLUSNOTIFY_PORT_A_NEXT_SEQ])
		e.next_seq = nla_get_u64(pt[CLUSNOTIFY_PORT_A_NEXT_SEQ]);
	if (pt[CLUSNOTIFY_PORT_A_FILTERS])
		e.filters = nla_get_u32(pt[CLUSNOTIFY_PORT_A_FILTERS]);
	return l->port(&e, l->arg);
}

CNP_EXPORT int clusnotify_clusters_list(clusnotify_producer *p,
					clusnotify_cluster_cb cb, void *arg)
{
	struct cnp_list l = { .cluster = cb, .arg = arg };
	int saved = errno;
	int ret = cb ? cnp_dump(p, CLUSNOTIFY_CMD_CLUSTER_GET, 0, 0,
				cnp_cluster_reply, &l) : -EINVAL;

	errno = saved;
	return ret;
}

CNP_EXPORT int clusnotify_objects_list(clusnotify_producer *p,
				       uint32_t cluster_id,
				       clusnotify_object_cb cb, void *arg)
{
	struct cnp_list l = { .object = cb, .arg = arg };
	int saved = errno;
	int ret = cb ? cnp_dump(p, CLUSNOTIFY_CMD_OBJECT_GET, 1, cluster_id,
				cnp_object_reply, &l) : -EINVAL;

	errno = saved;
	return ret;
}

CNP_EXPORT int clusnotify_ports_list(clusnotify_producer *p,
				     clusnotify_port_cb cb, void *arg)
{
	struct cnp_list l = { .port = cb, .arg = arg };
	int saved = errno;
	int ret = cb ? cnp_dump(p, CLUSNOTIFY_CMD_PORT_GET, 0, 0,
				cnp_port_reply, &l) : -EINVAL;

	errno = saved;
	return ret;
}
