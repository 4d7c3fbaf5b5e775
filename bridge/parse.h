/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h: one Pacemaker snapshot to the model. The resolved view (who
 * runs where, roles, failures, node states) comes from crm_mon's XML,
 * whose schema is versioned (/usr/share/pacemaker/api/); configuration
 * (attributes, crm_config, quorum) from the CIB it was computed from.
 */
#ifndef BRIDGE_PARSE_H
#define BRIDGE_PARSE_H

#include <libxml/tree.h>

#include "model.h"

/*
 * Fill m (new, empty) from mon (the output of crm_mon --output-as=xml)
 * and cib. 0, or -1 with *err a message the caller frees.
 */
int bm_parse(struct bm_model *m, xmlDoc *mon, xmlDoc *cib, char **err);

#endif /* BRIDGE_PARSE_H */
