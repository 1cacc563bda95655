/* Config-string templates: "{{ trigger.body.url }}", "{{ items.0.name }}",
 * "{{ items[0].name }}", "{{ a.b | default: \"x\" }}". Paths only, never
 * code: a placeholder names a value in the run's scope, and anything else
 * between the braces is refused. docs/workflow-format.md has the grammar. */
#ifndef AXON_ENGINE_PLACEHOLDER_H
#define AXON_ENGINE_PLACEHOLDER_H
#include <stddef.h>

#include <jansson.h>

#define PLACEHOLDER_MAX_COUNT 64     /* placeholders in one string */
#define PLACEHOLDER_MAX_DEPTH 32     /* steps in one path, the root included */
#define PLACEHOLDER_MAX_INPUT 65536  /* bytes in one string */

/* 1 when text contains "{{", that is when it is a template rather than plain text. */
int placeholder_present(const char *text, size_t len);

/* Parses text and returns an array of the distinct root names of its
 * placeholders, in order of first use ([] for plain text); NULL with
 * "offset N: ..." in err when the text is not a valid template. */
json_t *placeholder_roots(const char *text, size_t len, char *err, size_t errlen);

/* text with the root of every placeholder naming `from` changed to `to`
 * ("{{ fetch.body }}" becomes "{{ page.body }}"), the rest as it was: a
 * renamed block's references follow it. NULL when text is not a valid
 * template. The caller frees it. */
char *placeholder_rename_root(const char *text, size_t len, const char *from, const char *to);

/* Evaluates text against scope (an object: {"trigger": ..., "<block id>": {outputs}}).
 * A string that is exactly one placeholder yields the value with its JSON type;
 * otherwise the result is a string, with strings inserted raw and other values
 * as compact JSON. A missing path without a default is an error naming it.
 * Returns a new reference, or NULL with the reason in err. */
json_t *placeholder_eval(const char *text, size_t len, const json_t *scope, char *err, size_t errlen);

/* Evaluates every string inside value (objects and arrays walked recursively);
 * other values are copied. On error, err names the field ("headers.auth: ..."). */
json_t *placeholder_eval_json(const json_t *value, const json_t *scope, char *err, size_t errlen);

/* As placeholder_eval_json on a block's config, except in its top-level
 * fields that field_formats ({"name": format}, see schema_field_formats)
 * marks: in a "template" (a text the block fills itself) only placeholders
 * whose root is in scope are filled, the others are left for the block, and
 * the value stays a string; a "code" string is the block's program, left as
 * it is. */
json_t *placeholder_eval_config(const json_t *config, const json_t *field_formats, const json_t *scope, char *err,
				size_t errlen);

#endif
