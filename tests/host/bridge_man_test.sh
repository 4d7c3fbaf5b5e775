#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clusnotify-pacemaker(8) formats without a warning (groff, tbl), at the
# usual terminal width, and documents every option the program accepts.
# TAP output; $1 is the top of the repository.
top=$(cd "${1:-.}" && pwd)
page=$top/man/clusnotify-pacemaker.8
bin=$top/build/bridge/clusnotify-pacemaker
echo "TAP version 13"
echo "1..2"
if ! command -v man >/dev/null 2>&1; then
	echo "ok 1 - man page formats silently # SKIP man missing"
else
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	if [ -z "$warn" ]; then
		echo "ok 1 - man page formats silently"
	else
		echo "$warn" | sed 's/^/# /'
		echo "not ok 1 - man page formats silently"
	fi
fi
missing=""
for opt in $("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$page" ||
		missing="$missing $opt"
done
if [ -z "$missing" ] && "$bin" --help >/dev/null; then
	echo "ok 2 - every option is documented"
else
	echo "# not in the man page:$missing"
	echo "not ok 2 - every option is documented"
fi
