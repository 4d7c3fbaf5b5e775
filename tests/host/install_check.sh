#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The library as a user installs it: make install into a scratch DESTDIR,
# then build and link the Windows-style example against the installed
# headers and library through pkg-config alone. Also: the CLI, the man
# pages (every man/*.[1-8] in its section), the udev rule and the
# modules-load.d snippet land where their consumers look, with the modes
# they need, and the CLI installed runs.
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
# mode: what each file must be (udev and systemd read their fixed
# directories whatever PREFIX is).
for spec in 755:usr/bin/clusnotify \
	644:usr/lib/udev/rules.d/60-clusnotify.rules \
	644:usr/lib/modules-load.d/clusnotify.conf \
	644:usr/share/man/man4/clusnotify.4 \
	644:usr/share/man/man7/clusnotify.7 \
	644:usr/share/man/man3/GetClusterNotifyV2.3; do
	f=${spec#*:}
	[ -f "$root/$f" ] || { echo "install_check: $f not installed" >&2; exit 1; }
	mode=$(stat -c %a "$root/$f")
	[ "$mode" = "${spec%%:*}" ] || {
		echo "install_check: $f has mode $mode, not ${spec%%:*}" >&2
		exit 1
	}
done
for page in "$top"/man/*.[1-8]; do
	[ -e "$page" ] || continue
	b=${page##*/}
	cmp -s "$page" "$root/usr/share/man/man${b##*.}/$b" || {
		echo "install_check: $b not installed as usr/share/man/man${b##*.}/$b" >&2
		exit 1
	}
done
grep -q '^clusnotify$' "$root/usr/lib/modules-load.d/clusnotify.conf" || {
	echo "install_check: modules-load.d snippet does not name clusnotify" >&2
	exit 1
}
grep -q '^KERNEL=="clusnotify", SUBSYSTEM=="misc", MODE="0666"$' \
	"$root/usr/lib/udev/rules.d/60-clusnotify.rules" || {
	echo "install_check: udev rule for /dev/clusnotify missing" >&2
	exit 1
}
"$root/usr/bin/clusnotify" --help >/dev/null || {
	echo "install_check: the installed clusnotify --help failed" >&2
	exit 1
}
# PREFIX moves what follows it, and only that.
make -s -C "$top" install DESTDIR="$root/p" PREFIX=/opt/cn >/dev/null
for f in opt/cn/bin/clusnotify opt/cn/share/man/man7/clusnotify.7 \
	opt/cn/lib/libclusapi.so.1 usr/lib/udev/rules.d/60-clusnotify.rules \
	usr/lib/modules-load.d/clusnotify.conf; do
	[ -e "$root/p/$f" ] || {
		echo "install_check: with PREFIX=/opt/cn, $f not installed" >&2
		exit 1
	}
done
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig"
# shellcheck disable=SC2046
cc -Wall -Werror -fshort-wchar -o "$root/notify_port" "$top/examples/notify_port.c" \
	$(pkg-config --cflags --libs libclusapi) -lpthread
readelf -d "$root/notify_port" | grep -q 'NEEDED.*libclusapi.so.1'
