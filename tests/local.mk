# Unit tests by folder of src/, then integration, browser and fuzz tests.
AXON_TEST_LDADD = $(AXON_LIBS)

UNIT_TESTS = tests/test_config tests/test_crypto tests/test_cidr tests/test_binary tests/metrics/test_metrics tests/test_envelope tests/test_credential_types \
	tests/web/test_router tests/web/test_template tests/web/test_form tests/web/test_layout tests/web/test_graph \
	tests/web/test_status tests/web/test_chart tests/web/test_stream
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_test_config_LDADD = $(AXON_TEST_LDADD)
tests_test_crypto_LDADD = $(AXON_TEST_LDADD)
tests_test_cidr_LDADD = $(AXON_TEST_LDADD)
tests_test_binary_LDADD = $(AXON_TEST_LDADD)
tests_metrics_test_metrics_LDADD = $(AXON_TEST_LDADD)
tests_test_envelope_SOURCES = tests/test_envelope.c tests/store/scratch.h
tests_test_envelope_LDADD = $(AXON_TEST_LDADD)
tests_test_credential_types_LDADD = $(AXON_TEST_LDADD)
tests_web_test_router_LDADD = $(AXON_TEST_LDADD)
tests_web_test_template_LDADD = $(AXON_TEST_LDADD)
tests_web_test_form_LDADD = $(AXON_TEST_LDADD)
tests_web_test_layout_LDADD = $(AXON_TEST_LDADD)
tests_web_test_graph_LDADD = $(AXON_TEST_LDADD)
tests_web_test_status_LDADD = $(AXON_TEST_LDADD)
tests_web_test_chart_LDADD = $(AXON_TEST_LDADD)
tests_web_test_stream_LDADD = $(AXON_TEST_LDADD)
EXTRA_DIST += tests/testlib.h

include tests/store/local.mk
include tests/engine/local.mk
include tests/fuzz/local.mk
include tests/sandbox/local.mk
include tests/plugin/local.mk
include tests/integration/local.mk
include tests/e2e/local.mk
