/* json.set: renames, removes and sets fields of an object. */
#include "data/blocks.h"

#include "json_path.h"
#include "shape.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "in");
	if (!json_is_object(in))
		return shape_fail(ctx, "in", "", "an object", in);
	json_t *out = json_deep_copy(in);
	const char *key;
	json_t *v;
	size_t i;
	json_object_foreach(json_object_get(config, "rename"), key, v) {
		/* The field is taken out before it goes back in: renaming the
		 * whole object ("") would put it inside itself, so jpath_remove
		 * refuses "" and the rename fails. */
		json_t *moved = json_incref(jpath_get(out, key));
		int taken = moved && json_is_string(v) && jpath_remove(out, key) == 0;
		if (!taken)
			json_decref(moved);
		if (!taken || jpath_set(out, json_string_value(v), moved)) {
			json_decref(out);
			return axon_fail(ctx, "rename: cannot move '%s' to '%s' (is the field there, and is the new name a string?)", key,
			                 json_is_string(v) ? json_string_value(v) : "?");
		}
	}
	json_array_foreach(json_object_get(config, "remove"), i, v) {
		if (!json_is_string(v)) {
			json_decref(out);
			return axon_fail(ctx, "remove: item %zu is not a field path (a string)", i + 1);
		}
		jpath_remove(out, json_string_value(v)); /* absent already: nothing to do */
	}
	json_object_foreach(json_object_get(config, "set"), key, v) {
		if (jpath_set(out, key, json_deep_copy(v))) {
			json_decref(out);
			return axon_fail(ctx, "set: cannot set '%s': a field on its path is not an object", key);
		}
	}
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the object to change" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the changed object" },
	{ NULL, NULL },
};

const struct axon_block json_set_block = {
	.name = "json.set",
	.version = "1.0.0",
	.title = "Set, rename or remove fields",
	.description = "Renames fields, then removes fields, then sets fields of a JSON object; paths are dotted (\"user.name\").",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"set\": {\"type\": \"object\", \"title\": \"Set\", \"description\": \"path: value\", \"default\": {}},"
		"\"rename\": {\"type\": \"object\", \"title\": \"Rename\", \"description\": \"old path: new path\", \"default\": {}},"
		"\"remove\": {\"type\": \"array\", \"title\": \"Remove\", \"description\": \"paths\", \"default\": []}}}",
	.run = run,
};
