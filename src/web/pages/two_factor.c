/* Two-factor sign-in with TOTP: enrolment from the account page (a QR code
 * and the secret in text, confirmed by a code), ten recovery codes shown
 * once, the code asked after the password (/login/code), turning it off,
 * and an owner's reset of another user's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "totp.h"
#include "web/auth.h"
#include "web/pages/pages.h"
#include "web/pages/qr.h"

#define RECOVERY_CHARS 16 /* base32 of 10 random bytes: 80 bits */

static void factor_key(struct request *r, unsigned char key[32])
{
	crypto_derive_key(r->app->secret, "axon two-factor secrets", key);
}

/* The user's secret, unsealed into secret[TOTP_SECRET_BYTES]. */
static int load_secret(struct request *r, int64_t user_id, unsigned char *secret, int *confirmed)
{
	char *sealed = NULL;
	int rc = store_2fa_get(r->st, user_id, &sealed, confirmed);
	if (rc != STORE_OK)
		return rc;
	unsigned char key[32];
	size_t len = 0;
	factor_key(r, key);
	int ok = crypto_open(key, sealed, secret, TOTP_SECRET_BYTES, &len) == 0 && len == TOTP_SECRET_BYTES;
	crypto_wipe(key, sizeof key);
	free(sealed);
	if (!ok) {
		log_error("req=%lu the second factor of user %lld does not open with this secret.key",
			  r->id, (long long)user_id);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* What a person types: digits for a code, anything else for a recovery code. */
static bool is_totp_code(const char *s)
{
	return s && strlen(s) == TOTP_DIGITS && strspn(s, "0123456789") == TOTP_DIGITS;
}

/* A recovery code as stored: lowercase base32 without dashes or spaces, hashed. */
static bool recovery_hash(const char *typed, char hash[65])
{
	char norm[RECOVERY_CHARS + 1];
	size_t n = 0;
	for (const char *p = typed; p && *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (n == RECOVERY_CHARS)
			return false;
		norm[n++] = (char)tolower((unsigned char)*p);
	}
	norm[n] = '\0';
	if (n != RECOVERY_CHARS)
		return false;
	crypto_sha256_hex(norm, n, hash);
	return true;
}

static json_t *factor_model(struct request *r, int *rc)
{
	json_t *status = NULL;
	*rc = store_2fa_status(r->st, r->user.id, &status);
	if (*rc != STORE_OK)
		return NULL;
	json_t *m = page_model(r, "Two-factor sign-in");
	json_object_set_new(m, "two_factor", status);
	if (json_is_true(json_object_get(status, "enabled")))
		return m;
	unsigned char secret[TOTP_SECRET_BYTES];
	int confirmed = 0;
	*rc = load_secret(r, r->user.id, secret, &confirmed);
	if (*rc == STORE_NOTFOUND) {
		*rc = STORE_OK;
		return m;
	}
	if (*rc != STORE_OK) {
		json_decref(m);
		return NULL;
	}
	/* Shown only while the enrolment waits for its code, never after. */
	char b32[64];
	totp_base32(secret, sizeof secret, b32, sizeof b32);
	crypto_wipe(secret, sizeof secret);
	struct strbuf uri = STRBUF_INIT;
	sb_printf(&uri, "otpauth://totp/Axon:%s?secret=%s&issuer=Axon&algorithm=SHA1&digits=%d&period=%d",
		  r->user.username, b32, TOTP_DIGITS, TOTP_PERIOD);
	json_t *qr = qr_drawing(uri.data);
	json_object_set_new(m, "enrolment", json_pack("{s:s, s:s, s:o}", "secret", b32, "otpauth_uri", uri.data,
						      "qr", qr ? qr : json_null()));
	crypto_wipe(b32, sizeof b32);
	crypto_wipe(uri.data, uri.len);
	sb_free(&uri);
	return m;
}

void two_factor_get(struct request *r)
{
	int rc;
	json_t *m = factor_model(r, &rc);
	if (!m) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_view(r, 200, "account/two_factor", m);
}

void two_factor_start(struct request *r)
{
	unsigned char secret[TOTP_SECRET_BYTES], key[32];
	if (crypto_random(secret, sizeof secret) < 0) {
		reply_error(r, 500, "No random numbers could be had from the system.", NULL);
		return;
	}
	factor_key(r, key);
	char *sealed = crypto_seal(key, secret, sizeof secret);
	crypto_wipe(secret, sizeof secret);
	crypto_wipe(key, sizeof key);
	int rc = sealed ? store_2fa_begin(r->st, r->user.id, sealed) : STORE_ERROR;
	free(sealed);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "Two-factor sign-in is on already: turn it off first to enrol again.");
		return;
	}
	if (!r->json) {
		reply_redirect(r, "/account/two-factor");
		return;
	}
	json_t *m = factor_model(r, &rc);
	if (!m) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_view(r, 201, "account/two_factor", m);
}

