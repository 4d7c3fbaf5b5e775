# SPDX-License-Identifier: GPL-2.0
#
# The manual pages (man/): every man/*.N for N in 1..8 goes to
# $(MANDIR)/manN, whoever wrote it, so pages added by other parts (the
# CLI's clusnotify(1), clusnotify-sim(1)) are installed without touching
# this rule. Pages that only say ".so man3/OTHER.3" make `man 3 NAME` work
# for every function a shared page documents.
MANDIR ?= $(PREFIX)/share/man
MAN_PAGES := $(sort $(wildcard man/*.[1-8]))

.PHONY: install-man
install: install-man

install-man:
	@set -e; for p in $(MAN_PAGES); do \
		s=$${p##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s; \
		echo "install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/"; \
		install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/; \
	done
