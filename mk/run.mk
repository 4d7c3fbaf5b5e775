# SPDX-License-Identifier: GPL-2.0
#
# make run: the README's first command. Boots the VM, loads the module and
# plays the simulator's scripted day (clusnotify sim --script day, see
# man/clusnotify-sim.1) with the examples listening beside it
# (scripts/run-day). Exits non-zero if any part of the story went missing.
# RUN_DAY_PACE=MS sets the pause between the day's steps (default 200).
RUN_DIR := $(BUILD)/run
RUN_EXAMPLES := example_notify_port example_v2_listener

.PHONY: run
run: all $(CLI_BIN)
	@rm -rf $(RUN_DIR) && mkdir -p $(RUN_DIR)
	@cp scripts/run-day $(CLI_BIN) $(RUN_DIR)/
	@for f in $(RUN_EXAMPLES); do \
		if [ -x $(BUILD)/selftests/$$f ]; then cp $(BUILD)/selftests/$$f $(RUN_DIR)/; fi; \
	done
	@scripts/vm-run --timeout 300 --add $(RUN_DIR) -- env RUN_DAY_PACE=$(or $(RUN_DAY_PACE),200) /opt/run/run-day

# make run-pacemaker: the same kind of story told by a real one-node
# Corosync + Pacemaker through clusnotify-pacemaker, in the VM booted on
# the Debian image of scripts/vm-rootfs (built the first time, as root,
# about 2.5 minutes), with examples/v2_listener and clusnotify watch
# listening (scripts/run-pacemaker). Exits non-zero if a step never
# reached them. About 2 minutes on a quiet host.
RUN_PCMK_DIR := $(BUILD)/run-pacemaker

.PHONY: run-pacemaker
run-pacemaker: all $(CLI_BIN) bridge
	@rm -rf $(RUN_PCMK_DIR) && mkdir -p $(RUN_PCMK_DIR)
	@cp scripts/run-pacemaker tests/vm/pcmk_cluster.sh $(CLI_BIN) \
		$(BRIDGE_BIN) $(BUILD)/selftests/example_v2_listener $(RUN_PCMK_DIR)/
	@img=$$(scripts/vm-rootfs) && \
		scripts/vm-run --rootfs "$$img" --timeout 900 --add $(RUN_PCMK_DIR) \
		-- bash /opt/run-pacemaker/run-pacemaker
