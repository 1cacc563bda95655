/* Credential types (docs/credentials.md): a name, a title, the schema of
 * its fields (the config schema's subset, where "secret": true marks a
 * field sealed in the store and never shown back), how the broker applies a
 * credential of the type to an HTTP request ("apply"), and an optional test
 * request ("test"). The core types are declared here, by axond itself: the
 * broker's services (SMTP, PostgreSQL, LLM providers) read their fields by
 * name, so they and the types are one piece of the daemon. Shared by the
 * web, axonctl and the broker. */
#ifndef AXON_CREDENTIAL_TYPES_H
#define AXON_CREDENTIAL_TYPES_H
#include <stddef.h>

#include <jansson.h>

/* The type called name (borrowed, lives as long as the process), or NULL. */
const json_t *credential_type_get(const char *name);
/* Every type, core ones first: [{"name", "title", "description", "schema",
 * "apply", "test"}] (new reference; plugin types have their "plugin"). */
json_t *credential_type_list(void);
/* Adds the types plugins declare (the checked registry's); one of a name
 * declared before replaces it from now on. Thread-safe. */
void credential_types_add(const json_t *types);
/* Checks a type's declaration: 0, or -1 with the reason in err. */
int credential_type_check(const json_t *type, char *err, size_t errlen);
/* Whether field is a secret field of type. */
int credential_field_secret(const json_t *type, const char *field);

/* Checks the fields a person gave for a credential of type against its
 * schema and splits them into *plain (new object) and *secret (new object).
 * kept (NULL for a new credential): the secret fields stored before; a
 * secret field given empty or not given keeps its value there. 0, or -1 with
 * a sentence in err naming the field. */
int credential_fields_split(const json_t *type, const json_t *given, const json_t *kept, json_t **plain,
			    json_t **secret, char *err, size_t errlen);

/* "{{ field }}" in text replaced by the fields' values (strings and numbers;
 * absent ones empty). *used_any is set when a named field was not empty.
 * Caller frees. */
char *credential_fill(const char *text, const json_t *fields, int *used_any);

#endif
