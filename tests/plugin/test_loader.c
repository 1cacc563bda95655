/* The loader against good and bad plugins: what loads, what is skipped and
 * the reason given, the registry as JSON, and --list-blocks. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "../testlib.h"
#include "config.h"
#include "log.h"
#include "plugin/registry.h"
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

	CHECK_CONTAINS(skipped_error(reg, "wrong_abi.so"), "built for block ABI 2.0, but this Axon provides ABI 1.0");
	CHECK_CONTAINS(skipped_error(reg, "newer_minor.so"), "built for block ABI 1.1, but this Axon provides ABI 1.0");
	CHECK_CONTAINS(skipped_error(reg, "missing_symbol.so"), "no axon_plugin() function");
	CHECK_CONTAINS(skipped_error(reg, "dup_b.so"), "block 'test.dup' is already provided by");
	CHECK_CONTAINS(skipped_error(reg, "dup_b.so"), "dup_a.so");
	CHECK_CONTAINS(skipped_error(reg, "bad_schema.so"), "property 'n': the default is not of type integer");
	CHECK_CONTAINS(skipped_error(reg, "bad_name.so"), "block name 'Template' is not namespaced");
	CHECK(reg->nskipped == 6);

	json_t *j = registry_to_json(reg);
	json_t *first = json_array_get(json_object_get(j, "blocks"), 0);
	CHECK_STR(json_string_value(json_object_get(first, "name")), "test.dup");
	json_t *g = json_array_get(json_object_get(j, "blocks"), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(g, "outputs"), 0), "name")), "out");
	CHECK(json_integer_value(json_object_get(json_object_get(g, "limits"), "memory_bytes")) == 64 << 20);
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(json_object_get(g, "config_schema"),
	          "properties"), "mode"), "default")), "a");
	CHECK(json_array_size(json_object_get(j, "skipped")) == 6);
	json_decref(j);
	registry_free(reg);

	/* A file in plugin_dirs is loaded as it is; a missing directory is a warning. */
	sb_reset(&dir);
	sb_printf(&dir, "%s/tests/plugin/.libs/good.so:nonexistent-axon-dir", top ? top : ".");
	reg = registry_scan(sb_str(&dir));
	CHECK(reg->nblocks == 2 && reg->nskipped == 0);
	registry_free(reg);

	/* axond --list-blocks */
	struct config c;
	config_defaults(&c);
	snprintf(c.plugin_dirs, sizeof c.plugin_dirs, "%s", sb_str(&dir));
	FILE *f = tmpfile();
	CHECK(plugin_print_registry_json(&c, f) == 0);
	rewind(f);
	j = json_loadf(f, 0, NULL);
	CHECK(json_array_size(json_object_get(j, "blocks")) == 2);
	json_decref(j);
	fclose(f);
	sb_free(&dir);
	return t_done("test_loader");
}
