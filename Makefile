# postern: a sendmail-compatible mail submission agent.
#   make          build ./postern
#   make deps     install every build and test dependency (Debian, apt-get;
#                 REPLACE_MTA=1 lets Postfix replace another mail server)
#   make check    deps, build, run every test (ends with "N passed, N failed")
#   make asan     the whole suite against an AddressSanitizer + UBSan build
#   make fuzz     each libFuzzer target for FUZZ_SECONDS (default 60) from its corpus
#   make demo     deliver a message through a private local Postfix
#   make bench    one table of figures against msmtp and a minimal OpenSSL client
#                 (not part of check; root; a few minutes; see tests/bench/run.sh)
#   make install  PREFIX=/usr/local DESTDIR=  (make install-sendmail: also /usr/sbin/sendmail;
#                 make uninstall undoes both)

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DOCDIR   = $(PREFIX)/share/doc/postern
USERUNITDIR   = $(PREFIX)/lib/systemd/user
SYSTEMUNITDIR = $(PREFIX)/lib/systemd/system
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
SENDMAIL_LINKS = /usr/sbin/sendmail /usr/lib/sendmail
BUILD   ?= build

CC      ?= cc
CFLAGS  ?= -O2
WFLAGS   = -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
# _DEFAULT_SOURCE exposes explicit_bzero, getaddrinfo and friends under -std=c11.
CPPFLAGS_ALL = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DPOSTERN_VERSION='"$(VERSION)"' \
	-iquote src -iquote compat -I$(BUILD) -I/usr/include/iniparser $(SECRET_CFLAGS)
# libsecret and GLib headers as system headers: they do not pass -Wshadow and friends.
SECRET_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libsecret-1))
# Only what every run needs is linked. libsecret (with GLib), jansson,
# libidn2 and libunistring are loaded with dlopen when the keyring, OAuth2
# or a non-ASCII address first needs them (src/secretlib.c, src/jsonlib.c,
# src/idn.c), as http.c does libcurl. Their headers still type every call,
# so their -dev packages stay in BUILD_DEBS. -pthread: the keyring's
# watchdog thread.
LIBS     = -liniparser -ldl -pthread $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)

SRCS    := $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard compat/*.c)
OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(SRCS))
UNITS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit_%,$(wildcard tests/unit/*.c))
PROBES  := strlcpy explicit_bzero strtonum

# What a fresh Debian 12 needs to build and to run the tests. The keyring tests
# run a real gnome-keyring-daemon under dbus-run-session (dbus-daemon), lock it
# with gdbus (libglib2.0-bin) and store msmtp-style items with secret-tool;
# its unlock prompt (gcr) shows on Xvfb and is answered with xdotool.
# make lint (part of make check) runs cppcheck and clang-tidy. The -bs tests
# run the real Symfony Mailer (php-cli, php-symfony-mailer); the callers'
# tests run git send-email (git-email, libmailtools-perl), mutt, neomutt,
# s-nail, bsd-mailx, GNU mailutils and Debian's cron (in a private mount
# namespace), and drive the socket unit's postern -bs through socat
# (systemd-analyze checks the units). The proxy tests run dante-server and
# tinyproxy; the desktop's D-Bus services of the tests are python3-gi.
# The OAuth2 tests run npm's smtp-server (XOAUTH2, OAUTHBEARER) under nodejs,
# installed from tests/node/package-lock.json, and play the browser with curl.
BUILD_DEBS = gcc libc6-dev make pkg-config libssl-dev libsecret-1-dev libidn2-dev libiniparser-dev \
	libjansson-dev libcurl4-openssl-dev libunistring-dev
TEST_DEBS  = postfix sasl2-bin libsasl2-modules python3 openssl ca-certificates swaks libnet-ssleay-perl procps \
	iproute2 man-db groff-base gnome-keyring dbus-daemon libglib2.0-bin libsecret-tools nodejs curl \
	gcr xvfb xdotool cppcheck clang-tidy clang-14 libclang-rt-14-dev valgrind php-cli php-symfony-mailer \
	git-email libmailtools-perl mutt neomutt s-nail bsd-mailx mailutils cron socat systemd python3-gi \
	gir1.2-glib-2.0 dante-server tinyproxy
# make demo: a private Postfix with SASL (saslpasswd2) and a certificate (openssl).
DEMO_DEBS  = postfix sasl2-bin libsasl2-modules openssl ca-certificates
# make bench: its own deps (no node, no keyring), msmtp as the reference client,
# valgrind for instruction counts, iproute2 for the delay line's namespace.
# msmtp's package asks whether to enable its AppArmor profile: no.
BENCH_DEBS = postfix sasl2-bin libsasl2-modules openssl ca-certificates iproute2 msmtp valgrind
BENCH_TOOLS = $(addprefix $(BUILD)/bench/,delayline measure tcprtt minimal_tls)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps demo-deps check test unit asan valgrind demo install install-sendmail uninstall clean lint bench bench-deps fuzz fuzz-build \
	fuzz-targets fuzz-regress

all: postern

postern: $(BUILD)/src/main.o $(BUILD)/libpostern.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libpostern.a: $(OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c $(BUILD)/sysdeps.h $(wildcard src/*.h compat/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# One probe per libc function compat/ can supply: HAVE_x when it links.
$(BUILD)/sysdeps.h: $(wildcard compat/probes/*.c)
	@mkdir -p $(BUILD)/probes
	@echo "/* written by make: which libc functions exist */" > $@.tmp
	@for f in $(PROBES); do \
		if $(CC) -D_DEFAULT_SOURCE -D_GNU_SOURCE -o $(BUILD)/probes/$$f compat/probes/$$f.c >/dev/null 2>&1; \
		then echo "#define HAVE_$$(echo $$f | tr a-z A-Z) 1" >> $@.tmp; fi; done
	@mv $@.tmp $@

