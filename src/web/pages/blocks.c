/* The blocks this server can run, and the plugins it skipped with their
 * reason; and one block's page: what it does, its ports, the fields of its
 * config (from its config schema), its limits, where it comes from and the
 * examples its plugin ships (block_examples.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"
#include "strbuf.h"
#include "web/pages/block_examples.h"
#include "web/pages/pages.h"

static void set_block_url(json_t *block)
{
	struct strbuf url = STRBUF_INIT;
	sb_adds(&url, "/blocks/");
	sb_add_urlenc(&url, json_string_value(json_object_get(block, "name")));
	json_object_set_new(block, "url", json_string(sb_str(&url)));
	sb_free(&url);
}

void blocks_list(struct request *r)
{
	json_t *registry = sandbox_registry(r->app->sandbox);
	json_t *blocks = json_deep_copy(json_object_get(registry, "blocks"));
	size_t i;
	json_t *b;
	json_array_foreach(blocks, i, b) set_block_url(b);
	json_t *m = page_model(r, "Blocks");
	json_object_set_new(m, "blocks", blocks);
	json_object_set(m, "skipped", json_object_get(registry, "skipped"));
	json_decref(registry);
	reply_view(r, 200, "blocks/list", m);
}

/* A JSON value as a person reads it in a table: strings bare, the rest (and "") as JSON. */
static json_t *value_text(const json_t *v)
{
	if (!v)
		return json_null();
	if (json_is_string(v) && *json_string_value(v))
		return json_string(json_string_value(v));
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *t = json_string(s ? s : "");
	free(s);
	return t;
}

/* [{name, title, type, required, default, default_text, choices, help, template}]
 * from a config schema's properties, in the schema's order. */
static json_t *config_fields(const json_t *schema)
{
	json_t *fields = json_array(), *required = json_object_get(schema, "required");
	const char *name;
	json_t *prop;
	json_object_foreach((json_t *)json_object_get(schema, "properties"), name, prop) {
		bool req = false;
		size_t i;
		json_t *r;
		json_array_foreach(required, i, r) req |= json_is_string(r) && !strcmp(json_string_value(r), name);
		const char *type = json_string_value(json_object_get(prop, "type"));
		const char *format = json_string_value(json_object_get(prop, "format"));
		json_t *choices = json_object_get(prop, "enum"), *dflt = json_object_get(prop, "default");
		struct strbuf text = STRBUF_INIT;
		json_array_foreach(choices, i, r) {
			json_t *t = value_text(r);
			sb_printf(&text, "%s%s", i ? ", " : "", json_string_value(t));
			json_decref(t);
		}
		json_array_append_new(fields, json_pack("{s:s, s:s?, s:s, s:b, s:O?, s:o, s:s?, s:s?, s:b}",
							"name", name, "title", json_string_value(json_object_get(prop, "title")),
							"type", type ? type : "any", "required", req, "default", dflt,
							"default_text", value_text(dflt),
							"choices", json_array_size(choices) ? sb_str(&text) : NULL,
							"help", json_string_value(json_object_get(prop, "description")),
							"template", format && !strcmp(format, "template")));
		sb_free(&text);
	}
	return fields;
}

/* GET /blocks/:name */
void block_show(struct request *r)
{
	json_t *registry = sandbox_registry(r->app->sandbox), *block = NULL;
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(registry, "blocks"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")), r->params[0]))
			block = json_deep_copy(b);
	json_decref(registry);
	if (!block) {
		char msg[300];
		snprintf(msg, sizeof msg, "No loaded plugin provides a block named '%.100s': the Blocks page lists those "
			 "there are.", r->params[0]);
		reply_error(r, 404, msg, NULL);
		return;
	}
	set_block_url(block);
	json_object_set_new(block, "fields", config_fields(json_object_get(block, "config_schema")));
	char *schema = json_dumps(json_object_get(block, "config_schema"), JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_object_set_new(block, "config_schema_text", json_string(schema ? schema : "{}"));
	free(schema);
	/* A limit of 0 is the sandbox's default. */
	json_t *limits = json_object_get(block, "limits");
	const char *key;
	json_t *v;
	json_t *shown = json_object();
	json_object_foreach(limits, key, v) {
		json_int_t n = json_integer_value(v);
		char text[48];
		if (!n)
			snprintf(text, sizeof text, "the sandbox's default");
		else if (!strcmp(key, "memory_bytes"))
			snprintf(text, sizeof text, "%lld MiB", (long long)(n >> 20));
		else
			snprintf(text, sizeof text, "%lld ms", (long long)n);
		json_object_set_new(shown, key, json_string(text));
	}
	json_object_set_new(block, "limits_text", shown);
	json_t *ex = block_examples(json_string_value(json_object_get(block, "plugin")), r->params[0]);
	json_object_update(block, ex);
	json_decref(ex);
	json_t *m = page_model(r, json_string_value(json_object_get(block, "title")));
	json_object_set_new(m, "block", block);
	reply_view(r, 200, "blocks/show", m);
}
