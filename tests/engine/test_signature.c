/* Webhook signatures: vectors computed outside Axon with openssl dgst, every
 * refusal with its code and message, the window's edges, and the replay key. */
#include <stdint.h>
#include <string.h>

#include "engine/signature.h"
#include "../testlib.h"

#define SECRET "s3cret"
#define TS 1700000000
#define BODY "{\"a\":1}"
/* printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 's3cret' */
#define SIG_HEX "1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
#define SIG "sha256=" SIG_HEX
/* printf '%s' '1700000000.' | openssl dgst -sha256 -hmac 's3cret' */
#define SIG_EMPTY "sha256=21948100f1d7a89f3338f6b1106fc4f7a702fbe1493b833a3382f80193bde3fe"
/* printf '1700000000.a\0b\0' | openssl dgst -sha256 -hmac 's3cret' */
#define SIG_NUL "sha256=5aa80f345c64526fe01e4ee355919068eca6209831f4b0a9f4a6ddbcf8630aa4"
/* printf '%s' '1700000000.<SIG_HEX>' | openssl dgst -sha256 */
#define REPLAY_KEY "cfafeb0e0ff59eeff4d63a7af2eae424e4e142694561a004043dc6f20a66e917"

static char msg[400];

/* Checks BODY under SECRET at now = TS + age with the default window. */
static enum sig_result check(const char *ts, const char *sig, int64_t age)
{
	msg[0] = '\0';
	return signature_check(SECRET, strlen(SECRET), ts, sig, BODY, strlen(BODY), TS + age, 0, msg, sizeof msg);
}

/* No message may hand out the secret or the signature the body needs. */
static void check_no_leak(void)
{
	CHECK(!strstr(msg, SECRET));
	CHECK(!strstr(msg, SIG_HEX));
	CHECK(!strstr(msg, "1698A50B"));
}

static void test_known_vectors(void)
{
	char out[SIGNATURE_HEADER_SIZE];
	signature_sign(SECRET, strlen(SECRET), TS, BODY, strlen(BODY), out, sizeof out);
	CHECK_STR(out, SIG);
	CHECK(check("1700000000", SIG, 0) == SIG_OK);

	signature_sign(SECRET, strlen(SECRET), TS, "", 0, out, sizeof out);
	CHECK_STR(out, SIG_EMPTY);
	signature_sign(SECRET, strlen(SECRET), TS, NULL, 0, out, sizeof out);
	CHECK_STR(out, SIG_EMPTY);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG_EMPTY, NULL, 0, TS, 0, msg, sizeof msg) == SIG_OK);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG_EMPTY, "", 0, TS, 0, msg, sizeof msg) == SIG_OK);

	/* The body is bytes, not a string: the NULs are signed, and cutting
	 * the body at the first one does not verify. */
	static const char nul[] = { 'a', '\0', 'b', '\0' };
	signature_sign(SECRET, strlen(SECRET), TS, nul, sizeof nul, out, sizeof out);
	CHECK_STR(out, SIG_NUL);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG_NUL, nul, sizeof nul, TS, 0, msg, sizeof msg) == SIG_OK);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG_NUL, nul, 1, TS, 0, msg, sizeof msg) == SIG_MISMATCH);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG_NUL, nul, 3, TS, 0, msg, sizeof msg) == SIG_MISMATCH);

	/* The secret is bytes too: a NUL inside it counts. */
	signature_sign("s3cret\0x", 8, TS, BODY, strlen(BODY), out, sizeof out);
	CHECK(strcmp(out, SIG) != 0);
	CHECK(signature_check("s3cret\0x", 8, "1700000000", out, BODY, strlen(BODY), TS, 0, msg, sizeof msg) == SIG_OK);
	CHECK(signature_check("s3cret\0x", 8, "1700000000", SIG, BODY, strlen(BODY), TS, 0, msg, sizeof msg) == SIG_MISMATCH);
}

