/* text.join: the items of a list as one text, with a separator between. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"
#include "shape.h"
#include "text/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *field = json_string_value(json_object_get(config, "field"));
	const char *sep = json_string_value(json_object_get(config, "separator"));
	int skip_empty = json_is_true(json_object_get(config, "skip_empty"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *list = in ? jpath_get(in, path) : NULL;
	if (!json_is_array(list))
		return shape_fail(ctx, "in", path, "a list (a JSON array)", list);
	size_t i, len = 0, cap = 64;
	char *buf = malloc(cap);
	int first = 1;
	json_t *item;
	json_array_foreach(list, i, item) {
		const json_t *v = jpath_get(item, field);
		char *own = NULL;
		const char *s;
		size_t n;
		if (json_is_string(v)) {
			s = json_string_value(v);
			n = json_string_length(v);
		} else if (json_is_number(v) || json_is_boolean(v)) {
			s = own = json_dumps(v, JSON_ENCODE_ANY);
			n = own ? strlen(own) : 0;
		} else if (!v || json_is_null(v)) {
			continue;
		} else {
			char where[300];
			snprintf(where, sizeof where, "%s%s%zu%s%s", path, *path ? "." : "", i, *field ? "." : "", field);
			free(buf);
			return shape_fail(ctx, "in", where, "text, a number or a boolean", v);
		}
		if (skip_empty && n == 0) {
			free(own);
			continue;
		}
		size_t sn = first ? 0 : strlen(sep);
		if (buf && len + sn + n + 1 > cap) {
			cap = (len + sn + n + 1) * 2;
			char *bigger = realloc(buf, cap);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
		if (buf && s) {
			memcpy(buf + len, sep, sn);
			memcpy(buf + len + sn, s, n);
			len += sn + n;
		}
		first = 0;
		free(own);
	}
	if (!buf)
		return axon_fail(ctx, "out of memory joining the text");
	json_t *text = json_stringn(buf, len);
	free(buf);
	return axon_emit(ctx, "text", text) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a list, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "the items joined" },
	{ NULL, NULL },
};

const struct axon_block text_join_block = {
	.name = "text.join",
	.version = "1.0.0",
	.title = "Join texts",
	.description = "Joins the items of a list (or a field of each) into one text with a separator: paragraphs into a page, names into a line.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"List\", \"description\": \"Dotted path of the list in the input; empty when the input is the list\", \"default\": \"\"},"
		"\"field\": {\"type\": \"string\", \"title\": \"Field\", \"description\": \"Dotted path in each item to join, such as name; empty for the items themselves. Numbers and booleans are written as JSON; missing and null values are left out\", \"default\": \"\"},"
		"\"separator\": {\"type\": \"string\", \"title\": \"Separator\", \"description\": \"Put between two items, such as \\\", \\\" or a line break\", \"default\": \", \"},"
		"\"skip_empty\": {\"type\": \"boolean\", \"title\": \"Skip empty texts\", \"description\": \"Leave out items that are empty text\", \"default\": false}}}",
	.run = run,
};