static void reply_bad_code(struct request *r, const char *message)
{
	int rc;
	json_t *m = factor_model(r, &rc);
	if (!m) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_invalid(r, "account/two_factor", m, json_pack("{s:s}", "code", message));
}

void two_factor_confirm(struct request *r)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	int confirmed = 0;
	int rc = load_secret(r, r->user.id, secret, &confirmed);
	if (rc == STORE_OK && confirmed)
		rc = STORE_CONFLICT;
	if (rc != STORE_OK) {
		crypto_wipe(secret, sizeof secret);
		reply_store_error(r, rc, rc == STORE_CONFLICT ? "Two-factor sign-in is on already."
							      : "Start the enrolment first: there is no code to confirm.");
		return;
	}
	uint64_t step = totp_match(secret, sizeof secret, totp_step(r->now), req_field(r, "code"));
	crypto_wipe(secret, sizeof secret);
	if (!step) {
		reply_bad_code(r, "That code is not right: enter the six digits your app shows now "
				  "(check that this computer's and the phone's clocks are right).");
		return;
	}
	char codes[RECOVERY_CODES][RECOVERY_CHARS + 4], hashes[RECOVERY_CODES][65];
	const char *hash_ptrs[RECOVERY_CODES];
	json_t *shown = json_array();
	for (int i = 0; i < RECOVERY_CODES; i++) {
		unsigned char raw[10];
		char b32[RECOVERY_CHARS + 1];
		if (crypto_random(raw, sizeof raw) < 0) {
			json_decref(shown);
			reply_error(r, 500, "No random numbers could be had from the system.", NULL);
			return;
		}
		totp_base32(raw, sizeof raw, b32, sizeof b32);
		for (char *p = b32; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		snprintf(codes[i], sizeof codes[i], "%.4s-%.4s-%.4s-%.4s", b32, b32 + 4, b32 + 8, b32 + 12);
		recovery_hash(codes[i], hashes[i]);
		hash_ptrs[i] = hashes[i];
		json_array_append_new(shown, json_string(codes[i]));
	}
	rc = store_2fa_confirm(r->st, r->user.id, step, hash_ptrs);
	if (rc != STORE_OK) {
		json_decref(shown);
		reply_store_error(r, rc, NULL);
		return;
	}
	log_info("req=%lu user %lld turned two-factor sign-in on", r->id, (long long)r->user.id);
	json_t *m = page_model(r, "Your recovery codes");
	json_object_set_new(m, "two_factor", json_pack("{s:b}", "enabled", 1));
	json_object_set_new(m, "recovery_codes", shown);
	reply_view(r, 200, "account/recovery_codes", m);
}

