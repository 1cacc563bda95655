# plugins: the core blocks, one plugin (.so) per family, each built against
# the SDK header only, exactly as a community author would (see
# sdk/README.md). A family is a folder: one file per block, blocks.h listing
# them, family.c making the plugin, and each block's fixtures (BLOCK.json)
# beside its source, run through axon-block test by tests/sandbox. The files
# at the top are shared by the families. After `make`, the .so files are in
# plugins/.libs/ of the build tree.
plugindir = $(pkglibdir)/plugins
plugin_LTLIBRARIES = plugins/flow.la plugins/data.la plugins/text.la plugins/date.la plugins/crypto.la plugins/net.la plugins/mail.la plugins/chat.la plugins/db.la

PLUGIN_CPPFLAGS = -I$(top_srcdir)/sdk/include -I$(top_srcdir)/plugins
PLUGIN_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
PLUGIN_LDFLAGS = -module -avoid-version -shared $(AM_LDFLAGS)
PLUGIN_SHARED = plugins/family.h plugins/json_path.c plugins/json_path.h plugins/shape.c plugins/shape.h \
	plugins/template_fill.c plugins/template_fill.h

# Shared by some families only.
PLUGIN_COMPARE = plugins/compare.c plugins/compare.h
PLUGIN_XML = plugins/xml_errors.c plugins/xml_errors.h
# Each family's blocks, without the file that makes the plugin: the block
# fuzzer (tests/fuzz/fuzz_blocks.c) links them all into one program.
PLUGIN_FLOW_BLOCKS = plugins/flow/blocks.h \
	plugins/flow/if.c plugins/flow/switch.c plugins/flow/merge.c plugins/flow/stop.c
PLUGIN_DATA_BLOCKS = plugins/data/blocks.h plugins/data/list.c plugins/data/list.h \
	plugins/data/json_set.c plugins/data/filter.c plugins/data/sort.c plugins/data/limit.c plugins/data/dedupe.c \
	plugins/data/aggregate.c plugins/data/split.c plugins/data/join.c plugins/data/json_text.c plugins/data/csv.c \
	plugins/data/xml_parse.c
PLUGIN_TEXT_BLOCKS = plugins/text/blocks.h plugins/text/input.c plugins/text/input.h plugins/text/regex.c plugins/text/regex.h \
	plugins/text/template.c plugins/text/join.c plugins/text/split.c plugins/text/replace.c plugins/text/match.c \
	plugins/text/case.c plugins/text/html_extract.c plugins/text/html_to_text.c plugins/text/markdown.c
PLUGIN_DATE_BLOCKS = plugins/date/blocks.h plugins/date/zones.c plugins/date/zones.h plugins/date/instant.c \
	plugins/date/instant.h plugins/date/parse.c plugins/date/format.c plugins/date/add.c
PLUGIN_CRYPTO_BLOCKS = plugins/crypto/blocks.h plugins/crypto/digest.c plugins/crypto/digest.h \
	plugins/crypto/hash.c plugins/crypto/hmac.c plugins/crypto/uuid.c
PLUGIN_NET_BLOCKS = plugins/net/blocks.h plugins/net/http_request.c \
	plugins/net/paginate.c plugins/net/paginate.h plugins/net/response.c plugins/net/response.h \
	plugins/net/feed_read.c plugins/net/feed.c plugins/net/feed.h
PLUGIN_MAIL_BLOCKS = plugins/mail/blocks.h plugins/mail/send.c plugins/mail/read.c
PLUGIN_CHAT_BLOCKS = plugins/chat/blocks.h plugins/chat/post.c
PLUGIN_DB_BLOCKS = plugins/db/blocks.h plugins/db/query.c

plugins_flow_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_COMPARE) $(PLUGIN_FLOW_BLOCKS) plugins/flow/family.c
plugins_flow_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_flow_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_flow_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_flow_la_LIBADD = $(JANSSON_LIBS)

