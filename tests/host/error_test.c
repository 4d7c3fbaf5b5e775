// SPDX-License-Identifier: GPL-2.0
/*
 * lib/error.c under AddressSanitizer and UBSan: the one errno -> Win32
 * table (every errno the kernel's ABI documents, both signs, the missing
 * object depending on what was looked for), cn_set_error, and the
 * thread-local GetLastError/SetLastError.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include <clusapi.h>
#include "error.h"
#include "internal.h"
#include "kselftest_harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What each errno must become. The kernel's (include/uapi/linux/
 * clusnotify.h) and the library's own errnos, with the Win32 code a
 * caller of clusapi.h expects for what the errno means there.
 */
static const struct {
	int err;
	DWORD code;
	const char *why;
} expected[] = {
	{ 0, ERROR_SUCCESS, "success" },
	{ EACCES, ERROR_ACCESS_DENIED, "the cluster's mode" },
	{ EPERM, ERROR_ACCESS_DENIED, "no privilege" },
	{ ESHUTDOWN, ERROR_INVALID_HANDLE, "port closed by another thread" },
	{ EBADF, ERROR_INVALID_HANDLE, "not a live handle" },
	{ ETIMEDOUT, WAIT_TIMEOUT, "GET timed out" },
	{ EAGAIN, WAIT_TIMEOUT, "nothing queued, not waiting" },
	{ EMSGSIZE, ERROR_MORE_DATA, "caller's buffer too small" },
	{ ENOBUFS, ERROR_MORE_DATA, "UTF-16 output too small" },
	{ ENOMEM, ERROR_NOT_ENOUGH_MEMORY, "out of memory" },
	{ EINVAL, ERROR_INVALID_PARAMETER, "bad argument" },
	{ EFAULT, ERROR_INVALID_PARAMETER, "bad pointer" },
	{ E2BIG, ERROR_INVALID_PARAMETER, "struct too big" },
	{ ERANGE, ERROR_INVALID_PARAMETER, "value out of range" },
	{ EILSEQ, ERROR_NO_UNICODE_TRANSLATION, "not UTF-8 / UTF-16" },
	{ ENAMETOOLONG, ERROR_INVALID_NAME, "name over NAME_MAX" },
	{ EMFILE, ERROR_TOO_MANY_OPEN_FILES, "max_ports, max_filters" },
	{ ENFILE, ERROR_TOO_MANY_OPEN_FILES, "system file table" },
	{ ENODEV, RPC_S_SERVER_UNAVAILABLE, "no module" },
	{ ENXIO, RPC_S_SERVER_UNAVAILABLE, "no device" },
	{ ENOTCONN, ERROR_CLUSTER_NODE_DOWN, "cluster down" },
	{ EEXIST, ERROR_ALREADY_EXISTS, "exists" },
	{ EBUSY, ERROR_BUSY, "busy" },
	{ ENOTTY, ERROR_NOT_SUPPORTED, "unknown ioctl" },
	{ EOPNOTSUPP, ERROR_NOT_SUPPORTED, "not supported" },
};

static const enum cn_ctx all_ctx[] = {
	CN_CTX_GENERIC, CN_CTX_CLUSTER, CN_CTX_NODE, CN_CTX_GROUP,
	CN_CTX_RESOURCE, CN_CTX_NETWORK, CN_CTX_NETINTERFACE, CN_CTX_GROUPSET,
	CN_CTX_RESOURCE_TYPE, CN_CTX_KEY, CN_CTX_PORT,
};

TEST(errno_table_both_signs)
{
	size_t i, c;

	for (i = 0; i < N(expected); i++) {
		for (c = 0; c < N(all_ctx); c++) {
			EXPECT_EQ(expected[i].code,
				  cn_win32_error(-expected[i].err, all_ctx[c]))
				TH_LOG("-%d (%s), context %zu", expected[i].err,
				       expected[i].why, c);
			EXPECT_EQ(expected[i].code,
				  cn_win32_error(expected[i].err, all_ctx[c]))
				TH_LOG("%d (%s), context %zu", expected[i].err,
				       expected[i].why, c);
		}
	}
}

