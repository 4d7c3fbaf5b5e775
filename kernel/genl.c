// SPDX-License-Identifier: GPL-2.0
/*
 * The producer plane: the "clusnotify" generic netlink family.
 *
 * Every attribute has a policy and the family validates strictly (no
 * resv_start_op), so unknown or malformed attributes never reach a handler.
 * String lengths are left to cn_str_check(), so an over-long name gets
 * -ENAMETOOLONG here as it does on the ioctl side.
 * Mutating commands need CAP_SYS_ADMIN over the socket (netlink_capable).
 * The socket that registered a cluster is its session: the netlink notifier
 * at the bottom ends the session when that socket is released, which is
 * also what happens when the producer's process dies.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "clusnotify.h"

#define CN_GENL_ADMIN 0x1	/* genl_ops.internal_flags */

static const struct nla_policy cn_obj_policy[CLUSNOTIFY_OBJ_A_MAX + 1] = {
	[CLUSNOTIFY_OBJ_A_TYPE] = NLA_POLICY_RANGE(NLA_U32, 1,
						   CLUSNOTIFY_OBJ_MAX),
	[CLUSNOTIFY_OBJ_A_ID] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_OBJ_A_NAME] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_OBJ_A_PARENT] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_OBJ_A_TYPE_NAME] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_OBJ_A_STATE] = { .type = NLA_U32 },
	[CLUSNOTIFY_OBJ_A_STATE_SEQ] = { .type = NLA_REJECT },
	[CLUSNOTIFY_OBJ_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy cn_ev_policy[CLUSNOTIFY_EV_A_MAX + 1] = {
	[CLUSNOTIFY_EV_A_OBJECT_TYPE] = NLA_POLICY_RANGE(NLA_U32, 1,
							 CLUSNOTIFY_OBJ_MAX),
	[CLUSNOTIFY_EV_A_V2_FLAG] = { .type = NLA_U64 },
	[CLUSNOTIFY_EV_A_V1_CHANGE] = { .type = NLA_U32 },
	[CLUSNOTIFY_EV_A_ID] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_EV_A_PARENT] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_EV_A_NAME] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_EV_A_TYPE_NAME] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_EV_A_PAYLOAD] = { .type = NLA_BINARY,
				      .len = CLUSNOTIFY_PAYLOAD_MAX },
	[CLUSNOTIFY_EV_A_STATE] = { .type = NLA_U32 },
	[CLUSNOTIFY_EV_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy cn_policy[CLUSNOTIFY_A_MAX + 1] = {
	[CLUSNOTIFY_A_CLUSTER_ID] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_NAME] = { .type = NLA_NUL_STRING },
	[CLUSNOTIFY_A_CLUSTER_UID] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_GID] = { .type = NLA_U32 },
	[CLUSNOTIFY_A_CLUSTER_MODE] = NLA_POLICY_MAX(NLA_U32, 0777),
	[CLUSNOTIFY_A_CLUSTER_FLAGS] =
		NLA_POLICY_MASK(NLA_U32, CLUSNOTIFY_CLUSTER_F_DEFAULT),
	[CLUSNOTIFY_A_CLUSTER_UP] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_CLUSTER_OBJECTS] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_CLUSTER_FILTERS] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_OBJECT] = NLA_POLICY_NESTED(cn_obj_policy),
	[CLUSNOTIFY_A_EVENT] = NLA_POLICY_NESTED(cn_ev_policy),
	[CLUSNOTIFY_A_POSTED] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_QUEUED] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_LOST] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_PORT] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_PAD] = { .type = NLA_REJECT },
};

static struct genl_family cn_family;

static int cn_require(struct genl_info *info, int attr)
{
	if (info->attrs[attr])
		return 0;
	NL_SET_ERR_MSG(info->extack, "missing required attribute");
	return -EINVAL;
}

/* A string attribute (already NUL-terminated by policy), checked as UTF-8. */
static int cn_nla_str(const struct nlattr *a, struct cn_str *out,
		      struct netlink_ext_ack *extack)
{
	int ret;

