/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Win32 error codes: the one translation from the kernel's and the
 * library's -errno values, and the thread-local last error.
 */
#ifndef CN_ERROR_H
#define CN_ERROR_H

#include <clusapi.h>

/* What kind of object a failing call was about: ENOENT depends on it. */
enum cn_ctx {
	CN_CTX_GENERIC,
	CN_CTX_CLUSTER,
	CN_CTX_NODE,
	CN_CTX_GROUP,
	CN_CTX_RESOURCE,
	CN_CTX_NETWORK,
	CN_CTX_NETINTERFACE,
	CN_CTX_GROUPSET,
	CN_CTX_RESOURCE_TYPE,
	CN_CTX_KEY,
	CN_CTX_PORT,
};

/* The Win32 code for an errno (either sign); 0 maps to ERROR_SUCCESS. */
DWORD cn_win32_error(int err, enum cn_ctx ctx);
/* SetLastError(cn_win32_error(err, ctx)) and return that code. */
DWORD cn_set_error(int err, enum cn_ctx ctx);

#endif /* CN_ERROR_H */
