#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Compiles include/clusapi.h the ways programs will: C (gnu11, c99 and c11
# -pedantic) and C++ (c++11, also -pedantic), each with and without
# -fshort-wchar, all with -Wall -Wextra -Werror; with -m32 as well when
# gcc-multilib is installed.  Every function is assigned to its PCLUSAPI_*
# typedef, so a prototype and its typedef cannot drift apart.  Then:
# a Windows-style program with L"..." literals under -fshort-wchar, the
# u"..." form without it, a lowered CLUSAPI_VERSION, NONAMELESSUNION, and
# a program whose own Win32 headers (as Wine's or mingw's) come first.
#
# Usage: tests/host/header_compile.sh [top_srcdir]   (CC, CXX honoured)
# Output is TAP; exits non-zero if any check fails.

set -u

top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
CC=${CC:-cc}
CXX=${CXX:-c++}
WARN="-Wall -Wextra -Werror"
INC="-I$top/include"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

pass=0
fail=0
skip=0
n=0

# check NAME COMMAND...: one TAP line; the compiler's output on failure
check()
{
	name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/log" 2>&1; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		sed -n 's/^/# /; 1,30p' "$tmp/log"
		fail=$((fail + 1))
	fi
}

skip_check()
{
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
	skip=$((skip + 1))
}

# Every function against its pointer typedef, and a few uses.
cat >"$tmp/decls.c" <<'EOF'
#include <clusapi.h>
#include <clusapi.h>	/* twice: the include guard */

typedef void (*any_fn)(void);	/* -Wcast-function-type exempts it */