	if (!a) {
		out->s = "";
		out->len = 0;
		return 0;
	}
	out->s = nla_data(a);
	out->len = strlen(out->s);
	ret = cn_str_check(out->s, out->len);
	if (ret)
		NL_SET_ERR_MSG_ATTR(extack, a, "invalid UTF-8");
	return ret;
}

static int cn_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
		       struct genl_info *info)
{
	if ((ops->internal_flags & CN_GENL_ADMIN) &&
	    !netlink_capable(skb, CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static int cn_nl_register(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct user_namespace *ns = current_user_ns();
	struct cn_str name;
	struct sk_buff *msg;
	kuid_t uid = GLOBAL_ROOT_UID;
	kgid_t gid = GLOBAL_ROOT_GID;
	u32 mode = 0644, flags = 0;
	void *hdr;
	int ret, id;

	ret = cn_require(info, CLUSNOTIFY_A_CLUSTER_NAME);
	if (ret)
		return ret;
	ret = cn_nla_str(tb[CLUSNOTIFY_A_CLUSTER_NAME], &name, info->extack);
	if (ret)
		return ret;
	if (!name.len) {
		NL_SET_ERR_MSG(info->extack, "empty cluster name");
		return -EINVAL;
	}
	if (tb[CLUSNOTIFY_A_CLUSTER_UID]) {
		uid = make_kuid(ns, nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_UID]));
		if (!uid_valid(uid))
			return -EINVAL;
	}
	if (tb[CLUSNOTIFY_A_CLUSTER_GID]) {
		gid = make_kgid(ns, nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_GID]));
		if (!gid_valid(gid))
			return -EINVAL;
	}
	if (tb[CLUSNOTIFY_A_CLUSTER_MODE])
		mode = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_MODE]);
	if (tb[CLUSNOTIFY_A_CLUSTER_FLAGS])
		flags = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_FLAGS]);

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	id = cn_cluster_register(name.s, uid, gid, mode, flags,
				 info->snd_portid);
	if (id < 0) {
		nlmsg_free(msg);
		return id;
	}
	hdr = genlmsg_put_reply(msg, info, &cn_family, 0,
				CLUSNOTIFY_CMD_CLUSTER_REGISTER);
	if (!hdr || nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int cn_nl_unregister(struct sk_buff *skb, struct genl_info *info)
{
	int ret = cn_require(info, CLUSNOTIFY_A_CLUSTER_ID);

	if (ret)
		return ret;
	return cn_cluster_unregister(nla_get_u32(info->attrs[CLUSNOTIFY_A_CLUSTER_ID]),
				     info->snd_portid);
}

/*
 * The exact size of what cn_fill_cluster() puts, for a reply allocated to
 * fit (the kernel zeroes allocations: a page per reply is not free). The
 * name never changes once the cluster exists.
 */
static size_t cn_cluster_msg_size(const struct cn_cluster *c)
{
	return nla_total_size(sizeof(u32)) +		/* ID */
	       nla_total_size(strlen(c->name) + 1) +	/* NAME */
	       5 * nla_total_size(sizeof(u32)) +	/* UID GID MODE FLAGS OBJECTS */
	       nla_total_size(sizeof(u8)) +		/* UP */
	       nla_total_size(sizeof(u32));		/* FILTERS */
}

/* Keep cn_cluster_msg_size() in step with the attributes put here. */
static int cn_fill_cluster(struct sk_buff *skb, struct cn_cluster *c,
			   u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &cn_family, flags,
			  CLUSNOTIFY_CMD_CLUSTER_GET);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&c->lock);
	if (nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_ID, c->id) ||
	    nla_put_string(skb, CLUSNOTIFY_A_CLUSTER_NAME, c->name) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_UID,
			from_kuid_munged(current_user_ns(), c->uid)) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_GID,
			from_kgid_munged(current_user_ns(), c->gid)) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_MODE, c->mode) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_FLAGS, c->flags) ||
	    nla_put_u8(skb, CLUSNOTIFY_A_CLUSTER_UP, c->up) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_OBJECTS, c->nr_objects) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_FILTERS,
			READ_ONCE(c->nr_filters))) {
		mutex_unlock(&c->lock);
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	mutex_unlock(&c->lock);
	genlmsg_end(skb, hdr);
	return 0;
}

