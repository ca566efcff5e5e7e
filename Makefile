# IRO Sync - plain Makefile.  `make`, `make test`, `make demo`, `make bench`,
# `make fuzz`, `make install PREFIX=... DESTDIR=...`, `make SANITIZE=1 test`.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
VERSION = 0.1.0

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
else
BUILD ?= build
SANFLAGS =
endif

PKGS = libmicrohttpd sqlite3 libcurl msgpack libsodium jansson
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings -fno-common \
	-Werror
# The user's CFLAGS/LDFLAGS are kept; project flags are appended.
CFLAGS ?= -O2 -g
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS) -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(WARN) -fPIC -Iinclude -iquote common -iquote client -iquote server \
	$(PKG_CFLAGS) \
	$(SANFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

COMMON_SRC = $(wildcard common/*.c)
CLIENT_SRC = $(wildcard client/*.c)
CLI_SRC = $(wildcard client/cli/*.c)
SERVER_SRC = $(filter-out server/main.c,$(wildcard server/*.c))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
TESTLIB_SRC = $(wildcard tests/unit/support/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
COMMON_OBJ = $(call obj,$(COMMON_SRC))
CLIENT_OBJ = $(call obj,$(CLIENT_SRC))
CLI_OBJ = $(call obj,$(CLI_SRC))
CLI_LIB_OBJ = $(filter-out $(BUILD)/obj/client/cli/main.o,$(CLI_OBJ))
SERVER_OBJ = $(call obj,$(SERVER_SRC))
TESTLIB_OBJ = $(call obj,$(TESTLIB_SRC))
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

LIB_A = $(BUILD)/lib/libirosync.a
LIB_SO = $(BUILD)/lib/libirosync.so.0
SRV_A = $(BUILD)/lib/libirosrv.a
CLI_A = $(BUILD)/lib/libirocli.a
IRO = $(BUILD)/bin/iro
IRO_SERVER = $(BUILD)/bin/iro-server

.PHONY: all deps test unit e2e demo bench fuzz fuzz-run install uninstall \
	clean check-meta

all: $(IRO) $(IRO_SERVER) $(LIB_A) $(LIB_SO) $(BUILD)/lib/irosync.pc

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(COMMON_OBJ) $(CLIENT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# Only iro_* leaves the shared library (client/irosync.map).
$(LIB_SO): $(COMMON_OBJ) $(CLIENT_OBJ) client/irosync.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libirosync.so.0 \
		-Wl,--version-script=client/irosync.map -o $@ \
		$(COMMON_OBJ) $(CLIENT_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)
	ln -sf libirosync.so.0 $(BUILD)/lib/libirosync.so

$(SRV_A): $(SERVER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# The iro command without its main(), for the unit tests.
$(CLI_A): $(CLI_LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(IRO): $(CLI_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(CLI_OBJ) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) -lm

$(IRO_SERVER): $(BUILD)/obj/server/main.o $(SRV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(SRV_A) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) -lm

$(BUILD)/lib/irosync.pc: client/irosync.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# Unit tests link everything but the two main()s, plus cmocka; an archive
# adds only the members a test uses.
$(BUILD)/tests/%: tests/unit/%.c $(TESTLIB_OBJ) $(CLI_A) $(SRV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(TESTLIB_OBJ) $(CLI_A) \
		$(SRV_A) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka) -lm

unit: all $(UNIT_BIN)

test: deps
	@$(MAKE) --no-print-directory unit
	@BUILD=$(BUILD) sh tests/run.sh

e2e: all
	@BUILD=$(BUILD) sh tests/run.sh e2e

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/bench/bench.sh

# libFuzzer targets, built with clang (FUZZ_SECONDS per target).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
# Decoders outside common/ that admin files reach: the server's CSV reader.
FUZZ_EXTRA_SRC = server/csv.c
build/fuzz/%: tests/fuzz/%.c $(COMMON_SRC) $(FUZZ_EXTRA_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -std=c17 -D_DEFAULT_SOURCE -Iinclude -iquote common \
		-iquote server $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $< \
		$(COMMON_SRC) $(FUZZ_EXTRA_SRC) $(PKG_LIBS)
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); \
		mkdir -p build/fuzz/corpus-$$n; \
		echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			build/fuzz/corpus-$$n tests/fuzz/corpus/$${n#fuzz_} \
			|| exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(IRO) $(IRO_SERVER) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libirosync.so.0 $(DESTDIR)$(PREFIX)/lib/libirosync.so
	install -m 644 include/irosync.h include/iro_error.h \
		$(DESTDIR)$(PREFIX)/include/
	# Written here, not copied, so that it names the PREFIX installed to.
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		client/irosync.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/irosync.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/iro $(DESTDIR)$(PREFIX)/bin/iro-server \
		$(DESTDIR)$(PREFIX)/lib/libirosync.* \
		$(DESTDIR)$(PREFIX)/include/irosync.h \
		$(DESTDIR)$(PREFIX)/include/iro_error.h \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/irosync.pc

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