int main(void)
{
	PCLUSAPI_OPEN_CLUSTER p1 = OpenCluster;
	PCLUSAPI_CLOSE_CLUSTER p2 = CloseCluster;
	PCLUSAPI_OPEN_CLUSTER_NODE p3 = OpenClusterNode;
	PCLUSAPI_CLOSE_CLUSTER_NODE p4 = CloseClusterNode;
	PCLUSAPI_GET_CLUSTER_NODE_STATE p5 = GetClusterNodeState;
	PCLUSAPI_OPEN_CLUSTER_GROUP p6 = OpenClusterGroup;
	PCLUSAPI_CLOSE_CLUSTER_GROUP p7 = CloseClusterGroup;
	PCLUSAPI_GET_CLUSTER_GROUP_STATE p8 = GetClusterGroupState;
	PCLUSAPI_OPEN_CLUSTER_RESOURCE p9 = OpenClusterResource;
	PCLUSAPI_CLOSE_CLUSTER_RESOURCE p10 = CloseClusterResource;
	PCLUSAPI_GET_CLUSTER_RESOURCE_STATE p11 = GetClusterResourceState;
	PCLUSAPI_OPEN_CLUSTER_NETWORK p12 = OpenClusterNetwork;
	PCLUSAPI_CLOSE_CLUSTER_NETWORK p13 = CloseClusterNetwork;
	PCLUSAPI_GET_CLUSTER_NETWORK_STATE p14 = GetClusterNetworkState;
	PCLUSAPI_OPEN_CLUSTER_NET_INTERFACE p15 = OpenClusterNetInterface;
	PCLUSAPI_CLOSE_CLUSTER_NET_INTERFACE p16 = CloseClusterNetInterface;
	PCLUSAPI_GET_CLUSTER_NET_INTERFACE_STATE p17 = GetClusterNetInterfaceState;
	PCLUSAPI_GET_CLUSTER_KEY p18 = GetClusterKey;
	PCLUSAPI_CLUSTER_REG_OPEN_KEY p19 = ClusterRegOpenKey;
	PCLUSAPI_CLUSTER_REG_CLOSE_KEY p20 = ClusterRegCloseKey;
	PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT p21 = CreateClusterNotifyPort;
	PCLUSAPI_REGISTER_CLUSTER_NOTIFY p22 = RegisterClusterNotify;
	PCLUSAPI_GET_CLUSTER_NOTIFY p23 = GetClusterNotify;
	PCLUSAPI_CLOSE_CLUSTER_NOTIFY_PORT p24 = CloseClusterNotifyPort;
	any_fn all[] = {
		(any_fn)p1, (any_fn)p2, (any_fn)p3, (any_fn)p4, (any_fn)p5,
		(any_fn)p6, (any_fn)p7, (any_fn)p8, (any_fn)p9, (any_fn)p10,
		(any_fn)p11, (any_fn)p12, (any_fn)p13, (any_fn)p14,
		(any_fn)p15, (any_fn)p16, (any_fn)p17, (any_fn)p18,
		(any_fn)p19, (any_fn)p20, (any_fn)p21, (any_fn)p22,
		(any_fn)p23, (any_fn)p24,
	};
#if CLUSAPI_VERSION >= CLUSAPI_VERSION_SERVER2008R2
	PCLUSAPI_OPEN_CLUSTER_EX e1 = OpenClusterEx;
	PCLUSAPI_OPEN_CLUSTER_NODE_EX e2 = OpenClusterNodeEx;
	PCLUSAPI_OPEN_CLUSTER_GROUP_EX e3 = OpenClusterGroupEx;
	PCLUSAPI_OPEN_CLUSTER_RESOURCE_EX e4 = OpenClusterResourceEx;
	PCLUSAPI_OPEN_CLUSTER_NETWORK_EX e5 = OpenClusterNetworkEx;
	PCLUSAPI_OPEN_CLUSTER_NETINTERFACE_EX e6 = OpenClusterNetInterfaceEx;
	any_fn ex[] = {
		(any_fn)e1, (any_fn)e2, (any_fn)e3, (any_fn)e4, (any_fn)e5,
		(any_fn)e6,
	};
#endif
#if CLUSAPI_VERSION >= CLUSAPI_VERSION_WINDOWS8
	PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT_V2 v1 = CreateClusterNotifyPortV2;
	PCLUSAPI_REGISTER_CLUSTER_NOTIFY_V2 v2 = RegisterClusterNotifyV2;
	PCLUSAPI_REGISTER_CLUSTER_RESOURCE_TYPE_NOTIFY_V2 v3 =
		RegisterClusterResourceTypeNotifyV2;
	PCLUSAPI_GET_NOTIFY_EVENT_HANDLE_V2 v4 = GetNotifyEventHandle;
	PCLUSAPI_GET_CLUSTER_NOTIFY_V2 v5 = GetClusterNotifyV2;
	any_fn v[] = {
		(any_fn)v1, (any_fn)v2, (any_fn)v3, (any_fn)v4, (any_fn)v5,
	};
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_ALL_V2 };
#endif
#if CLUSAPI_VERSION >= CLUSAPI_VERSION_WINTHRESHOLD
	PCLUSAPI_OPEN_CLUSTER_GROUP_GROUPSET g1 = OpenClusterGroupSet;
	PCLUSAPI_CLOSE_CLUSTER_GROUP_GROUPSET g2 = CloseClusterGroupSet;
	any_fn gs[] = { (any_fn)g1, (any_fn)g2 };
#endif
	CLUSPROP_BUFFER_HELPER b;
	DWORD filter = CLUSTER_CHANGE_ALL;
	int r = 0;

	b.pb = 0;
	r += b.pb == 0;
	r += sizeof(all) > 0;
#if CLUSAPI_VERSION >= CLUSAPI_VERSION_SERVER2008R2
	r += sizeof(ex) > 0;
#endif
#if CLUSAPI_VERSION >= CLUSAPI_VERSION_WINDOWS8
	r += sizeof(v) > 0;
	r += f.dwObjectType == 2;
#endif
#if CLUSAPI_VERSION >= CLUSAPI_VERSION_WINTHRESHOLD
	r += sizeof(gs) > 0;
#endif
	if (GetLastError() == ERROR_SUCCESS)
		SetLastError(ERROR_INVALID_HANDLE);
	return r + (filter == 0xFFFFFFFFu);
}
EOF
cp "$tmp/decls.c" "$tmp/decls.cpp"