static int cn_nl_cluster_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct cn_cluster *c;
	int ret;

	ret = cn_require(info, CLUSNOTIFY_A_CLUSTER_ID);
	if (ret)
		return ret;
	c = cn_cluster_get_by_id(nla_get_u32(info->attrs[CLUSNOTIFY_A_CLUSTER_ID]));
	if (!c)
		return -ENOENT;
	msg = genlmsg_new(cn_cluster_msg_size(c), GFP_KERNEL);
	if (!msg) {
		cn_cluster_put(c);
		return -ENOMEM;
	}
	ret = cn_fill_cluster(msg, c, info->snd_portid, info->snd_seq, 0);
	cn_cluster_put(c);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

struct cn_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int cn_dump_one_cluster(struct cn_cluster *c, void *arg)
{
	struct cn_dump_ctx *ctx = arg;
	int ret;

	ret = cn_fill_cluster(ctx->skb, c,
			      NETLINK_CB(ctx->cb->skb).portid,
			      ctx->cb->nlh->nlmsg_seq, NLM_F_MULTI);
	if (ret)
		return ret;
	ctx->cb->args[0] = c->id + 1;
	return 0;
}

static int cn_nl_cluster_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cn_dump_ctx ctx = { skb, cb };
	int ret;

	ret = cn_clusters_walk(cb->args[0], cn_dump_one_cluster, &ctx);
	if (ret && ret != -EMSGSIZE)
		return ret;
	return skb->len;
}

/* Parse and check one OBJECT of a publish or remove into @spec. */
static int cn_parse_object(const struct nlattr *a, struct cn_object_spec *spec,
			   bool publish, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CLUSNOTIFY_OBJ_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, CLUSNOTIFY_OBJ_A_MAX, a, cn_obj_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[CLUSNOTIFY_OBJ_A_TYPE] || !tb[CLUSNOTIFY_OBJ_A_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, a, "object needs a type and an id");
		return -EINVAL;
	}
	memset(spec, 0, sizeof(*spec));
	spec->type = nla_get_u32(tb[CLUSNOTIFY_OBJ_A_TYPE]);
	if (!cn_type_valid(spec->type) || spec->type == CLUSNOTIFY_OBJ_CLUSTER) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_OBJ_A_TYPE],
				    "not a directory object type");
		return -EINVAL;
	}
	ret = cn_nla_str(tb[CLUSNOTIFY_OBJ_A_ID], &spec->id, extack);
	if (ret)
		return ret;
	if (!spec->id.len) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_OBJ_A_ID], "empty id");
		return -EINVAL;
	}
	if (!publish)
		return 0;
	spec->has_name = tb[CLUSNOTIFY_OBJ_A_NAME];
	spec->has_parent = tb[CLUSNOTIFY_OBJ_A_PARENT];
	spec->has_type_name = tb[CLUSNOTIFY_OBJ_A_TYPE_NAME];
	spec->has_state = tb[CLUSNOTIFY_OBJ_A_STATE];
	if (spec->has_state)
		spec->state = nla_get_u32(tb[CLUSNOTIFY_OBJ_A_STATE]);
	ret = cn_nla_str(tb[CLUSNOTIFY_OBJ_A_NAME], &spec->name, extack) ?:
	      cn_nla_str(tb[CLUSNOTIFY_OBJ_A_PARENT], &spec->parent, extack) ?:
	      cn_nla_str(tb[CLUSNOTIFY_OBJ_A_TYPE_NAME], &spec->type_name,
			 extack);
	if (ret)
		return ret;
	if (spec->has_name && !spec->name.len) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_OBJ_A_NAME],
				    "empty name");
		return -EINVAL;
	}
	return 0;
}

/*
 * OBJECT and EVENT attributes repeat at the top level of the message (the
 * family's policy validated every one of them). Count those of @type,
 * refusing none and more than max_batch.
 */
