# SPDX-License-Identifier: GPL-2.0-only
# One build for the BPF objects, tcctl (command and tc plugin) and the tests.
# Quiet unless V=1. Everything lands in build/.

PREFIX     ?= /usr/local
DESTDIR    ?=
SBINDIR    ?= $(PREFIX)/sbin
BPFDIR     ?= $(PREFIX)/lib/tcctl/bpf
MANDIR     ?= $(PREFIX)/share/man
# where bash-completion 2.x looks for a command's completion on demand
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd looks for units in /usr/local/lib/systemd/system too
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
# Debian's tc looks for plugins here, whatever PREFIX is.
TC_LIB_DIR ?= /usr/lib/tc

CC    ?= gcc
CLANG ?= clang
PKG_CONFIG ?= pkg-config

BUILD := build

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

.DELETE_ON_ERROR:
.PHONY: all objects tcctl check check-host check-kernel bench demo deps install uninstall clean

LIBS := libbpf libmnl libelf jansson libpcap

# --- BPF objects -------------------------------------------------------------
# clang -target bpf does not search the multiarch include dir (asm/types.h):
# ask clang for its system include paths and pass them on explicitly.
BPF_SYS_INCLUDES := $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -O2 -g -target bpf -Wall -Wextra -Werror $(BPF_SYS_INCLUDES)

OBJECTS      := fw chain stats redir lb
BPF_OBJS     := $(patsubst %,$(BUILD)/bpf/%.o,$(OBJECTS))
BPF_HEADERS  := $(wildcard objects/lib/*.h objects/abi/*.h)

objects: $(BPF_OBJS)

$(BUILD)/bpf/%.o: objects/%.c $(BPF_HEADERS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# --- tcctl -------------------------------------------------------------------
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Werror -std=gnu11 -fPIC -Iobjects -Itcctl \
	   $(shell $(PKG_CONFIG) --cflags $(LIBS))
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(LIBS))

LIB_SRCS := $(filter-out tcctl/main.c tcctl/plugin.c tcctl/objdir.c,$(wildcard tcctl/*.c))
LIB_OBJS := $(patsubst tcctl/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TCCTL_HEADERS := $(wildcard tcctl/*.h objects/abi/*.h)

tcctl: $(BUILD)/tcctl $(BUILD)/e_tcctl.so

$(BUILD)/obj/%.o: tcctl/%.c $(TCCTL_HEADERS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Where tcctl looks for objects when neither 'obj PATH' nor $TCCTL_BPF_DIR says:
# the build tree for the in-tree binaries, $(BPFDIR) for the installed ones.
$(BUILD)/obj/objdir-tree.o: tcctl/objdir.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -DTCCTL_BPF_DIR='"$(abspath $(BUILD))/bpf"' -c $< -o $@

$(BUILD)/obj/objdir-inst.o: tcctl/objdir.c FORCE
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -DTCCTL_BPF_DIR='"$(BPFDIR)"' -c $< -o $@

$(BUILD)/libtcctl.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tcctl: $(BUILD)/obj/main.o $(BUILD)/obj/objdir-tree.o $(BUILD)/libtcctl.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/e_tcctl.so: $(BUILD)/obj/plugin.o $(BUILD)/obj/objdir-tree.o $(BUILD)/libtcctl.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,--version-script=tcctl/plugin.map -o $@ $^ $(LDLIBS)

$(BUILD)/install/tcctl: $(BUILD)/obj/main.o $(BUILD)/obj/objdir-inst.o $(BUILD)/libtcctl.a
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/install/e_tcctl.so: $(BUILD)/obj/plugin.o $(BUILD)/obj/objdir-inst.o $(BUILD)/libtcctl.a
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,--version-script=tcctl/plugin.map -o $@ $^ $(LDLIBS)

# the units name the installed tcctl
$(BUILD)/install/%: scripts/systemd/% FORCE
	$(Q)mkdir -p $(@D)
	$(Q)sed 's|@SBINDIR@|$(SBINDIR)|g' $< >$@

UNITS := tcctl-prometheus.service tcctl-prometheus.timer

FORCE:

# --- tests ---------------------------------------------------------------------
TEST_SRCS := $(wildcard selftests/unit/*.c)
TEST_BINS := $(patsubst selftests/unit/%.c,$(BUILD)/selftests/%,$(TEST_SRCS))

# unit tests may use tcctl's library (fw_compile, say)
$(BUILD)/selftests/%: selftests/unit/%.c $(wildcard selftests/unit/*.h) $(TCCTL_HEADERS) \
		$(BUILD)/libtcctl.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libtcctl.a $(LDLIBS) -lm

# BPF programs the tests load beside ours
TEST_PROGS := $(patsubst selftests/progs/%.c,$(BUILD)/selftests/progs/%.o,$(wildcard selftests/progs/*.c))

$(BUILD)/selftests/progs/%.o: selftests/progs/%.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# fw once more, for another BPF ISA: other instructions, the same programs
# and maps, as a new release of fw would be; replace tests attach it
TEST_PROGS += $(BUILD)/selftests/progs/fw-variant.o
$(BUILD)/selftests/progs/fw-variant.o: objects/fw.c $(BPF_HEADERS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -mcpu=v3 -c $< -o $@

all: objects tcctl $(TEST_BINS) $(TEST_PROGS)
.DEFAULT_GOAL := all

deps:
	$(Q)scripts/deps.sh

# check: the suite on this machine's kernel, then on Debian 12's 6.1 in qemu;
# check-host and check-kernel run one of the two (T="FILE..." picks tests).
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)selftests/all.sh

check-host: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)selftests/run.sh $(T)

check-kernel: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)selftests/kernel/check.sh $(T)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)selftests/bench/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

install: all $(BUILD)/install/tcctl $(BUILD)/install/e_tcctl.so $(addprefix $(BUILD)/install/,$(UNITS))
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BPFDIR) $(DESTDIR)$(TC_LIB_DIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDDIR)
	install -m 0755 $(BUILD)/install/tcctl $(DESTDIR)$(SBINDIR)/tcctl
	install -m 0644 $(BPF_OBJS) $(DESTDIR)$(BPFDIR)/
	install -m 0644 $(BUILD)/install/e_tcctl.so $(DESTDIR)$(TC_LIB_DIR)/e_tcctl.so
	install -m 0644 docs/tcctl.8 $(DESTDIR)$(MANDIR)/man8/tcctl.8
	install -m 0644 docs/tcctl-objects.7 $(DESTDIR)$(MANDIR)/man7/tcctl-objects.7
	install -m 0644 tcctl/bash-completion/tcctl $(DESTDIR)$(BASHCOMPDIR)/tcctl
	install -m 0644 $(addprefix $(BUILD)/install/,$(UNITS)) $(DESTDIR)$(SYSTEMDDIR)/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/tcctl $(DESTDIR)$(TC_LIB_DIR)/e_tcctl.so \
	      $(DESTDIR)$(MANDIR)/man8/tcctl.8 $(DESTDIR)$(MANDIR)/man7/tcctl-objects.7 \
	      $(DESTDIR)$(BASHCOMPDIR)/tcctl $(addprefix $(DESTDIR)$(SYSTEMDDIR)/,$(UNITS)) \
	      $(patsubst $(BUILD)/bpf/%,$(DESTDIR)$(BPFDIR)/%,$(BPF_OBJS))
	-rmdir $(DESTDIR)$(BPFDIR) $(DESTDIR)$(PREFIX)/lib/tcctl

clean:
	rm -rf $(BUILD)
