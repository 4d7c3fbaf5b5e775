#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The library's ABI: every symbol libclusapi.so.1 exports is listed in
# lib/libclusapi.map and carries the LIBCLUSAPI_1.0 version, and every
# listed symbol exists, and every function the objects mark for export
# (default visibility) is listed, so none is localized by mistake
# (libbpf's check_abi idea); and the soname is right.
set -eu
top=${1:-.}
so=$top/build/lib/libclusapi.so.1
map=$top/lib/libclusapi.map
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
readelf -d "$so" | grep -q 'SONAME.*\[libclusapi.so.1\]'
nm -D --defined-only "$so" | awk '$3 !~ /^LIBCLUSAPI/ { print $3 }' | sort >"$tmp/exported"
grep -v '@@LIBCLUSAPI_1.0$' "$tmp/exported" | grep . && {
	echo "abi_check: unversioned exports above" >&2
	exit 1
}
sed 's/@@.*//' "$tmp/exported" | sort >"$tmp/names"
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' "$map" | sort >"$tmp/listed"
if ! cmp -s "$tmp/names" "$tmp/listed"; then
	echo "abi_check: exported (<) vs listed in $map (>):" >&2
	diff "$tmp/names" "$tmp/listed" >&2
	exit 1
fi
readelf -Ws "$top"/build/lib/*.o |
	awk '$4 == "FUNC" && $5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" { print $8 }' |
	sort -u >"$tmp/marked"
if ! cmp -s "$tmp/marked" "$tmp/listed"; then
	echo "abi_check: marked for export (<) vs listed in $map (>):" >&2
	diff "$tmp/marked" "$tmp/listed" >&2
	exit 1
fi
