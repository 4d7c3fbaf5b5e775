// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel interface: opening ports and the lookup ioctls. Everything here
 * returns 0 (or a count) or -errno, and never sets errno for the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kapi.h"

#define CN_DEVICE "/dev/" CLUSNOTIFY_DEVICE_NAME

/*
 * No device node means no module: -ENODEV, not a missing object. Ports are
 * non-blocking for read(); GET has its own timeout and ignores the flag.
 */
int cn_kapi_port_open(void)
{
	int fd = open(CN_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd >= 0)
		return fd;
	return errno == ENOENT ? -ENODEV : -errno;
}

static pthread_mutex_t cn_ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int cn_ctl = -1;

int cn_kapi_ctl_fd(void)
{
	int fd = __atomic_load_n(&cn_ctl, __ATOMIC_ACQUIRE);

	if (fd >= 0)
		return fd;
	/* Not cached while it fails: the module may be loaded later. */
	pthread_mutex_lock(&cn_ctl_lock);
	if (cn_ctl < 0) {
		fd = cn_kapi_port_open();
		if (fd >= 0)
			__atomic_store_n(&cn_ctl, fd, __ATOMIC_RELEASE);
	} else {
		fd = cn_ctl;
	}
	pthread_mutex_unlock(&cn_ctl_lock);
	return fd;
}

int cn_kapi_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

int cn_kapi_cluster_lookup(uint32_t flags, uint32_t id, const char *name,
			   size_t name_len, struct clusnotify_cluster_query *q,
			   char *name_out, size_t name_out_size)
{
	int fd = cn_kapi_ctl_fd();

	if (fd < 0)
		return fd;
	memset(q, 0, sizeof(*q));
	q->name = (uintptr_t)name;
	q->name_len = name_len;
	q->flags = flags;
	q->cluster_id = id;
	q->name_out = (uintptr_t)name_out;
	q->name_out_size = name_out_size;
	return cn_kapi_ioctl(fd, CLUSNOTIFY_IOC_CLUSTER_LOOKUP, q);
}

int cn_kapi_object_lookup(uint32_t cluster_id, uint32_t type, uint32_t flags,
			  const char *key, size_t key_len,
			  struct clusnotify_object **obj)
{
	struct clusnotify_object_query q = {
		.cluster_id = cluster_id,
		.type = type,
		.flags = flags,
		.key = (uintptr_t)key,
		.key_len = key_len,
	};
	uint32_t size = 256;
	int fd = cn_kapi_ctl_fd(), ret;
	void *buf;

	if (fd < 0)
		return fd;
	for (;;) {
		buf = malloc(size);
		if (!buf)
			return -ENOMEM;
		q.buf = (uintptr_t)buf;
		q.buf_size = size;
		ret = cn_kapi_ioctl(fd, CLUSNOTIFY_IOC_OBJECT_LOOKUP, &q);
		if (!ret) {
			*obj = buf;
			return 0;
		}
		free(buf);
		/* Renamed to something longer meanwhile: ask again. */
		if (ret != -EMSGSIZE || q.buf_size <= size)
			return ret;
		size = q.buf_size;
	}
}

const char *cn_kapi_object_str(const struct clusnotify_object *o, int which)
{
	const char *p = (const char *)(o + 1);

	if (which > CN_STR_ID)
		p += o->id_len + 1;
	if (which > CN_STR_PARENT)
		p += o->parent_len + 1;
	if (which > CN_STR_NAME)
		p += o->name_len + 1;
	return p;
}
