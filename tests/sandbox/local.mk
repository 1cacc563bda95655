# tests/sandbox: hostile plugins against the sandbox, concurrency and leaks,
# and the core blocks' fixtures through axon-block test.
check_LTLIBRARIES += tests/sandbox/hostile.la
tests_sandbox_hostile_la_SOURCES = tests/sandbox/hostile.c
tests_sandbox_hostile_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_sandbox_hostile_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden -O0
tests_sandbox_hostile_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere $(AM_LDFLAGS)
tests_sandbox_hostile_la_LIBADD = $(JANSSON_LIBS)

check_PROGRAMS += tests/sandbox/test_hostile
tests_sandbox_test_hostile_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_hostile

# Plugins whose constructors or destructors try what plugin code must never do
# unconfined, one .so each (test_plugin_load), in a folder of their own: the
# one that hangs would slow every axond that scans tests/sandbox/.libs.
check_LTLIBRARIES += tests/sandbox/ctor/ctor_write.la tests/sandbox/ctor/ctor_read.la tests/sandbox/ctor/ctor_tcp.la \
	tests/sandbox/ctor/ctor_unix.la tests/sandbox/ctor/ctor_fork.la tests/sandbox/ctor/ctor_exec.la tests/sandbox/ctor/ctor_crash.la \
	tests/sandbox/ctor/ctor_hang.la tests/sandbox/ctor/dtor_write.la
CTOR_FLAGS = -module -avoid-version -shared -rpath /nowhere $(AM_LDFLAGS)
CTOR_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden -O0
tests_sandbox_ctor_ctor_write_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_write_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=1
tests_sandbox_ctor_ctor_write_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_write_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_write_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_read_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_read_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=2
tests_sandbox_ctor_ctor_read_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_read_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_read_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_tcp_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_tcp_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=3
tests_sandbox_ctor_ctor_tcp_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_tcp_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_tcp_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_unix_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_unix_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=4
tests_sandbox_ctor_ctor_unix_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_unix_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_unix_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_fork_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_fork_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=5
tests_sandbox_ctor_ctor_fork_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_fork_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_fork_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_exec_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_exec_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=6
tests_sandbox_ctor_ctor_exec_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_exec_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_exec_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_crash_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_crash_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=7
tests_sandbox_ctor_ctor_crash_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_crash_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_crash_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_ctor_hang_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_ctor_hang_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=8
tests_sandbox_ctor_ctor_hang_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_ctor_hang_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_ctor_hang_la_LIBADD = $(JANSSON_LIBS)
tests_sandbox_ctor_dtor_write_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_dtor_write_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DHOSTILE_CTOR=9
tests_sandbox_ctor_dtor_write_la_CFLAGS = $(CTOR_CFLAGS)
tests_sandbox_ctor_dtor_write_la_LDFLAGS = $(CTOR_FLAGS)
tests_sandbox_ctor_dtor_write_la_LIBADD = $(JANSSON_LIBS)
check_PROGRAMS += tests/sandbox/test_plugin_load
tests_sandbox_test_plugin_load_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_plugin_load

check_PROGRAMS += tests/sandbox/test_warm
tests_sandbox_test_warm_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_warm

check_PROGRAMS += tests/sandbox/test_concurrent
tests_sandbox_test_concurrent_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_concurrent

TESTS += tests/sandbox/core-blocks.sh
EXTRA_DIST += tests/sandbox/core-blocks.sh tests/sandbox/http_server.py tests/sandbox/hostile_sandbox.h
TESTS += tests/sandbox/axon-block-cli.sh
EXTRA_DIST += tests/sandbox/axon-block-cli.sh
# make install into a temporary DESTDIR, then a block built against that copy.
TESTS += tests/sandbox/installed-sdk.sh
EXTRA_DIST += tests/sandbox/installed-sdk.sh

# make bench: the sandbox's per-block overhead (docs/performance.md, "Sandbox").
check_PROGRAMS += tests/bench/sandbox-bench
tests_bench_sandbox_bench_SOURCES = tests/bench/sandbox-bench.c
tests_bench_sandbox_bench_LDADD = $(AXON_TEST_LDADD)
bench_scripts += tests/bench/sandbox-bench.sh
EXTRA_DIST += tests/bench/sandbox-bench.sh

check_PROGRAMS += tests/sandbox/test_broker
tests_sandbox_test_broker_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_broker

check_PROGRAMS += tests/sandbox/test_confinement
tests_sandbox_test_confinement_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_confinement

# The code blocks' fixtures, logs and limits (plugins/code/).
TESTS += tests/sandbox/code-blocks.sh
EXTRA_DIST += tests/sandbox/code-blocks.sh
