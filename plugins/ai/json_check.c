#include "ai/json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static int has_type(const json_t *v, const char *t)
{
	if (!strcmp(t, "string")) return json_is_string(v);
	if (!strcmp(t, "number")) return json_is_number(v);
	if (!strcmp(t, "integer")) return json_is_integer(v);
	if (!strcmp(t, "boolean")) return json_is_boolean(v);
	if (!strcmp(t, "object")) return json_is_object(v);
	if (!strcmp(t, "array")) return json_is_array(v);
	if (!strcmp(t, "null")) return json_is_null(v);
	return 1; /* a type this subset does not know constrains nothing */
}

static int type_ok(const json_t *schema, const json_t *v)
{
	const json_t *t = json_object_get(schema, "type"), *one;
	size_t i;
	if (json_is_string(t))
		return has_type(v, json_string_value(t));
	if (!json_is_array(t))
		return 1;
	json_array_foreach(t, i, one)
		if (json_is_string(one) && has_type(v, json_string_value(one)))
			return 1;
	return 0;
}

static int miss(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "at %s: %s", path, what);
	return -1;
}

static int check(const json_t *schema, const json_t *v, char *path, size_t plen, size_t pcap, char *err, size_t errlen);

/* Checks a member (key) or an item (index) under path, then restores path. */
static int check_child(const json_t *schema, const json_t *v, char *path, size_t plen, size_t pcap,
                       const char *key, size_t index, char *err, size_t errlen)
{
	int n = key ? snprintf(path + plen, pcap - plen, ".%s", key) : snprintf(path + plen, pcap - plen, "[%zu]", index);
	size_t len = n < 0 || (size_t)n >= pcap - plen ? pcap - 1 : plen + (size_t)n;
	int rc = check(schema, v, path, len, pcap, err, errlen);
	path[plen] = '\0';
	return rc;
}

static int check_object(const json_t *schema, const json_t *v, char *path, size_t plen, size_t pcap, char *err, size_t errlen)
{
	const json_t *props = json_object_get(schema, "properties"), *name, *sub;
	const char *key;
	size_t i;
	char what[400];
	json_array_foreach(json_object_get(schema, "required"), i, name) {
		if (json_is_string(name) && !json_object_get(v, json_string_value(name))) {
			snprintf(what, sizeof what, "the field \"%.200s\" is required and missing", json_string_value(name));
			return miss(err, errlen, path, what);
		}
	}
	json_object_foreach((json_t *)v, key, sub) {
		const json_t *ps = json_object_get(props, key);
		if (!ps && json_is_false(json_object_get(schema, "additionalProperties"))) {
			snprintf(what, sizeof what, "the field \"%.200s\" is not one the schema has", key);
			return miss(err, errlen, path, what);
		}
		if (ps && check_child(ps, sub, path, plen, pcap, key, 0, err, errlen))
			return -1;
	}
	return 0;
}

static int check_array(const json_t *schema, const json_t *v, char *path, size_t plen, size_t pcap, char *err, size_t errlen)
{
	const json_t *items = json_object_get(schema, "items"), *min = json_object_get(schema, "minItems"),
		     *max = json_object_get(schema, "maxItems"), *el;
	char what[200];
	size_t i;
	if (json_is_integer(min) && (json_int_t)json_array_size(v) < json_integer_value(min)) {
		snprintf(what, sizeof what, "at least %lld items are needed, not %zu", (long long)json_integer_value(min), json_array_size(v));
		return miss(err, errlen, path, what);
	}
	if (json_is_integer(max) && (json_int_t)json_array_size(v) > json_integer_value(max)) {
		snprintf(what, sizeof what, "at most %lld items are allowed, not %zu", (long long)json_integer_value(max), json_array_size(v));
		return miss(err, errlen, path, what);
	}
	if (json_is_object(items))
		json_array_foreach(v, i, el)
			if (check_child(items, el, path, plen, pcap, NULL, i, err, errlen))
				return -1;
	return 0;
}

static int check_scalar(const json_t *schema, const json_t *v, const char *path, char *err, size_t errlen)
{
	const json_t *min = json_object_get(schema, "minimum"), *max = json_object_get(schema, "maximum");
	const json_t *minl = json_object_get(schema, "minLength"), *maxl = json_object_get(schema, "maxLength");
	char what[200];
	if (json_is_number(v) && json_is_number(min) && json_number_value(v) < json_number_value(min)) {
		snprintf(what, sizeof what, "%g is below the minimum %g", json_number_value(v), json_number_value(min));
		return miss(err, errlen, path, what);
	}
	if (json_is_number(v) && json_is_number(max) && json_number_value(v) > json_number_value(max)) {
		snprintf(what, sizeof what, "%g is above the maximum %g", json_number_value(v), json_number_value(max));
		return miss(err, errlen, path, what);
	}
	/* lengths in bytes: a close enough measure for a retry's hint */
	if (json_is_string(v) && json_is_integer(minl) && (json_int_t)json_string_length(v) < json_integer_value(minl)) {
		snprintf(what, sizeof what, "the text is shorter than %lld characters", (long long)json_integer_value(minl));
		return miss(err, errlen, path, what);
	}
	if (json_is_string(v) && json_is_integer(maxl) && (json_int_t)json_string_length(v) > json_integer_value(maxl)) {
		snprintf(what, sizeof what, "the text is longer than %lld characters", (long long)json_integer_value(maxl));
		return miss(err, errlen, path, what);
	}
	return 0;
}

static int check(const json_t *schema, const json_t *v, char *path, size_t plen, size_t pcap, char *err, size_t errlen)
{
	char what[400];
	if (!json_is_object(schema))
		return 0;
	if (!type_ok(schema, v)) {
		char *t = json_dumps(json_object_get(schema, "type"), JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(what, sizeof what, "%.100s is needed, not %s", t ? t : "?", kind(v));
		free(t);
		return miss(err, errlen, path, what);
	}
	const json_t *choices = json_object_get(schema, "enum"), *c;
	size_t i;
	if (json_is_array(choices)) {
		int found = 0;
		json_array_foreach(choices, i, c)
			found = found || json_equal(c, v);
		if (!found) {
			char *list = json_dumps(choices, JSON_COMPACT), *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			snprintf(what, sizeof what, "%.80s is not one of %.250s", got ? got : "?", list ? list : "?");
			free(list);
			free(got);
			return miss(err, errlen, path, what);
		}
	}
	if (json_is_object(v))
		return check_object(schema, v, path, plen, pcap, err, errlen);
	if (json_is_array(v))
		return check_array(schema, v, path, plen, pcap, err, errlen);
	return check_scalar(schema, v, path, err, errlen);
}

int json_check(const json_t *schema, const json_t *value, char *err, size_t errlen)
{
	char path[256] = "$";
	return check(schema, value, path, 1, sizeof path, err, errlen);
}
