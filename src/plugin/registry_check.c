/* The registry as confined workers described it, checked as kcgi's parent
 * checks its child: every field's type, every name, the schema parsed again.
 * The engine, the pages and the broker only ever see checked entries. */
#include "plugin/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential_types.h"
#include "plugin/schema.h"

static int text(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) <= max;
}

static int check_ports(const json_t *ports, char *why, size_t whylen)
{
	size_t i;
	json_t *p;
	if (!json_is_array(ports) || json_array_size(ports) > 64) {
		snprintf(why, whylen, "its ports are not a list");
		return -1;
	}
	json_array_foreach(ports, i, p) {
		if (!json_is_object(p) || !plugin_valid_port_name(json_string_value(json_object_get(p, "name"))) ||
		    !text(json_object_get(p, "description"), 4096)) {
			snprintf(why, whylen, "port %zu is not a valid port", i);
			return -1;
		}
	}
	return 0;
}

static int check_limits(const json_t *l)
{
	static const char *const keys[] = { "wall_ms", "cpu_ms", "memory_bytes" };
	if (!json_is_object(l))
		return -1;
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(l, keys[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -1;
	}
	return 0;
}

static int check_entry(const json_t *b, const json_t *plugins, char *why, size_t whylen)
{
	if (!json_is_object(b) || !plugin_valid_block_name(json_string_value(json_object_get(b, "name")))) {
		snprintf(why, whylen, "an entry without a valid block name");
		return -1;
	}
	const char *plugin = json_string_value(json_object_get(b, "plugin"));
	if (!plugin || !json_is_string(json_object_get(plugins, plugin))) {
		snprintf(why, whylen, "its plugin file is not one that was described");
		return -1;
	}
	if (!plugin_valid_semver(json_string_value(json_object_get(b, "version"))) ||
	    !text(json_object_get(b, "title"), 1024) || !json_string_length(json_object_get(b, "title")) ||
	    !text(json_object_get(b, "description"), 65536) || !text(json_object_get(b, "category"), 1024)) {
		snprintf(why, whylen, "its version, title, description or category is not valid");
		return -1;
	}
	if (check_ports(json_object_get(b, "inputs"), why, whylen) || check_ports(json_object_get(b, "outputs"), why, whylen))
		return -1;
	if (check_limits(json_object_get(b, "limits"))) {
		snprintf(why, whylen, "its limits are not numbers");
		return -1;
	}
	const json_t *schema = json_object_get(b, "config_schema");
	char *text_schema = json_is_object(schema) ? json_dumps(schema, JSON_COMPACT) : NULL;
	json_t *parsed = text_schema ? schema_parse(text_schema, why, whylen) : NULL;
	free(text_schema);
	if (!parsed) {
		if (!json_is_object(schema))
			snprintf(why, whylen, "its config schema is not an object");
		return -1;
	}
	json_decref(parsed);
	return 0;
}

int registry_credential_type_check(const json_t *type, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(type, "name"));
	if (credential_type_check(type, err, errlen) < 0)
		return -1;
	if (!plugin_valid_block_name(name)) {
		snprintf(err, errlen, "credential type '%s' is not namespaced like \"acme.api_token\" (the names without a "
			 "dot are the core types')", name);
		return -1;
	}
	return 0;
}

/* The plugins' credential types: each checked again, the first of a name kept. */
static void check_credential_types(json_t *reg, json_t *skipped, const json_t *plugins)
{
	json_t *kept = json_array(), *seen = json_object(), *t;
	size_t i;
	json_array_foreach(json_object_get(reg, "credential_types"), i, t) {
		char why[600];
		const char *plugin = json_string_value(json_object_get(t, "plugin"));
		const char *name = json_string_value(json_object_get(t, "name"));
		int bad = 1;
		if (!json_is_object(t) || !plugin || !json_is_string(json_object_get(plugins, plugin)))
			snprintf(why, sizeof why, "a credential type whose plugin file is not one that was described");
		else if (registry_credential_type_check(t, why, sizeof why) < 0)
			bad = 1;
		else if (json_object_get(seen, name))
			snprintf(why, sizeof why, "credential type '%s' is already declared by %s", name,
				 json_string_value(json_object_get(seen, name)));
		else
			bad = 0;
		if (!bad) {
			json_object_set_new(seen, name, json_string(plugin));
			json_array_append(kept, t);
			continue;
		}
		json_array_append_new(skipped, json_pack("{s:s, s:s+}", "path", plugin ? plugin : "(unknown)",
							 "error", "its description is refused: ", why));
	}
	json_object_set_new(reg, "credential_types", kept);
	json_decref(seen);
}

void registry_check_json(json_t *reg)
{
	json_t *blocks = json_object_get(reg, "blocks"), *skipped = json_object_get(reg, "skipped");
	json_t *plugins = json_object_get(reg, "plugins");
	if (!json_is_array(skipped)) {
		skipped = json_array();
		json_object_set_new(reg, "skipped", skipped);
	}
	if (!json_is_object(plugins)) {
		plugins = json_object();
		json_object_set_new(reg, "plugins", plugins);
	}
	json_t *kept = json_array(), *seen = json_object();
	size_t i;
	json_t *b;
	json_array_foreach(blocks, i, b) {
		char why[600];
		const char *name = json_string_value(json_object_get(b, "name"));
		const char *plugin = json_string_value(json_object_get(b, "plugin"));
		const char *first = NULL;
		if (check_entry(b, plugins, why, sizeof why) == 0) {
			first = json_string_value(json_object_get(seen, name));
			if (!first) {
				json_object_set_new(seen, name, json_string(plugin));
				json_array_append(kept, b);
				continue;
			}
			snprintf(why, sizeof why, "block '%s' is already provided by %s: remove one of the two plugins", name, first);
		}
		json_array_append_new(skipped, json_pack("{s:s, s:s+}", "path", plugin ? plugin : "(unknown)",
		                                         "error", "its description is refused: ", why));
	}
	json_object_set_new(reg, "blocks", kept);
	json_decref(seen);
	check_credential_types(reg, skipped, plugins);
}
