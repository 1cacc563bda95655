/* json.parse and json.stringify: JSON values from and to text. */
#include <stdlib.h>
#include <string.h>

#include "data/blocks.h"
#include "json_path.h"
#include "shape.h"

static int parse(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *at = in ? jpath_get(in, path) : NULL;
	const char *text = shape_text(at);
	if (!text)
		return shape_fail(ctx, "in", path, "a string of JSON (or an HTTP response with a \"body\")", at);
	json_error_t je;
	json_t *v = json_loadb(text, strlen(text), JSON_DECODE_ANY, &je);
	if (!v)
		return axon_fail(ctx, "in%s%s is not JSON: line %d, column %d: %s", *path ? "." : "", path, je.line, je.column,
				 je.text);
	return axon_emit(ctx, "out", v) == 0 ? AXON_OK : AXON_FAIL;
}

static int stringify(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "in");
	json_int_t indent = json_integer_value(json_object_get(config, "indent"));
	if (!in)
		return shape_fail(ctx, "in", "", "a JSON value", in);
	if (indent < 0 || indent > 8)
		return axon_fail(ctx, "\"indent\" must be from 0 (one line) to 8 spaces (it is %lld)", (long long)indent);
	size_t flags = JSON_ENCODE_ANY | (indent ? JSON_INDENT((size_t)indent) : JSON_COMPACT);
	if (json_is_true(json_object_get(config, "sort_keys")))
		flags |= JSON_SORT_KEYS;
	if (json_is_true(json_object_get(config, "ascii")))
		flags |= JSON_ENSURE_ASCII;
	char *text = json_dumps(in, flags);
	if (!text)
		return axon_fail(ctx, "out of memory writing the JSON");
	json_t *s = json_string(text);
	free(text);
	return axon_emit(ctx, "text", s) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port parse_inputs[] = {
	{ "in", "JSON text, an object holding it at \"path\", or an HTTP response" },
	{ NULL, NULL },
};
static const struct axon_port parse_outputs[] = {
	{ "out", "the value the text holds" },
	{ NULL, NULL },
};

const struct axon_block json_parse_block = {
	.name = "json.parse",
	.version = "1.0.0",
	.title = "Read JSON text",
	.description = "Turns JSON text (such as a body fetched as text, or a field holding JSON) into the value it holds.",
	.category = "data",
	.inputs = parse_inputs,
	.outputs = parse_outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"Dotted path of the text in the input, such as body.payload; empty when the input is the text (or an HTTP response, whose body is read)\", \"default\": \"\"}}}",
	.run = parse,
};

static const struct axon_port stringify_inputs[] = {
	{ "in", "any JSON value" },
	{ NULL, NULL },
};
static const struct axon_port stringify_outputs[] = {
	{ "text", "the value as JSON text" },
	{ NULL, NULL },
};

const struct axon_block json_stringify_block = {
	.name = "json.stringify",
	.version = "1.0.0",
	.title = "Write JSON text",
	.description = "Turns a value into JSON text, on one line or indented, for a message, a file or a form field.",
	.category = "data",
	.inputs = stringify_inputs,
	.outputs = stringify_outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"indent\": {\"type\": \"integer\", \"title\": \"Indent\", \"description\": \"Spaces per level, 0 to 8; 0 writes one compact line\", \"default\": 0},"
		"\"sort_keys\": {\"type\": \"boolean\", \"title\": \"Sort keys\", \"description\": \"Write the keys of every object in alphabetical order\", \"default\": false},"
		"\"ascii\": {\"type\": \"boolean\", \"title\": \"ASCII only\", \"description\": \"Write characters beyond ASCII as \\\\u escapes\", \"default\": false}}}",
	.run = stringify,
};
