#include "plugin/schema.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/registry.h"

static const char *const type_names[] = { "string", "number", "integer", "boolean", "object", "array" };

static int type_known(const char *t)
{
	for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
		if (!strcmp(t, type_names[i]))
			return 1;
	return 0;
}

/* t NULL: the property takes any value. */
static int value_has_type(const json_t *v, const char *t)
{
	if (!t)
		return 1;
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	if (!strcmp(t, "integer"))
		return json_is_integer(v) || (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v));
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(t, "object"))
		return json_is_object(v);
	return json_is_array(v);
}

static int in_enum(const json_t *choices, const json_t *v)
{
	size_t i;
	json_t *c;
	json_array_foreach(choices, i, c)
		if (json_equal(c, v))
			return 1;
	return 0;
}

static int check_property(const char *name, const json_t *p, char *err, size_t errlen)
{
	static const char *const keys[] = { "type", "title", "description", "default", "enum", "format", "language",
					    "credential_type", "secret" };
	const char *key;
	json_t *v;
	if (!json_is_object(p)) {
		snprintf(err, errlen, "property '%s' must be an object", name);
		return -1;
	}
	json_object_foreach((json_t *)p, key, v) {
		size_t i = 0;
		while (i < sizeof keys / sizeof keys[0] && strcmp(key, keys[i]))
			i++;
		if (i == sizeof keys / sizeof keys[0]) {
			snprintf(err, errlen, "property '%s': unsupported keyword '%s' (supported: type, title, description, default, enum, format, language, credential_type, secret)", name, key);
			return -1;
		}
	}
	json_t *typev = json_object_get(p, "type");
	const char *type = json_string_value(typev);
	if (typev && (!type || !type_known(type))) {
		snprintf(err, errlen, "property '%s': \"type\" must be one of string, number, integer, boolean, object, array (or absent for any value)", name);
		return -1;
	}
	const char *format = json_string_value(json_object_get(p, "format"));
	bool ports = format && !strcmp(format, "ports");
	if (json_object_get(p, "format") && (!format || (strcmp(format, "template") && strcmp(format, "code") &&
							  strcmp(format, "credential") && !ports) ||
					     (type && strcmp(type, ports ? "array" : "string")))) {
		snprintf(err, errlen, "property '%s': \"format\" is \"template\" (a text the block fills itself, whose {{ }} "
			 "the engine leaves alone unless they name run data), \"code\" (left alone entirely) or \"credential\" "
			 "(the id or name of a credential the broker applies for the block), on a string; or \"ports\" (names "
			 "of more output ports, given by the config), on an array", name);
		return -1;
	}
	json_t *ct = json_object_get(p, "credential_type");
	size_t i;
	json_t *t;
	int ct_ok = json_is_string(ct) || (json_is_array(ct) && json_array_size(ct) > 0);
	json_array_foreach(ct, i, t)
		ct_ok &= json_is_string(t);
	if (ct && (!ct_ok || !format || strcmp(format, "credential"))) {
		snprintf(err, errlen, "property '%s': \"credential_type\" is the type of credential it accepts (a name, or "
			 "a list of names), on a \"format\": \"credential\" property", name);
		return -1;
	}
	if (json_object_get(p, "secret") && !json_is_boolean(json_object_get(p, "secret"))) {
		snprintf(err, errlen, "property '%s': \"secret\" is true or false (a credential type's field sealed in the store)", name);
		return -1;
	}
	if (json_object_get(p, "language") && (!format || strcmp(format, "code") || !json_is_string(json_object_get(p, "language")))) {
		snprintf(err, errlen, "property '%s': \"language\" is a string, on a \"format\": \"code\" property", name);
		return -1;
	}
	json_t *choices = json_object_get(p, "enum");
	if (choices && (!json_is_array(choices) || json_array_size(choices) == 0)) {
		snprintf(err, errlen, "property '%s': \"enum\" must be a non-empty array", name);
		return -1;
	}
	json_t *def = json_object_get(p, "default");
	if (def && !value_has_type(def, type)) {
		snprintf(err, errlen, "property '%s': the default is not of type %s", name, type);
		return -1;
	}
	if (def && choices && !in_enum(choices, def)) {
		snprintf(err, errlen, "property '%s': the default is not one of its enum values", name);
		return -1;
	}
	return 0;
}

