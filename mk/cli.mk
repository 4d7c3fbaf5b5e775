# SPDX-License-Identifier: GPL-2.0
#
# clusnotify(1), the command-line tool (tools/). It links libclusapi
# statically, so the VM needs no install; a copy goes beside the selftests
# (build/selftests/clusnotify, /opt/selftests/clusnotify in the VM).
TOOLS_SRC := $(wildcard tools/*.c)
TOOLS_HDR := $(wildcard tools/*.h)
CLI_BIN := $(BUILD)/tools/clusnotify

.PHONY: cli
cli: $(CLI_BIN) $(BUILD)/selftests/clusnotify
all: cli

$(CLI_BIN): $(TOOLS_SRC) $(TOOLS_HDR) $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -DCLUSNOTIFY_VERSION='"$(VERSION)"' \
		-Iinclude -Iinclude/uapi $(PKG_CFLAGS) -o $@ $(TOOLS_SRC) $(LIB_A) \
		$(PKG_LIBS) -lpthread

$(BUILD)/selftests/clusnotify: $(CLI_BIN)
	@mkdir -p $(dir $@)
	cp $< $@

# The VM test of the tool (a busybox sh script printing TAP), run by
# scripts/vm-selftests like every build/selftests/*_test.
all: $(BUILD)/selftests/cli_test
$(BUILD)/selftests/cli_test: selftests/cli_test.sh $(BUILD)/selftests/clusnotify
	@mkdir -p $(dir $@)
	install -m 0755 $< $@