static void test_hex_case(void)
{
	char upper[] = "sha256=1698A50BC74D1FF1DB85C4E0A5297C2AD9FDBA245D5737CDB789E4CC6E098940";
	CHECK(check("1700000000", upper, 0) == SIG_OK);
	char mixed[] = "sha256=1698a50bC74D1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940";
	CHECK(check("1700000000", mixed, 0) == SIG_OK);
	/* Only the hex is case-insensitive, the algorithm name is not. */
	CHECK(check("1700000000", "SHA256=" SIG_HEX, 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "does not start with \"sha256=\"");
}

static void test_missing(void)
{
	CHECK(check(NULL, SIG, 0) == SIG_MISSING);
	CHECK_CONTAINS(msg, "X-Axon-Timestamp header is missing");
	CHECK(check("", SIG, 0) == SIG_MISSING);
	CHECK_CONTAINS(msg, "X-Axon-Timestamp header is missing");
	CHECK(check("1700000000", NULL, 0) == SIG_MISSING);
	CHECK_CONTAINS(msg, "X-Axon-Signature header is missing");
	CHECK(check("1700000000", "", 0) == SIG_MISSING);
	CHECK_CONTAINS(msg, "X-Axon-Signature header is missing");
	CHECK(check(NULL, NULL, 0) == SIG_MISSING);
}

static void test_malformed_timestamp(void)
{
	static const char *bad[] = {
		" 1700000000", "1700000000 ", "+1700000000", "-1700000000", "1700000000.5",
		"1.7e9", "0x6553f100", "17000OOOOO", "1700000000\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(check(bad[i], SIG, 0) == SIG_MALFORMED);
		CHECK_CONTAINS(msg, "not a digit");
		check_no_leak();
	}
	CHECK(check("-1700000000", SIG, 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "not a digit at position 1:");
	CHECK(check("1.7e9", SIG, 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "position 2:");
	CHECK(check("01700000000", SIG, 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "leading zeros");
	/* Milliseconds are the likely mistake; 19 digits could overflow. */
	CHECK(check("1700000000000", SIG, 0) == SIG_STALE);
	CHECK_STR(msg, "the X-Axon-Timestamp is in milliseconds: send the Unix time in seconds, and sign that");
	CHECK(check("1700000000123", SIG, 300) == SIG_STALE);
	CHECK_CONTAINS(msg, "in milliseconds");
	CHECK(check("1000000000000000000", SIG, 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "has 19 digits");
	CHECK(check("99999999999999999999999999", SIG, 0) == SIG_MALFORMED);
	/* "0" is the one number that may start with a zero; it is just old. */
	CHECK(check("0", SIG, 0) == SIG_STALE);
	CHECK_CONTAINS(msg, "1700000000 s old");
}

static void test_malformed_signature(void)
{
	CHECK(check("1700000000", SIG_HEX, 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "does not start with \"sha256=\"");
	CHECK(check("1700000000", "sha1=" SIG_HEX, 0) == SIG_MALFORMED);
	CHECK(check("1700000000", "v1=" SIG_HEX, 0) == SIG_MALFORMED);
	CHECK(check("1700000000", "sha256=", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "has 0 characters after \"sha256=\", not 64");
	CHECK(check("1700000000", "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e09894", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "has 63 characters");
	CHECK(check("1700000000", SIG "0", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "has 65 characters");
	CHECK(check("1700000000", " " SIG, 0) == SIG_MALFORMED);
	CHECK(check("1700000000", "sha256= " SIG_HEX, 0) == SIG_MALFORMED);
	/* base64 of the same HMAC */
	CHECK(check("1700000000", "sha256=FpilC8dNH/HbheDgpSl8Ktn9uiRdVzfNt4nkzG4JiUA=", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "not base64");
	CHECK(check("1700000000", "sha256=g698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "not hex at position 1 ");
	CHECK(check("1700000000", "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e09894 ", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "not hex at position 64 ");
	/* A malformed timestamp is named before the signature. */
	CHECK(check("soon", "nope", 0) == SIG_MALFORMED);
	CHECK_CONTAINS(msg, "X-Axon-Timestamp");
}

static void test_window(void)
{
	/* Exactly at the window passes, one second past it fails, both ways. */
	CHECK(check("1700000000", SIG, 300) == SIG_OK);
	CHECK(check("1700000000", SIG, 301) == SIG_STALE);
	CHECK_STR(msg, "the X-Axon-Timestamp is 301 s old, outside the 300 s replay window: "
		  "send the current time, and sign each delivery when it is sent");
	CHECK(check("1700000000", SIG, -300) == SIG_OK);
	CHECK(check("1700000000", SIG, -301) == SIG_STALE);
	CHECK_CONTAINS(msg, "is 301 s in the future, outside the 300 s replay window");
	CHECK_CONTAINS(msg, "clock");
	CHECK(check("1700000000", SIG, 412) == SIG_STALE);
	CHECK_CONTAINS(msg, "is 412 s old");

	/* A configured window; 0 and negative mean the default. */
	int64_t now = TS + 60;
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, BODY, 7, now, 60, msg, sizeof msg) == SIG_OK);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, BODY, 7, now + 1, 60, msg, sizeof msg) == SIG_STALE);
	CHECK_CONTAINS(msg, "61 s old, outside the 60 s replay window");
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, BODY, 7, TS - 61, 60, msg, sizeof msg) == SIG_STALE);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, BODY, 7, TS + 300, -5, msg, sizeof msg) == SIG_OK);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, BODY, 7, TS + 301, -5, msg, sizeof msg) == SIG_STALE);
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, BODY, 7, TS + 86400, 86400, msg, sizeof msg) == SIG_OK);

	/* Staleness is decided before the HMAC: a stale forgery says stale. */
	CHECK(check("1700000000", "sha256=" "0000000000000000000000000000000000000000000000000000000000000000", 301) == SIG_STALE);

	/* Clocks at the ends of int64_t: no overflow, just far away. */
	CHECK(signature_check(SECRET, 6, "999999999999999999", SIG, BODY, 7, INT64_MIN, 0, msg, sizeof msg) == SIG_STALE);
	CHECK_CONTAINS(msg, "in the future");
	CHECK(signature_check(SECRET, 6, "0", SIG, BODY, 7, INT64_MAX, 0, msg, sizeof msg) == SIG_STALE);
	CHECK_CONTAINS(msg, "9223372036854775807 s old");
}

static void test_mismatch(void)
{
	CHECK(signature_check("s3creT", 6, "1700000000", SIG, BODY, 7, TS, 0, msg, sizeof msg) == SIG_MISMATCH);
	CHECK_STR(msg, "the X-Axon-Signature does not match the body: sign \"<timestamp>.<body>\" "
		  "(the raw body bytes, as sent) with HMAC-SHA256 and the webhook's secret");
	check_no_leak();
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, "{\"a\":2}", 7, TS, 0, msg, sizeof msg) == SIG_MISMATCH);
	check_no_leak();
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, "{\"a\": 1}", 8, TS, 0, msg, sizeof msg) == SIG_MISMATCH);
	/* The timestamp is signed: moving it forward breaks the signature. */
	CHECK(check("1700000001", SIG, 0) == SIG_MISMATCH);
	/* A secret that is a prefix of the right one. */
	CHECK(signature_check(SECRET, 5, "1700000000", SIG, BODY, 7, TS, 0, msg, sizeof msg) == SIG_MISMATCH);
	/* One flipped hex digit, at either end. */
	CHECK(check("1700000000", "sha256=2698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940", 0) == SIG_MISMATCH);
	CHECK(check("1700000000", "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098941", 0) == SIG_MISMATCH);
	check_no_leak();
}

