/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi internals: the objects behind each kind of handle.
 */
#ifndef CN_INTERNAL_H
#define CN_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <clusapi.h>
#include <linux/clusnotify.h>

#include "error.h"
#include "handle.h"
#include "kapi.h"

/* Symbols are hidden unless marked (and listed in libclusapi.map). */
#define CN_EXPORT __attribute__((visibility("default")))

/* An HCLUSTER: one cluster of the kernel, as opened with some access. */
struct cn_cluster_h {
	struct cn_hobj h;
	uint32_t cluster_id;
	DWORD granted;		/* GENERIC_READ or GENERIC_ALL */
	char *name;		/* UTF-8 */
};

/*
 * An HNODE, HGROUP, HRESOURCE, HNETWORK, HNETINTERFACE, HGROUPSET or HKEY:
 * one object of a cluster's directory, kept by its id so a rename does not
 * lose it. It holds a reference on its cluster's object; CloseCluster
 * closes it.
 */
struct cn_object_h {
	struct cn_hobj h;
	struct cn_cluster_h *cluster;
	uint32_t objtype;	/* CLUSNOTIFY_OBJ_* */
	char *id;		/* UTF-8; "" is the registry root */
};

/*
 * An HCHANGE: one open file of /dev/clusnotify. A port is V1 or V2 by the
 * call that created it. The descriptor is closed only when the last
 * reference goes, so a thread blocked in GetClusterNotify while another
 * closes the port wakes on the shut-down port, never on a reused fd.
 */
struct cn_port_h {
	struct cn_hobj h;
	int fd;
	int version;		/* CLUSNOTIFY_FILTER_V1 or _V2 */
	struct cn_ring *ring;	/* the mapped ring, or NULL: GET and read() */
};

/* cluster.c */
struct cn_cluster_h *cn_cluster_get(HCLUSTER h);
struct cn_object_h *cn_object_get(HANDLE h);
/* Post HANDLE_CLOSE for @token on every port that registered it. */
void cn_ports_handle_close(uintptr_t token);

/*
 * ring.c: a port's mapped ring. Every function but cn_ring_attach and
 * cn_ring_free returns -errno, never sets errno.
 */
struct cn_ring;
struct cn_record_view;
/*
 * Give the fresh port @fd (no filter yet) a mapped ring when the module
 * offers one and CLUSAPI_RING is not "0". Returns 0 with *ring set, or
 * NULL when the port stays on the ioctl path (no ring offered, wanted or
 * granted). A negative errno means the kernel gave @fd a ring that could
 * not be mapped: @fd can then no longer be read at all, and must be
 * closed and replaced by a fresh port.
 */
int cn_ring_attach(int fd, struct cn_ring **ring);
/* Unmap and free (NULL is fine): only once no reader can be inside. */
void cn_ring_free(struct cn_ring *r);
/*
 * Wait up to @timeout_ms (0: not at all; CLUSNOTIFY_INFINITE: forever,
 * with poll() on @fd, the port's descriptor) for the record at the head.
 * Returns 0 with the ring's lock held and *v the validated record, still
 * in the ring: then cn_ring_take (or not) and cn_ring_unlock. Else the
 * lock is not held and: -ETIMEDOUT, -ESHUTDOWN (the port was shut down,
 * also while waiting), -EPROTO (the ring holds bytes that are no record),
 * or another -errno.
 */
int cn_ring_wait(struct cn_ring *r, int fd, uint32_t timeout_ms,
		 struct cn_record_view *v);
/* Consume the record cn_ring_wait returned (lock held). */
void cn_ring_take(struct cn_ring *r, const struct cn_record_view *v);
void cn_ring_unlock(struct cn_ring *r);
/*
 * clusnotify_port_read on a ring: copy and consume as many whole records
 * as fit in buf[0..len), waiting for the first as cn_ring_wait. Returns
 * the bytes copied, -EMSGSIZE (nothing consumed) if the first record does
 * not fit, or cn_ring_wait's errors.
 */
ssize_t cn_ring_read(struct cn_ring *r, int fd, void *buf, size_t len,
		     uint32_t timeout_ms);

/* utf16.c glue for WCHAR, which is a 16-bit unit whatever its C type. */
#define CN_U16(p) ((uint16_t *)(p))
#define CN_CU16(p) ((const uint16_t *)(p))

#ifndef ERROR_GEN_FAILURE
#define ERROR_GEN_FAILURE 31L
#endif
#ifndef ERROR_INVALID_DATA
#define ERROR_INVALID_DATA 13L
#endif

#endif /* CN_INTERNAL_H */
