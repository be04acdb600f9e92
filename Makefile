# tokscope — see README.md.  `make run` opens the TUI, `make check` runs every test.
VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/tokscope
DESTDIR   ?=
PKG_CONFIG ?= pkg-config
CC        ?= cc

PKGS       = ncursesw libcurl libcjson yajl inih
# pkg-config's ncursesw flags add -D_XOPEN_SOURCE=600; we set 700 ourselves, so keep only -I.
PKG_CFLAGS = $(filter -I%,$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN   = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
         -Wwrite-strings -Wcast-qual -Wundef -Werror=vla
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 $(WARN) -Werror
CPPFLAGS += -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DTOKSCOPE_VERSION='"$(VERSION)"' \
            -DTOKSCOPE_DATADIR='"$(DATADIR)"' -I. $(PKG_CFLAGS)
DEPFLAGS = -MMD -MP

BUILD ?= build
CORE_SRC = $(filter-out src/main.c,$(wildcard src/*.c))
TUI_SRC  = $(wildcard tui/*.c)
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/%.o)
GEN_OBJ  = $(BUILD)/gen/default_theme.o $(BUILD)/gen/demo_session.o
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOLS    = $(BUILD)/tests/fixture_server $(BUILD)/tests/demo_build

.PHONY: demo all run check test unit deps asan valgrind bench install uninstall clean lint fuzz
all: $(BUILD)/tokscope

$(BUILD)/tokscope: $(BUILD)/src/main.o $(TUI_OBJ) $(BUILD)/libtokscope.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libtokscope.a: $(CORE_OBJ) $(GEN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Text files compiled in: the default theme and the bundled demo session.
$(BUILD)/gen/default_theme.c: themes/default.theme
	@mkdir -p $(dir $@)
	sh tests/embed.sh theme_default_text $< > $@
$(BUILD)/gen/demo_session.c: examples/demo-session.json
	@mkdir -p $(dir $@)
	sh tests/embed.sh demo_session_text $< > $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libtokscope.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $< $(BUILD)/libtokscope.a $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/fixture_server: tests/fixture_server.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $<

$(BUILD)/tests/demo_build: tests/demo_build.c $(BUILD)/libtokscope.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $< $(BUILD)/libtokscope.a $(PKG_LIBS)

# Debian packages each pkg-config module comes from.
DEB_ncursesw = libncurses-dev
DEB_libcurl  = libcurl4-openssl-dev
DEB_libcjson = libcjson-dev
DEB_yajl     = libyajl-dev
DEB_inih     = libinih-dev
DEB_cmocka   = libcmocka-dev
deps:
	@sh tests/deps.sh "$(PKG_CONFIG)" \
	  ncursesw:$(DEB_ncursesw) libcurl:$(DEB_libcurl) libcjson:$(DEB_libcjson) yajl:$(DEB_yajl) \
	  inih:$(DEB_inih) cmocka:$(DEB_cmocka) cmd:tmux:tmux cmd:valgrind:valgrind

run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/tokscope $(ARGS)

check: deps
	@$(MAKE) --no-print-directory all unit-bins
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined' all unit-bins
	@sh tests/run.sh build build-asan valgrind:build

unit-bins: $(UNIT_BIN) $(TOOLS)

# Remakes the bundled demo from the recordings; classifier cases first, each
# with the labels its system prompt names, the strong model's answers linked
# to the weak one's as recorded escalations (tests/demo_build.c).
MAILCLS = tests/fixtures/llamacpp-mailcls
STORIES = tests/fixtures/llamacpp-stories260k
DEMO_CASES = --labels 'work, personal, spam, other' $(MAILCLS)/mailcls-190K/a_seed_email_stream \
  $(MAILCLS)/mailcls-190K/b_work_spam_tie_email_stream --escalated $(MAILCLS)/mailcls-1M/b_work_spam_tie_email_stream \
  --labels 'billing, bug report, feature request, account access' $(MAILCLS)/mailcls-190K/d_ticket_billing_stream \
  $(MAILCLS)/mailcls-190K/d_ticket_mixed_stream --escalated $(MAILCLS)/mailcls-1M/d_ticket_mixed_stream \
  --labels 'work, personal, spam, other' $(MAILCLS)/mailcls-190K/e_seed_email_top20_stream \
  $(STORIES)/b_email_ambiguous_grammar_stream --labels '' $(STORIES)/d_utf8_forced_emoji_stream \
  $(STORIES)/d_utf8_forced_japanese_stream $(STORIES)/c_open_question_stream_top20
demo: all $(BUILD)/tests/demo_build
	./$(BUILD)/tests/demo_build $(DEMO_CASES) > examples/demo-session.json.tmp
	mv examples/demo-session.json.tmp examples/demo-session.json

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined' all unit-bins
	@sh tests/run.sh build-asan

valgrind: all unit-bins
	@sh tests/run.sh valgrind:build

# Issue 6's figures: an optimised build in build-bench/, then one table with
# every figure next to its target (tests/bench/bench.c), also written to
# build-bench/bench.txt. Takes about two minutes.
bench: deps
	@$(MAKE) --no-print-directory -j2 BUILD=build-bench CFLAGS='-O2 -DNDEBUG -std=c11' \
	  build-bench/tokscope build-bench/tests/fixture_server build-bench/bench
	./build-bench/bench build-bench > build-bench/bench.txt
	@cat build-bench/bench.txt

$(BUILD)/bench: tests/bench/bench.c tests/bench/gen.c tests/bench/gen.h $(TUI_OBJ) $(BUILD)/libtokscope.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ tests/bench/bench.c tests/bench/gen.c $(TUI_OBJ) \
	  $(BUILD)/libtokscope.a $(PKG_LIBS)

# libFuzzer targets (clang): make fuzz FUZZ=sse|ingest|dialects|session|reqcopy SECONDS=60
FUZZ ?= sse
SECONDS ?= 60
fuzz:
	@mkdir -p build-fuzz
	clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_$(FUZZ) \
	  tests/fuzz/fuzz_$(FUZZ).c $(CORE_SRC) build/gen/default_theme.c build/gen/demo_session.c $(PKG_LIBS)
	@mkdir -p build-fuzz/corpus-$(FUZZ)
	./build-fuzz/fuzz_$(FUZZ) -max_total_time=$(SECONDS) build-fuzz/corpus-$(FUZZ) tests/fuzz/corpus/$(FUZZ)

lint:
	@! grep -rlE '#include *[<"](n?curses|ncursesw/)' src || { echo "src/ must not include curses"; exit 1; }
	@! grep -rlE '#include *[<"]curl/' tui || { echo "tui/ must not include curl"; exit 1; }

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(BUILD)/tokscope $(DESTDIR)$(BINDIR)/tokscope
	install -m 644 man/tokscope.1 $(DESTDIR)$(MANDIR)/man1/tokscope.1
	install -m 644 man/tokscope-theme.5 $(DESTDIR)$(MANDIR)/man5/tokscope-theme.5
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tokscope $(DESTDIR)$(MANDIR)/man1/tokscope.1 $(DESTDIR)$(MANDIR)/man5/tokscope-theme.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-bench build-fuzz

-include $(shell find $(BUILD) build-asan -name '*.d' 2>/dev/null)
