/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel below the library: /dev/clusnotify and its ioctls, as -errno.
 */
#ifndef CN_KAPI_H
#define CN_KAPI_H

#include <stddef.h>
#include <stdint.h>
#include <linux/clusnotify.h>

/* A new port: an open file of the device (-errno on failure). */
int cn_kapi_port_open(void);
/*
 * The library's own descriptor, for lookups that need no port of the
 * caller's: opened on first use, kept for the process's life.
 */
int cn_kapi_ctl_fd(void);
/* ioctl(2) as 0/positive or -errno. */
int cn_kapi_ioctl(int fd, unsigned long cmd, void *arg);

int cn_kapi_cluster_lookup(uint32_t flags, uint32_t id, const char *name,
			   size_t name_len, struct clusnotify_cluster_query *q,
			   char *name_out, size_t name_out_size);
/*
 * Look an object up; *obj is malloc'ed (struct clusnotify_object and its
 * strings) and must be freed by the caller.
 */
int cn_kapi_object_lookup(uint32_t cluster_id, uint32_t type, uint32_t flags,
			  const char *key, size_t key_len,
			  struct clusnotify_object **obj);
/* The strings that follow a struct clusnotify_object. */
const char *cn_kapi_object_str(const struct clusnotify_object *o, int which);

enum { CN_STR_ID, CN_STR_PARENT, CN_STR_NAME, CN_STR_TYPE };

#endif /* CN_KAPI_H */