$(BUILD)/tests/unit_%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libpostern.a
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CPPFLAGS_ALL) -iquote tests/unit $(CFLAGS) -o $@ $< $(BUILD)/libpostern.a $(LIBS)

unit: $(UNITS)

deps:
	@sh tests/lib/debs.sh deps $(BUILD_DEBS) $(TEST_DEBS)
	@# NodeSource's nodejs carries its own npm and conflicts with Debian's.
	@command -v npm >/dev/null || $(SUDO) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends npm
	@$(MAKE) --no-print-directory tests/node/node_modules/.installed

tests/node/node_modules/.installed: tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
	touch $@

test: all unit fuzz-build
	BUILD=$(abspath $(BUILD)) tests/run $(T)

# The unit and fault tests run first against the AddressSanitizer + UBSan
# build (the end-to-end ones only in make asan: they add minutes, and their
# paths are the code the fault tests drive), then the whole suite, whose
# "N passed, N failed" ends the output.
check: deps
	$(MAKE) lint
	$(MAKE) asan T=unit
	$(MAKE) asan T=fault
	$(MAKE) test

# The end-to-end sends under valgrind's memcheck: any error, or a definite
# leak, makes postern exit 99, which the tests report.
valgrind: all
	BUILD=$(abspath $(BUILD)) POSTERN=$(abspath tests/lib/memcheck.sh) tests/run e2e/send

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		POSTERN_BIN=build-asan/postern build-asan/postern unit
	BUILD=$(abspath build-asan) POSTERN=$(abspath build-asan/postern) tests/run $(T)

build-asan/postern: $(BUILD)/src/main.o $(BUILD)/libpostern.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# libFuzzer targets (tests/fuzz/NAME.c, seeds in tests/fuzz/corpus/NAME/):
# the library is built again with clang in build-fuzz/, instrumented for
# coverage, ASan and UBSan, and each target links it. `make check` runs
# every target once over its corpus (tests/unit/fuzz.sh); `make fuzz` runs
# each for FUZZ_SECONDS, keeping what it finds in build-fuzz/found/NAME/.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c))
FUZZ_CFLAGS   = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" fuzz-targets

fuzz-targets: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_NAMES))

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libpostern.a
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CPPFLAGS_ALL) -iquote tests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		-o $@ $< $(BUILD)/libpostern.a $(LIBS)

fuzz-regress: fuzz-build
	bash tests/unit/fuzz.sh

fuzz: fuzz-build
	@for t in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_BUILD)/found/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		nice -n 10 $(FUZZ_BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 \
			-artifact_prefix=$(FUZZ_BUILD)/found/$$t- \
			$(FUZZ_BUILD)/found/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# The demo needs the build packages and a Postfix, not the test toolchain.
demo-deps:
	@sh tests/lib/debs.sh demo-deps $(BUILD_DEBS) $(DEMO_DEBS)

demo: demo-deps
	$(MAKE) all
	bash tests/demo.sh

bench-deps:
	@sh tests/lib/debs.sh bench-deps $(BUILD_DEBS) $(BENCH_DEBS)

# The bench's helpers: the delay line, the wall/RSS wrapper, the RTT probe and
# the reference client (the only one linked with OpenSSL).
$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) -D_GNU_SOURCE $(CFLAGS) -o $@ $< $(BENCH_LIBS)
$(BUILD)/bench/minimal_tls: BENCH_LIBS = -lssl -lcrypto

bench: bench-deps
	$(MAKE) all $(BENCH_TOOLS)
	BUILD=$(abspath $(BUILD)) bash tests/bench/run.sh

