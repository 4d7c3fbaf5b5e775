#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The library as a user installs it: make install into a scratch DESTDIR,
# then build and link the Windows-style example against the installed
# headers and library through pkg-config alone.
set -eu
top=${1:-.}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >/dev/null
for f in usr/lib/libclusapi.so.1 usr/lib/libclusapi.so usr/lib/libclusapi.a \
	usr/include/clusapi.h usr/include/clusapi_linux.h \
	usr/include/linux/clusnotify.h usr/lib/pkgconfig/libclusapi.pc; do
	[ -e "$root/$f" ] || { echo "install_check: $f not installed" >&2; exit 1; }
done
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig"
# shellcheck disable=SC2046
cc -Wall -Werror -fshort-wchar -o "$root/notify_port" "$top/examples/notify_port.c" \
	$(pkg-config --cflags --libs libclusapi) -lpthread
readelf -d "$root/notify_port" | grep -q 'NEEDED.*libclusapi.so.1'