static int cn_list_len(struct genl_info *info, int type)
{
	const struct nlattr *a;
	int rem, n = 0;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		n += nla_type(a) == type;
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no entries");
		return -EINVAL;
	}
	if (n > READ_ONCE(cn_max_batch)) {
		NL_SET_ERR_MSG(info->extack, "more than max_batch entries");
		return -E2BIG;
	}
	return n;
}

/*
 * Publishing is silent except that an object whose state changes queues its
 * *_STATE record: after a reconnect the producer republishes its directory
 * and the ports learn exactly what changed while it was away.
 */
static void cn_announce_state(struct cn_cluster *c, struct cn_object *obj,
			      u64 *queued, u64 *lost)
{
	struct cn_event ev = {
		.object_type = obj->type,
		.state = obj->state,
		.flags = CLUSNOTIFY_RECORD_F_KERNEL,
		.timestamp_ns = ktime_get_ns(),
	};

	if (!cn_state_kind(obj->type, &ev.v1_change, &ev.v2_flag))
		return;
	ev.pl = cn_object_payload(c, obj, true);
	if (!ev.pl) {
		/* Not lost: it still goes out, named after the cluster. */
		ev.pl = cn_payload_get(c->name_pl);
	}
	cn_post_event(c, &ev, queued, lost);
	cn_payload_put(ev.pl);
}

static int cn_nl_publish(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct cn_object_spec spec;
	struct cn_object **cands;
	u64 queued = 0, lost = 0;
	struct cn_cluster *c;
	const struct nlattr *a;
	int ret, n, i, rem, fresh = 0;

	ret = cn_require(info, CLUSNOTIFY_A_CLUSTER_ID);
	if (ret)
		return ret;
	n = cn_list_len(info, CLUSNOTIFY_A_OBJECT);
	if (n < 0)
		return n;
	cands = kvcalloc(n, sizeof(*cands), GFP_KERNEL_ACCOUNT);
	if (!cands)
		return -ENOMEM;
	c = cn_cluster_session(nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]),
			       info->snd_portid);
	if (IS_ERR(c)) {
		ret = PTR_ERR(c);
		goto out_free;
	}
	i = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != CLUSNOTIFY_A_OBJECT)
			continue;
		ret = cn_parse_object(a, &spec, true, info->extack);
		if (ret)
			goto out_unlock;
		if (!cn_object_find_id(c, spec.type, spec.id.s))
			fresh++;
		cands[i] = cn_object_prepare(&spec);
		if (!cands[i++]) {
			ret = -ENOMEM;
			goto out_unlock;
		}
	}
	if (c->nr_objects + fresh > READ_ONCE(cn_max_objects)) {
		NL_SET_ERR_MSG(info->extack, "max_objects reached");
		ret = -ENOSPC;
		goto out_unlock;
	}
	/* Nothing can fail from here on. */
	for (i = 0; i < n; i++) {
		struct cn_object *obj;
		bool changed;

		obj = cn_object_commit(c, cands[i], true, &changed);
		cands[i] = NULL;
		if (changed)
			cn_announce_state(c, obj, &queued, &lost);
	}
	ret = 0;
out_unlock:
	mutex_unlock(&c->lock);
	cn_cluster_put(c);
out_free:
	for (i = 0; i < n; i++)
		cn_object_discard(cands[i]);
	kvfree(cands);
	return ret;
}

static int cn_nl_remove(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct cn_object_spec spec;
	struct cn_object **objs;
	struct cn_cluster *c;
	const struct nlattr *a;
	int ret, n, i = 0, rem;

	ret = cn_require(info, CLUSNOTIFY_A_CLUSTER_ID);
	if (ret)
		return ret;
	n = cn_list_len(info, CLUSNOTIFY_A_OBJECT);
	if (n < 0)
		return n;
	objs = kvcalloc(n, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	c = cn_cluster_session(nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]),
			       info->snd_portid);
	if (IS_ERR(c)) {
		ret = PTR_ERR(c);
		goto out_free;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		int j;

		if (nla_type(a) != CLUSNOTIFY_A_OBJECT)
			continue;
		ret = cn_parse_object(a, &spec, false, info->extack);
		if (ret)
			goto out_unlock;
		objs[i] = cn_object_find_id(c, spec.type, spec.id.s);
		if (!objs[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "no such object");
			ret = -ENOENT;
			goto out_unlock;
		}
		for (j = 0; j < i; j++) {
			if (objs[j] == objs[i]) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "object listed twice");
				ret = -EINVAL;
				goto out_unlock;
			}
		}
		i++;
	}
	for (i = 0; i < n; i++)
		cn_object_delete(c, objs[i]);
	ret = 0;
