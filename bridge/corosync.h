/* SPDX-License-Identifier: GPL-2.0 */
/*
 * corosync.h: Corosync's links and node addresses as networks and
 * network interfaces, read from cmap.
 */
#ifndef BRIDGE_COROSYNC_H
#define BRIDGE_COROSYNC_H

#include "model.h"

/*
 * Add a network per knet link of the nodelist and an interface per
 * node address on it, with their states as this node's Corosync sees
 * them (stats.knet.node<id>.link<n>.connected), to m; then rebuild its
 * registry view. 0, or -1 with *err a message the caller frees (no
 * Corosync to ask).
 */
int bm_corosync_read(struct bm_model *m, char **err);

#endif /* BRIDGE_COROSYNC_H */
