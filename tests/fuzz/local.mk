# libFuzzer targets, built with ./configure CC=clang --enable-fuzz and run
# briefly by tests/fuzz/run-fuzzers.sh; each target feeds its input to one parser.
if FUZZ
FUZZ_TARGETS = tests/fuzz/fuzz_form tests/fuzz/fuzz_cookie tests/fuzz/fuzz_multipart \
	tests/fuzz/fuzz_json_form tests/fuzz/fuzz_template
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
TESTS += tests/fuzz/run-fuzzers.sh
endif
EXTRA_DIST += tests/fuzz/run-fuzzers.sh tests/fuzz/form_invariants.h tests/fuzz/corpus
