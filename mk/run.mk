# SPDX-License-Identifier: GPL-2.0
#
# The main job, until the simulator exists: boot the VM, load the module,
# run the raw-syscall reference flow (producer and consumer) against it and
# show what the module reports.
.PHONY: run
run: all
	scripts/vm-run --add $(BUILD)/selftests -- sh -c '\
		echo "== module parameters"; grep . /sys/module/clusnotify/parameters/*; \
		echo "== ABI reference flow"; /opt/selftests/abi_reference_test || exit 1; \
		echo "== kernel log"; dmesg | grep clusnotify'
