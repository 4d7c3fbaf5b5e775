#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clusnotify(1) on the host, which has no module: usage errors and their
# exit status (64), flag and type names, --help, --list-flags, batch files
# that do not parse (65, with the line), and "module not loaded" (1).
# usage: tests/host/cli_test.sh TOP
top=${1:-.}
C=$top/build/tools/clusnotify
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
failed=0

echo "TAP version 13"

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
}

# name rc stderr-text cmd...: exit status rc, the text on stderr, no stdout
expect_fail() {
	name=$1 want=$2 msg=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$msg" "$T/err" &&
	   [ ! -s "$T/out" ]; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc (want $want)" "stderr: $(cat "$T/err")" \
			"stdout: $(cat "$T/out")" "want: $msg"
	fi
}

# name cmd...: exit 0 and stdout starts with "usage: clusnotify"
expect_help() {
	name=$1
	shift
	if "$@" >"$T/out" 2>"$T/err" && head -n 1 "$T/out" | grep -q '^usage: clusnotify' &&
	   [ ! -s "$T/err" ]; then
		ok "$name"
	else
		not_ok "$name" "$(cat "$T/out" "$T/err")"
	fi
}

if [ ! -x "$C" ]; then
	echo "Bail out! $C not built (make cli)"
	exit 1
fi
if [ -e /dev/clusnotify ]; then
	echo "Bail out! /dev/clusnotify exists: this test needs a host without the module"
	exit 1
fi

expect_help "clusnotify --help" "$C" --help
for cmd in watch post clusters objects stat; do
	expect_help "clusnotify $cmd --help" "$C" $cmd --help
done
expect_fail "no command: usage, exit 64" 64 "usage: clusnotify COMMAND" "$C"
expect_fail "unknown command" 64 "clusnotify: unknown command 'frob'" "$C" frob
expect_fail "unknown option" 64 "clusnotify watch: unknown option '--frob'" "$C" watch --frob
expect_fail "missing option argument" 64 "clusnotify objects: option '-c' needs an argument" "$C" objects -c
expect_fail "unknown V1 flag" 64 "unknown V1 flag 'GROUP_STAT'" "$C" watch -e GROUP_STAT
expect_fail "unknown object type" 64 "unknown object type 'grp'" "$C" watch -T grp:state
expect_fail "V2 flag of another type" 64 "unknown V2 flag 'NETINTERFACE_ADDED' for type GROUP" \
	"$C" watch -T group:NETINTERFACE_ADDED
expect_fail "V1 and V2 mixed" 64 "-e (V1) and -T (V2) cannot be mixed" "$C" watch -e ALL -T group
expect_fail "V1 flag not for the object" 64 "none of the -e flags applies to --node n1" \
	"$C" watch -e group_state --node n1
expect_fail "--restype needs V2" 64 "--restype is V2 only" "$C" watch -e ALL --restype x
expect_fail "bad count" 64 "bad count '0'" "$C" watch -n 0
expect_fail "bad timeout" 64 "bad timeout '-1'" "$C" watch -t -1
expect_fail "post without a cluster" 64 "post needs -c CLUSTER" "$C" post event GROUP STATE id=g
expect_fail "post: bad mode" 64 "bad mode '0999'" "$C" post -c x --mode 0999
expect_fail "post: unknown field" 64 "unknown field 'colour'" "$C" post -c x object GROUP g colour=red
expect_fail "post: a property of a bad value" 64 "prop=Weight:dword:x: not a 32-bit unsigned number" \
	"$C" post -c x event GROUP COMMON_PROPERTY id=g prop=Weight:dword:x
expect_fail "post: payload= and prop= mixed" 64 "payload= and prop= cannot be mixed" \
	"$C" post -c x event GROUP COMMON_PROPERTY id=g prop=A:sz:b payload=00
expect_fail "post: V1-only event needs v1=" 64 "an event with no V2 flag ('-') needs v1=FLAG" \
	"$C" post -c x event NODE -

printf '# ok\nobject NODE n1 name=a\n\nevent GROUP STATE id=g1 name="unterminated\n' >"$T/b1"
expect_fail "batch: unterminated quote, with its line" 65 "$T/b1:4: unterminated quote (nothing was posted)" \
	"$C" post -c x -f "$T/b1"
printf 'object NODE n1\nevent NODE DELETED id=n1 v1=ALL\n' >"$T/b2"
expect_fail "batch: v1= takes one flag" 65 "$T/b2:2: unknown V1 flag 'ALL'" "$C" post -c x -f "$T/b2"

# --list-flags: every name it prints parses back, case-insensitively.
"$C" watch --list-flags >"$T/flags"
bad=""
while read -r kind a b c; do
	case $kind in
	v1) "$C" watch -e "$(echo "$a" | tr A-Z a-z)" --list-flags >/dev/null 2>&1 || bad="$bad $a" ;;
	v2) "$C" watch -T "$a:CLUSTER_CHANGE_$b" --list-flags >/dev/null 2>&1 ||
		"$C" watch -T "$a:CLUSTER_$b" --list-flags >/dev/null 2>&1 || bad="$bad $a:$b" ;;
	esac
done <"$T/flags"
if [ -z "$bad" ] && [ "$(grep -c '^v1 ' "$T/flags")" -eq 32 ] &&
   grep -qx 'v2 GROUP GROUP_STATE_V2 0x8' "$T/flags" &&
   grep -qx 'state RESOURCE OnlinePending 129' "$T/flags"; then
	ok "--list-flags: 32 V1 flags, V2 flags and states, each name parses"
else
	not_ok "--list-flags: 32 V1 flags, V2 flags and states, each name parses" "not parsed:$bad"
fi

expect_fail "watch without the module" 1 "module not loaded: run modprobe clusnotify" "$C" watch -t 1
expect_fail "clusters without the module" 1 "module not loaded: run modprobe clusnotify" "$C" clusters

# The plan last (TAP allows it): no count to keep in step by hand, and a
# run that dies midway has none, which fails it.
echo "1..$n"
[ $failed -eq 0 ]
