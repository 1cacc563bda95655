/* The loader against good and bad plugins: what loads, what is skipped and
 * the reason given, the registry as JSON, and --list-blocks. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "../testlib.h"
#include "config.h"
#include "credential_types.h"
#include "log.h"
#include "plugin/registry.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"

static const char *skipped_error(const struct registry *reg, const char *file)
{
	for (size_t i = 0; i < reg->nskipped; i++) {
		const char *slash = strrchr(reg->skipped[i].path, '/');
		if (slash && !strcmp(slash + 1, file))
			return reg->skipped[i].error;
	}
	return NULL;
}

int main(void)
{
	const char *top = getenv("top_builddir");
	struct strbuf dir = STRBUF_INIT;
	sb_printf(&dir, "%s/tests/plugin/.libs", top ? top : ".");
	log_open("stderr", LOG_LVL_ERROR);

	struct registry *reg = registry_scan(sb_str(&dir));
	CHECK(reg->nplugins == 2); /* dup_a, good */
	CHECK(reg->nblocks == 3);
	const struct plugin_block *good = registry_find(reg, "test.good");
	CHECK(good != NULL);
	CHECK(registry_find(reg, "test.good_too") != NULL);
	CHECK(registry_find(reg, "test.dup") != NULL);
	CHECK_CONTAINS(registry_find(reg, "test.dup")->path, "dup_a.so");
	CHECK(registry_find(reg, "test.future") == NULL);
	if (good) {
		CHECK_STR(good->def.version, "1.2.3-beta.1");
		CHECK(good->def.limits.wall_ms == 2000);
	}

	char want[120];
	snprintf(want, sizeof want, "built for block ABI 2.0, but this Axon provides ABI 1.%d", AXON_ABI_MINOR);
	CHECK_CONTAINS(skipped_error(reg, "wrong_abi.so"), want);
	snprintf(want, sizeof want, "built for block ABI 1.%d, but this Axon provides ABI 1.%d", AXON_ABI_MINOR + 1, AXON_ABI_MINOR);
	CHECK_CONTAINS(skipped_error(reg, "newer_minor.so"), want);
	CHECK_CONTAINS(skipped_error(reg, "missing_symbol.so"), "no axon_plugin() function");
	CHECK_CONTAINS(skipped_error(reg, "dup_b.so"), "block 'test.dup' is already provided by");
	CHECK_CONTAINS(skipped_error(reg, "dup_b.so"), "dup_a.so");
	CHECK_CONTAINS(skipped_error(reg, "bad_schema.so"), "property 'n': the default is not of type integer");
	CHECK_CONTAINS(skipped_error(reg, "bad_name.so"), "block name 'Template' is not namespaced");
	CHECK(reg->nskipped == 7);

	json_t *j = registry_to_json(reg);
	json_t *first = json_array_get(json_object_get(j, "blocks"), 0);
	CHECK_STR(json_string_value(json_object_get(first, "name")), "test.dup");
	json_t *g = json_array_get(json_object_get(j, "blocks"), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(g, "outputs"), 0), "name")), "out");
	CHECK(json_integer_value(json_object_get(json_object_get(g, "limits"), "memory_bytes")) == 64 << 20);
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(json_object_get(g, "config_schema"),
	          "properties"), "mode"), "default")), "a");
	CHECK(json_array_size(json_object_get(j, "skipped")) == 7);
	/* The credential types a plugin declares, with their plugin. */
	json_t *ct = json_array_get(json_object_get(j, "credential_types"), 0);
	CHECK(json_array_size(json_object_get(j, "credential_types")) == 1);
	CHECK_STR(json_string_value(json_object_get(ct, "name")), "test.token");
	CHECK_CONTAINS(json_string_value(json_object_get(ct, "plugin")), "good.so");
	CHECK_CONTAINS(skipped_error(reg, "bad_credential.so"), "credential type 0: credential type 'bearer2' is not namespaced");
	json_decref(j);
	registry_free(reg);

	/* A file in plugin_dirs is loaded as it is; a missing directory is a warning. */
	sb_reset(&dir);
	sb_printf(&dir, "%s/tests/plugin/.libs/good.so:nonexistent-axon-dir", top ? top : ".");
	reg = registry_scan(sb_str(&dir));
	CHECK(reg->nblocks == 2 && reg->nskipped == 0);
	registry_free(reg);

	/* axond --list-blocks: the same, described by confined workers. */
	struct config c;
	config_defaults(&c);
	snprintf(c.plugin_dirs, sizeof c.plugin_dirs, "%s", sb_str(&dir));
	char err[600];
	struct sandbox *box = sandbox_start(&c, err, sizeof err);
	CHECK(box != NULL);
	j = box ? sandbox_registry(box) : NULL;
	CHECK(json_array_size(json_object_get(j, "blocks")) == 2);
	CHECK(json_array_size(json_object_get(j, "credential_types")) == 1);
	CHECK(json_object_get(j, "plugins") == NULL); /* file identities stay inside the sandbox */
	const json_t *token = credential_type_get("test.token"); /* the daemon knows it now */
	CHECK(token && credential_field_secret(token, "token"));
	json_decref(j);
	sandbox_stop(box);
	sb_free(&dir);

	/* What a worker says is checked: forged entries are refused with the reason. */
	j = json_loads("{\"plugins\": {\"/p.so\": \"1:2:3:4\"}, \"blocks\": ["
	               "{\"name\": \"a.ok\", \"version\": \"1.0.0\", \"title\": \"A\", \"description\": \"\", \"category\": \"\","
	               " \"plugin\": \"/p.so\", \"inputs\": [], \"outputs\": [{\"name\": \"out\", \"description\": \"\"}],"
	               " \"config_schema\": {\"type\": \"object\"}, \"limits\": {\"wall_ms\": 0, \"cpu_ms\": 0, \"memory_bytes\": 0}},"
	               "{\"name\": \"a.ok\", \"version\": \"1.0.0\", \"title\": \"A\", \"description\": \"\", \"category\": \"\","
	               " \"plugin\": \"/p.so\", \"inputs\": [], \"outputs\": [], \"config_schema\": {\"type\": \"object\"},"
	               " \"limits\": {\"wall_ms\": 0, \"cpu_ms\": 0, \"memory_bytes\": 0}},"
	               "{\"name\": \"Bad Name\"},"
	               "{\"name\": \"a.port\", \"version\": \"1.0.0\", \"title\": \"A\", \"description\": \"\", \"category\": \"\","
	               " \"plugin\": \"/p.so\", \"inputs\": [{\"name\": \"../x\", \"description\": \"\"}], \"outputs\": [],"
	               " \"config_schema\": {\"type\": \"object\"}, \"limits\": {\"wall_ms\": 0, \"cpu_ms\": 0, \"memory_bytes\": 0}},"
	               "{\"name\": \"a.elsewhere\", \"version\": \"1.0.0\", \"title\": \"A\", \"description\": \"\", \"category\": \"\","
	               " \"plugin\": \"/other.so\", \"inputs\": [], \"outputs\": [], \"config_schema\": {\"type\": \"object\"},"
	               " \"limits\": {\"wall_ms\": 0, \"cpu_ms\": 0, \"memory_bytes\": 0}}]}", 0, NULL);
	CHECK(j != NULL);
	registry_check_json(j);
	CHECK(json_array_size(json_object_get(j, "blocks")) == 1);
	CHECK(json_array_size(json_object_get(j, "skipped")) == 4);
	CHECK(strstr(json_string_value(json_object_get(json_array_get(json_object_get(j, "skipped"), 0), "error")), "already provided") != NULL);
	json_decref(j);

	/* Forged credential types: another plugin's file, a core name, a twin. */
	j = json_loads("{\"plugins\": {\"/p.so\": \"1:2:3:4\"}, \"blocks\": [], \"credential_types\": ["
		       "{\"name\": \"p.key\", \"title\": \"K\", \"schema\": {\"type\": \"object\"}, \"plugin\": \"/p.so\"},"
		       "{\"name\": \"p.key\", \"title\": \"K\", \"schema\": {\"type\": \"object\"}, \"plugin\": \"/p.so\"},"
		       "{\"name\": \"bearer\", \"title\": \"B\", \"schema\": {\"type\": \"object\"}, \"plugin\": \"/p.so\"},"
		       "{\"name\": \"q.key\", \"title\": \"Q\", \"schema\": {\"type\": \"object\"}, \"plugin\": \"/q.so\"}]}",
		       0, NULL);
	registry_check_json(j);
	CHECK(json_array_size(json_object_get(j, "credential_types")) == 1);
	CHECK(json_array_size(json_object_get(j, "skipped")) == 3);
	CHECK_CONTAINS(json_string_value(json_object_get(json_array_get(json_object_get(j, "skipped"), 0), "error")),
		       "credential type 'p.key' is already declared by /p.so");
	json_decref(j);
	return t_done("test_loader");
}
