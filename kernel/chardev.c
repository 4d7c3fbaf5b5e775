// SPDX-License-Identifier: GPL-2.0
/*
 * The consumer plane: /dev/clusnotify, one notification port per open(), and
 * its size-versioned ioctls.
 *
 * Every ioctl taking a struct is matched on its type, number and direction
 * only; the size bits are the caller's struct size, so an older or newer
 * userspace keeps working (seccomp's EA ioctl pattern). Input goes through
 * copy_struct_from_user(), which zero-fills a short struct and rejects a long
 * one whose unknown tail is not zero.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/termios.h>
#include <linux/miscdevice.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "clusnotify.h"

#define CN_IOC_BASE(cmd) ((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static int cn_copy_in(void *k, size_t ksize, size_t ver0, unsigned int cmd,
		      unsigned long arg)
{
	size_t usize = _IOC_SIZE(cmd);

	if (usize < ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(k, ksize, (void __user *)arg, usize);
}

/* Copy out what the caller's struct has room for, zeroing what we lack. */
static int cn_copy_out(unsigned long arg, const void *k, size_t ksize,
		       size_t ver0, unsigned int cmd)
{
	size_t usize = _IOC_SIZE(cmd);
	void __user *u = (void __user *)arg;

	if (usize < ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (copy_to_user(u, k, min(usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(u + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static void cn_fill_info(struct clusnotify_info *info)
{
	memset(info, 0, sizeof(*info));
	info->api_version = CLUSNOTIFY_API_VERSION;
	info->features = CLUSNOTIFY_FEAT_V1 | CLUSNOTIFY_FEAT_V2 |
			 CLUSNOTIFY_FEAT_REGISTRY | CLUSNOTIFY_FEAT_BATCH_READ |
			 CLUSNOTIFY_FEAT_LOST_COUNT | CLUSNOTIFY_FEAT_RING;
	info->max_records = READ_ONCE(cn_max_records);
	info->max_ports = READ_ONCE(cn_max_ports);
	info->max_filters = READ_ONCE(cn_max_filters);
	info->max_objects = READ_ONCE(cn_max_objects);
	info->max_clusters = READ_ONCE(cn_max_clusters);
	info->max_name = CLUSNOTIFY_NAME_MAX;
	info->max_payload = CLUSNOTIFY_PAYLOAD_MAX;
	info->max_batch = READ_ONCE(cn_max_batch);
	info->max_ring = READ_ONCE(cn_max_ring);
	info->ring_default = READ_ONCE(cn_ring_default);
}

static long cn_ioc_cluster_lookup(unsigned int cmd, unsigned long arg)
{
	struct clusnotify_cluster_query q;
	struct cn_str name = { "", 0 };
	char *buf = NULL;
	struct cn_cluster *c;
	u32 access, need;
	long ret;

	ret = cn_copy_in(&q, sizeof(q), CLUSNOTIFY_CLUSTER_QUERY_SIZE_VER0, cmd,
			 arg);
	if (ret)
		return ret;
	if (q.flags & ~(CLUSNOTIFY_LOOKUP_BY_NODE | CLUSNOTIFY_LOOKUP_BY_ID))
		return -EINVAL;
	if (q.name_len) {
		buf = cn_str_from_user(q.name, q.name_len, &name);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
	}
	c = cn_cluster_lookup(q.flags, q.cluster_id, name.s, name.len);
	kfree(buf);
	if (IS_ERR(c))
		return PTR_ERR(c);
	access = cn_cluster_access(c, current_cred());
	if (!access) {
		ret = -EACCES;
		goto out_put;
	}
	q.cluster_id = c->id;
	q.up = READ_ONCE(c->up);
	q.access = access;
	need = strlen(c->name) + 1;
	if (q.name_out && q.name_out_size < need)
		ret = -EMSGSIZE;
	else if (q.name_out &&
		 copy_to_user(u64_to_user_ptr(q.name_out), c->name, need))
		ret = -EFAULT;
	q.name_out_size = need;
	if (ret != -EFAULT &&
	    cn_copy_out(arg, &q, sizeof(q), CLUSNOTIFY_CLUSTER_QUERY_SIZE_VER0,
			cmd))
		ret = -EFAULT;
out_put:
	cn_cluster_put(c);
	return ret;
}

static struct cn_object *cn_find_any_type(struct cn_cluster *c,
					  const char *id)
{
	struct cn_object *obj;
	u32 type;

	for (type = 1; type <= CLUSNOTIFY_OBJ_MAX; type++) {
		obj = cn_object_find_id(c, type, id);
		if (obj)
			return obj;
	}
	return NULL;
}

static long cn_ioc_object_lookup(unsigned int cmd, unsigned long arg)
{
	struct clusnotify_object_query q;
	struct cn_object *obj;
	struct cn_cluster *c;
	struct cn_str key;
	bool by_id;
	char *buf;
	long ret;

	ret = cn_copy_in(&q, sizeof(q), CLUSNOTIFY_OBJECT_QUERY_SIZE_VER0, cmd,
			 arg);
	if (ret)
		return ret;
	if (q.__reserved || (q.flags & ~CLUSNOTIFY_LOOKUP_BY_ID))
		return -EINVAL;
	by_id = q.flags & CLUSNOTIFY_LOOKUP_BY_ID;
	if (q.type ? !cn_type_valid(q.type) : !by_id)
		return -EINVAL;
	buf = cn_str_from_user(q.key, q.key_len, &key);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	c = cn_cluster_get_by_id(q.cluster_id);
	if (!c) {
		ret = -ENOENT;
		goto out_free;
	}
	if (!(cn_cluster_access(c, current_cred()) & CLUSNOTIFY_ACCESS_READ)) {
		ret = -EACCES;
		goto out_put;
	}
	mutex_lock(&c->lock);
	if (!by_id)
		obj = cn_object_find_name(c, q.type, key.s);
	else if (q.type)
		obj = cn_object_find_id(c, q.type, key.s);
	else
		obj = cn_find_any_type(c, key.s);
	if (obj)
		ret = cn_object_to_user(obj, c->id, q.buf, &q.buf_size);
	else
		ret = -ENOENT;
	mutex_unlock(&c->lock);
	if ((!ret || ret == -EMSGSIZE) &&
	    cn_copy_out(arg, &q, sizeof(q), CLUSNOTIFY_OBJECT_QUERY_SIZE_VER0,
			cmd))
		ret = -EFAULT;
out_put:
	cn_cluster_put(c);
out_free:
	kfree(buf);
	return ret;
}

static long cn_ioc_add_filter(struct cn_port *port, unsigned int cmd,
			      unsigned long arg)
{
	struct clusnotify_filter f;
	long ret;

	ret = cn_copy_in(&f, sizeof(f), CLUSNOTIFY_FILTER_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	return cn_filter_add(port, &f);
}

static long cn_ioc_remove_filters(struct cn_port *port, unsigned int cmd,
				  unsigned long arg)
{
	struct clusnotify_remove r;
	long ret;

	ret = cn_copy_in(&r, sizeof(r), CLUSNOTIFY_REMOVE_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if (r.__reserved || (r.flags & ~CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE))
		return -EINVAL;
	return cn_filter_remove(port, r.token,
				r.flags & CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE);
}

static long cn_ioc_get(struct cn_port *port, unsigned int cmd,
		       unsigned long arg)
{
	struct clusnotify_get g;
	long ret;

	ret = cn_copy_in(&g, sizeof(g), CLUSNOTIFY_GET_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if ((g.flags & ~CLUSNOTIFY_GET_F_LIMITS) || g.__reserved ||
	    g.__reserved2)
		return -EINVAL;
	if (g.flags & CLUSNOTIFY_GET_F_LIMITS) {
		if (_IOC_SIZE(cmd) < CLUSNOTIFY_GET_SIZE_VER1)
			return -EINVAL;
	} else if (g.max_payload || g.max_id || g.max_parent || g.max_name ||
		   g.max_type) {
		return -EINVAL;
	}
	ret = cn_port_get(port, &g);
	/* buf_size is news on success and EMSGSIZE, timeout_ms on a signal */
	if ((!ret || ret == -EMSGSIZE || ret == -ERESTARTSYS) &&
	    cn_copy_out(arg, &g, sizeof(g), CLUSNOTIFY_GET_SIZE_VER0, cmd))
		ret = -EFAULT;
	return ret;
}

static long cn_ioc_ring_setup(struct cn_port *port, unsigned int cmd,
			      unsigned long arg)
{
	struct clusnotify_ring_setup rs;
	long ret;

	ret = cn_copy_in(&rs, sizeof(rs), CLUSNOTIFY_RING_SETUP_SIZE_VER0, cmd,
			 arg);
	if (ret)
		return ret;
	ret = cn_ring_setup(port, &rs);
	if (ret)
		return ret;
	/* The ring stays: a caller who cannot learn its size maps nothing. */
	return cn_copy_out(arg, &rs, sizeof(rs), CLUSNOTIFY_RING_SETUP_SIZE_VER0,
			   cmd);
}

static long cn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct cn_port *port = file->private_data;
	struct clusnotify_port_stats st;
	struct clusnotify_info info;
	unsigned int base = CN_IOC_BASE(cmd);
	bool shut = READ_ONCE(port->shut);

	switch (base) {
	case CN_IOC_BASE(CLUSNOTIFY_IOC_GET_INFO):
		cn_fill_info(&info);
		return cn_copy_out(arg, &info, sizeof(info),
				   CLUSNOTIFY_INFO_SIZE_VER0, cmd);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_PORT_STATS):
		cn_port_stats(port, &st);
		return cn_copy_out(arg, &st, sizeof(st),
				   CLUSNOTIFY_PORT_STATS_SIZE_VER0, cmd);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_CLUSTER_LOOKUP):
		return shut ? -ESHUTDOWN : cn_ioc_cluster_lookup(cmd, arg);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_OBJECT_LOOKUP):
		return shut ? -ESHUTDOWN : cn_ioc_object_lookup(cmd, arg);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_ADD_FILTER):
		return shut ? -ESHUTDOWN : cn_ioc_add_filter(port, cmd, arg);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_REMOVE_FILTERS):
		return shut ? -ESHUTDOWN :
			      cn_ioc_remove_filters(port, cmd, arg);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_GET):
		return shut ? -ESHUTDOWN : cn_ioc_get(port, cmd, arg);
	case CN_IOC_BASE(CLUSNOTIFY_IOC_RING_SETUP):
		return shut ? -ESHUTDOWN : cn_ioc_ring_setup(port, cmd, arg);
	}
	switch (cmd) {
	case CLUSNOTIFY_IOC_SHUTDOWN:
		if (shut)
			return -ESHUTDOWN;
		cn_port_shutdown(port);
		return 0;
	case CLUSNOTIFY_IOC_RING_SYNC:
		return shut ? -ESHUTDOWN : cn_ring_sync(port);
	case FIONREAD:
		if (shut)
			return -ESHUTDOWN;
		cn_port_stats(port, &st);
		return put_user((int)min_t(u64, st.queued_bytes, INT_MAX),
				(int __user *)arg);
	}
	return -ENOTTY;
}

static int cn_open(struct inode *inode, struct file *file)
{
	struct cn_port *port = cn_port_new();

	if (IS_ERR(port))
		return PTR_ERR(port);
	file->private_data = port;
	return stream_open(inode, file);
}

static int cn_release(struct inode *inode, struct file *file)
{
	cn_port_release(file->private_data);
	return 0;
}

static ssize_t cn_read(struct file *file, char __user *buf, size_t len,
		       loff_t *ppos)
{
	return cn_port_read(file->private_data, buf, len,
			    file->f_flags & O_NONBLOCK);
}

static int cn_mmap(struct file *file, struct vm_area_struct *vma)
{
	return cn_ring_mmap(file->private_data, vma);
}

static __poll_t cn_poll(struct file *file, struct poll_table_struct *wait)
{
	return cn_port_poll(file->private_data, file, wait);
}

static void cn_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct cn_port *port = file->private_data;
	struct clusnotify_port_stats st;
	struct cn_ring *ring;

	cn_port_stats(port, &st);
	seq_printf(m, "port-id:\t%llu\n", port->id);
	seq_printf(m, "queued:\t%llu\n", st.queued);
	seq_printf(m, "queued-bytes:\t%llu\n", st.queued_bytes);
	seq_printf(m, "delivered:\t%llu\n", st.delivered);
	seq_printf(m, "lost:\t%llu\n", st.lost);
	seq_printf(m, "next-seq:\t%llu\n", st.next_seq);
	seq_printf(m, "shutdown:\t%u\n", !!(st.flags & CLUSNOTIFY_PORT_F_SHUTDOWN));
	seq_printf(m, "filters:\t%u\n", st.filters);
	ring = cn_port_ring(port);
	seq_printf(m, "ring:\t%u\n", ring ? cn_ring_size(ring) : 0);
	cn_filter_show(m, port);
}

static const struct file_operations cn_fops = {
	.owner = THIS_MODULE,
	.open = cn_open,
	.release = cn_release,
	.read = cn_read,
	.poll = cn_poll,
	.mmap = cn_mmap,
	.unlocked_ioctl = cn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
	.show_fdinfo = cn_show_fdinfo,
};

static struct miscdevice cn_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = CLUSNOTIFY_DEVICE_NAME,
	.fops = &cn_fops,
	.mode = 0666,
};

int cn_chardev_init(void)
{
	return misc_register(&cn_misc);
}

void cn_chardev_exit(void)
{
	misc_deregister(&cn_misc);
}
