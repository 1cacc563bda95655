/* A model's structured answer checked against the JSON Schema given in a
 * block's config. The subset that describes data: type (a name or a list,
 * "null" and "integer" included), enum, properties, required,
 * additionalProperties false, items, minItems, maxItems, minimum, maximum,
 * minLength, maxLength; other keywords are ignored. (src/plugin/schema.c
 * checks a block's config: a flat object of typed settings, not data.) */
#ifndef AXON_PLUGINS_AI_JSON_CHECK_H
#define AXON_PLUGINS_AI_JSON_CHECK_H
#include <stddef.h>

#include <jansson.h>

/* 0 if value matches schema, else -1 with where and what in err, such as
 * "at $.cards[2].back: a string is needed, not a number". */
int json_check(const json_t *schema, const json_t *value, char *err, size_t errlen);

#endif
