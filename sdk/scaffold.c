#include "scaffold.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin/registry.h"
#include "strbuf.h"

/* @NAME@ is the block name, @DIR@ the folder and plugin name. */
static const char block_c[] =
	"/* @NAME@: greets someone. Replace with your block; see axon_block(3). */\n"
	"#include <axon/block.h>\n"
	"\n"
	"static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)\n"
	"{\n"
	"\tconst char *name = json_string_value(json_object_get(json_object_get(inputs, \"in\"), \"name\"));\n"
	"\tconst char *greeting = json_string_value(json_object_get(config, \"greeting\"));\n"
	"\tif (!name)\n"
	"\t\treturn axon_fail(ctx, \"the input has no \\\"name\\\" string\");\n"
	"\taxon_log(ctx, AXON_LOG_INFO, \"greeting %s\", name);\n"
	"\treturn axon_emit(ctx, \"out\", json_pack(\"{s:s++}\", \"message\", greeting, \", \", name)) == 0 ? AXON_OK : AXON_FAIL;\n"
	"}\n"
	"\n"
	"static const struct axon_port inputs[] = { { \"in\", \"an object with a name\" }, { NULL, NULL } };\n"
	"static const struct axon_port outputs[] = { { \"out\", \"{\\\"message\\\": ...}\" }, { NULL, NULL } };\n"
	"\n"
	"static const struct axon_block blocks[] = { {\n"
	"\t.name = \"@NAME@\",\n"
	"\t.version = \"0.1.0\",\n"
	"\t.title = \"Greet\",\n"
	"\t.description = \"Says hello to the name in its input.\",\n"
	"\t.category = \"text\",\n"
	"\t.inputs = inputs,\n"
	"\t.outputs = outputs,\n"
	"\t.config_schema = \"{\\\"type\\\": \\\"object\\\", \\\"properties\\\": {\"\n"
	"\t\t\"\\\"greeting\\\": {\\\"type\\\": \\\"string\\\", \\\"title\\\": \\\"Greeting\\\", \\\"default\\\": \\\"Hello\\\"}}}\",\n"
	"\t.limits = { .wall_ms = 5000 },\n"
	"\t.run = run,\n"
	"} };\n"
	"\n"
	"AXON_PLUGIN(\"@DIR@\", blocks)\n";

static const char makefile[] =
	"# Build and test the @NAME@ block. Needs the Axon SDK: pkg-config axon-block.\n"
	"PKG_CONFIG ?= pkg-config\n"
	"AXON_BLOCK ?= axon-block\n"
	"CFLAGS ?= -O2 -g -Wall -Wextra\n"
	"AXON_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags axon-block)\n"
	"AXON_LIBS ?= $(shell $(PKG_CONFIG) --libs axon-block)\n"
	"PLUGIN = @DIR@.so\n"
	"\n"
	"all: $(PLUGIN)\n"
	"\n"
	"$(PLUGIN): block.c\n"
	"\t$(CC) $(CFLAGS) -fPIC -shared -fvisibility=hidden $(AXON_CFLAGS) -o $@ block.c $(AXON_LIBS)\n"
	"\n"
	"check: $(PLUGIN)\n"
	"\t$(AXON_BLOCK) test ./$(PLUGIN) fixtures.json\n"
	"\n"
	"# make install PLUGIN_DIR=DIR: the plugin into DIR (one of axon.conf's plugin_dirs), and its\n"
	"# fixtures into DIR/examples/@DIR@/, where they are the examples on its block's page.\n"
	"install: $(PLUGIN)\n"
	"\t@test -n \"$(PLUGIN_DIR)\" || { echo 'make install PLUGIN_DIR=DIR: a directory of plugin_dirs in axon.conf'; exit 1; }\n"
	"\tinstall -D -m 0644 $(PLUGIN) $(PLUGIN_DIR)/$(PLUGIN)\n"
	"\tinstall -D -m 0644 fixtures.json $(PLUGIN_DIR)/examples/@DIR@/fixtures.json\n"
	"\n"
	"clean:\n"
	"\trm -f $(PLUGIN)\n"
	"\n"
	".PHONY: all check install clean\n";

static const char fixtures[] =
	"{\n"
	"  \"block\": \"@NAME@\",\n"
	"  \"cases\": [\n"
	"    {\"name\": \"default greeting\", \"inputs\": {\"in\": {\"name\": \"Ada\"}},\n"
	"     \"expect\": {\"outputs\": {\"out\": {\"message\": \"Hello, Ada\"}}}},\n"
	"    {\"name\": \"configured greeting\", \"config\": {\"greeting\": \"Bonjour\"}, \"inputs\": {\"in\": {\"name\": \"Ada\"}},\n"
	"     \"expect\": {\"outputs\": {\"out\": {\"message\": \"Bonjour, Ada\"}}}},\n"
	"    {\"name\": \"no name\", \"inputs\": {\"in\": {}},\n"
	"     \"expect\": {\"status\": \"error\", \"error_contains\": \"no \\\"name\\\"\"}}\n"
	"  ]\n"
	"}\n";

static const char readme[] =
	"# @NAME@\n"
	"\n"
	"An Axon block. `make` builds `@DIR@.so`; `make check` runs `fixtures.json` in the same\n"
	"sandbox axond uses. Try it by hand:\n"
	"\n"
	"    axon-block run ./@DIR@.so @NAME@ --input 'in={\"name\": \"Ada\"}'\n"
	"\n"
	"To install, `make install PLUGIN_DIR=DIR` with a directory listed in `plugin_dirs` of axon.conf\n"
	"(with ./quickstart serve: var/plugins/) and send axond a SIGHUP. It puts `@DIR@.so` there with\n"
	"install (not cp, which writes into the file axond has mapped) and `fixtures.json` in\n"
	"DIR/examples/@DIR@/, as the examples on the block's page. The block API is in axon_block(3).\n";

static int write_file(const char *dir, const char *file, const char *tpl, const char *name, FILE *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	sb_printf(&path, "%s/%s", dir, file);
	for (const char *p = tpl; *p; p++) {
		if (!strncmp(p, "@NAME@", 6)) {
			sb_adds(&text, name);
			p += 5;
		} else if (!strncmp(p, "@DIR@", 5)) {
			sb_adds(&text, dir);
			p += 4;
		} else {
			sb_addc(&text, *p);
		}
	}
	FILE *f = fopen(sb_str(&path), "wx");
	int rc = f && fwrite(text.data, 1, text.len, f) == text.len ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc)
		fprintf(err, "axon-block: %s: %s\n", sb_str(&path), strerror(errno));
	sb_free(&path);
	sb_free(&text);
	return rc;
}

int scaffold_new(const char *name, FILE *err)
{
	if (!plugin_valid_block_name(name)) {
		fprintf(err, "axon-block: '%s' is not a block name: use your namespace, a dot and a name, e.g. acme.greet\n", name);
		return 64;
	}
	char dir[160];
	snprintf(dir, sizeof dir, "%s", name);
	for (char *p = dir; *p; p++)
		if (*p == '.')
			*p = '-';
	if (mkdir(dir, 0777) < 0) {
		fprintf(err, "axon-block: cannot make the folder %s: %s\n", dir, strerror(errno));
		return 73;
	}
	if (write_file(dir, "block.c", block_c, name, err) || write_file(dir, "Makefile", makefile, name, err) ||
	    write_file(dir, "fixtures.json", fixtures, name, err) || write_file(dir, "README.md", readme, name, err))
		return 73;
	fprintf(err, "made %s/ with block.c, Makefile, fixtures.json and README.md: cd %s && make check\n", dir, dir);
	return 0;
}
