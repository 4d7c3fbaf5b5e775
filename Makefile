# SPDX-License-Identifier: GPL-2.0
#
# The one entry point. `make` builds the module (for the VM's kernel unless
# KDIR names another build tree) and the selftests; `make check` runs every
# test, on the host and in the VM; `make vm-shell` boots the VM interactively.

KVER ?= $(shell cd /lib/modules 2>/dev/null && ls -d *-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
KSRC := $(BUILD)/ksrc
SELFTEST_DIR := $(KSRC)/tools/testing/selftests

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
# The kselftest harness macros trip these two; everything else stays on.
TEST_WARN := $(WARN) -Wno-unused-parameter -Wno-sign-compare
TEST_CFLAGS := $(CFLAGS) $(TEST_WARN) -D_GNU_SOURCE -Iinclude/uapi -I$(SELFTEST_DIR)
TEST_LDLIBS := -lpthread

# libclusapi: hidden by default, exported through the version script.
PKGS := liburcu-bp libnl-genl-3.0
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
LIB_SRC := $(wildcard lib/*.c)
LIB_HDR := $(wildcard lib/*.h) $(wildcard include/*.h) include/uapi/linux/clusnotify.h
LIB_CFLAGS = $(CFLAGS) $(WARN) -std=gnu11 -fPIC -fvisibility=hidden -D_GNU_SOURCE \
	-Iinclude -Iinclude/uapi $(PKG_CFLAGS)
LIB_OBJ := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRC))
LIB_SO := $(BUILD)/lib/libclusapi.so.1
LIB_A := $(BUILD)/lib/libclusapi.a
# The same sources with AddressSanitizer and UBSan, linked straight into the
# host unit tests (which may then reach internal functions).
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LIB_SAN_OBJ := $(patsubst lib/%.c,$(BUILD)/lib-san/%.o,$(LIB_SRC))
HOST_TESTS := $(patsubst tests/host/%_test.c,$(BUILD)/host-tests/%_test,$(wildcard tests/host/*_test.c))

SELFTESTS := $(patsubst selftests/%_test.c,$(BUILD)/selftests/%_test,$(wildcard selftests/*_test.c))
SELFTEST_LIB_SRC := $(wildcard selftests/cn_*.c)
SELFTEST_LIB_HDR := $(wildcard selftests/cn_*.h)
KERNEL_SRC := $(wildcard kernel/*.c kernel/*.h) kernel/Kbuild Kbuild include/uapi/linux/clusnotify.h

.PHONY: all deps module lib host-tests install selftests check check-quick check-host \
	check-vm check-debug \
	debug-kernel vm-shell style clean

all: $(KSRC)/.extracted module lib selftests host-tests

deps:
	@scripts/install-deps

$(KSRC)/.extracted: scripts/ksrc-extract
	@scripts/ksrc-extract $(KSRC)

module: $(BUILD)/module/clusnotify.ko

# W=1 always: the module must build without a warning (make check verifies).
$(BUILD)/module/clusnotify.ko: $(KERNEL_SRC)
	@mkdir -p $(BUILD)/module
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee $(BUILD)/module/build.log
	@test -f kernel/clusnotify.ko
	cp kernel/clusnotify.ko $@

lib: $(LIB_SO) $(LIB_A) $(BUILD)/lib/libclusapi.so

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(LIB_SO): $(LIB_OBJ) lib/libclusapi.map
	$(CC) -shared -Wl,-soname,libclusapi.so.1 -Wl,--version-script=lib/libclusapi.map \
		-Wl,-z,defs -Wl,--no-undefined-version -o $@ $(LIB_OBJ) $(PKG_LIBS) -lpthread

$(BUILD)/lib/libclusapi.so: $(LIB_SO)
	ln -sf libclusapi.so.1 $@

# One relocatable object with every hidden symbol made local: a program
# linking the archive sees exactly the exported API, as with the .so.
$(LIB_A): $(LIB_OBJ)
	rm -f $@
	ld -r -o $(BUILD)/lib/libclusapi-all.o $(LIB_OBJ)
	objcopy --localize-hidden $(BUILD)/lib/libclusapi-all.o
	ar rcs $@ $(BUILD)/lib/libclusapi-all.o

$(BUILD)/lib-san/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(SAN) -c -o $@ $<

host-tests: $(HOST_TESTS)

# Keep the sanitized objects between host-test links.
.SECONDARY: $(LIB_SAN_OBJ)

$(BUILD)/host-tests/%_test: tests/host/%_test.c $(LIB_SAN_OBJ) $(LIB_HDR) $(KSRC)/.extracted
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN) -Iinclude -Ilib $(PKG_CFLAGS) -o $@ $< $(LIB_SAN_OBJ) \
		$(PKG_LIBS) -lpthread

# Port tests of the library once more on the ioctl path (CLUSAPI_RING=0).
NORING_TESTS := $(BUILD)/selftests/lib_notify_noring_test \
	$(BUILD)/selftests/lib_v2_noring_test

selftests: $(SELFTESTS) $(NORING_TESTS) $(BUILD)/selftests/example_notify_port

$(BUILD)/selftests/%_noring_test: selftests/lib_noring_test.sh $(BUILD)/selftests/%_test
	@mkdir -p $(dir $@)
	install -m 0755 $< $@

# The Windows-style example, built as Windows sources are (2-byte wchar_t),
# run in the VM by selftests/lib_winstyle_test.c.
$(BUILD)/selftests/example_notify_port: examples/notify_port.c $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -fshort-wchar -Iinclude -Iinclude/uapi -o $@ $< $(LIB_A) \
		$(PKG_LIBS) -lpthread

# Selftests of the library (selftests/lib_*_test.c) link it statically, so
# the VM needs no install; its own dependencies come along as shared libs.
$(BUILD)/selftests/lib_%_test: selftests/lib_%_test.c $(LIB_A) $(SELFTEST_LIB_SRC) $(SELFTEST_LIB_HDR) $(LIB_HDR) $(KSRC)/.extracted
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Iinclude $(PKG_CFLAGS) -o $@ $< $(SELFTEST_LIB_SRC) $(LIB_A) \
		$(PKG_LIBS) $(TEST_LDLIBS)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
VERSION := 1.0.0

install: lib
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libclusapi.so.1
	ln -sf libclusapi.so.1 $(DESTDIR)$(LIBDIR)/libclusapi.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libclusapi.a
	install -m 0644 include/clusapi.h include/clusapi_linux.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 include/uapi/linux/clusnotify.h $(DESTDIR)$(INCLUDEDIR)/linux/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		lib/libclusapi.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libclusapi.pc

$(BUILD)/selftests/%_test: selftests/%_test.c $(SELFTEST_LIB_SRC) $(SELFTEST_LIB_HDR) include/uapi/linux/clusnotify.h $(KSRC)/.extracted
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(SELFTEST_LIB_SRC) $(TEST_LDLIBS)

# Everything: host checks, the VM suite on the stock kernel, and again on
# the debug kernel (built once, ~10 minutes, then cached).
check: all $(KSRC)/.extracted $(BUILD)/module-debug/clusnotify.ko
	@scripts/run-tests --debug-kernel $(DEBUG_KDIR)/arch/x86/boot/bzImage \
		--debug-module $(BUILD)/module-debug/clusnotify.ko

# The same without the debug kernel, for quick iteration.
check-quick: all $(KSRC)/.extracted
	@scripts/run-tests

check-host: all $(KSRC)/.extracted
	@scripts/run-tests --host-only

check-vm: all
	@scripts/run-tests --vm-only

# The debug kernel (KASAN, lockdep, PROVE_RCU, kmemleak, UBSAN, failslab),
# built once per machine from linux-source-6.1 and cached outside the clone
# (DEBUG_CACHE), so a fresh checkout (CI) does not spend ten minutes on it
# again; the build script rebuilds when debug.config changes. The module is
# built against it from a copy of the sources, so the normal build is never
# clobbered.
DEBUG_CACHE ?= /var/cache/clusnotify
DEBUG_KDIR := $(DEBUG_CACHE)/debug-kernel/linux
DEBUG_SRC := $(BUILD)/debug-module

debug-kernel:
	@scripts/debug-kernel/build $(DEBUG_CACHE)/debug-kernel >/dev/null

$(BUILD)/module-debug/clusnotify.ko: $(KERNEL_SRC) | debug-kernel
	@mkdir -p $(DEBUG_SRC) $(BUILD)/module-debug
	cp -r Kbuild kernel include $(DEBUG_SRC)/
	$(MAKE) -C $(DEBUG_KDIR) M=$(DEBUG_SRC) W=1 modules
	cp $(DEBUG_SRC)/kernel/clusnotify.ko $@

check-debug: all $(BUILD)/module-debug/clusnotify.ko
	@scripts/run-tests --debug-only \
		--debug-kernel $(DEBUG_KDIR)/arch/x86/boot/bzImage \
		--debug-module $(BUILD)/module-debug/clusnotify.ko

vm-shell: all
	scripts/vm-run --add $(BUILD)/selftests --shell

style: $(KSRC)/.extracted
	perl $(KSRC)/scripts/checkpatch.pl --no-tree --strict -f \
		$(filter-out %.mod.c,$(wildcard kernel/*.c kernel/*.h)) include/uapi/linux/clusnotify.h

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

# --- bench: begin ---
# Benchmarks with their baselines (bench/README.md). `make bench` boots the
# VM once, measures everything and writes bench/RESULTS.md and
# bench/results/; it never fails on a time. `make check` builds cnbench,
# and `bench/run --tiny` runs each benchmark once at a tiny size.
BENCH_SRC := $(wildcard bench/*.c)
BENCH_HDR := $(wildcard bench/*.h)
BENCH_BIN := $(BUILD)/bench/cnbench

.PHONY: bench bench-build bench-tiny

bench-build: $(BENCH_BIN)

# cn_util.c (the selftests' raw netlink producer) with the selftests' flags.
$(BUILD)/bench/cn_util.o: selftests/cn_util.c $(SELFTEST_LIB_HDR) include/uapi/linux/clusnotify.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_WARN) -D_GNU_SOURCE -Iinclude/uapi -c -o $@ $<

$(BENCH_BIN): $(BENCH_SRC) $(BENCH_HDR) $(BUILD)/bench/cn_util.o $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Iinclude/uapi -Iselftests \
		$(PKG_CFLAGS) -o $@ $(BENCH_SRC) $(BUILD)/bench/cn_util.o $(LIB_A) \
		$(PKG_LIBS) -lpthread -lm

# The Pacemaker benchmark (bench/pcmk/, bench/pcmk-run): a consumer that
# links libclusapi as any application would, the stamps and crm_mon's
# inotify follower, and the raw libcib subscriber, which links Pacemaker's
# libcib as the bridge does. They run in the VM booted on scripts/vm-rootfs.
PCMK_BENCH := $(BUILD)/bench/pcmk-consumer $(BUILD)/bench/pcmk-tool \
	$(BUILD)/bench/pcmk-cibwatch
PCMK_BENCH_PKGS := pacemaker-cib libxml-2.0 glib-2.0

bench-build: $(PCMK_BENCH)

$(BUILD)/bench/pcmk-consumer: bench/pcmk/consumer.c $(LIB_A) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Iinclude/uapi \
		$(PKG_CFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS) -lpthread

$(BUILD)/bench/pcmk-tool: bench/pcmk/tool.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -o $@ $<

$(BUILD)/bench/pcmk-cibwatch: bench/pcmk/cibwatch.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
		$$(pkg-config --cflags $(PCMK_BENCH_PKGS)) -o $@ $< \
		$$(pkg-config --libs $(PCMK_BENCH_PKGS))

bench: module $(BENCH_BIN) $(PCMK_BENCH) bridge
	bench/run

bench-tiny: module $(BENCH_BIN) $(PCMK_BENCH) bridge
	bench/run --tiny

check check-vm: $(BENCH_BIN) $(PCMK_BENCH) bridge
# --- bench: end ---

# Parts with their own fragment: mk/*.mk (cli, run, ...).
include $(sort $(wildcard mk/*.mk))
