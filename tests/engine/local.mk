# tests/engine: config-string templates and workflow validation; the template fuzzer.
ENGINE_TESTS = tests/engine/test_placeholder tests/engine/test_signature tests/engine/test_workflow \
	tests/engine/test_plan
check_PROGRAMS += $(ENGINE_TESTS)
TESTS += $(ENGINE_TESTS)
tests_engine_test_placeholder_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_workflow_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_signature_LDADD = $(AXON_TEST_LDADD)
tests_engine_test_plan_LDADD = $(AXON_TEST_LDADD)
if FUZZ
check_PROGRAMS += tests/fuzz/fuzz_placeholder
tests_fuzz_fuzz_placeholder_SOURCES = tests/engine/fuzz_placeholder.c
tests_fuzz_fuzz_placeholder_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_placeholder_LDADD = $(AXON_TEST_LDADD)
endif
