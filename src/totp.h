/* One-time codes for two-factor sign-in: HOTP (RFC 4226) and TOTP (RFC 6238)
 * over OpenSSL's HMAC, and the base32 that authenticator apps read secrets in. */
#ifndef AXON_TOTP_H
#define AXON_TOTP_H
#include <stddef.h>
#include <stdint.h>

#define TOTP_PERIOD 30      /* seconds per time step */
#define TOTP_DIGITS 6
#define TOTP_SECRET_BYTES 20 /* 160 bits, as RFC 4226 recommends for SHA-1 */

enum totp_hash { TOTP_SHA1, TOTP_SHA256, TOTP_SHA512 };

/* The HOTP value of counter under key, reduced to digits decimal digits (6 to 8). */
uint32_t totp_hotp(enum totp_hash hash, const unsigned char *key, size_t keylen, uint64_t counter, int digits);
/* The time step of unix time t. */
static inline uint64_t totp_step(int64_t t)
{
	return t < 0 ? 0 : (uint64_t)t / TOTP_PERIOD;
}
/* Which of steps now-1, now, now+1 (a clock a step off either way) code
 * matches under key with SHA-1 and 6 digits: the step, or 0 for none. code
 * must be exactly six digits. */
uint64_t totp_match(const unsigned char *key, size_t keylen, uint64_t now_step, const char *code);
/* RFC 4648 base32 without padding; out holds 8 * ceil(len / 5) / 5 + 1 characters at least. */
void totp_base32(const unsigned char *in, size_t len, char *out, size_t outlen);

#endif