plugins_data_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_COMPARE) $(PLUGIN_XML) $(PLUGIN_DATA_BLOCKS) plugins/data/family.c
plugins_data_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_data_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_data_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_data_la_LIBADD = $(XML_LIBS) $(JANSSON_LIBS)

plugins_text_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_XML) $(PLUGIN_TEXT_BLOCKS) plugins/text/family.c
plugins_text_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_text_la_CFLAGS = $(PLUGIN_CFLAGS) $(PCRE2_CFLAGS) $(CMARK_CFLAGS)
plugins_text_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_text_la_LIBADD = $(XML_LIBS) $(PCRE2_LIBS) $(CMARK_LIBS) $(JANSSON_LIBS)

# The engine's TZif reader is compiled in (a plugin links no axond code):
# see plugins/date/zones.h.
plugins_date_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_DATE_BLOCKS) plugins/date/family.c src/engine/timezone.c src/engine/timezone.h
plugins_date_la_CPPFLAGS = $(PLUGIN_CPPFLAGS) -I$(top_srcdir)/src
plugins_date_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_date_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_date_la_LIBADD = $(JANSSON_LIBS) -lm

plugins_crypto_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_CRYPTO_BLOCKS) plugins/crypto/family.c
plugins_crypto_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_crypto_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_crypto_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_crypto_la_LIBADD = $(CRYPTO_LIBS) $(JANSSON_LIBS)

plugins_net_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_XML) $(PLUGIN_NET_BLOCKS) plugins/net/family.c
plugins_net_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_net_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_net_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_net_la_LIBADD = $(XML_LIBS) $(CRYPTO_LIBS) $(JANSSON_LIBS)

plugins_mail_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_MAIL_BLOCKS) plugins/mail/family.c
plugins_mail_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_mail_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_mail_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_mail_la_LIBADD = $(JANSSON_LIBS)

plugins_chat_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_CHAT_BLOCKS) plugins/chat/family.c
plugins_chat_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_chat_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_chat_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_chat_la_LIBADD = $(JANSSON_LIBS)

plugins_db_la_SOURCES = $(PLUGIN_SHARED) $(PLUGIN_DB_BLOCKS) plugins/db/family.c
plugins_db_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_db_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_db_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_db_la_LIBADD = $(JANSSON_LIBS)

# Each block's fixtures, beside its source.
EXTRA_DIST += plugins/flow/if.json plugins/flow/switch.json plugins/flow/merge.json plugins/flow/stop.json \
	plugins/data/json_set.json plugins/data/filter.json plugins/data/sort.json plugins/data/limit.json \
	plugins/data/dedupe.json plugins/data/aggregate.json plugins/data/split.json plugins/data/join.json \
	plugins/data/json_text.json plugins/data/csv.json plugins/data/xml_parse.json \
	plugins/text/template.json plugins/text/join.json plugins/text/split.json plugins/text/replace.json \
	plugins/text/match.json plugins/text/case.json plugins/text/html_extract.json plugins/text/html_to_text.json \
	plugins/text/markdown.json \
	plugins/date/parse.json plugins/date/format.json plugins/date/add.json \
	plugins/crypto/hash.json plugins/crypto/hmac.json plugins/crypto/uuid.json \
	plugins/net/http_request.json.in plugins/net/http_refused.json.in plugins/net/feed_read.json.in plugins/mail/send.json plugins/mail/read.json plugins/chat/post.json plugins/db/query.json

# The core blocks were one plugin per block before they were grouped by
# family: an upgrade removes those, whose blocks the family plugins now
# provide (axond refuses a block name that two plugins give).
install-data-hook: remove-old-core-plugins
remove-old-core-plugins:
	for old in text_template json_set flow_if http_request html_extract; do \
		rm -f "$(DESTDIR)$(plugindir)/$$old.so" "$(DESTDIR)$(plugindir)/$$old.la"; \
	done
