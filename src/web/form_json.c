/* JSON object bodies, for scripts that post JSON where a browser posts a
 * form: each member becomes a field (see form_parse_json in form.h). */
#include "web/form.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* depth counts the objects and arrays around v, v included. */
static int too_deep(json_t *v, int depth)
{
	const char *key;
	size_t i;
	json_t *child;
	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (depth > FORM_MAX_JSON_DEPTH)
		return 1;
	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			if (too_deep(child, depth + 1))
				return 1;
	} else {
		json_array_foreach(v, i, child)
			if (too_deep(child, depth + 1))
				return 1;
	}
	return 0;
}

/* An array of scalars is a repeated field, like "tag=a&tag=b"; one that holds
 * an object or an array stays one piece of JSON. */
static int is_array_of_scalars(json_t *v)
{
	size_t i;
	json_t *child;
	json_array_foreach(v, i, child)
		if (json_is_object(child) || json_is_array(child))
			return 0;
	return 1;
}

static int add_member(struct form *f, const char *label, const char *key, json_t *v, char *err, size_t errlen)
{
	if (json_is_null(v))
		return 0;
	if (json_is_string(v))
		return form_add_checked(f, label, key, strlen(key), json_string_value(v), json_string_length(v), 0,
					err, errlen);
	if (json_is_array(v) && is_array_of_scalars(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child)
			if (add_member(f, label, key, child, err, errlen) < 0)
				return -1;
		return 0;
	}
	/* Numbers and booleans as JSON writes them; objects as compact JSON. */
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text) {
		snprintf(err, errlen, "%s: cannot write its value back as JSON", label);
		return -1;
	}
	int rc = form_add_checked(f, label, key, strlen(key), text, strlen(text), 0, err, errlen);
	free(text);
	return rc;
}

int form_parse_json(struct form *f, const char *data, size_t len, char *err, size_t errlen)
{
	json_error_t error;
	json_t *root = json_loadb(len ? data : "", len, JSON_REJECT_DUPLICATES, &error);
	if (!root) {
		/* jansson quotes the input near the error, which may be any bytes. */
		int quotable = text_is_clean(error.text, strlen(error.text));
		snprintf(err, errlen, "invalid JSON at line %d, column %d%s%s", error.line, error.column,
			 quotable ? ": " : "", quotable ? error.text : "");
		return -1;
	}
	int rc = -1;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "the JSON body must be an object ({\"name\": value, ...}), not an array");
		goto out;
	}
	if (too_deep(root, 1)) {
		snprintf(err, errlen, "the JSON body is nested deeper than %d levels", FORM_MAX_JSON_DEPTH);
		goto out;
	}
	const char *key;
	json_t *v;
	size_t index = 0;
	json_object_foreach(root, key, v) {
		char label[48];
		snprintf(label, sizeof label, "member %zu of the JSON object", ++index);
		if (add_member(f, label, key, v, err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}