static void test_receiver_faults(void)
{
	CHECK(signature_check("", 0, "1700000000", SIG, BODY, 7, TS, 0, msg, sizeof msg) == SIG_UNAVAILABLE);
	CHECK_CONTAINS(msg, "no secret");
	CHECK(signature_check(NULL, 0, "1700000000", SIG, BODY, 7, TS, 0, msg, sizeof msg) == SIG_UNAVAILABLE);
	/* The receiver's fault comes first: the sender cannot fix anything else yet. */
	CHECK(signature_check(NULL, 0, NULL, NULL, NULL, 0, TS, 0, msg, sizeof msg) == SIG_UNAVAILABLE);

	/* msg is optional, and a short one is cut, not overrun. */
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, "x", 1, TS, 0, NULL, 0) == SIG_MISMATCH);
	char tiny[8];
	CHECK(signature_check(SECRET, 6, "1700000000", SIG, "x", 1, TS, 0, tiny, sizeof tiny) == SIG_MISMATCH);
	CHECK_STR(tiny, "the X-A");

	CHECK_STR(signature_result_name(SIG_OK), "ok");
	CHECK_STR(signature_result_name(SIG_STALE), "stale");
	CHECK_STR(signature_result_name(SIG_UNAVAILABLE), "unavailable");
}

static void test_sign_limits(void)
{
	char out[SIGNATURE_HEADER_SIZE];
	memset(out, 'x', sizeof out);
	signature_sign(SECRET, 6, TS, BODY, 7, out, sizeof out - 1);
	CHECK_STR(out, "");
	memset(out, 'x', sizeof out);
	signature_sign("", 0, TS, BODY, 7, out, sizeof out);
	CHECK_STR(out, "");
	signature_sign(SECRET, 6, TS, BODY, 7, NULL, 0);
	signature_sign(SECRET, 6, 0, "", 0, out, sizeof out);
	CHECK(strlen(out) == SIGNATURE_HEADER_SIZE - 1);
	CHECK(signature_check(SECRET, 6, "0", out, "", 0, 0, 0, msg, sizeof msg) == SIG_OK);
}

static void test_replay_key(void)
{
	char key[SIGNATURE_KEY_SIZE], again[SIGNATURE_KEY_SIZE];
	signature_replay_key("1700000000", SIG, key);
	CHECK_STR(key, REPLAY_KEY);
	/* The same delivery resent with its hex in uppercase is the same delivery. */
	signature_replay_key("1700000000", "sha256=1698A50BC74D1FF1DB85C4E0A5297C2AD9FDBA245D5737CDB789E4CC6E098940", again);
	CHECK_STR(again, REPLAY_KEY);
	/* Another second or another body is another delivery. */
	signature_replay_key("1700000001", SIG, again);
	CHECK(strcmp(again, key) != 0);
	signature_replay_key("1700000000", SIG_EMPTY, again);
	CHECK(strcmp(again, key) != 0);
	/* Defined, if useless, for absent headers. */
	signature_replay_key(NULL, NULL, again);
	CHECK(strlen(again) == 64);
}

int main(void)
{
	test_known_vectors();
	test_hex_case();
	test_missing();
	test_malformed_timestamp();
	test_malformed_signature();
	test_window();
	test_mismatch();
	test_receiver_faults();
	test_sign_limits();
	test_replay_key();
	return t_done("test_signature");
}