.PHONY: remove-old-core-plugins

# The code family (plugins/code/): user code in Lua, jq and JavaScript, one
# .so for the three blocks; fixtures in plugins/code/fixtures.
plugin_LTLIBRARIES += plugins/code.la
plugins_code_la_SOURCES = plugins/code/plugin.c plugins/code/blocks.h plugins/code/contract.c plugins/code/contract.h \
	plugins/code/lua.c plugins/code/lua_values.c plugins/code/lua_values.h plugins/code/jq.c plugins/code/jq_budget.c \
	plugins/code/jq_budget.h plugins/code/js.c \
	plugins/code/transpile.c plugins/code/transpile.h
nodist_plugins_code_la_SOURCES = plugins/code/transpiler-source.c plugins/code/transpiler-bytecode.c
plugins_code_la_CPPFLAGS = $(PLUGIN_CPPFLAGS) $(LUA_CFLAGS) $(DUKTAPE_CFLAGS)
plugins_code_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_code_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_code_la_LIBADD = $(LUA_LIBS) $(JQ_LIBS) $(DUKTAPE_LIBS) $(JANSSON_LIBS)
EXTRA_DIST += plugins/code/fixtures docs/blocks/code.md plugins/code/make-transpiler.js plugins/code/es5-runtime.js \
	plugins/code/instrument.js
# buble, compiled to ES5 by itself and kept in the plugin as a C array.
plugins/code/transpiler-source.c: $(srcdir)/plugins/code/make-transpiler.js $(srcdir)/plugins/code/instrument.js \
		$(srcdir)/plugins/code/es5-runtime.js
	$(AM_V_GEN)$(MKDIR_P) plugins/code && \
	$(NODE) $(srcdir)/plugins/code/make-transpiler.js '$(BUBLE_JS)' $(srcdir)/plugins/code/instrument.js \
		$(srcdir)/plugins/code/es5-runtime.js $@.tmp && mv $@.tmp $@
CLEANFILES += plugins/code/transpiler-source.c
# ... and as Duktape bytecode made by this build's Duktape, which a worker loads in a
# few ms instead of compiling it (transpile.c compiles the source under another Duktape).
noinst_PROGRAMS += plugins/code/dump-transpiler
plugins_code_dump_transpiler_SOURCES = plugins/code/dump-transpiler.c
nodist_plugins_code_dump_transpiler_SOURCES = plugins/code/transpiler-source.c
plugins_code_dump_transpiler_CPPFLAGS = $(DUKTAPE_CFLAGS)
plugins_code_dump_transpiler_LDADD = $(DUKTAPE_LIBS)
plugins/code/transpiler-bytecode.c: plugins/code/dump-transpiler$(EXEEXT)
	$(AM_V_GEN)plugins/code/dump-transpiler$(EXEEXT) $@.tmp && mv $@.tmp $@
CLEANFILES += plugins/code/transpiler-bytecode.c

# The ai family (plugins/ai/): language models asked through the daemon
# (host->llm, ABI 1.4); fixtures beside them (BLOCK.json.in), run against the
# scripted stand-in by tests/sandbox/ai-blocks.sh.
plugin_LTLIBRARIES += plugins/ai.la
plugins_ai_la_SOURCES = $(PLUGIN_SHARED) plugins/ai/blocks.h plugins/ai/family.c \
	plugins/ai/provider.c plugins/ai/provider.h plugins/ai/json_check.c plugins/ai/json_check.h \
	plugins/ai/structured.c plugins/ai/structured.h \
	plugins/ai/chat.c plugins/ai/extract.c plugins/ai/classify.c plugins/ai/embed.c \
	plugins/ai/index.c plugins/ai/search.c plugins/ai/answer.c plugins/ai/agent.c
