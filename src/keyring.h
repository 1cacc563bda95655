/* The key-encryption keys of credentials (envelope.h). credential_key_file
 * holds the current key: 64 hex digits and a newline, mode 0600, generated
 * at the first start. A rotation writes the next key to FILE.new, keeps the
 * current one as FILE.KID (KID: its key id), rewraps every credential in one
 * transaction, then renames FILE.new over FILE. Whenever a rotation stops,
 * each credential's key is in FILE, FILE.new or a kept FILE.KID, and that
 * is where the keyring looks: a rotation killed at any point leaves every
 * credential readable. Thread-safe. */
#ifndef AXON_KEYRING_H
#define AXON_KEYRING_H
#include <stddef.h>

#include "envelope.h"

struct keyring;

/* Writes a fresh key to path (mode 0600) unless the file exists; then checks
 * that the key file reads. 0, or -1 with a sentence in err. */
int keyring_create_if_missing(const char *path, char *err, size_t errlen);

/* A keyring on path; the files are read when first needed. */
struct keyring *keyring_new(const char *path);
void keyring_free(struct keyring *kr);
/* Seals data under the current key (caller frees), or NULL with err set. */
char *keyring_seal(struct keyring *kr, const void *data, size_t len, char *err, size_t errlen);
/* Opens env under the key it names (caller frees, and wipes), or NULL with err set. */
char *keyring_unseal(struct keyring *kr, const char *env, size_t *len, char *err, size_t errlen);
/* The key whose id is kid: 0, or -1 with err set. */
int keyring_find(struct keyring *kr, const char *kid, struct envelope_key *out, char *err, size_t errlen);

/* Rotation, first step: the next key (FILE.new, made unless a rotation
 * killed earlier left one) and the current key kept as FILE.KID. */
int keyring_rotate_begin(struct keyring *kr, struct envelope_key *next, char *err, size_t errlen);
/* Last step, once every credential is rewrapped under next: FILE.new becomes FILE. */
int keyring_rotate_end(struct keyring *kr, char *err, size_t errlen);

#endif