out_unlock:
	mutex_unlock(&c->lock);
	cn_cluster_put(c);
out_free:
	kvfree(objs);
	return ret;
}

static int cn_fill_object(struct sk_buff *skb, const struct cn_object *obj,
			  u32 portid, u32 seq)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &cn_family, NLM_F_MULTI,
			  CLUSNOTIFY_CMD_OBJECT_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CLUSNOTIFY_A_OBJECT);
	if (!nest ||
	    nla_put_u32(skb, CLUSNOTIFY_OBJ_A_TYPE, obj->type) ||
	    nla_put_string(skb, CLUSNOTIFY_OBJ_A_ID, obj->id) ||
	    nla_put_string(skb, CLUSNOTIFY_OBJ_A_NAME, obj->name) ||
	    nla_put_string(skb, CLUSNOTIFY_OBJ_A_PARENT, obj->parent) ||
	    nla_put_string(skb, CLUSNOTIFY_OBJ_A_TYPE_NAME, obj->type_name) ||
	    nla_put_u32(skb, CLUSNOTIFY_OBJ_A_STATE, obj->state) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_OBJ_A_STATE_SEQ, obj->state_seq,
			      CLUSNOTIFY_OBJ_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/* Objects of one cluster; cb->args[0] counts those already sent. */
static int cn_nl_object_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *di = genl_dumpit_info(cb);
	struct nlattr *id = di->attrs[CLUSNOTIFY_A_CLUSTER_ID];
	struct cn_object *obj;
	struct cn_cluster *c;
	long skip = cb->args[0], n = 0;
	int bkt, ret = 0;

	if (!id) {
		NL_SET_ERR_MSG(cb->extack, "missing cluster id");
		return -EINVAL;
	}
	c = cn_cluster_get_by_id(nla_get_u32(id));
	if (!c)
		return -ENOENT;
	if (!(cn_cluster_access(c, current_cred()) & CLUSNOTIFY_ACCESS_READ)) {
		cn_cluster_put(c);
		return -EACCES;
	}
	mutex_lock(&c->lock);
	hash_for_each(c->obj_by_id, bkt, obj, id_node) {
		if (n++ < skip)
			continue;
		ret = cn_fill_object(skb, obj, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq);
		if (ret)
			break;
		cb->args[0] = n;
	}
	mutex_unlock(&c->lock);
	cn_cluster_put(c);
	if (ret && ret != -EMSGSIZE)
		return ret;
	return skb->len;
}

/* One event of a post, parsed and prepared before anything is applied. */
struct cn_post_item {
	struct cn_event ev;
	struct cn_object *cand;		/* directory change, or NULL */
	enum cn_fold fold;
	u32 subject;
};

/*
 * Parse one event of post @gen and prepare its directory change, if it
 * makes one: cluster->lock held, nothing applied yet.
 */
