// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify: module init/exit and the limits every other part enforces.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "clusnotify.h"

/*
 * The limits stop one local user from pinning unbounded kernel memory.
 * They are read with READ_ONCE() where they are enforced, so changing them
 * through /sys/module/clusnotify/parameters applies to later operations.
 */
unsigned int cn_max_records = 4096;
module_param_named(max_records, cn_max_records, uint, 0644);
MODULE_PARM_DESC(max_records, "Records queued per port before overflow (default 4096)");

unsigned int cn_max_ports = 1024;
module_param_named(max_ports, cn_max_ports, uint, 0644);
MODULE_PARM_DESC(max_ports, "Ports one user may hold open (default 1024)");

unsigned int cn_max_filters = 1024;
module_param_named(max_filters, cn_max_filters, uint, 0644);
MODULE_PARM_DESC(max_filters, "Filters per port (default 1024)");

unsigned int cn_max_objects = 65536;
module_param_named(max_objects, cn_max_objects, uint, 0644);
MODULE_PARM_DESC(max_objects, "Objects in one cluster's directory (default 65536)");

unsigned int cn_max_clusters = 64;
module_param_named(max_clusters, cn_max_clusters, uint, 0644);
MODULE_PARM_DESC(max_clusters, "Clusters registered at once (default 64)");

unsigned int cn_max_batch = 4096;
module_param_named(max_batch, cn_max_batch, uint, 0644);
MODULE_PARM_DESC(max_batch, "Events in one EVENT_POST (default 4096)");

/* Rings are pinned memory: a power of two, from CLUSNOTIFY_RING_MIN up. */
unsigned int cn_max_ring = 4U << 20;
module_param_named(max_ring, cn_max_ring, uint, 0644);
MODULE_PARM_DESC(max_ring, "Bytes of one port's mapped ring, at most (default 4 MiB)");

unsigned int cn_ring_default = 256U << 10;
module_param_named(ring_default, cn_ring_default, uint, 0644);
MODULE_PARM_DESC(ring_default, "Bytes of a ring set up with size 0 (default 256 KiB)");

static int __init cn_init(void)
{
	int ret;

	ret = cn_ports_init();
	if (ret)
		return ret;
	ret = cn_chardev_init();
	if (ret)
		goto err_ports;
	ret = cn_genl_init();
	if (ret)
		goto err_chardev;
	pr_info("loaded, API version %d\n", CLUSNOTIFY_API_VERSION);
	return 0;

err_chardev:
	cn_chardev_exit();
err_ports:
	cn_ports_exit();
	return ret;
}

/*
 * Open ports pin the module (fops.owner), so none is left here; producers
 * may still hold clusters, which go with the table.
 */
static void __exit cn_exit(void)
{
	cn_genl_exit();
	cn_chardev_exit();
	cn_clusters_exit();
	cn_ports_exit();
}

module_init(cn_init);
module_exit(cn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Windows Failover Cluster notification ports");
MODULE_AUTHOR("clusnotify developers");
