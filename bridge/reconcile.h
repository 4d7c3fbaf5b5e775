/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reconcile.h: the first changes of a session that starts with no
 * previous snapshot, against what the kernel kept of the cluster.
 */
#ifndef BRIDGE_RECONCILE_H
#define BRIDGE_RECONCILE_H

#include <clusapi_linux.h>

#include "model.h"

/*
 * The changes that bring the cluster's directory in the kernel (listed
 * through p) to m: the whole directory for a cluster the kernel knows
 * no objects of, else the differences (see reconcile.c) followed by the
 * directory. bm_model_carry() is applied to m. NULL with *err = -errno
 * when the listing fails.
 */
GPtrArray *bm_fresh_start(clusnotify_producer *p, uint32_t cluster_id,
			  struct bm_model *m, int *err);

/* How many objects the kernel holds for the cluster, or -errno. */
int bm_kernel_objects(clusnotify_producer *p, uint32_t cluster_id);

#endif /* BRIDGE_RECONCILE_H */
