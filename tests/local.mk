# Unit tests by folder of src/, then integration, browser and fuzz tests.
AXON_TEST_LDADD = $(AXON_LIBS)

check_PROGRAMS += tests/web/test_template tests/web/test_form
tests_web_test_template_LDADD = $(AXON_TEST_LDADD)
tests_web_test_form_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/web/test_template tests/web/test_form
EXTRA_DIST += tests/testlib.h

include tests/fuzz/local.mk
include tests/sandbox/local.mk
include tests/plugin/local.mk
include tests/integration/local.mk
include tests/e2e/local.mk
