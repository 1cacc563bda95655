/* The few cryptographic operations Axon needs, all through OpenSSL. */
#ifndef AXON_CRYPTO_H
#define AXON_CRYPTO_H
#include <stddef.h>

/* Fills buf with len random bytes from the kernel (via OpenSSL's DRBG); -1 on failure. */
int crypto_random(void *buf, size_t len);
/* A random token of 32 bytes as 64 lowercase hex characters plus NUL. */
int crypto_token(char out[65]);
void crypto_hex(const unsigned char *in, size_t len, char *out /* 2*len+1 */);
/* SHA-256 of data as 64 hex characters: how session and API tokens are stored. */
void crypto_sha256_hex(const void *data, size_t len, char out[65]);
/* SHA-256 of a whole file, read in pieces; -1 (errno set) when it cannot be read. */
int crypto_sha256_file(const char *path, char out[65]);
/* HMAC-SHA256 of data under key, as 64 hex characters. */
void crypto_hmac_hex(const void *key, size_t keylen, const void *data, size_t len, char out[65]);
/* Overwrites a secret in memory in a way the compiler keeps. */
void crypto_wipe(void *p, size_t len);
/* Constant-time comparison of two NUL-terminated strings. */
int crypto_equal(const char *a, const char *b);

/* A key of its own for one purpose, derived from a master key (HMAC-SHA256 of the purpose). */
void crypto_derive_key(const unsigned char master[32], const char *purpose, unsigned char out[32]);
/* Authenticated encryption (AES-256-GCM) of a small secret under a 32-byte
 * key, as hex: nonce, ciphertext, tag. crypto_seal gives NULL on failure
 * (caller frees); crypto_open gives -1 for a tampered or malformed text or
 * one that does not fit in cap bytes. */
char *crypto_seal(const unsigned char key[32], const void *plain, size_t len);
int crypto_open(const unsigned char key[32], const char *sealed, unsigned char *out, size_t cap, size_t *len);

/* Password hashing with scrypt: "scrypt$N$r$p$SALT$HASH" (salt and hash in hex). */
char *password_hash(const char *password);            /* NULL on failure; caller frees */
int password_verify(const char *password, const char *stored); /* 1 match, 0 not */

#endif
