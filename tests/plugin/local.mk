# tests/plugin: the loader and the registry against good and bad plugins.
TEST_PLUGIN_FLAGS = -module -avoid-version -shared -rpath /nowhere $(AM_LDFLAGS)
check_LTLIBRARIES += tests/plugin/good.la tests/plugin/wrong_abi.la tests/plugin/newer_minor.la tests/plugin/missing_symbol.la tests/plugin/dup_a.la tests/plugin/dup_b.la tests/plugin/bad_schema.la tests/plugin/bad_name.la \
	tests/plugin/bad_credential.la
tests_plugin_good_la_SOURCES = tests/plugin/good.c
tests_plugin_good_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_good_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_good_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_good_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_wrong_abi_la_SOURCES = tests/plugin/wrong_abi.c
tests_plugin_wrong_abi_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_wrong_abi_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_wrong_abi_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_wrong_abi_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_newer_minor_la_SOURCES = tests/plugin/newer_minor.c
tests_plugin_newer_minor_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_newer_minor_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_newer_minor_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_newer_minor_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_missing_symbol_la_SOURCES = tests/plugin/missing_symbol.c
tests_plugin_missing_symbol_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_missing_symbol_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_missing_symbol_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_missing_symbol_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_dup_a_la_SOURCES = tests/plugin/dup_a.c
tests_plugin_dup_a_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DPLUGIN_NAME='"dup_a"'
tests_plugin_dup_a_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_dup_a_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_dup_a_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_dup_b_la_SOURCES = tests/plugin/dup_a.c
tests_plugin_dup_b_la_CPPFLAGS = -I$(top_srcdir)/sdk/include -DPLUGIN_NAME='"dup_b"'
tests_plugin_dup_b_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_dup_b_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_dup_b_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_bad_schema_la_SOURCES = tests/plugin/bad_schema.c
tests_plugin_bad_schema_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_bad_schema_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_bad_schema_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_bad_schema_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_bad_name_la_SOURCES = tests/plugin/bad_name.c
tests_plugin_bad_name_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_bad_name_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_bad_name_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_bad_name_la_LIBADD = $(JANSSON_LIBS)
tests_plugin_bad_credential_la_SOURCES = tests/plugin/bad_credential.c
tests_plugin_bad_credential_la_CPPFLAGS = -I$(top_srcdir)/sdk/include
tests_plugin_bad_credential_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
tests_plugin_bad_credential_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_plugin_bad_credential_la_LIBADD = $(JANSSON_LIBS)

check_PROGRAMS += tests/plugin/test_loader tests/plugin/test_schema
tests_plugin_test_loader_LDADD = $(AXON_TEST_LDADD)
tests_plugin_test_schema_LDADD = $(AXON_TEST_LDADD)
TESTS += tests/plugin/test_loader tests/plugin/test_schema
