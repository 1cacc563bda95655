# tests/engine: config-string templates, workflow validation, the planner, cron and time zones,
# webhook signatures; the placeholder and cron fuzzers.
ENGINE_TESTS = tests/engine/test_placeholder tests/engine/test_signature tests/engine/test_workflow \
	tests/engine/test_plan tests/engine/test_cron tests/engine/test_builtins tests/engine/test_events \
	tests/engine/test_credential_refs
check_PROGRAMS += $(ENGINE_TESTS)
TESTS += $(ENGINE_TESTS)
tests_engine_test_placeholder_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_workflow_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_signature_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_plan_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_cron_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_builtins_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_events_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_credential_refs_LDADD = $(AXON_TEST_LDADD)
if FUZZ
check_PROGRAMS += tests/fuzz/fuzz_placeholder tests/fuzz/fuzz_cron
tests_fuzz_fuzz_cron_SOURCES = tests/engine/fuzz_cron.c
tests_fuzz_fuzz_cron_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_cron_LDADD = $(AXON_TEST_LDADD)
tests_fuzz_fuzz_placeholder_SOURCES = tests/engine/fuzz_placeholder.c
tests_fuzz_fuzz_placeholder_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_placeholder_LDADD = $(AXON_TEST_LDADD)
endif