# A Windows program, written the way MSDN's notification port example is.
cat >"$tmp/win.c" <<'EOF'
#include <clusapi.h>

#define NOTIFY_FILTER (CLUSTER_CHANGE_GROUP_ADDED | \
		       CLUSTER_CHANGE_GROUP_STATE | \
		       CLUSTER_CHANGE_RESOURCE_STATE | \
		       CLUSTER_CHANGE_HANDLE_CLOSE)

static DWORD watch(HCHANGE hPort)
{
	WCHAR szName[256];
	DWORD cchName, dwFilter, dwStatus;
	DWORD_PTR dwKey;

	do {
		cchName = sizeof(szName) / sizeof(szName[0]);
		dwStatus = GetClusterNotify(hPort, &dwKey, &dwFilter,
					    szName, &cchName, 2500);
		if (dwStatus == WAIT_TIMEOUT)
			continue;
		if (dwStatus != ERROR_SUCCESS)
			break;
		switch (dwFilter) {
		case CLUSTER_CHANGE_GROUP_STATE:
		case CLUSTER_CHANGE_RESOURCE_STATE:
			break;
		case CLUSTER_CHANGE_HANDLE_CLOSE:
			return ERROR_SUCCESS;
		}
	} while (dwStatus == ERROR_SUCCESS || dwStatus == WAIT_TIMEOUT);
	return dwStatus;
}

static DWORD watch_v2(HCLUSTER hCluster)
{
	NOTIFY_FILTER_AND_TYPE filters[] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2 },
	};
	NOTIFY_FILTER_AND_TYPE ft;
	BYTE buffer[512];
	WCHAR id[64], parent[64], name[64], type[64];
	DWORD cb = sizeof(buffer), cchId = 64, cchParent = 64;
	DWORD cchName = 64, cchType = 64, st;
	DWORD_PTR key;
	HANDLE hEvent;
	HCHANGE hPort;

	hPort = CreateClusterNotifyPortV2((HCHANGE)INVALID_HANDLE_VALUE,
					  hCluster, filters, 2, 0);
	if (!hPort)
		return GetLastError();
	st = GetNotifyEventHandle(hPort, &hEvent);
	if (st == ERROR_SUCCESS)
		st = GetClusterNotifyV2(hPort, &key, &ft, buffer, &cb,
					id, &cchId, parent, &cchParent,
					name, &cchName, type, &cchType,
					INFINITE);
	if (st == ERROR_SUCCESS && ft.FilterFlags == CLUSTER_CHANGE_GROUP_STATE_V2 &&
	    cb == sizeof(DWORD) && *(DWORD *)buffer == ClusterGroupOnline)
		st = ERROR_SUCCESS;
	CloseClusterNotifyPort(hPort);
	return st;
}

int main(void)
{
	static const WCHAR szGroup[] = L"SQL Server";
	HCLUSTER hCluster = OpenCluster(L"CLUSTER1");
	HGROUP hGroup;
	HCHANGE hPort;
	HKEY hKey, hSub;
	DWORD dwGranted, st;

	if (!hCluster)
		hCluster = OpenClusterEx(NULL, GENERIC_READ | MAXIMUM_ALLOWED,
					 &dwGranted);
	if (!hCluster)
		return (int)GetLastError();
	hGroup = OpenClusterGroup(hCluster, szGroup);
	hPort = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE,
					hCluster, NOTIFY_FILTER, NOTIFY_FILTER);
	if (hPort && hGroup)
		RegisterClusterNotify(hPort, CLUSTER_CHANGE_GROUP_STATE,
				      (HANDLE)hGroup, 1);
	hKey = GetClusterKey(hCluster, KEY_READ);
	if (hKey && ClusterRegOpenKey(hKey, L"Groups", KEY_READ, &hSub) ==
	    ERROR_SUCCESS)
		ClusterRegCloseKey(hSub);
	st = hPort ? watch(hPort) : GetLastError();
	if (hPort)
		CloseClusterNotifyPort(hPort);
	if (st == ERROR_SUCCESS)
		st = watch_v2(hCluster);
	if (hGroup)
		CloseClusterGroup(hGroup);
	CloseCluster(hCluster);
	return st == ERROR_SUCCESS ? 0 : 1;
}
EOF
cp "$tmp/win.c" "$tmp/win.cpp"

