# SPDX-License-Identifier: GPL-2.0
#
# The example programs of examples/, linked statically with libclusapi so
# that the VM needs no install, and placed beside the selftests
# (/opt/selftests/example_* in the VM), where selftests/lib_examples_test.c
# runs them. examples/notify_port.c keeps its rule in the Makefile.
EXAMPLES := $(BUILD)/selftests/example_v2_listener $(BUILD)/selftests/example_epoll_server

.PHONY: examples
examples: $(EXAMPLES)
selftests: $(EXAMPLES)
all: examples

# Windows-style: clusapi.h only, L"..." literals, built with a 2-byte wchar_t.
$(BUILD)/selftests/example_v2_listener: examples/v2_listener.c $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -fshort-wchar -Iinclude -Iinclude/uapi -o $@ $< $(LIB_A) \
		$(PKG_LIBS) -lpthread

# Linux-style: POSIX sockets and epoll beside clusapi.h, the default WCHAR.
$(BUILD)/selftests/example_epoll_server: examples/epoll_server.c $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -Iinclude -Iinclude/uapi -o $@ $< \
		$(LIB_A) $(PKG_LIBS) -lpthread
