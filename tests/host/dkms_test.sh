#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS packaging for real: `make install-dkms` into a scratch DESTDIR,
# then dkms adds and builds that tree against the kernel the VM boots (the
# host kernel has no module support, so build only, never install), with
# DKMS's own trees in the scratch directory too, so nothing on the host
# changes. The built module must carry the name and version dkms.conf
# says. Takes about a minute (a full module build).
set -u
top=${1:-.}
top=$(cd "$top" && pwd)
echo "TAP version 13"
echo "1..3"

skip_all() {
	for i in 1 2 3; do
		echo "ok $i - dkms # SKIP $1"
	done
	exit 0
}

command -v dkms >/dev/null 2>&1 || skip_all "dkms not installed (apt-get install dkms)"
# The kernel the VM boots, as the Makefile picks it.
kver=$(cd /lib/modules 2>/dev/null && ls -d -- *-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$kver" ] || [ ! -e "/lib/modules/$kver/build/include" ]; then
	skip_all "no headers for a *-cloud-amd64 kernel in /lib/modules"
fi
version=$(sed -n 's/^VERSION := //p' "$top/Makefile")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/usr/src
dkmstree=$tmp/dkms
mkdir -p "$dkmstree"

if make -s -C "$top" install-dkms DESTDIR="$tmp" >"$tmp/install.log" 2>&1 &&
	[ -f "$src/clusnotify-$version/dkms.conf" ] &&
	grep -q "^PACKAGE_VERSION=\"$version\"$" "$src/clusnotify-$version/dkms.conf"; then
	echo "ok 1 - make install-dkms writes the sources and dkms.conf ($version)"
else
	echo "not ok 1 - make install-dkms writes the sources and dkms.conf ($version)"
	sed 's/^/# /' "$tmp/install.log"
fi

# sign_file pointing nowhere: DKMS would otherwise create a signing key in
# /var/lib/dkms, outside the scratch directory; signing is the host's
# policy, not the packaging's.
run_dkms() {
	sign_file=/nonexistent dkms "$@" -m clusnotify -v "$version" \
		--sourcetree "$src" --dkmstree "$dkmstree" >>"$tmp/dkms.log" 2>&1
}

if run_dkms add && run_dkms build -k "$kver"; then
	echo "ok 2 - dkms builds clusnotify $version for $kver"
else
	echo "not ok 2 - dkms builds clusnotify $version for $kver"
	sed 's/^/# /' "$tmp/dkms.log"
	find "$dkmstree" -name make.log -exec sed 's/^/# /' {} \;
fi

ko=$dkmstree/clusnotify/$version/$kver/$(uname -m)/module/clusnotify.ko
if [ -f "$ko" ] || [ -f "$ko.xz" ] || [ -f "$ko.zst" ] || [ -f "$ko.gz" ]; then
	for c in "$ko" "$ko.xz" "$ko.zst" "$ko.gz"; do
		[ -f "$c" ] && ko=$c && break
	done
	name=$(modinfo -F name "$ko" 2>/dev/null)
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null)
	case "$vermagic" in
	"$kver "*)
		if [ "$name" = clusnotify ]; then
			echo "ok 3 - the built module is clusnotify for $kver"
		else
			echo "not ok 3 - the built module is clusnotify for $kver (name '$name')"
		fi
		;;
	*)
		echo "not ok 3 - the built module is clusnotify for $kver (vermagic '$vermagic')"
		;;
	esac
else
	echo "not ok 3 - the built module is clusnotify for $kver (no $ko)"
	find "$dkmstree" | sed 's/^/# /'
fi
