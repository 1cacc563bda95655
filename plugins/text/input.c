#include "text/input.h"

#include "json_path.h"
#include "shape.h"

const char *text_input(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, size_t *len)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *at = in ? jpath_get(in, path ? path : "") : NULL;
	if (!json_is_string(at)) {
		shape_fail(ctx, "in", path, "a string", at);
		return NULL;
	}
	*len = json_string_length(at);
	return json_string_value(at);
}
