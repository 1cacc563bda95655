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

# A plugin whose constructor or destructor tries what plugin code must never
# do unconfined; test_plugin_load installs it under one name per behaviour
# (ctor_write.so, ctor_tcp.so...), which the constructor reads with dladdr().
check_LTLIBRARIES += tests/sandbox/ctor/hostile_ctor.la
tests_sandbox_ctor_hostile_ctor_la_SOURCES = tests/sandbox/hostile_ctor.c
tests_sandbox_ctor_hostile_ctor_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_sandbox_ctor_hostile_ctor_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden -O0
tests_sandbox_ctor_hostile_ctor_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere $(AM_LDFLAGS)
tests_sandbox_ctor_hostile_ctor_la_LIBADD = $(JANSSON_LIBS)
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
EXTRA_DIST += tests/sandbox/core-blocks.sh tests/sandbox/http_server.py tests/sandbox/hostile_sandbox.h tests/sandbox/http_server.h
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

# A language model's streamed answers cut at every place (src/broker/llm_stream.c).
check_PROGRAMS += tests/sandbox/test_llm_stream
tests_sandbox_test_llm_stream_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_llm_stream

# The ai blocks against the scripted language model stand-in.
TESTS += tests/sandbox/ai-blocks.sh
EXTRA_DIST += tests/sandbox/ai-blocks.sh

# The broker's language model calls over HTTP, against the scripted stand-in.
check_PROGRAMS += tests/sandbox/test_llm
tests_sandbox_test_llm_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_llm
EXTRA_DIST +=

# Mail messages as the broker's IMAP service reads them (src/broker/mime.c).
check_PROGRAMS += tests/sandbox/test_mime
tests_sandbox_test_mime_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_mime

# pdf.text on PDFs the test makes.
TESTS += tests/sandbox/pdf-blocks.sh
EXTRA_DIST += tests/sandbox/pdf-blocks.sh tests/sandbox/make_pdf.py
# broker_credential(): credentials opened for the broker's services, and masked.
check_PROGRAMS += tests/sandbox/test_credentials
tests_sandbox_test_credentials_SOURCES = tests/sandbox/test_credentials.c tests/store/scratch.h
tests_sandbox_test_credentials_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/sandbox/test_credentials
