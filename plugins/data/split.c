/* data.split: the list inside an object, as items for a for_each block,
 * each item optionally carrying fields of the object it came from. */
#include "data/blocks.h"
#include "data/list.h"
#include "json_path.h"
#include "shape.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "in");
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *as = json_string_value(json_object_get(config, "as"));
	const json_t *include = json_object_get(config, "include");
	const json_t *list = in ? jpath_get(in, path) : NULL;
	if (!json_is_array(list))
		return shape_fail(ctx, "in", path, "a list (a JSON array)", list);
	size_t i, k;
	json_t *v, *name;
	json_array_foreach(include, k, name)
		if (!json_is_string(name) || !*json_string_value(name))
			return axon_fail(ctx, "include.%zu must be a dotted path of the input, such as order.id (it is %s)", k,
					 shape_name(name));
	json_t *out = json_array();
	json_array_foreach(list, i, v) {
		/* a deep copy when fields are to be added: the input is not ours,
		 * and a field may go inside one of the item's own objects */
		json_t *item = !json_array_size(include) ? (*as ? json_pack("{s:O}", as, v) : json_incref(v))
			       : *as ? json_pack("{s:o}", as, json_deep_copy(v)) : json_deep_copy(v);
		if (json_array_size(include) && !json_is_object(item)) {
			char where[300];
			data_where(where, sizeof where, config, i, "");
			json_decref(item);
			json_decref(out);
			axon_fail(ctx, "%s must be an object to take the fields of \"include\" (it is %s): set \"as\" to wrap each item in one",
				  where, shape_name(v));
			return AXON_FAIL;
		}
		json_array_foreach(include, k, name) {
			const json_t *field = jpath_get(in, json_string_value(name));
			if (field)
				jpath_set(item, json_string_value(name), json_deep_copy(field));
		}
		json_array_append_new(out, item);
	}
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "an object holding a list" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the list's items, ready for a block with \"for_each\": \"in\"" },
	{ NULL, NULL },
};

const struct axon_block data_split_block = {
	.name = "data.split",
	.version = "1.0.0",
	.title = "Split out a list",
	.description = "Takes the list at a path of an object as items of their own, for a for_each block, each optionally wrapped and given fields of the object.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"List\", \"description\": \"Dotted path of the list in the input, such as order.lines\"},"
		"\"as\": {\"type\": \"string\", \"title\": \"Wrap each item as\", \"description\": \"A field name: each item becomes {\\\"NAME\\\": item}; empty to keep the items as they are\", \"default\": \"\"},"
		"\"include\": {\"type\": \"array\", \"title\": \"Fields to carry\", \"description\": \"Dotted paths of the input copied into every item (which must then be an object), such as [\\\"order.id\\\"]; an absent one is left out\", \"default\": []}},"
		"\"required\": [\"path\"]}",
	.run = run,
};
