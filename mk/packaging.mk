# SPDX-License-Identifier: GPL-2.0
#
# Installing on a host (README.md, "Installing on a host").
#
# `make install` (PREFIX, DESTDIR) installs what userspace needs: the
# library and headers (Makefile), the clusnotify(1) tool, the man pages
# (mk/man.mk), the udev rule and the modules-load.d snippet. The udev and
# modules-load directories do not follow PREFIX: udev and
# systemd-modules-load read only their own directories, so a rule under
# /usr/local would never be seen.
#
# `make install-dkms` is separate: it puts the module's sources under
# /usr/src for DKMS (again whatever PREFIX is), which only a host that
# builds kernel modules wants; then `dkms install clusnotify/$(VERSION)`
# builds and installs the module for the running kernel, and DKMS rebuilds
# it on every kernel upgrade.
BINDIR ?= $(PREFIX)/bin
UDEVRULESDIR ?= /usr/lib/udev/rules.d
MODULESLOADDIR ?= /usr/lib/modules-load.d
DKMSDIR ?= /usr/src/clusnotify-$(VERSION)

.PHONY: install-cli install-udev install-modules-load install-dkms

install: install-cli install-udev install-modules-load

install-cli: $(CLI_BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(CLI_BIN) $(DESTDIR)$(BINDIR)/clusnotify

install-udev:
	install -d $(DESTDIR)$(UDEVRULESDIR)
	install -m 0644 packaging/60-clusnotify.rules $(DESTDIR)$(UDEVRULESDIR)/

install-modules-load:
	install -d $(DESTDIR)$(MODULESLOADDIR)
	install -m 0644 packaging/clusnotify.conf $(DESTDIR)$(MODULESLOADDIR)/

# Exactly the files the module builds from; no Makefile, so Kbuild is what
# the kernel's build system reads.
install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)/kernel $(DESTDIR)$(DKMSDIR)/include/uapi/linux
	install -m 0644 Kbuild $(DESTDIR)$(DKMSDIR)/
	install -m 0644 kernel/Kbuild $(filter-out %.mod.c,$(wildcard kernel/*.c kernel/*.h)) \
		$(DESTDIR)$(DKMSDIR)/kernel/
	install -m 0644 include/uapi/linux/clusnotify.h \
		$(DESTDIR)$(DKMSDIR)/include/uapi/linux/
	sed -e 's|@VERSION@|$(VERSION)|g' packaging/dkms.conf.in \
		>$(DESTDIR)$(DKMSDIR)/dkms.conf
