// SPDX-License-Identifier: GPL-2.0
/*
 * The consumer plane: /dev/clusnotify, one notification port per open().
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>

#include "clusnotify.h"

static void cn_fill_info(struct clusnotify_info *info)
{
	memset(info, 0, sizeof(*info));
	info->api_version = CLUSNOTIFY_API_VERSION;
	info->features = CLUSNOTIFY_FEAT_V1 | CLUSNOTIFY_FEAT_V2;
	info->max_records = READ_ONCE(cn_max_records);
	info->max_ports = READ_ONCE(cn_max_ports);
	info->max_filters = READ_ONCE(cn_max_filters);
	info->max_objects = READ_ONCE(cn_max_objects);
	info->max_clusters = READ_ONCE(cn_max_clusters);
	info->max_name = CLUSNOTIFY_NAME_MAX;
	info->max_payload = CLUSNOTIFY_PAYLOAD_MAX;
	info->max_batch = READ_ONCE(cn_max_batch);
}

static long cn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct clusnotify_info info;

	switch (cmd) {
	case CLUSNOTIFY_IOC_GET_INFO:
		cn_fill_info(&info);
		if (copy_to_user((void __user *)arg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	}
	return -ENOTTY;
}

static const struct file_operations cn_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = cn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice cn_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = CLUSNOTIFY_DEVICE_NAME,
	.fops = &cn_fops,
	.mode = 0666,
};

int cn_chardev_init(void)
{
	return misc_register(&cn_misc);
}

void cn_chardev_exit(void)
{
	misc_deregister(&cn_misc);
}
