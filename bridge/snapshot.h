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

/* The same from a CIB held in memory (the live path's query result). */
struct bm_model *bm_snapshot_xml(const char *cib_xml, char **err);

#endif /* BRIDGE_SNAPSHOT_H */
