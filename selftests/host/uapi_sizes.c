// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi structs must have the sizes their *_SIZE_VER* constants state and
 * no compiler-inserted holes, so 32- and 64-bit userspace agree with the
 * kernel. Runs on the host; fails with the first mismatch it finds.
 */
#include <stddef.h>
#include <linux/clusnotify.h>

/*
 * Checked at compile time, so building this file for another ABI (-m32)
 * is itself the test; the program only exits 0.
 */
#define CHECK(cond) _Static_assert(cond, #cond)

/* The checks, in a function so that offsetof reads naturally. */
static inline void uapi_checks(void)
{
	CHECK(sizeof(struct clusnotify_info) == CLUSNOTIFY_INFO_SIZE_VER1);
	CHECK(offsetof(struct clusnotify_info, max_ring) ==
	      CLUSNOTIFY_INFO_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_ring_setup) ==
	      CLUSNOTIFY_RING_SETUP_SIZE_VER0);
	/* The reader's fields and the kernel's on separate cache lines. */
	CHECK(offsetof(struct clusnotify_ring, tail) == 64);
	CHECK(sizeof(struct clusnotify_ring) == 80);
	CHECK(sizeof(struct clusnotify_cluster_query) ==
	      CLUSNOTIFY_CLUSTER_QUERY_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_object_query) ==
	      CLUSNOTIFY_OBJECT_QUERY_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_filter) == CLUSNOTIFY_FILTER_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_remove) == CLUSNOTIFY_REMOVE_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_get) == CLUSNOTIFY_GET_SIZE_VER1);
	CHECK(offsetof(struct clusnotify_get, max_payload) ==
	      CLUSNOTIFY_GET_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_port_stats) ==
	      CLUSNOTIFY_PORT_STATS_SIZE_VER0);
	CHECK(sizeof(struct clusnotify_record) == 96);
	CHECK(sizeof(struct clusnotify_object) == 40);
	/* Every struct is a multiple of 8 bytes, its u64s 8-aligned. */
	CHECK(offsetof(struct clusnotify_record, seq) == 8);
	CHECK(offsetof(struct clusnotify_record, timestamp_ns) == 64);
	CHECK(offsetof(struct clusnotify_filter, mask) == 16);
	CHECK(offsetof(struct clusnotify_filter, object) == 40);
	CHECK(offsetof(struct clusnotify_cluster_query, name_out) == 32);
	CHECK(offsetof(struct clusnotify_object, state_seq) == 16);
}

int main(void)
{
	uapi_checks();
	return 0;
}