void two_factor_disable(struct request *r)
{
	char *hash = NULL;
	struct user u;
	int rc = store_user_by_id(r->st, r->user.id, &u, &hash);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	const char *password = req_field(r, "password");
	int ok = password && password_verify(password, hash);
	free(hash);
	if (!ok) {
		int rc2;
		json_t *m = factor_model(r, &rc2);
		if (!m) {
			reply_store_error(r, rc2, NULL);
			return;
		}
		reply_invalid(r, "account/two_factor", m, json_pack("{s:s}", "password", "This is not your current password."));
		return;
	}
	rc = store_2fa_remove(r->st, r->user.id, r->user.id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "Two-factor sign-in was not on.");
		return;
	}
	reply_done(r, 200, "/account/two-factor", json_pack("{s:{s:b}}", "two_factor", "enabled", 0));
}

void user_two_factor_reset(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	int rc = id ? store_2fa_remove(r->st, r->user.id, id) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "This user has no second factor to reset.");
		return;
	}
	log_info("req=%lu owner %lld reset the second factor of user %lld", r->id, (long long)r->user.id, (long long)id);
	reply_done(r, 200, "/users", json_pack("{s:{s:I,s:b}}", "user", "id", (json_int_t)id, "two_factor", 0));
}

bool two_factor_enabled(struct request *r, int64_t user_id, int *rc)
{
	json_t *status = NULL;
	*rc = store_2fa_status(r->st, user_id, &status);
	bool on = *rc == STORE_OK && json_is_true(json_object_get(status, "enabled"));
	json_decref(status);
	return on;
}

void login_code_get(struct request *r)
{
	struct user u;
	int rc = auth_pending_user(r, &u);
	if (rc == STORE_NOTFOUND) {
		reply_redirect(r, "/login");
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_view(r, 200, "login_code", next_page_model(r, "Your second factor"));
}

/* 1 when code is the user's current TOTP code (used now) or an unused recovery code (used now). */
static int code_ok(struct request *r, const struct user *u, const char *code, int *rc)
{
	if (!is_totp_code(code)) {
		char hash[65];
		if (!recovery_hash(code, hash))
			return 0;
		*rc = store_2fa_use_recovery(r->st, u->id, hash);
		return *rc == STORE_OK;
	}
	unsigned char secret[TOTP_SECRET_BYTES];
	int confirmed = 0;
	*rc = load_secret(r, u->id, secret, &confirmed);
	if (*rc != STORE_OK)
		return 0;
	uint64_t step = totp_match(secret, sizeof secret, totp_step(r->now), code);
	crypto_wipe(secret, sizeof secret);
	if (!step)
		return 0;
	*rc = store_2fa_use_step(r->st, u->id, step);
	return *rc == STORE_OK;
}

void login_code_post(struct request *r)
{
	struct user u;
	int rc = auth_pending_user(r, &u);
	if (rc == STORE_NOTFOUND) {
		reply_error(r, 401, "Your sign-in waited too long for the code: sign in again.", NULL);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	if (auth_throttled(r, u.username)) {
		req_add_header(r, "Retry-After: %ld", r->app->cfg.login_lockout);
		reply_error(r, 429, "Too many failed sign-ins: wait a while before trying again.", NULL);
		return;
	}
	rc = STORE_OK;
	if (!code_ok(r, &u, req_field(r, "code"), &rc)) {
		if (rc != STORE_OK && rc != STORE_NOTFOUND && rc != STORE_CONFLICT) {
			reply_store_error(r, rc, NULL);
			return;
		}
		auth_note_failure(r, u.username);
		const char *msg = rc == STORE_CONFLICT ? "That code was used already: wait for the next one."
						       : "That code is not right: enter the six digits your app shows, "
							 "or one of your recovery codes.";
		if (r->json) {
			reply_error(r, 401, msg, NULL);
			return;
		}
		json_t *m = next_page_model(r, "Your second factor");
		json_object_set_new(m, "error", json_string(msg));
		reply_view(r, 401, "login_code", m);
		return;
	}
	auth_clear_failures(r, u.username);
	auth_end_pending(r);
	rc = auth_start_session(r, u.id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_done(r, 200, safe_next(req_field(r, "next")),
		   json_pack("{s:{s:I,s:s,s:s}}", "user", "id", (json_int_t)u.id, "username", u.username, "role",
			     role_name(u.role)));
}
