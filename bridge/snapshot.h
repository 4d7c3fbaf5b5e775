/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot.h: a model from a CIB file, through crm_mon run on it.
 */
#ifndef BRIDGE_SNAPSHOT_H
#define BRIDGE_SNAPSHOT_H

#include "model.h"

/*
 * Read the CIB in path and run crm_mon --output-as=xml on it (CIB_file),
 * then parse both. crm_mon is $CLUSNOTIFY_CRM_MON if set, else found in
 * PATH. The model or NULL with *err a message the caller frees.
 */
struct bm_model *bm_snapshot_file(const char *path, char **err);

/* The same from a CIB held in memory. */
struct bm_model *bm_snapshot_xml(const char *cib_xml, char **err);

/*
 * The same without waiting: crm_mon runs as a child while the caller's
 * GLib main loop goes on, and done(model or NULL, err, data) is called
 * from that loop once it has exited. The model is the callee's to keep
 * (or free); err (a message, when the model is NULL) is freed after the
 * call. NULL with *err set when crm_mon cannot be started.
 */
typedef void bm_snapshot_done(struct bm_model *m, const char *err,
			      void *data);
struct bm_snapshot;
struct bm_snapshot *bm_snapshot_start(const char *cib_xml,
				      bm_snapshot_done *done, void *data,
				      char **err);

/*
 * Give up a snapshot in flight (the daemon is stopping): crm_mon is
 * killed, the CIB copy removed, and done is never called.
 */
void bm_snapshot_abort(struct bm_snapshot *s);

#endif /* BRIDGE_SNAPSHOT_H */
