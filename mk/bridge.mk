# SPDX-License-Identifier: GPL-2.0
#
# clusnotify-pacemaker(8), the Pacemaker bridge (bridge/). It links
# libclusapi statically, as the CLI does, and Pacemaker's libcib, libxml2,
# GLib and Corosync's libcmap.
BRIDGE_SRC := $(wildcard bridge/*.c)
BRIDGE_HDR := $(wildcard bridge/*.h)
BRIDGE_BIN := $(BUILD)/bridge/clusnotify-pacemaker
BRIDGE_PKGS := pacemaker-cib libxml-2.0 glib-2.0 libcmap

.PHONY: bridge
bridge: $(BRIDGE_BIN)
all: bridge

$(BRIDGE_BIN): $(BRIDGE_SRC) $(BRIDGE_HDR) $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Iinclude/uapi \
		$(PKG_CFLAGS) $$(pkg-config --cflags $(BRIDGE_PKGS)) -o $@ \
		$(BRIDGE_SRC) $(LIB_A) $(PKG_LIBS) \
		$$(pkg-config --libs $(BRIDGE_PKGS)) -lpthread
