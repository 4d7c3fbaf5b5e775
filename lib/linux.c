// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Consumer extensions of clusapi_linux.h: batch reads for high-rate
 * consumers, record iteration and port statistics. Return 0 (or a count)
 * or -errno, like the rest of clusapi_linux.h.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <clusapi_linux.h>

#include "internal.h"
#include "record.h"

static int64_t cn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Whole records into @buf (a batch: iterate with clusnotify_record_next),
 * waiting up to @timeout_ms (CLUSNOTIFY_INFINITE: forever) for the first.
 * Ports are non-blocking, so a record another thread took between poll and
 * read only means waiting again.
 */
CN_EXPORT ssize_t clusnotify_port_read(void *port, void *buf, size_t len,
				       uint32_t timeout_ms)
{
	struct cn_hobj *obj = cn_handle_get(port, CN_H_PORT);
	int64_t deadline = cn_now_ms() + timeout_ms;
	struct cn_port_h *p;
	ssize_t ret;

	if (!obj)
		return -EBADF;
	p = caa_container_of(obj, struct cn_port_h, h);
	if (p->ring) {
		ret = cn_ring_read(p->ring, p->fd, buf, len, timeout_ms);
		cn_hobj_put(obj);
		return ret;
	}
	for (;;) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		int wait = -1;

		ret = read(p->fd, buf, len);
		if (ret > 0)
			break;
		if (ret == 0) {
			ret = -ESHUTDOWN;	/* closed by another thread */
			break;
		}
		if (errno != EAGAIN && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (timeout_ms != CLUSNOTIFY_INFINITE) {
			int64_t left = deadline - cn_now_ms();

			if (left <= 0) {
				ret = -ETIMEDOUT;
				break;
			}
			wait = left > 0x7fffffff ? 0x7fffffff : (int)left;
		}
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
	}
	cn_hobj_put(obj);
	return ret;
}

CN_EXPORT int clusnotify_record_next(const void *buf, size_t len, size_t *off,
				     struct clusnotify_record_view *view)
{
	struct cn_record_view v;
	int ret = cn_record_next(buf, len, off, &v);

	if (ret > 0) {
		view->hdr = v.hdr;
		view->payload = v.payload;
		view->id = v.id;
		view->parent = v.parent;
		view->name = v.name;
		view->type = v.type;
	}
	return ret;
}

CN_EXPORT int clusnotify_port_stats(void *port,
				    struct clusnotify_port_stats *stats)
{
	struct cn_hobj *obj = cn_handle_get(port, CN_H_PORT);
	int ret;

	if (!obj)
		return -EBADF;
	ret = cn_kapi_ioctl(caa_container_of(obj, struct cn_port_h, h)->fd,
			    CLUSNOTIFY_IOC_PORT_STATS, stats);
	cn_hobj_put(obj);
	return ret;
}
