/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h: changes as JSON lines (the dry run) or through the producer
 * API (the real thing).
 */
#ifndef BRIDGE_OUTPUT_H
#define BRIDGE_OUTPUT_H

#include <stdio.h>
#include <stdint.h>

#include <clusapi_linux.h>

#include "diff.h"

/*
 * One JSON object per line, keys in a fixed order:
 *   {"publish":"NODE","id":"1","name":"node1","state":"Up"}
 *   {"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"1",...,"props":{...}}
 *   {"remove":"REGISTRY","id":"Resources\\r1"}
 * and for a registration {"register":"name"}, for the end of a session
 * (the cluster goes down) {"down":"name"}.
 */
void bm_print_changes(FILE *f, const GPtrArray *changes);
void bm_print_register(FILE *f, const char *cluster);
void bm_print_down(FILE *f, const char *cluster);

/*
 * Apply changes to a registered cluster in order: runs of publishes,
 * events and removes each go in one call. 0 or -errno, with *what
 * naming the call that failed.
 */
int bm_post_changes(clusnotify_producer *p, uint32_t cluster_id,
		    const GPtrArray *changes, const char **what);

/*
 * clusnotify_producer_open, saying on stderr why it failed (the module
 * not loaded, most likely). 0 or -errno.
 */
int bm_producer_open(clusnotify_producer **p);

#endif /* BRIDGE_OUTPUT_H */
