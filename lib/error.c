// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The errno -> Win32 table, and GetLastError/SetLastError.
 *
 * Every Win32 code the library returns or leaves in the last error comes
 * from here, so the mapping is reviewed in one place. A missing object
 * depends on what was looked for (ERROR_GROUP_NOT_FOUND, ...); a cluster
 * that cannot be found or reached answers RPC_S_SERVER_UNAVAILABLE, what
 * Windows' clusapi.dll reports when it cannot reach a cluster by a name.
 */
#include <errno.h>
#include <stdlib.h>

#include "error.h"
#include "internal.h"

static __thread DWORD cn_last_error;

CN_EXPORT DWORD WINAPI GetLastError(void)
{
	return cn_last_error;
}

CN_EXPORT void WINAPI SetLastError(DWORD code)
{
	cn_last_error = code;
}

static DWORD cn_not_found(enum cn_ctx ctx)
{
	switch (ctx) {
	case CN_CTX_CLUSTER:
		return RPC_S_SERVER_UNAVAILABLE;
	case CN_CTX_NODE:
		return ERROR_CLUSTER_NODE_NOT_FOUND;
	case CN_CTX_GROUP:
		return ERROR_GROUP_NOT_FOUND;
	case CN_CTX_RESOURCE:
		return ERROR_RESOURCE_NOT_FOUND;
	case CN_CTX_NETWORK:
		return ERROR_CLUSTER_NETWORK_NOT_FOUND;
	case CN_CTX_NETINTERFACE:
		return ERROR_CLUSTER_NETINTERFACE_NOT_FOUND;
	case CN_CTX_GROUPSET:
		return ERROR_GROUPSET_NOT_FOUND;
	case CN_CTX_RESOURCE_TYPE:
		return ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
	case CN_CTX_KEY:
		return ERROR_FILE_NOT_FOUND;	/* as the registry says */
	case CN_CTX_PORT:
		return ERROR_INVALID_HANDLE;
	default:
		return ERROR_NOT_FOUND;
	}
}

static const struct {
	int err;
	DWORD code;
} cn_errno_table[] = {
	{ EACCES, ERROR_ACCESS_DENIED },
	{ EPERM, ERROR_ACCESS_DENIED },
	{ ESHUTDOWN, ERROR_INVALID_HANDLE },	/* port closed meanwhile */
	{ EBADF, ERROR_INVALID_HANDLE },
	{ ETIMEDOUT, WAIT_TIMEOUT },
	{ EMSGSIZE, ERROR_MORE_DATA },
	{ ENOBUFS, ERROR_MORE_DATA },
	{ ENOMEM, ERROR_NOT_ENOUGH_MEMORY },
	{ EINVAL, ERROR_INVALID_PARAMETER },
	{ EFAULT, ERROR_INVALID_PARAMETER },
	{ E2BIG, ERROR_INVALID_PARAMETER },
	{ ERANGE, ERROR_INVALID_PARAMETER },
	{ EILSEQ, ERROR_NO_UNICODE_TRANSLATION },
	{ ENAMETOOLONG, ERROR_INVALID_NAME },
	{ EMFILE, ERROR_TOO_MANY_OPEN_FILES },
	{ ENFILE, ERROR_TOO_MANY_OPEN_FILES },
	{ ENODEV, RPC_S_SERVER_UNAVAILABLE },	/* no module */
	{ ENXIO, RPC_S_SERVER_UNAVAILABLE },
	{ ENOTCONN, ERROR_CLUSTER_NODE_DOWN },	/* cluster down */
	{ EEXIST, ERROR_ALREADY_EXISTS },
	{ EBUSY, ERROR_BUSY },
	{ ENOTTY, ERROR_NOT_SUPPORTED },
	{ EOPNOTSUPP, ERROR_NOT_SUPPORTED },
	{ EAGAIN, WAIT_TIMEOUT },
};

DWORD cn_win32_error(int err, enum cn_ctx ctx)
{
	/* Either sign; unsigned so that INT_MIN does not overflow. */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	size_t i;

	if (!e)
		return ERROR_SUCCESS;
	if (e == ENOENT)
		return cn_not_found(ctx);
	for (i = 0; i < sizeof(cn_errno_table) / sizeof(cn_errno_table[0]); i++)
		if ((unsigned int)cn_errno_table[i].err == e)
			return cn_errno_table[i].code;
	return ERROR_GEN_FAILURE;
}

DWORD cn_set_error(int err, enum cn_ctx ctx)
{
	DWORD code = cn_win32_error(err, ctx);

	SetLastError(code);
	return code;
}