static int cn_parse_event(struct cn_cluster *c, const struct nlattr *a,
			  struct cn_post_item *it, u32 gen, int *fresh,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CLUSNOTIFY_EV_A_MAX + 1];
	struct cn_object_spec spec = {};
	struct cn_object *obj;
	const void *payload = NULL;
	u32 payload_len = 0;
	int ret;

	ret = nla_parse_nested(tb, CLUSNOTIFY_EV_A_MAX, a, cn_ev_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[CLUSNOTIFY_EV_A_OBJECT_TYPE]) {
		NL_SET_ERR_MSG_ATTR(extack, a, "event needs an object type");
		return -EINVAL;
	}
	it->ev.object_type = nla_get_u32(tb[CLUSNOTIFY_EV_A_OBJECT_TYPE]);
	if (!cn_type_valid(it->ev.object_type)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_EV_A_OBJECT_TYPE],
				    "unknown object type");
		return -EINVAL;
	}
	if (tb[CLUSNOTIFY_EV_A_V2_FLAG])
		it->ev.v2_flag = nla_get_u64(tb[CLUSNOTIFY_EV_A_V2_FLAG]);
	if (tb[CLUSNOTIFY_EV_A_V1_CHANGE])
		it->ev.v1_change = nla_get_u32(tb[CLUSNOTIFY_EV_A_V1_CHANGE]);
	if (!it->ev.v2_flag && !it->ev.v1_change) {
		NL_SET_ERR_MSG_ATTR(extack, a, "event needs a V2 flag or V1 bit");
		return -EINVAL;
	}
	if (it->ev.v2_flag &&
	    (hweight64(it->ev.v2_flag) != 1 ||
	     !(it->ev.v2_flag & cn_v2_all(it->ev.object_type)) ||
	     cn_v2_kernel_only(it->ev.object_type, it->ev.v2_flag))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_EV_A_V2_FLAG],
				    "not one postable flag of the object type");
		return -EINVAL;
	}
	if (it->ev.v1_change && (hweight32(it->ev.v1_change) != 1 ||
				 cn_v1_kernel_only(it->ev.v1_change))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_EV_A_V1_CHANGE],
				    "not one postable CLUSTER_CHANGE bit");
		return -EINVAL;
	}
	ret = cn_nla_str(tb[CLUSNOTIFY_EV_A_ID], &spec.id, extack) ?:
	      cn_nla_str(tb[CLUSNOTIFY_EV_A_PARENT], &spec.parent, extack) ?:
	      cn_nla_str(tb[CLUSNOTIFY_EV_A_NAME], &spec.name, extack) ?:
	      cn_nla_str(tb[CLUSNOTIFY_EV_A_TYPE_NAME], &spec.type_name, extack);
	if (ret)
		return ret;
	it->ev.state = CLUSNOTIFY_STATE_UNKNOWN;
	if (tb[CLUSNOTIFY_EV_A_STATE])
		it->ev.state = nla_get_u32(tb[CLUSNOTIFY_EV_A_STATE]);
	if (tb[CLUSNOTIFY_EV_A_PAYLOAD]) {
		payload = nla_data(tb[CLUSNOTIFY_EV_A_PAYLOAD]);
		payload_len = nla_len(tb[CLUSNOTIFY_EV_A_PAYLOAD]);
	}

	it->fold = cn_event_fold(it->ev.object_type, it->ev.v2_flag,
				 it->ev.v1_change, &it->subject);
	if (it->fold == CN_FOLD_ADD && !spec.id.len) {
		NL_SET_ERR_MSG_ATTR(extack, a, "an *_ADDED event needs an id");
		return -EINVAL;
	}
	if (it->fold == CN_FOLD_DELETE && spec.id.len) {
		/* Later events of this post on it follow its deletion. */
		obj = cn_object_find_id(c, it->subject, spec.id.s);
		if (obj)
			obj->post_gen = gen;
	} else if (spec.id.len && cn_type_valid(it->subject) &&
		   it->subject != CLUSNOTIFY_OBJ_CLUSTER) {
		spec.type = it->subject;
		spec.has_name = tb[CLUSNOTIFY_EV_A_NAME] && spec.name.len;
		spec.has_parent = tb[CLUSNOTIFY_EV_A_PARENT];
		spec.has_type_name = tb[CLUSNOTIFY_EV_A_TYPE_NAME];
		spec.has_state = it->fold == CN_FOLD_STATE &&
				 tb[CLUSNOTIFY_EV_A_STATE];
		spec.state = it->ev.state;
		obj = cn_object_find_id(c, spec.type, spec.id.s);
		if (it->fold == CN_FOLD_ADD && !obj)
			(*fresh)++;
		if (!cn_object_unchanged(obj, &spec, gen)) {
			it->cand = cn_object_prepare(&spec);
			if (!it->cand)
				return -ENOMEM;
		}
	}
	it->ev.pl = cn_payload_new(c->id, payload, payload_len, &spec.id,
				   &spec.parent, &spec.name, &spec.type_name,
				   GFP_KERNEL_ACCOUNT);
	return it->ev.pl ? 0 : -ENOMEM;
}

