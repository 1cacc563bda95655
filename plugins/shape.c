#include "shape.h"

const char *shape_name(const json_t *v)
{
	switch (v ? json_typeof(v) : (json_type)-1) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	default: return "missing";
	}
}

int shape_fail(struct axon_ctx *ctx, const char *port, const char *path, const char *want, const json_t *got)
{
	return axon_fail(ctx, "%s%s%s must be %s (it is %s)", port, path && *path ? "." : "", path ? path : "", want,
	                 shape_name(got));
}

const char *shape_text(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "body"));
}
