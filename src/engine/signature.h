/* Signed webhook deliveries: how a sender proves a request came from it.
 *
 * Configuring a sender. Give it the webhook's secret, then on every request:
 *   1. take the current Unix time in whole seconds, e.g. 1700000000;
 *   2. compute HMAC-SHA256 with the secret as key over the exact bytes
 *      "<timestamp>.<raw body>": the timestamp as decimal digits, a dot, then
 *      the body exactly as it goes on the wire (no re-encoding of JSON);
 *   3. send two headers:
 *        X-Axon-Timestamp: 1700000000
 *        X-Axon-Signature: sha256=<the HMAC as 64 hex characters>
 * In a shell:
 *   ts=$(date +%s)
 *   sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')
 *   curl -H "X-Axon-Timestamp: $ts" -H "X-Axon-Signature: sha256=$sig" --data-binary "$body" URL
 * This is the scheme Stripe and Slack use, with Axon's header names.
 *
 * What Axon refuses: a missing header; a timestamp that is not plain decimal
 * digits (no sign, no leading zero, no spaces, no fraction); a signature not
 * of the form sha256=<64 hex characters> (hex in either case); a timestamp
 * more than the replay window (300 s unless the webhook says otherwise) before
 * or after Axon's clock, so keep the sender's clock in sync (NTP); and, of
 * course, a signature that does not match. The window bounds how long a
 * captured request can be replayed; within it, the caller drops a second copy
 * of the same delivery by its signature_replay_key(). */
#ifndef AXON_ENGINE_SIGNATURE_H
#define AXON_ENGINE_SIGNATURE_H
#include <stddef.h>
#include <stdint.h>

#define SIGNATURE_TIMESTAMP_HEADER "X-Axon-Timestamp"
#define SIGNATURE_SIGNATURE_HEADER "X-Axon-Signature"
#define SIGNATURE_WINDOW_DEFAULT 300  /* seconds either side of now */
#define SIGNATURE_HEADER_SIZE 72      /* "sha256=" + 64 hex + NUL */
#define SIGNATURE_KEY_SIZE 65         /* a replay key: 64 hex + NUL */

enum sig_result {
	SIG_OK,
	SIG_MISSING,     /* a header is absent or empty */
	SIG_MALFORMED,   /* a header is not of the documented form */
	SIG_STALE,       /* the timestamp is outside the replay window, past or future */
	SIG_MISMATCH,    /* well formed and fresh, but not signed with this secret */
	SIG_UNAVAILABLE, /* the receiver cannot check (no secret set, OpenSSL failed): not the sender's fault */
};

/* A short name for logs and tests: "ok", "missing", "malformed", ... */
const char *signature_result_name(enum sig_result r);

/* Checks a delivery. The headers are the values as received, NULL when the
 * header is absent. now is the receiver's Unix time; window_s <= 0 means
 * SIGNATURE_WINDOW_DEFAULT. When the result is not SIG_OK, msg gets one
 * sentence for the sender saying what to fix (never the secret nor the
 * expected signature); msg may be NULL. */
enum sig_result signature_check(const char *secret, size_t secret_len, const char *timestamp_header,
				const char *signature_header, const void *body, size_t body_len,
				int64_t now, int window_s, char *msg, size_t msglen);

/* For senders and tests: writes the X-Axon-Signature value "sha256=<hex>" for
 * (secret, timestamp, body) into out; out needs SIGNATURE_HEADER_SIZE bytes.
 * out becomes "" when outlen is smaller (a cut signature is worse than none),
 * when the secret is empty (signature_check() refuses it) or OpenSSL fails. */
void signature_sign(const char *secret, size_t secret_len, int64_t timestamp, const void *body,
		    size_t body_len, char *out, size_t outlen);

/* The dedup key of a delivery that passed signature_check(): hex SHA-256 of
 * "<timestamp>.<signature hex in lowercase>". The hex is folded to lowercase
 * so that resending the same signature in uppercase gives the same key. */
void signature_replay_key(const char *timestamp_header, const char *signature_header,
			  char out[SIGNATURE_KEY_SIZE]);

#endif
