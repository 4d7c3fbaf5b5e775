#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Layer 3 of the Pacemaker bridge's tests, end to end in the VM: boot the
# Debian root filesystem of scripts/vm-rootfs (built once per machine,
# cached outside the clone) with the module, and run
# tests/vm/pacemaker_guest.sh in it: a real one-node Corosync + Pacemaker,
# the bridge posting through the producer API, and clusnotify watch
# receiving its events. TAP; $1 is the top of the repository. Skips, with
# the reason, when the image cannot be built (not root, no network to the
# Debian mirror) or a part is not built.
set -u
top=$(cd "${1:-.}" && pwd)
build=$top/build
plan=16

skip_all() {
	echo "TAP version 13"
	echo "1..$plan"
	for i in $(seq 1 $plan); do
		echo "ok $i - pacemaker in the VM # SKIP $1"
	done
	exit 0
}

bridge=$build/bridge/clusnotify-pacemaker
cli=$build/tools/clusnotify
for f in "$bridge" "$cli" "$build/module/clusnotify.ko"; do
	[ -e "$f" ] || skip_all "${f#$top/} not built (make all)"
done
# This clone's clusnotify(1) may still be the scaffold without watch.
if "$cli" watch --help 2>&1 | grep -q 'not built yet'; then
	skip_all "clusnotify watch is not built yet (tools/watch.c)"
fi

t0=$(date +%s.%N)
if img=$("$top/scripts/vm-rootfs" --check); then
	how="cached"
else
	[ "$(id -u)" -eq 0 ] || skip_all "the root filesystem image is not built and building it needs root (scripts/vm-rootfs)"
	timeout 1800 "$top/scripts/vm-rootfs" >"$build/vm-rootfs.out" 2>"$build/vm-rootfs.log"
	case $? in
	0) img=$(cat "$build/vm-rootfs.out"); how="built" ;;
	2|3) skip_all "cannot build the root filesystem image: $(tail -n 1 "$build/vm-rootfs.log")" ;;
	*) img="" ;;
	esac
fi
t1=$(date +%s.%N)

echo "TAP version 13"
echo "1..$plan"
if [ -z "$img" ]; then
	echo "not ok 1 - the root filesystem image builds (scripts/vm-rootfs)"
	tail -n 20 "$build/vm-rootfs.log" | sed 's/^/# /'
	for i in $(seq 2 $plan); do
		echo "not ok $i - pacemaker in the VM: no image"
	done
	exit 1
fi
echo "ok 1 - the root filesystem image is ready ($how)"
printf '# image %s (%s MB), %s in %.1f s\n' "$img" \
	"$(($(stat -c %s "$img") >> 20))" "$how" "$(echo "$t1 $t0" | awk '{ print $1 - $2 }')"

work=$(mktemp -d "${TMPDIR:-/tmp}/vm-pacemaker.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/e2e"
cp "$top/tests/vm/pacemaker_guest.sh" "$top/tests/vm/pcmk_cluster.sh" \
	"$bridge" "$cli" "$work/e2e/"

# 2 vCPUs and 1 GiB: Corosync and Pacemaker took about 305 MB.
"$top/scripts/vm-run" --rootfs "$img" --add "$work/e2e" --timeout 900 \
	--klog "$build/vm-pacemaker-kernel.log" \
	-- bash /opt/e2e/pacemaker_guest.sh /opt/e2e 1
rc=$?
t2=$(date +%s.%N)
printf '# VM run: %.1f s, vm-run exit %d\n' "$(echo "$t2 $t1" | awk '{ print $1 - $2 }')" "$rc"
exit $rc