plugins_ai_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_ai_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_ai_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_ai_la_LIBADD = $(JANSSON_LIBS)
EXTRA_DIST += plugins/ai/extract.json.in plugins/ai/classify.json.in plugins/ai/chat.json.in plugins/ai/refused.json.in \
	plugins/ai/embed.json.in plugins/ai/agent.json.in \
	docs/blocks/ai.md tests/standins/scripted-llm/llm_standin.py

# The pdf family (plugins/pdf/): documents parsed in the sandbox with
# poppler; fixtures in tests/sandbox/pdf-blocks.sh, which makes its PDFs.
plugin_LTLIBRARIES += plugins/pdf.la
plugins_pdf_la_SOURCES = $(PLUGIN_SHARED) plugins/pdf/blocks.h plugins/pdf/family.c plugins/pdf/text.c
plugins_pdf_la_CPPFLAGS = $(PLUGIN_CPPFLAGS)
plugins_pdf_la_CFLAGS = $(PLUGIN_CFLAGS) $(POPPLER_CFLAGS)
plugins_pdf_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_pdf_la_LIBADD = $(POPPLER_LIBS) $(JANSSON_LIBS)
EXTRA_DIST += docs/blocks/pdf.md

# The fixtures double as the examples on each block's page: every plugin's
# are installed into PLUGINDIR/examples/PLUGIN/ (see
# src/web/pages/block_examples.h), and copied beside the .so files of the
# build tree, for ./quickstart serve and the tests. The net family's
# fixtures are templates for a test's own server (@PORT@), so not examples.
examples_flowdir = $(plugindir)/examples/flow
examples_flow_DATA = plugins/flow/if.json plugins/flow/switch.json plugins/flow/merge.json plugins/flow/stop.json
examples_datadir = $(plugindir)/examples/data
examples_data_DATA = plugins/data/json_set.json plugins/data/filter.json plugins/data/sort.json plugins/data/limit.json \
	plugins/data/dedupe.json plugins/data/aggregate.json plugins/data/split.json plugins/data/join.json \
	plugins/data/json_text.json plugins/data/csv.json plugins/data/xml_parse.json
examples_textdir = $(plugindir)/examples/text
examples_text_DATA = plugins/text/template.json plugins/text/join.json plugins/text/split.json plugins/text/replace.json \
	plugins/text/match.json plugins/text/case.json plugins/text/html_extract.json plugins/text/html_to_text.json \
	plugins/text/markdown.json
examples_datedir = $(plugindir)/examples/date
examples_date_DATA = plugins/date/parse.json plugins/date/format.json plugins/date/add.json
examples_cryptodir = $(plugindir)/examples/crypto
examples_crypto_DATA = plugins/crypto/hash.json plugins/crypto/hmac.json plugins/crypto/uuid.json
examples_maildir = $(plugindir)/examples/mail
examples_mail_DATA = plugins/mail/send.json plugins/mail/read.json
examples_chatdir = $(plugindir)/examples/chat
examples_chat_DATA = plugins/chat/post.json
examples_dbdir = $(plugindir)/examples/db
examples_db_DATA = plugins/db/query.json
examples_codedir = $(plugindir)/examples/code
examples_code_DATA = plugins/code/fixtures/js.json plugins/code/fixtures/lua.json plugins/code/fixtures/jq.json
PLUGIN_EXAMPLES = $(examples_flow_DATA) $(examples_data_DATA) $(examples_text_DATA) $(examples_date_DATA) \
	$(examples_crypto_DATA) $(examples_mail_DATA) $(examples_chat_DATA) $(examples_db_DATA) $(examples_code_DATA)

all-local: plugins/.libs/examples
plugins/.libs/examples: $(PLUGIN_EXAMPLES) $(plugin_LTLIBRARIES)
	$(AM_V_GEN)set -e; rm -rf $@; for f in $(PLUGIN_EXAMPLES); do \
		family=$${f#plugins/}; family=$${family%%/*}; \
		$(MKDIR_P) $@/$$family; cp $(srcdir)/$$f $@/$$family/; \
	done
