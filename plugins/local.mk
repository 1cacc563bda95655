# plugins: the core blocks, each its own .so built against the SDK header
# only, exactly as a community author would (see sdk/README.md). After
# `make`, they are in plugins/.libs/ of the build tree.
plugindir = $(pkglibdir)/plugins
plugin_LTLIBRARIES = plugins/text_template.la plugins/json_set.la plugins/flow_if.la \
	plugins/http_request.la plugins/html_extract.la

PLUGIN_CPPFLAGS = -I$(top_srcdir)/sdk/include
PLUGIN_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
PLUGIN_LDFLAGS = -module -avoid-version -shared $(AM_LDFLAGS)

plugins_text_template_la_SOURCES = plugins/text_template.c plugins/json_path.c plugins/json_path.h
plugins_text_template_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_text_template_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_text_template_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_text_template_la_LIBADD = $(JANSSON_LIBS)

plugins_json_set_la_SOURCES = plugins/json_set.c plugins/json_path.c plugins/json_path.h
plugins_json_set_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_json_set_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_json_set_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_json_set_la_LIBADD = $(JANSSON_LIBS)

plugins_flow_if_la_SOURCES = plugins/flow_if.c plugins/json_path.c plugins/json_path.h
plugins_flow_if_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_flow_if_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_flow_if_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_flow_if_la_LIBADD = $(JANSSON_LIBS)

plugins_http_request_la_SOURCES = plugins/http_request.c
plugins_http_request_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_http_request_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_http_request_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_http_request_la_LIBADD = $(JANSSON_LIBS)

plugins_html_extract_la_SOURCES = plugins/html_extract.c
plugins_html_extract_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_html_extract_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_html_extract_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_html_extract_la_LIBADD = $(XML_LIBS) $(JANSSON_LIBS)

# Fixtures of each block, run through axon-block test by tests/sandbox.
EXTRA_DIST += plugins/fixtures

# The code family (plugins/code/): user code in Lua, jq and JavaScript, one
# .so for the three blocks; fixtures in plugins/code/fixtures.
plugin_LTLIBRARIES += plugins/code.la
plugins_code_la_SOURCES = plugins/code/plugin.c plugins/code/blocks.h plugins/code/contract.c plugins/code/contract.h \
	plugins/code/lua.c plugins/code/lua_values.c plugins/code/lua_values.h plugins/code/jq.c plugins/code/js.c \
	plugins/code/transpile.c plugins/code/transpile.h
nodist_plugins_code_la_SOURCES = plugins/code/transpiler-source.c
plugins_code_la_CPPFLAGS = $(PLUGIN_CPPFLAGS) $(LUA_CFLAGS) $(DUKTAPE_CFLAGS)
plugins_code_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_code_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_code_la_LIBADD = $(LUA_LIBS) $(JQ_LIBS) $(DUKTAPE_LIBS) $(JANSSON_LIBS)
EXTRA_DIST += plugins/code/fixtures docs/blocks/code.md plugins/code/make-transpiler.js plugins/code/es5-runtime.js
# buble, compiled to ES5 by itself and kept in the plugin as a C array.
plugins/code/transpiler-source.c: $(srcdir)/plugins/code/make-transpiler.js $(srcdir)/plugins/code/es5-runtime.js
	$(AM_V_GEN)$(MKDIR_P) plugins/code && \
	$(NODE) $(srcdir)/plugins/code/make-transpiler.js '$(BUBLE_JS)' $(srcdir)/plugins/code/es5-runtime.js $@.tmp && mv $@.tmp $@
CLEANFILES += plugins/code/transpiler-source.c