TEST(missing_object_depends_on_what_was_looked_for)
{
	static const struct {
		enum cn_ctx ctx;
		DWORD code;
	} nf[] = {
		{ CN_CTX_GENERIC, ERROR_NOT_FOUND },
		{ CN_CTX_CLUSTER, RPC_S_SERVER_UNAVAILABLE },
		{ CN_CTX_NODE, ERROR_CLUSTER_NODE_NOT_FOUND },
		{ CN_CTX_GROUP, ERROR_GROUP_NOT_FOUND },
		{ CN_CTX_RESOURCE, ERROR_RESOURCE_NOT_FOUND },
		{ CN_CTX_NETWORK, ERROR_CLUSTER_NETWORK_NOT_FOUND },
		{ CN_CTX_NETINTERFACE, ERROR_CLUSTER_NETINTERFACE_NOT_FOUND },
		{ CN_CTX_GROUPSET, ERROR_GROUPSET_NOT_FOUND },
		{ CN_CTX_RESOURCE_TYPE, ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND },
		{ CN_CTX_KEY, ERROR_FILE_NOT_FOUND },
		{ CN_CTX_PORT, ERROR_INVALID_HANDLE },
	};
	size_t i;

	ASSERT_EQ(N(all_ctx), N(nf));
	for (i = 0; i < N(nf); i++) {
		EXPECT_EQ(nf[i].code, cn_win32_error(-ENOENT, nf[i].ctx))
			TH_LOG("context %d", nf[i].ctx);
		EXPECT_EQ(nf[i].code, cn_win32_error(ENOENT, nf[i].ctx))
			TH_LOG("context %d", nf[i].ctx);
	}
	/* The values are Windows' own. */
	EXPECT_EQ(2, ERROR_FILE_NOT_FOUND);
	EXPECT_EQ(1168, ERROR_NOT_FOUND);
	EXPECT_EQ(1722, RPC_S_SERVER_UNAVAILABLE);
	EXPECT_EQ(5007, ERROR_RESOURCE_NOT_FOUND);
	EXPECT_EQ(5013, ERROR_GROUP_NOT_FOUND);
	EXPECT_EQ(5042, ERROR_CLUSTER_NODE_NOT_FOUND);
	EXPECT_EQ(5045, ERROR_CLUSTER_NETWORK_NOT_FOUND);
	EXPECT_EQ(5047, ERROR_CLUSTER_NETINTERFACE_NOT_FOUND);
	EXPECT_EQ(5078, ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND);
	EXPECT_EQ(5992, ERROR_GROUPSET_NOT_FOUND);
}

TEST(anything_else_is_a_general_failure)
{
	static const int other[] = {
		EINTR, EIO, ENOSPC, EPIPE, EXDEV, EALREADY, EPROTO, EBADMSG,
		ENOSYS, ESRCH, 4095, INT_MAX,
	};
	size_t i;

	for (i = 0; i < N(other); i++) {
		EXPECT_EQ(ERROR_GEN_FAILURE, cn_win32_error(-other[i],
							    CN_CTX_GROUP))
			TH_LOG("errno %d", other[i]);
		EXPECT_EQ(ERROR_GEN_FAILURE, cn_win32_error(other[i],
							    CN_CTX_GENERIC))
			TH_LOG("errno %d", other[i]);
	}
	EXPECT_EQ(31, ERROR_GEN_FAILURE);
}

TEST(set_error_sets_the_last_error)
{
	SetLastError(12345);
	EXPECT_EQ(ERROR_MORE_DATA, cn_set_error(-EMSGSIZE, CN_CTX_PORT));
	EXPECT_EQ(ERROR_MORE_DATA, GetLastError());
	EXPECT_EQ(ERROR_GROUP_NOT_FOUND, cn_set_error(-ENOENT, CN_CTX_GROUP));
	EXPECT_EQ(ERROR_GROUP_NOT_FOUND, GetLastError());
	/* Success is set too: the caller asked for it. */
	EXPECT_EQ(ERROR_SUCCESS, cn_set_error(0, CN_CTX_GENERIC));
	EXPECT_EQ(ERROR_SUCCESS, GetLastError());
	SetLastError(0xffffffff);
	EXPECT_EQ(0xffffffff, GetLastError());
	/* cn_win32_error alone leaves it. */
	cn_win32_error(-EACCES, CN_CTX_GENERIC);
	EXPECT_EQ(0xffffffff, GetLastError());
}

#define NTHREADS 8
#define ROUNDS 100000

struct tl {
	pthread_barrier_t *bar;
	DWORD base;
	DWORD initial;
	int mismatches;
};

static void *tl_thread(void *arg)
{
	struct tl *t = arg;
	DWORD v;
	int i;

	t->initial = GetLastError();
	pthread_barrier_wait(t->bar);
	for (i = 0; i < ROUNDS; i++) {
		v = t->base + i;
		SetLastError(v);
		if (i % 7 == 0) {
			cn_set_error(-EBADF, CN_CTX_GENERIC);
			v = ERROR_INVALID_HANDLE;
		}
		if (GetLastError() != v)
			t->mismatches++;
	}
	return NULL;
}

TEST(last_error_is_per_thread)
{
	struct tl t[NTHREADS];
	pthread_barrier_t bar;
	pthread_t th[NTHREADS];
	int i;

	SetLastError(777);
	ASSERT_EQ(0, pthread_barrier_init(&bar, NULL, NTHREADS));
	for (i = 0; i < NTHREADS; i++) {
		t[i] = (struct tl){ .bar = &bar, .base = (i + 1) * 1000000u };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, tl_thread, &t[i]));
	}
	for (i = 0; i < NTHREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, t[i].initial) TH_LOG("thread %d", i);
		EXPECT_EQ(0, t[i].mismatches) TH_LOG("thread %d", i);
	}
	pthread_barrier_destroy(&bar);
	/* None of that reached this thread. */
	EXPECT_EQ(777, GetLastError());
}

TEST_HARNESS_MAIN
