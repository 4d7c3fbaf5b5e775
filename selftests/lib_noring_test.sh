#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A library selftest again with CLUSAPI_RING=0, so that libclusapi reads
# its ports by ioctl (GET, read()) as it does on a module without the
# mapped ring. Installed as <name>_noring_test, it runs <name>_test from
# the same directory; its TAP output is that test's.
dir=$(dirname "$0")
name=$(basename "$0")
exec env CLUSAPI_RING=0 "$dir/${name%_noring_test}_test" "$@"