static void cn_apply_event(struct cn_cluster *c, struct cn_post_item *it,
			   u64 *queued, u64 *lost)
{
	bool changed;

	if (it->fold == CN_FOLD_DELETE) {
		struct cn_object *obj;

		obj = cn_object_find_id(c, it->subject, cn_payload_id(it->ev.pl));
		if (obj)
			cn_object_delete(c, obj);
	} else if (it->cand) {
		cn_object_commit(c, it->cand, it->fold == CN_FOLD_ADD, &changed);
		it->cand = NULL;
	}
	it->ev.timestamp_ns = ktime_get_ns();
	cn_post_event(c, &it->ev, queued, lost);
}

static int cn_nl_post(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct cn_post_item *items;
	u64 queued = 0, lost = 0;
	struct cn_cluster *c;
	const struct nlattr *a;
	struct sk_buff *msg;
	int ret, n, i = 0, rem, fresh = 0;
	void *hdr;
	u32 gen;

	ret = cn_require(info, CLUSNOTIFY_A_CLUSTER_ID);
	if (ret)
		return ret;
	n = cn_list_len(info, CLUSNOTIFY_A_EVENT);
	if (n < 0)
		return n;
	items = kvcalloc(n, sizeof(*items), GFP_KERNEL_ACCOUNT);
	/*
	 * Sized exactly: the kernel zeroes allocations (init_on_alloc), and a
	 * page-sized reply was a tenth of a post's cost (bench/analysis.md).
	 */
	msg = genlmsg_new(nla_total_size(sizeof(u32)) +
			  2 * nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!items || !msg) {
		ret = -ENOMEM;
		goto out_free;
	}
	c = cn_cluster_session(nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]),
			       info->snd_portid);
	if (IS_ERR(c)) {
		ret = PTR_ERR(c);
		goto out_free;
	}
	/* The whole batch is checked and allocated before any of it applies. */
	gen = ++c->post_gen;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != CLUSNOTIFY_A_EVENT)
			continue;
		ret = cn_parse_event(c, a, &items[i++], gen, &fresh,
				     info->extack);
		if (ret)
			goto out_unlock;
	}
	if (c->nr_objects + fresh > READ_ONCE(cn_max_objects)) {
		NL_SET_ERR_MSG(info->extack, "max_objects reached");
		ret = -ENOSPC;
		goto out_unlock;
	}
	for (i = 0; i < n; i++)
		cn_apply_event(c, &items[i], &queued, &lost);
	ret = 0;
out_unlock:
	mutex_unlock(&c->lock);
	cn_cluster_put(c);
	if (ret)
		goto out_free;
	hdr = genlmsg_put_reply(msg, info, &cn_family, 0,
				CLUSNOTIFY_CMD_EVENT_POST);
	if (!hdr || nla_put_u32(msg, CLUSNOTIFY_A_POSTED, n) ||
	    nla_put_u64_64bit(msg, CLUSNOTIFY_A_QUEUED, queued,
			      CLUSNOTIFY_A_PAD) ||
	    nla_put_u64_64bit(msg, CLUSNOTIFY_A_LOST, lost, CLUSNOTIFY_A_PAD)) {
		ret = -EMSGSIZE;
		goto out_free;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;
out_free:
	for (i = 0; items && i < n; i++) {
		cn_object_discard(items[i].cand);
		cn_payload_put(items[i].ev.pl);
	}
	kvfree(items);
	nlmsg_free(msg);
	return ret;
}

