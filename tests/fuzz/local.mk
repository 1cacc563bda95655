# libFuzzer targets, built with ./configure CC=clang --enable-fuzz and run
# briefly by tests/fuzz/run-fuzzers.sh; each target feeds its input to one parser.
if FUZZ
FUZZ_TARGETS = tests/fuzz/fuzz_form tests/fuzz/fuzz_cookie tests/fuzz/fuzz_multipart \
	tests/fuzz/fuzz_json_form tests/fuzz/fuzz_template tests/fuzz/fuzz_blocks tests/fuzz/fuzz_mime
check_PROGRAMS += $(FUZZ_TARGETS)
FUZZ_LINK = -fsanitize=fuzzer
tests_fuzz_fuzz_form_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_form_LDADD = $(AXON_TEST_LDADD)
tests_fuzz_fuzz_cookie_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_cookie_LDADD = $(AXON_TEST_LDADD)
tests_fuzz_fuzz_multipart_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_multipart_LDADD = $(AXON_TEST_LDADD)
tests_fuzz_fuzz_json_form_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_json_form_LDADD = $(AXON_TEST_LDADD)
tests_fuzz_fuzz_template_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_template_LDADD = $(AXON_TEST_LDADD)
tests_fuzz_fuzz_mime_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_mime_LDADD = $(AXON_TEST_LDADD)
# Every core block in this process: the blocks' sources without the files
# that make the plugins (the engine's TZif reader comes from libaxon).
tests_fuzz_fuzz_blocks_SOURCES = tests/fuzz/fuzz_blocks.c $(PLUGIN_SHARED) $(PLUGIN_COMPARE) $(PLUGIN_XML) \
	$(PLUGIN_FLOW_BLOCKS) $(PLUGIN_DATA_BLOCKS) $(PLUGIN_TEXT_BLOCKS) $(PLUGIN_DATE_BLOCKS) $(PLUGIN_CRYPTO_BLOCKS) \
	$(PLUGIN_NET_BLOCKS) $(PLUGIN_MAIL_BLOCKS) $(PLUGIN_CHAT_BLOCKS) \
	$(PLUGIN_DB_BLOCKS)
tests_fuzz_fuzz_blocks_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins
tests_fuzz_fuzz_blocks_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS) $(CMARK_CFLAGS)
tests_fuzz_fuzz_blocks_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_blocks_LDADD = $(PCRE2_LIBS) $(CMARK_LIBS) $(AXON_TEST_LDADD) -lm
TESTS += tests/fuzz/run-fuzzers.sh
endif
EXTRA_DIST += tests/fuzz/run-fuzzers.sh tests/fuzz/form_invariants.h tests/fuzz/corpus
