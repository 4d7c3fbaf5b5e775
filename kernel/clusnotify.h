/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CLUSNOTIFY_H
#define _CLUSNOTIFY_H

#include <linux/clusnotify.h>

extern unsigned int cn_max_records;
extern unsigned int cn_max_ports;
extern unsigned int cn_max_filters;
extern unsigned int cn_max_objects;
extern unsigned int cn_max_clusters;
extern unsigned int cn_max_batch;

int cn_chardev_init(void);
void cn_chardev_exit(void);

#endif /* _CLUSNOTIFY_H */