# Without -fshort-wchar the UTF-16 literals are u"...".
cat >"$tmp/u16.c" <<'EOF'
#include <clusapi.h>

int main(void)
{
	LPCWSTR name = u"Cluster Group";
	HCLUSTER h = OpenCluster(u"CLUSTER1");

	return h && OpenClusterGroup(h, name) ? 0 : 1;
}
EOF
cp "$tmp/u16.c" "$tmp/u16.cpp"

# Win32 headers first (Wine, mingw): nothing of theirs may be redefined.
cat >"$tmp/prior.c" <<'EOF'
#include <stdint.h>
#include <stddef.h>
#define _WINDEF_
#define _WINBASE_
#define _WINREG_
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef unsigned int DWORD, *PDWORD, *LPDWORD;
typedef uintptr_t DWORD_PTR;
typedef int BOOL;
typedef int LONG;
typedef unsigned int ULONG;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef void *PVOID, *LPVOID, *HANDLE, **PHANDLE, **LPHANDLE;
typedef uint16_t WCHAR, *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;
typedef struct HKEY__ *HKEY, **PHKEY;
typedef DWORD REGSAM;
typedef union _ULARGE_INTEGER {
	struct { DWORD LowPart; DWORD HighPart; } u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER;
typedef union _LARGE_INTEGER {
	struct { DWORD LowPart; LONG HighPart; } u;
	LONGLONG QuadPart;
} LARGE_INTEGER;
typedef struct _FILETIME { DWORD dwLowDateTime, dwHighDateTime; } FILETIME;
typedef struct _SECURITY_DESCRIPTOR_RELATIVE {
	BYTE Revision, Sbz1;
	WORD Control;
	DWORD Owner, Group, Sacl, Dacl;
} SECURITY_DESCRIPTOR_RELATIVE;
#define WINAPI
#define TRUE 1
#define FALSE 0
#define INFINITE 0xFFFFFFFF
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#define GENERIC_READ (0x80000000L)
#define KEY_READ ((0x00020000L | 0x0001 | 0x0008 | 0x0010) & ~0x00100000L)
#define ERROR_SUCCESS 0L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_MORE_DATA 234L
#define WAIT_TIMEOUT 258L
#define ERROR_GROUP_NOT_FOUND 5013L
DWORD WINAPI GetLastError(void);
#include <clusapi.h>

int main(void)
{
	return ERROR_MORE_DATA == 234 && CLUSTER_CHANGE_HANDLE_CLOSE != 0 ? 0 : 1;
}
EOF
cp "$tmp/prior.c" "$tmp/prior.cpp"

# Modes: C with and without -pedantic, C++ 11
cmodes="-std=gnu11|-std=c99 -pedantic|-std=c11 -pedantic"
cxxmodes="-std=c++11|-std=c++11 -pedantic"

run_modes()	# $1: extra flags (-m32 or empty), $2: label suffix
{
	old_ifs=$IFS
	IFS='|'
	for m in $cmodes; do
		for w in "" "-fshort-wchar"; do
			IFS=$old_ifs
			# shellcheck disable=SC2086
			check "C $m${w:+ $w}$2" $CC $m $w $1 $WARN $INC \
				-c "$tmp/decls.c" -o "$tmp/decls.o"
			IFS='|'
		done
	done
	for m in $cxxmodes; do
		for w in "" "-fshort-wchar"; do
			IFS=$old_ifs
			# shellcheck disable=SC2086
			check "C++ $m${w:+ $w}$2" $CXX $m $w $1 $WARN $INC \
				-c "$tmp/decls.cpp" -o "$tmp/decls.o"
			IFS='|'
		done
	done
	IFS=$old_ifs
}

run_modes "" ""

echo 'int main(void) { return 0; }' >"$tmp/m32.c"
if $CC -m32 "$tmp/m32.c" -o "$tmp/m32" >/dev/null 2>&1 &&
   $CXX -m32 -x c++ "$tmp/m32.c" -o "$tmp/m32" >/dev/null 2>&1; then
	run_modes "-m32" " -m32"
else
	skip_check "-m32 modes" "gcc-multilib not installed"
fi
# The header needs only <stddef.h> and <stdint.h>, which the compiler
# has: its i386 layout (static assertions) is checked even without
# multilib.
# shellcheck disable=SC2086
check "C11 -m32 -ffreestanding layout assertions" \
	$CC -std=c11 -pedantic -m32 -ffreestanding $WARN $INC \
	-fsyntax-only "$tmp/decls.c"
# shellcheck disable=SC2086
check "C++11 -m32 -ffreestanding layout assertions" \
	$CXX -std=c++11 -pedantic -m32 -ffreestanding $WARN $INC \
	-fsyntax-only "$tmp/decls.cpp"

# shellcheck disable=SC2086
check "Windows-style C program, L\"...\" with -fshort-wchar" \
	$CC -std=gnu11 -fshort-wchar $WARN $INC -c "$tmp/win.c" -o "$tmp/win.o"
# shellcheck disable=SC2086
check "Windows-style C++ program, L\"...\" with -fshort-wchar" \
	$CXX -std=c++11 -fshort-wchar $WARN $INC -c "$tmp/win.cpp" \
	-o "$tmp/win.o"
# shellcheck disable=SC2086
check "C u\"...\" literals without -fshort-wchar" \
	$CC -std=gnu11 $WARN $INC -c "$tmp/u16.c" -o "$tmp/u16.o"
# shellcheck disable=SC2086
check "C++ u\"...\" literals without -fshort-wchar" \
	$CXX -std=c++11 $WARN $INC -c "$tmp/u16.cpp" -o "$tmp/u16.o"
# shellcheck disable=SC2086
check "CLUSAPI_VERSION_SERVER2008 hides V2 and Ex" \
	$CC -std=c99 -pedantic -DCLUSAPI_VERSION=0x0600 $WARN $INC \
	-c "$tmp/decls.c" -o "$tmp/decls.o"
# shellcheck disable=SC2086
check "CLUSAPI_VERSION_SERVER2008R2" \
	$CXX -std=c++11 -DCLUSAPI_VERSION=0x0700 $WARN $INC \
	-c "$tmp/decls.cpp" -o "$tmp/decls.o"
# shellcheck disable=SC2086
check "NONAMELESSUNION" \
	$CC -std=c99 -pedantic -DNONAMELESSUNION $WARN $INC \
	-c "$tmp/decls.c" -o "$tmp/decls.o"
# shellcheck disable=SC2086
check "C with Win32 headers first" \
	$CC -std=gnu11 $WARN $INC -c "$tmp/prior.c" -o "$tmp/prior.o"
# shellcheck disable=SC2086
check "C++ with Win32 headers first" \
	$CXX -std=c++11 $WARN $INC -c "$tmp/prior.cpp" -o "$tmp/prior.o"

# The V2 API must really be gone below WINDOWS8.
cat >"$tmp/gated.c" <<'EOF'
#define CLUSAPI_VERSION 0x0700
#include <clusapi.h>
NOTIFY_FILTER_AND_TYPE f;
EOF
n=$((n + 1))
# shellcheck disable=SC2086
if $CC -std=gnu11 $WARN $INC -c "$tmp/gated.c" -o "$tmp/gated.o" \
	>/dev/null 2>&1; then
	echo "not ok $n - V2 types hidden below CLUSAPI_VERSION_WINDOWS8"
	fail=$((fail + 1))
else
	echo "ok $n - V2 types hidden below CLUSAPI_VERSION_WINDOWS8"
	pass=$((pass + 1))
fi

echo "1..$n"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
