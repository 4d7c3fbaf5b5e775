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
#define CN_ALIGN8_C(x) (((x) + 7) & ~7)

/* The checks, in a function so that offsetof reads naturally. */
static inline void uapi_checks(void)
{
	CHECK(sizeof(struct clusnotify_info) == CLUSNOTIFY_INFO_SIZE_VER1);
	CHECK(offsetof(struct clusnotify_info, max_ring) ==
	      CLUSNOTIFY_INFO_SIZE_VER0);
	CHECK(offsetof(struct clusnotify_info, ring_default) ==
	      CLUSNOTIFY_INFO_SIZE_VER0 + 4);
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
	CHECK(sizeof(struct clusnotify_ring_setup) ==
	      CLUSNOTIFY_RING_SETUP_SIZE_VER0);
	CHECK(offsetof(struct clusnotify_ring_setup, mmap_size) == 8);
	CHECK(sizeof(struct clusnotify_record) == 96);
	/*
	 * The mapped ring's first page: the reader's fields (head, consumed)
	 * in the first 64-byte cache line, the kernel's from byte 64 on.
	 */
	CHECK(offsetof(struct clusnotify_ring, head) == 0);
	CHECK(offsetof(struct clusnotify_ring, consumed) == 8);
	CHECK(offsetof(struct clusnotify_ring, tail) == 64);
	CHECK(offsetof(struct clusnotify_ring, flags) == 68);
	CHECK(offsetof(struct clusnotify_ring, size) == 72);
	CHECK(offsetof(struct clusnotify_ring, data_offset) == 76);
	CHECK(sizeof(struct clusnotify_ring) == 80);
	/*
	 * The smallest ring is a power of two and holds the largest record
	 * (every string NAME_MAX, the largest payload) with an overflow
	 * record, no bigger, in front of it.
	 */
	CHECK((CLUSNOTIFY_RING_MIN & (CLUSNOTIFY_RING_MIN - 1)) == 0);
	CHECK(CLUSNOTIFY_RING_MIN >= 2 * (96 +
	      CN_ALIGN8_C(CLUSNOTIFY_PAYLOAD_MAX) +
	      4 * (CLUSNOTIFY_NAME_MAX + 1)));
	/* The new ioctls take the next numbers, in and out as documented. */
	CHECK(_IOC_NR(CLUSNOTIFY_IOC_RING_SETUP) == 0x08);
	CHECK(_IOC_DIR(CLUSNOTIFY_IOC_RING_SETUP) == (_IOC_READ | _IOC_WRITE));
	CHECK(_IOC_SIZE(CLUSNOTIFY_IOC_RING_SETUP) ==
	      CLUSNOTIFY_RING_SETUP_SIZE_VER0);
	CHECK(_IOC_NR(CLUSNOTIFY_IOC_RING_SYNC) == 0x09);
	CHECK(_IOC_DIR(CLUSNOTIFY_IOC_RING_SYNC) == _IOC_NONE);
	CHECK(_IOC_SIZE(CLUSNOTIFY_IOC_RING_SYNC) == 0);
	CHECK(_IOC_SIZE(CLUSNOTIFY_IOC_GET_INFO) == CLUSNOTIFY_INFO_SIZE_VER1);
	CHECK(CLUSNOTIFY_FEAT_RING == (1ULL << 5));
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
