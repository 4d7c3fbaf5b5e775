/* SPDX-License-Identifier: GPL-2.0 */
/*
 * corosync.h: Corosync's links and node addresses as networks and
 * network interfaces, read from cmap.
 */
#ifndef BRIDGE_COROSYNC_H
#define BRIDGE_COROSYNC_H

#include "model.h"

/* Connections to Corosync's maps, kept from one read to the next. */
struct bm_corosync;
struct bm_corosync *bm_corosync_new(void);
void bm_corosync_free(struct bm_corosync *c);

/*
 * Add a network per knet link of the nodelist and an interface per
 * node address on it, with their states as this node's Corosync sees
 * them (stats.knet.node<id>.link<n>.connected), to m; then rebuild its
 * registry view. Connects c when it is not (again, once, when Corosync
 * restarted). 0, or -1 with *err a message the caller frees (no
 * Corosync to ask).
 */
int bm_corosync_read(struct bm_corosync *c, struct bm_model *m, char **err);

#endif /* BRIDGE_COROSYNC_H */
