#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The manual as installed: `make install` into a scratch DESTDIR, then
#  - every man/*.[1-8] is installed, and formats without a warning
#    (groff -ww, and man --warnings when man-db is there);
#  - every .so link page points at a page that is installed;
#  - every symbol libclusapi.so.1 exports (lib/libclusapi.map) and every
#    function <clusapi_linux.h> declares has a section-3 page, directly or
#    through a .so link, whose SYNOPSIS declares it exactly as the header
#    does (whitespace aside);
#  - every prototype in a section-3 SYNOPSIS is the header's.
# The comparison renders the SYNOPSIS with groff, so the macros used to
# write it do not matter.
set -u
top=${1:-.}
top=$(cd "$top" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/tap
: >"$out"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$out"; }
notok() {
	n=$((n + 1))
	echo "not ok $n - $1" >>"$out"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /' >>"$out"
	done
}
finish() {
	echo "TAP version 13"
	echo "1..$n"
	cat "$out"
	exit 0
}

root=$tmp/root
if ! make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	notok "make install" "$(cat "$tmp/install.log")"
	finish
fi
ok "make install"
mandir=$root/usr/share/man

# Per line: collapse whitespace, drop the spaces inside brackets and
# before commas.
norm() {
	sed -e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//' \
		-e 's/( /(/g' -e 's/ )/)/g' -e 's/ ,/,/g'
}

# The declaration of function $1 in the headers, normalized; empty if none.
# A declaration starts on a line that begins with its type (not a comment,
# a preprocessor line or a typedef) and ends at the first ';'.
header_proto() {
	for h in "$top/include/clusapi.h" "$top/include/clusapi_linux.h"; do
		awk -v fn="$1" '
			!inside && /^[A-Za-z_]/ && !/^typedef/ &&
			index($0, fn "(") {
				i = index($0, fn "(")
				c = i > 1 ? substr($0, i - 1, 1) : " "
				if (c == " " || c == "*") inside = 1
			}
			inside { buf = buf " " $0 }
			inside && /;/ { print buf; exit }
		' "$h"
	done | head -n 1 | sed 's/;.*//' | norm
}

# The prototypes of a page's SYNOPSIS, one per line, normalized.
synopsis_protos() {
	groff -man -Tascii -P-cbou -rLL=1000n "$1" 2>/dev/null |
		awk '/^SYNOPSIS$/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		grep -v '^[[:space:]]*#' | sed 's,/\*.*\*/,,g' | tr '\n' ' ' |
		tr ';' '\n' | grep '(' | norm
}

# The function name of a normalized prototype: the word before its "(".
proto_name() {
	sed 's/(.*//' | awk '{ print $NF }' | sed 's/^\**//'
}

# 1. Installed and clean.
for src in "$top"/man/*.[1-8]; do
	[ -e "$src" ] || continue
	b=$(basename "$src")
	s=${b##*.}
	inst=$mandir/man$s/$b
	if [ ! -f "$inst" ]; then
		notok "$b is installed in man$s"
		continue
	fi
	first=$(head -n 1 "$inst")
	case "$first" in
	.so\ *)
		target=${first#.so }
		if [ -f "$mandir/$target" ]; then
			ok "$b: .so $target exists"
		else
			notok "$b: .so $target exists"
		fi
		continue
		;;
	esac
	warn=$(cd "$mandir" && groff -man -ww -z "man$s/$b" 2>&1)
	if command -v man >/dev/null 2>&1; then
		warn2=$(cd "$mandir" && LC_ALL=C.UTF-8 MANWIDTH=80 \
			man --warnings -l "man$s/$b" 2>&1 >/dev/null)
		warn=$(printf '%s\n%s' "$warn" "$warn2" | sed '/^$/d')
	fi
	if [ -z "$warn" ]; then
		ok "$b formats without warnings"
	else
		notok "$b formats without warnings" "$warn"
	fi
done

# 2. Every prototype in a section-3 SYNOPSIS is the header's.
for page in "$mandir"/man3/*.3; do
	head -n 1 "$page" | grep -q '^\.so ' && continue
	b=$(basename "$page")
	# Rendered once; part 3 reads it again.
	synopsis_protos "$page" >"$tmp/syn.$b"
	if [ ! -s "$tmp/syn.$b" ]; then
		notok "$b: SYNOPSIS has prototypes"
		continue
	fi
	while IFS= read -r proto; do
		fn=$(echo "$proto" | proto_name)
		want=$(header_proto "$fn")
		if [ "$proto" = "$want" ]; then
			ok "$b: $fn as in the header"
		else
			notok "$b: $fn as in the header" "page:   $proto" \
				"header: ${want:-(not declared)}"
		fi
	done <"$tmp/syn.$b"
done

# 3. Every exported and every clusapi_linux.h function has its page.
{
	sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' "$top/lib/libclusapi.map"
	grep -E '^[a-z][^(]*[ *]clusnotify_[a-z0-9_]+\(' "$top/include/clusapi_linux.h" |
		grep -v '^typedef' | sed 's/(.*//' | awk '{ print $NF }' | sed 's/^\**//'
} | sort -u >"$tmp/functions"
if [ "$(wc -l <"$tmp/functions")" -lt 60 ]; then
	notok "found the library's functions" "only $(wc -l <"$tmp/functions")"
fi
while IFS= read -r fn; do
	page=$mandir/man3/$fn.3
	if [ ! -f "$page" ]; then
		notok "$fn has a page"
		continue
	fi
	first=$(head -n 1 "$page")
	case "$first" in
	.so\ *) page=$mandir/${first#.so } ;;
	esac
	if [ ! -f "$page" ]; then
		notok "$fn has a page" "$first: no such page"
		continue
	fi
	if [ -f "$tmp/syn.${page##*/}" ] &&
		proto_name <"$tmp/syn.${page##*/}" | grep -qx "$fn"; then
		ok "$fn has a page ($(basename "$page")) declaring it"
	else
		notok "$fn has a page ($(basename "$page")) declaring it"
	fi
done <"$tmp/functions"
finish
