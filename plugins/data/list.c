#include "data/list.h"

#include <stdio.h>

#include "json_path.h"
#include "shape.h"

const json_t *data_list(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *list = in ? jpath_get(in, path ? path : "") : NULL;
	if (!json_is_array(list)) {
		shape_fail(ctx, "in", path, "a list (a JSON array)", list);
		return NULL;
	}
	return list;
}

void data_where(char *buf, size_t len, const json_t *config, size_t index, const char *field)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	snprintf(buf, len, "in%s%s.%zu%s%s", path && *path ? "." : "", path ? path : "", index, *field ? "." : "", field);
}