json_t *schema_parse(const char *text, char *err, size_t errlen)
{
	if (!text)
		return json_pack("{s:s, s:{}}", "type", "object", "properties");
	json_error_t je;
	json_t *s = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!s) {
		snprintf(err, errlen, "config schema is not JSON: line %d column %d: %s", je.line, je.column, je.text);
		return NULL;
	}
	const char *key;
	json_t *v;
	if (!json_is_object(s) || !json_is_string(json_object_get(s, "type")) ||
	    strcmp(json_string_value(json_object_get(s, "type")), "object")) {
		snprintf(err, errlen, "config schema must be an object with \"type\": \"object\"");
		goto bad;
	}
	json_object_foreach(s, key, v) {
		if (strcmp(key, "type") && strcmp(key, "properties") && strcmp(key, "required") &&
		    strcmp(key, "title") && strcmp(key, "description")) {
			snprintf(err, errlen, "config schema: unsupported keyword '%s' (supported: type, properties, required, title, description)", key);
			goto bad;
		}
	}
	json_t *props = json_object_get(s, "properties");
	if (!props) {
		props = json_object();
		json_object_set_new(s, "properties", props);
	}
	if (!json_is_object(props)) {
		snprintf(err, errlen, "config schema: \"properties\" must be an object");
		goto bad;
	}
	json_object_foreach(props, key, v) {
		char perr[400];
		if (check_property(key, v, perr, sizeof perr)) {
			snprintf(err, errlen, "config schema: %s", perr);
			goto bad;
		}
	}
	json_t *req = json_object_get(s, "required");
	if (req) {
		size_t i;
		if (!json_is_array(req)) {
			snprintf(err, errlen, "config schema: \"required\" must be an array of property names");
			goto bad;
		}
		json_array_foreach(req, i, v) {
			if (!json_is_string(v) || !json_object_get(props, json_string_value(v))) {
				snprintf(err, errlen, "config schema: \"required\" names '%s', which is not a property",
				         json_is_string(v) ? json_string_value(v) : "(not a string)");
				goto bad;
			}
		}
	}
	return s;
bad:
	json_decref(s);
	return NULL;
}

json_t *schema_apply(const json_t *schema, const json_t *config, char *err, size_t errlen)
{
	json_t *props = json_object_get(schema, "properties");
	if (json_is_null(config))
		config = NULL;
	if (config && !json_is_object(config)) {
		snprintf(err, errlen, "the config must be a JSON object");
		return NULL;
	}
	json_t *out = config ? json_deep_copy(config) : json_object();
	const char *key;
	json_t *v;
	json_object_foreach(out, key, v) {
		json_t *p = json_object_get(props, key);
		if (!p) {
			snprintf(err, errlen, "config: unknown field '%s'", key);
			goto bad;
		}
		const char *type = json_string_value(json_object_get(p, "type"));
		if (!value_has_type(v, type)) {
			snprintf(err, errlen, "config: field '%s' must be of type %s", key, type);
			goto bad;
		}
		json_t *choices = json_object_get(p, "enum");
		if (choices && !in_enum(choices, v)) {
			char *list = json_dumps(choices, JSON_COMPACT);
			snprintf(err, errlen, "config: field '%s' must be one of %s", key, list ? list : "its enum");
			free(list);
			goto bad;
		}
	}
	json_object_foreach(props, key, v) {
		json_t *def = json_object_get(v, "default");
		if (def && !json_object_get(out, key))
			json_object_set_new(out, key, json_deep_copy(def));
	}
	size_t i;
	json_array_foreach(json_object_get(schema, "required"), i, v) {
		if (!json_object_get(out, json_string_value(v))) {
			snprintf(err, errlen, "config: the field '%s' is required", json_string_value(v));
			goto bad;
		}
	}
	return out;
bad:
	json_decref(out);
	return NULL;
}

json_t *schema_field_formats(const json_t *schema)
{
	json_t *formats = json_object(), *p;
	const char *key;
	json_object_foreach((json_t *)json_object_get(schema, "properties"), key, p)
		if (json_is_string(json_object_get(p, "format")))
			json_object_set(formats, key, json_object_get(p, "format"));
	return formats;
}

/* A port name a config may give: one a block could declare, not one already there. */
static bool port_name_ok(const json_t *outputs, const json_t *name)
{
	const char *s = json_string_value(name);
	size_t i;
	json_t *p;
	if (!plugin_valid_port_name(s))
		return false;
	json_array_foreach(outputs, i, p)
		if (!strcmp(json_string_value(json_object_get(p, "name")) ?: "", s))
			return false;
	return true;
}

json_t *schema_block_type(const json_t *type, const json_t *config)
{
	const json_t *props = json_object_get(json_object_get(type, "config_schema"), "properties"), *p;
	json_t *out = NULL;
	const char *key;
	json_object_foreach((json_t *)props, key, p) {
		const json_t *names = json_object_get(config, key), *name;
		size_t i;
		if (strcmp(json_string_value(json_object_get(p, "format")) ?: "", "ports") || !json_is_array(names))
			continue;
		if (!out) {
			out = json_copy((json_t *)type);
			json_object_set_new(out, "outputs", json_copy(json_object_get(type, "outputs")));
		}
		json_t *outputs = json_object_get(out, "outputs");
		json_array_foreach(names, i, name)
			if (i < SCHEMA_PORTS_MAX && port_name_ok(outputs, name))
				json_array_append_new(outputs, json_pack("{s:O, s:s+}", "name", name, "description",
									 "named in the config's ", key));
	}
	return out ? out : json_incref((json_t *)type);
}
