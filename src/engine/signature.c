#include "engine/signature.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "strbuf.h"

#define PREFIX "sha256="
#define PREFIX_LEN 7
#define HEX_LEN 64
/* 18 digits always fit in an int64_t, and reach past the year 30 billion. */
#define TIMESTAMP_MAX_DIGITS 18

const char *signature_result_name(enum sig_result r)
{
	switch (r) {
	case SIG_OK: return "ok";
	case SIG_MISSING: return "missing";
	case SIG_MALFORMED: return "malformed";
	case SIG_STALE: return "stale";
	case SIG_MISMATCH: return "mismatch";
	case SIG_UNAVAILABLE: return "unavailable";
	}
	return "unknown";
}

static enum sig_result fail(char *msg, size_t msglen, enum sig_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum sig_result fail(char *msg, size_t msglen, enum sig_result r, const char *fmt, ...)
{
	if (msg && msglen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return r;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ASCII only: the C library's tolower() follows the locale. */
static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* HMAC-SHA256(secret, "<ts>.<body>") as lowercase hex; -1 when OpenSSL
 * failed, which crypto_hmac_hex() shows as an output shorter than 64. */
static int mac_hex(const char *secret, size_t secret_len, const char *ts, const void *body,
		   size_t body_len, char out[HEX_LEN + 1])
{
	/* One copy of the body: crypto_hmac_hex() takes a single buffer, and
	 * webhook bodies are bounded by the server long before this matters. */
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, ts);
	sb_addc(&sb, '.');
	if (body_len)
		sb_add(&sb, body, body_len);
	crypto_hmac_hex(secret, secret_len, sb.data, sb.len, out);
	sb_free(&sb);
	return strlen(out) == HEX_LEN ? 0 : -1;
}

/* |a - b| in unsigned arithmetic: exact for any two int64_t, where a - b
 * could overflow for a hostile timestamp or a broken clock. */
static uint64_t distance(int64_t a, int64_t b)
{
	return a <= b ? (uint64_t)b - (uint64_t)a : (uint64_t)a - (uint64_t)b;
}

/* Fills *ts from a canonical decimal timestamp, or explains in msg why not. */
static enum sig_result parse_timestamp(const char *s, int64_t *ts, char *msg, size_t msglen)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return fail(msg, msglen, SIG_MALFORMED, "the " SIGNATURE_TIMESTAMP_HEADER " header has a "
				    "character that is not a digit at position %zu: send the Unix time in whole "
				    "seconds as plain digits, such as 1700000000", i + 1);
	if (n > TIMESTAMP_MAX_DIGITS)
		return fail(msg, msglen, SIG_MALFORMED, "the " SIGNATURE_TIMESTAMP_HEADER " header has %zu "
			    "digits, more than a Unix time in seconds can have: send seconds, not milliseconds "
			    "or nanoseconds", n);
	/* One spelling per second: the signed text is then exactly what
	 * signature_sign() writes, and "0170..." cannot pose as "170...". */
	if (n > 1 && s[0] == '0')
		return fail(msg, msglen, SIG_MALFORMED, "the " SIGNATURE_TIMESTAMP_HEADER " header starts "
			    "with a zero: send the Unix time in seconds without leading zeros, such as 1700000000");
	int64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*ts = v;
	return SIG_OK;
}

static enum sig_result parse_signature(const char *s, char hex[HEX_LEN + 1], char *msg, size_t msglen)
{
	if (strncmp(s, PREFIX, PREFIX_LEN))
		return fail(msg, msglen, SIG_MALFORMED, "the " SIGNATURE_SIGNATURE_HEADER " header does not "
			    "start with \"" PREFIX "\": send " PREFIX "<HMAC-SHA256 of \"<timestamp>.<body>\" "
			    "as 64 hex characters>");
	s += PREFIX_LEN;
	size_t n = strlen(s);
	if (n != HEX_LEN)
		return fail(msg, msglen, SIG_MALFORMED, "the " SIGNATURE_SIGNATURE_HEADER " header has %zu "
			    "characters after \"" PREFIX "\", not 64: send the whole HMAC-SHA256 in hex "
			    "(not base64)", n);
	for (size_t i = 0; i < HEX_LEN; i++) {
		if (!is_hex(s[i]))
			return fail(msg, msglen, SIG_MALFORMED, "the " SIGNATURE_SIGNATURE_HEADER " header has "
				    "a character that is not hex at position %zu after \"" PREFIX "\": send the "
				    "HMAC-SHA256 as 64 hex characters (0-9, a-f)", i + 1);
		hex[i] = lower(s[i]);
	}
	hex[HEX_LEN] = '\0';
	return SIG_OK;
}

enum sig_result signature_check(const char *secret, size_t secret_len, const char *timestamp_header,
				const char *signature_header, const void *body, size_t body_len,
				int64_t now, int window_s, char *msg, size_t msglen)
{
	if (!secret || !secret_len)
		return fail(msg, msglen, SIG_UNAVAILABLE, "this webhook has no secret, so no delivery can "
			    "be verified: set a secret on the webhook in Axon and give the same one to the sender");
	if (!timestamp_header || !*timestamp_header)
		return fail(msg, msglen, SIG_MISSING, "the " SIGNATURE_TIMESTAMP_HEADER " header is missing: "
			    "send the current Unix time in seconds in it, and sign \"<timestamp>.<body>\"");
	if (!signature_header || !*signature_header)
		return fail(msg, msglen, SIG_MISSING, "the " SIGNATURE_SIGNATURE_HEADER " header is missing: "
			    "send " PREFIX "<hex of HMAC-SHA256 of \"<timestamp>.<body>\" under the webhook's secret>");

	int64_t ts = 0;
	char got[HEX_LEN + 1];
	enum sig_result r = parse_timestamp(timestamp_header, &ts, msg, msglen);
	if (r != SIG_OK)
		return r;
	r = parse_signature(signature_header, got, msg, msglen);
	if (r != SIG_OK)
		return r;

	if (window_s <= 0)
		window_s = SIGNATURE_WINDOW_DEFAULT;
	uint64_t dist = distance(ts, now);
	if (dist > (uint64_t)window_s) {
		if (ts <= now)
			return fail(msg, msglen, SIG_STALE, "the " SIGNATURE_TIMESTAMP_HEADER " is %" PRIu64
				    " s old, outside the %d s replay window: send the current time, and sign "
				    "each delivery when it is sent", dist, window_s);
		/* The common mistake, Date.now() in JavaScript, gets named. */
		int64_t secs = ts / 1000;
		if (ts >= 1000 && distance(secs, now) <= (uint64_t)window_s)
			return fail(msg, msglen, SIG_STALE, "the " SIGNATURE_TIMESTAMP_HEADER " is in "
				    "milliseconds: send the Unix time in seconds, and sign that");
		return fail(msg, msglen, SIG_STALE, "the " SIGNATURE_TIMESTAMP_HEADER " is %" PRIu64
			    " s in the future, outside the %d s replay window: set the sender's clock right "
			    "(NTP)", dist, window_s);
	}

	char want[HEX_LEN + 1];
	if (mac_hex(secret, secret_len, timestamp_header, body, body_len, want) < 0)
		return fail(msg, msglen, SIG_UNAVAILABLE, "Axon could not compute HMAC-SHA256 (OpenSSL "
			    "failed): retry later, and tell the administrator if it persists");
	/* crypto_equal() is CRYPTO_memcmp() on equal lengths: no early exit
	 * that would let a sender find the signature byte by byte. */
	int same = crypto_equal(want, got);
	OPENSSL_cleanse(want, sizeof want);
	if (!same)
		return fail(msg, msglen, SIG_MISMATCH, "the " SIGNATURE_SIGNATURE_HEADER " does not match "
			    "the body: sign \"<timestamp>.<body>\" (the raw body bytes, as sent) with "
			    "HMAC-SHA256 and the webhook's secret");
	return SIG_OK;
}

void signature_sign(const char *secret, size_t secret_len, int64_t timestamp, const void *body,
		    size_t body_len, char *out, size_t outlen)
{
	if (!out || !outlen)
		return;
	out[0] = '\0';
	if (outlen < SIGNATURE_HEADER_SIZE || !secret || !secret_len)
		return;
	char ts[24], hex[HEX_LEN + 1];
	snprintf(ts, sizeof ts, "%" PRId64, timestamp);
	if (mac_hex(secret, secret_len, ts, body, body_len, hex) < 0)
		return;
	snprintf(out, outlen, PREFIX "%s", hex);
}

void signature_replay_key(const char *timestamp_header, const char *signature_header,
			  char out[SIGNATURE_KEY_SIZE])
{
	const char *sig = signature_header ? signature_header : "";
	if (!strncmp(sig, PREFIX, PREFIX_LEN))
		sig += PREFIX_LEN;
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, timestamp_header ? timestamp_header : "");
	sb_addc(&sb, '.');
	for (; *sig; sig++)
		sb_addc(&sb, lower(*sig));
	crypto_sha256_hex(sb.data, sb.len, out);
	sb_free(&sb);
}
