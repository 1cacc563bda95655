/* Creating and changing a credential from what a person gave (the web's
 * form, axonctl): the fields checked against the credential's type, the
 * secret ones sealed under the current key, one write. The rules the web
 * and the command line share. */
#ifndef AXON_CREDENTIAL_EDIT_H
#define AXON_CREDENTIAL_EDIT_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct keyring;
struct store;

/* Names: 1 to 100 characters, no control characters. */
int credential_name_check(const char *name, char *err, size_t errlen);

/* Each returns STORE_OK, or a store_rc with a sentence in err (STORE_ERROR
 * for fields that do not fit the type, or a key that cannot seal). */
int credential_create(struct store *st, struct keyring *kr, int64_t actor, const char *name, const char *type,
		      const json_t *given, int64_t *id, char *err, size_t errlen);
/* name NULL keeps it; an empty secret field keeps its value. */
int credential_update(struct store *st, struct keyring *kr, int64_t actor, int64_t id, const char *name,
		      const json_t *given, char *err, size_t errlen);

/* In a workflow export doc, each credential a block's config names (in a
 * field the block's type, found in registry, says is a credential) becomes
 * its name, and doc gets "credentials": [{"name", "type"}]: never more. */
void credential_export_names(struct store *st, const json_t *registry, json_t *doc);

#endif
