# SPDX-License-Identifier: GPL-2.0
#
# clusnotify-pacemaker(8), the Pacemaker bridge (bridge/). It links
# libclusapi statically, as the CLI does, and Pacemaker's libcib, libxml2,
# GLib (GIO runs crm_mon without blocking) and Corosync's libcmap.
BRIDGE_SRC := $(wildcard bridge/*.c)
BRIDGE_HDR := $(wildcard bridge/*.h)
BRIDGE_BIN := $(BUILD)/bridge/clusnotify-pacemaker
BRIDGE_PKGS := pacemaker-cib libxml-2.0 glib-2.0 gio-2.0 libcmap

.PHONY: bridge
bridge: $(BRIDGE_BIN)
all: bridge

$(BRIDGE_BIN): $(BRIDGE_SRC) $(BRIDGE_HDR) $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Iinclude/uapi \
		$(PKG_CFLAGS) $$(pkg-config --cflags $(BRIDGE_PKGS)) -o $@ \
		$(BRIDGE_SRC) $(LIB_A) $(PKG_LIBS) \
		$$(pkg-config --libs $(BRIDGE_PKGS)) -lpthread

SBINDIR ?= $(PREFIX)/sbin
# clusnotify-pacemaker.8 is installed with every man/ page (mk/man.mk).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BRIDGE_UNIT := $(BUILD)/bridge/clusnotify-pacemaker.service

bridge: $(BRIDGE_UNIT)

$(BRIDGE_UNIT): bridge/clusnotify-pacemaker.service.in
	@mkdir -p $(dir $@)
	sed 's|@SBINDIR@|$(SBINDIR)|' $< >$@

.PHONY: install-bridge
install: install-bridge
install-bridge: $(BRIDGE_BIN) $(BRIDGE_UNIT)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(BRIDGE_BIN) $(DESTDIR)$(SBINDIR)/clusnotify-pacemaker
	install -m 0644 $(BRIDGE_UNIT) $(DESTDIR)$(SYSTEMDUNITDIR)/

# The VM test of the posting path (selftests/bridge_post_test.c) runs the
# bridge and a real crm_mon (with Pacemaker's schemas) on CIB snapshots
# made here by crm_simulate; vm-run brings their shared libraries along.
BRIDGE_VM := $(BUILD)/selftests/bridge

$(BRIDGE_VM)/.staged: $(BRIDGE_BIN) tests/host/bridge/make-chain \
		tests/host/bridge/three-nodes.xml
	rm -rf $(BRIDGE_VM)
	mkdir -p $(BRIDGE_VM)
	cp $(BRIDGE_BIN) $(BRIDGE_VM)/
	cp "$$(command -v crm_mon)" $(BRIDGE_VM)/crm_mon
	cp -r /usr/share/pacemaker $(BRIDGE_VM)/schemas
	tests/host/bridge/make-chain $(BRIDGE_VM)
	touch $@

# Links libclusapi (the generic selftest rule does not).
$(BUILD)/selftests/bridge_post_test: selftests/bridge_post_test.c $(LIB_A) \
		$(LIB_HDR) $(KSRC)/.extracted $(BRIDGE_VM)/.staged
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Iinclude $(PKG_CFLAGS) -o $@ $< $(LIB_A) \
		$(PKG_LIBS) $(TEST_LDLIBS)

# The bridge end to end in a VM with a real Pacemaker (tests/vm/), alone;
# make check runs it with everything else (PACEMAKER_VM=0 leaves it out).
.PHONY: check-pacemaker-vm
check-pacemaker-vm: all
	tests/vm/pacemaker_test.sh $(CURDIR)
