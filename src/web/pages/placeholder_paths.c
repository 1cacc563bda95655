/* The placeholder picker's paths inside values: a block's settings list the
 * placeholders available to it ({{ trigger.body }}, {{ fetch.response }});
 * the workflow's last run shows what those held, so the picker also offers
 * the fields inside them ({{ fetch.response.status }}), a few levels deep. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "web/pages/pages.h"
#include "web/pages/placeholder_paths.h"

#define DEPTH 3       /* levels below a placeholder */
#define MAX_PATHS 80  /* paths added at most */

/* A key usable in a path: letters, digits, _ and -, not empty. */
static bool plain_key(const char *k)
{
	if (!*k || strlen(k) > 64)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_' ||
		      *k == '-'))
			return false;
	return true;
}

static bool listed(const json_t *list, const char *p)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) if (!strcmp(json_string_value(v), p)) return true;
	return false;
}

static void add_fields(json_t *out, const json_t *list, const char *path, const json_t *value, int depth)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)value, key, v) {
		if (json_array_size(out) >= MAX_PATHS || !plain_key(key))
			continue;
		char sub[512], text[530];
		snprintf(sub, sizeof sub, "%s.%s", path, key);
		snprintf(text, sizeof text, "{{ %s }}", sub);
		if (!listed(list, text) && !listed(out, text))
			json_array_append_new(out, json_string(text));
		if (depth < DEPTH && json_is_object(v))
			add_fields(out, list, sub, v, depth + 1);
	}
}

/* The value a placeholder's path names in scope, or NULL. */
static const json_t *lookup(const json_t *scope, const char *path)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", path);
	const json_t *v = scope;
	for (char *part = strtok(buf, "."); part && v; part = strtok(NULL, "."))
		v = json_object_get(v, part);
	return v;
}

json_t *placeholder_paths(const json_t *placeholders, const json_t *run)
{
	json_t *scope = json_pack("{s:O}", "trigger", json_object_get(run, "input")), *step, *p;
	size_t i;
	json_array_foreach(json_object_get(run, "steps"), i, step) {
		const char *block = json_string_value(json_object_get(step, "block"));
		if (block && strcmp(block, "trigger") && json_is_object(json_object_get(step, "outputs")))
			json_object_set(scope, block, json_object_get(step, "outputs"));
	}
	json_t *out = json_array();
	json_array_foreach(placeholders, i, p) {
		const char *text = json_string_value(p);
		size_t n = strlen(text);
		json_array_append(out, p);
		if (n < 7 || strncmp(text, "{{ ", 3) || strcmp(text + n - 3, " }}"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "%.*s", (int)(n - 6), text + 3);
		const json_t *value = lookup(scope, path);
		if (json_is_object(value))
			add_fields(out, placeholders, path, value, 1);
	}
	json_decref(scope);
	return out;
}
