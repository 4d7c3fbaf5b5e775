/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi internals: the objects behind each kind of handle.
 */
#ifndef CN_INTERNAL_H
#define CN_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

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
};

/* cluster.c */
struct cn_cluster_h *cn_cluster_get(HCLUSTER h);
struct cn_object_h *cn_object_get(HANDLE h);
/* Post HANDLE_CLOSE for @token on every port that registered it. */
void cn_ports_handle_close(uintptr_t token);

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