static int cn_dump_one_port(struct cn_port *port, void *arg)
{
	struct cn_dump_ctx *ctx = arg;
	struct clusnotify_port_stats st;
	struct sk_buff *skb = ctx->skb;
	struct nlattr *nest;
	void *hdr;

	cn_port_stats(port, &st);
	hdr = genlmsg_put(skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &cn_family, NLM_F_MULTI,
			  CLUSNOTIFY_CMD_PORT_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CLUSNOTIFY_A_PORT);
	if (!nest ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_PORT_A_ID, port->id,
			      CLUSNOTIFY_PORT_A_PAD) ||
	    nla_put_u32(skb, CLUSNOTIFY_PORT_A_UID,
			from_kuid_munged(current_user_ns(), port->uid)) ||
	    nla_put_u32(skb, CLUSNOTIFY_PORT_A_PID, port->pid) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_PORT_A_QUEUED, st.queued,
			      CLUSNOTIFY_PORT_A_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_PORT_A_DELIVERED, st.delivered,
			      CLUSNOTIFY_PORT_A_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_PORT_A_LOST, st.lost,
			      CLUSNOTIFY_PORT_A_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_PORT_A_NEXT_SEQ, st.next_seq,
			      CLUSNOTIFY_PORT_A_PAD) ||
	    nla_put_u32(skb, CLUSNOTIFY_PORT_A_FILTERS, st.filters)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	ctx->cb->args[0] = port->id + 1;
	return 0;
}

static int cn_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cn_dump_ctx ctx = { skb, cb };
	int ret;

	ret = cn_ports_walk(cb->args[0], cn_dump_one_port, &ctx);
	if (ret && ret != -EMSGSIZE)
		return ret;
	return skb->len;
}

static const struct genl_ops cn_ops[] = {
	{
		.cmd = CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		.doit = cn_nl_register,
		.internal_flags = CN_GENL_ADMIN,
	},
	{
		.cmd = CLUSNOTIFY_CMD_CLUSTER_UNREGISTER,
		.doit = cn_nl_unregister,
		.internal_flags = CN_GENL_ADMIN,
	},
	{
		.cmd = CLUSNOTIFY_CMD_CLUSTER_GET,
		.doit = cn_nl_cluster_get,
		.dumpit = cn_nl_cluster_dump,
	},
	{
		.cmd = CLUSNOTIFY_CMD_OBJECT_PUBLISH,
		.doit = cn_nl_publish,
		.internal_flags = CN_GENL_ADMIN,
	},
	{
		.cmd = CLUSNOTIFY_CMD_OBJECT_REMOVE,
		.doit = cn_nl_remove,
		.internal_flags = CN_GENL_ADMIN,
	},
	{
		.cmd = CLUSNOTIFY_CMD_OBJECT_GET,
		.dumpit = cn_nl_object_dump,
	},
	{
		.cmd = CLUSNOTIFY_CMD_EVENT_POST,
		.doit = cn_nl_post,
		.internal_flags = CN_GENL_ADMIN,
	},
	{
		.cmd = CLUSNOTIFY_CMD_PORT_GET,
		.dumpit = cn_nl_port_dump,
	},
};

static struct genl_family cn_family __ro_after_init = {
	.name = CLUSNOTIFY_GENL_NAME,
	.version = CLUSNOTIFY_GENL_VERSION,
	.maxattr = CLUSNOTIFY_A_MAX,
	.policy = cn_policy,
	.pre_doit = cn_pre_doit,
	.ops = cn_ops,
	.n_ops = ARRAY_SIZE(cn_ops),
	.module = THIS_MODULE,
	/* Clusters are global, so the family lives in the initial netns. */
	.netnsok = false,
};

/* A released generic netlink socket ends the sessions it held. */
static int cn_netlink_notify(struct notifier_block *nb, unsigned long state,
			     void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    net_eq(n->net, &init_net))
		cn_clusters_session_end(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block cn_netlink_nb = {
	.notifier_call = cn_netlink_notify,
};

int cn_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&cn_netlink_nb);
	if (ret)
		return ret;
	ret = genl_register_family(&cn_family);
	if (ret)
		netlink_unregister_notifier(&cn_netlink_nb);
	return ret;
}

void cn_genl_exit(void)
{
	genl_unregister_family(&cn_family);
	netlink_unregister_notifier(&cn_netlink_nb);
}
