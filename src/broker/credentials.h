/* Credentials as the broker's services use them (docs/credentials.md). The
 * broker opens a credential at the moment it applies it to an outgoing
 * request, on the thread serving the execution; nothing in the engine or in
 * a child ever holds a decrypted value. */
#ifndef AXON_BROKER_CREDENTIALS_H
#define AXON_BROKER_CREDENTIALS_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct broker_run;

/* The fields of the credential whose id or name is ref, decrypted: a JSON
 * object (new reference), e.g. {"username": "...", "password": "..."}. It
 * must be of credential type `type` (NULL: any) and usable by the user the
 * run acts for (who saved the version of the workflow it runs: the
 * credential's owner or a user it is shared with). Otherwise NULL with a sentence a person can act on in err.
 * The use is recorded (last used, the workflow, the audit log), and from now
 * on the values of its secret fields, and their base64 and percent-encoded
 * forms, are masked as "****" in every output, log line and error.
 * Daemon only (the broker's thread of a run of axond or axonctl). Wipe the
 * values (OPENSSL_cleanse) before json_decref where you can. */
json_t *broker_credential(struct broker_run *b, const char *ref, const char *type, char *err, size_t errlen);

/* For a block's request: the credential ref, which the block's config must
 * give in a property with "format": "credential" whose "credential_type"
 * accepts its type; *type gets the type (credential_types.h), *id its id. Else NULL
 * with a sentence in err. */
json_t *broker_block_credential(struct broker_run *b, const char *ref, const json_t **type, int64_t *id, char *err,
				size_t errlen);

/* For a person's action outside a run (a page that embeds with an llm
 * credential): the fields of the credential ref, decrypted, when it is of
 * type `type` (NULL: any) and user may use it (its owner, or shared with
 * them); *id gets its id. Else NULL with a sentence in err. The caller masks
 * the secret values (secrets_remember) in whatever it shows. */
struct keyring;
struct store;
json_t *credential_for_user(struct store *st, struct keyring *keyring, int64_t user, const char *ref, const char *type,
			    int64_t *id, char *err, size_t errlen);

/* Wipes the string values of a credential's fields and drops the reference. */
void broker_credential_free(json_t *fields);

#endif
