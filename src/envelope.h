/* Envelope encryption of credentials (docs/credentials.md): each value is
 * sealed with AES-256-GCM under its own random data key, and the data key is
 * wrapped, also with AES-256-GCM, by a key-encryption key kept outside the
 * database (keyring.h). The result is one line of ASCII:
 *
 *   axc1$KID$WRAPPED$SEALED
 *
 * KID names the key-encryption key (16 hex digits), WRAPPED is base64 of
 * nonce || wrapped data key || tag, SEALED base64 of nonce || ciphertext ||
 * tag. Rotating the key-encryption key rewraps the data key only. */
#ifndef AXON_ENVELOPE_H
#define AXON_ENVELOPE_H
#include <stddef.h>

#define ENVELOPE_KEY_BYTES 32
#define ENVELOPE_NONCE_BYTES 12
#define ENVELOPE_KID_CHARS 16

struct envelope_key {
	unsigned char key[ENVELOPE_KEY_BYTES];
	char id[ENVELOPE_KID_CHARS + 1]; /* hex of SHA-256("axon credential key" || key), first 8 bytes */
};

/* Sets k from raw key bytes and computes its id. */
void envelope_key_set(struct envelope_key *k, const unsigned char raw[ENVELOPE_KEY_BYTES]);
/* Wipes k. */
void envelope_key_clear(struct envelope_key *k);

/* Seals len bytes of data under a fresh data key wrapped by kek; NULL if
 * OpenSSL fails (then err says so). Caller frees. */
char *envelope_seal(const struct envelope_key *kek, const void *data, size_t len, char *err, size_t errlen);
/* The same with the random parts given: for the known-answer test only. */
char *envelope_seal_with(const struct envelope_key *kek, const unsigned char dek[ENVELOPE_KEY_BYTES],
			 const unsigned char wrap_nonce[ENVELOPE_NONCE_BYTES],
			 const unsigned char data_nonce[ENVELOPE_NONCE_BYTES], const void *data, size_t len,
			 char *err, size_t errlen);
/* The id of the key env was sealed under, or -1 (err says why) if env is not an envelope. */
int envelope_kid(const char *env, char kid[ENVELOPE_KID_CHARS + 1], char *err, size_t errlen);
/* The plaintext (NUL-terminated, *len bytes without the NUL; caller frees
 * and should wipe), or NULL with the reason in err: not an envelope, another
 * version, sealed under another key, or altered. */
char *envelope_open(const struct envelope_key *kek, const char *env, size_t *len, char *err, size_t errlen);
/* env with its data key rewrapped from old to new, the sealed data untouched;
 * NULL with the reason in err. */
char *envelope_rewrap(const struct envelope_key *old, const struct envelope_key *new, const char *env, char *err,
		      size_t errlen);

#endif