# The banned-function grep, cppcheck (warnings, portability and
# performance; --inline-suppr lets a reasoned "cppcheck-suppress" stand) and
# clang-tidy with the checks of .clang-tidy, every finding an error.
lint: $(BUILD)/sysdeps.h
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|sscanf|strtok)\s*\(' src/*.c src/*.h \
		|| (echo "lint: banned function above"; exit 1)
	cppcheck --std=c11 --enable=warning,portability,performance --inline-suppr --quiet \
		--error-exitcode=1 -D_GNU_SOURCE -I src -I compat src compat
	clang-tidy --quiet $(sort $(wildcard src/*.c compat/*.c)) -- -std=c11 $(CPPFLAGS_ALL) 2>/dev/null

# systemd units: the queue flush and the SMTP socket for local programs
# (etc/ for users, etc/system/ for a service account); the binary's path in
# them becomes BINDIR's.
USER_UNITS   = postern-flush.service postern-flush.timer postern-smtp.socket postern-smtp@.service
SYSTEM_UNITS = $(USER_UNITS)

# INSTALL_BIN: the binary to install (the tests install the one they test).
INSTALL_BIN ?= postern

install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(SYSTEMUNITDIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/postern
	ln -sf postern $(DESTDIR)$(BINDIR)/mailq
	ln -sf postern $(DESTDIR)$(BINDIR)/newaliases
	install -m 644 man/postern.1 $(DESTDIR)$(MANDIR)/man1/postern.1
	install -m 644 man/postern.ini.5 $(DESTDIR)$(MANDIR)/man5/postern.ini.5
	install -m 644 etc/postern.ini.example etc/aliases.example etc/crontab.example $(DESTDIR)$(DOCDIR)
	for u in $(USER_UNITS); do \
		sed 's|/usr/local/bin/postern|$(BINDIR)/postern|' etc/$$u >$(DESTDIR)$(USERUNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(USERUNITDIR)/$$u || exit 1; \
	done
	for u in $(SYSTEM_UNITS); do \
		sed 's|/usr/local/bin/postern|$(BINDIR)/postern|' etc/system/$$u >$(DESTDIR)$(SYSTEMUNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(SYSTEMUNITDIR)/$$u || exit 1; \
	done
	install -m 644 etc/postern.bash-completion $(DESTDIR)$(COMPLETIONDIR)/postern

# postern as the system's sendmail: /usr/sbin/sendmail and /usr/lib/sendmail
# point at it. A different sendmail already there is refused unless FORCE=1,
# and then kept as NAME.postern-orig for make uninstall to put back.
install-sendmail: install
	@for link in $(SENDMAIL_LINKS); do \
		t=$(DESTDIR)$$link; \
		if [ -e "$$t" ] || [ -L "$$t" ]; then \
			if [ "$$(readlink "$$t")" = "$(BINDIR)/postern" ] || \
			   [ "$$(readlink -f "$$t")" = "$$(readlink -f $(DESTDIR)$(BINDIR)/postern)" ]; then continue; fi; \
			if [ "$(FORCE)" != 1 ]; then \
				echo "install-sendmail: $$link is another program ($$(readlink -f "$$t")); run with FORCE=1 to replace it (it is kept as $$link.postern-orig)" >&2; \
				exit 1; \
			fi; \
			mv -f "$$t" "$$t.postern-orig"; \
		fi; \
		install -d "$$(dirname "$$t")"; \
		ln -s $(BINDIR)/postern "$$t"; \
		echo "install-sendmail: $$link -> $(BINDIR)/postern"; \
	done

uninstall:
	@for link in $(SENDMAIL_LINKS); do \
		t=$(DESTDIR)$$link; \
		if [ -L "$$t" ] && [ "$$(readlink "$$t")" = "$(BINDIR)/postern" ]; then \
			rm -f "$$t"; \
			if [ -e "$$t.postern-orig" ] || [ -L "$$t.postern-orig" ]; then mv -f "$$t.postern-orig" "$$t"; fi; \
		fi; \
	done
	rm -f $(DESTDIR)$(BINDIR)/postern $(DESTDIR)$(BINDIR)/mailq $(DESTDIR)$(BINDIR)/newaliases \
		$(DESTDIR)$(MANDIR)/man1/postern.1 $(DESTDIR)$(MANDIR)/man5/postern.ini.5 \
		$(addprefix $(DESTDIR)$(USERUNITDIR)/,$(USER_UNITS)) \
		$(addprefix $(DESTDIR)$(SYSTEMUNITDIR)/,$(SYSTEM_UNITS)) \
		$(DESTDIR)$(COMPLETIONDIR)/postern
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build build-asan build-fuzz postern
