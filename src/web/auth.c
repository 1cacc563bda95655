#include "web/auth.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "web/stream.h"

static void csrf_for(struct request *r, const char *seed)
{
	crypto_hmac_hex(r->app->secret, sizeof r->app->secret, seed, strlen(seed), r->csrf);
}

static int is_token(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int identify_bearer(struct request *r, const char *auth)
{
	const char *tok = auth + 7;
	if (strncmp(tok, API_TOKEN_PREFIX, strlen(API_TOKEN_PREFIX)) != 0 ||
	    !is_token(tok + strlen(API_TOKEN_PREFIX))) {
		req_add_header(r, "WWW-Authenticate: Bearer");
		reply_error(r, 401, "The API token is malformed: it looks like axon_ followed by 64 hex digits.", NULL);
		return -1;
	}
	char hash[65];
	crypto_sha256_hex(tok, strlen(tok), hash);
	int rc = store_token_use(r->st, hash, r->now, &r->user, &r->token);
	if (rc == STORE_NOTFOUND) {
		req_add_header(r, "WWW-Authenticate: Bearer");
		reply_error(r, 401, "The API token is unknown or revoked, or its user is disabled.", NULL);
		return -1;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return -1;
	}
	r->signed_in = r->via_token = r->json = true;
	return 0;
}

/* Where and from what the session is used now, for the list of sessions. */
static void touch_session(struct request *r)
{
	char agent[201];
	snprintf(agent, sizeof agent, "%s", req_param(r, "HTTP_USER_AGENT"));
	if (store_session_touch(r->st, r->session_hash, r->now, r->remote_addr, agent) != STORE_OK)
		log_warn("req=%lu the session's last use was not noted: %s", r->id, store_errmsg(r->st));
}

int auth_identify(struct request *r)
{
	const char *auth = req_param(r, "HTTP_AUTHORIZATION");
	if (strncmp(auth, "Bearer ", 7) == 0)
		return identify_bearer(r, auth);

	const char *cookie = req_cookie(r, SESSION_COOKIE);
	if (cookie && is_token(cookie)) {
		crypto_sha256_hex(cookie, strlen(cookie), r->session_hash);
		int rc = store_session_user(r->st, r->session_hash, r->now, &r->user);
		if (rc == STORE_OK) {
			r->signed_in = true;
			csrf_for(r, cookie);
			touch_session(r);
			return 0;
		}
		if (rc != STORE_NOTFOUND) {
			reply_store_error(r, rc, NULL);
			return -1;
		}
		r->session_hash[0] = '\0';
	}
	/* Not signed in: the forms of /setup and /login are bound to a pre-session cookie. */
	const char *pre = req_cookie(r, PRESESSION_COOKIE);
	if (pre && is_token(pre)) {
		csrf_for(r, pre);
	} else {
		char fresh[65];
		if (crypto_token(fresh) < 0) {
			reply_error(r, 500, "No random numbers could be had from the system.", NULL);
			return -1;
		}
		r->new_csrf_cookie = xstrdup(fresh);
		csrf_for(r, fresh);
	}
	return 0;
}

int auth_csrf_ok(struct request *r)
{
	if (r->via_token)
		return 1;
	const char *sent = req_field(r, "csrf");
	if (!sent || !*sent)
		sent = req_param(r, "HTTP_X_CSRF_TOKEN");
	/* A visitor who came without the cookie has nothing to check against. */
	return !r->new_csrf_cookie && crypto_equal(sent, r->csrf);
}

int auth_start_session(struct request *r, int64_t user_id)
{
	char token[65], hash[65];
	if (crypto_token(token) < 0)
		return STORE_ERROR;
	crypto_sha256_hex(token, strlen(token), hash);
	int rc = store_session_create(r->st, hash, user_id, r->now + r->app->cfg.session_ttl);
	if (rc == STORE_OK) {
		req_set_cookie(r, SESSION_COOKIE, token, r->app->cfg.session_ttl);
		memcpy(r->session_hash, hash, sizeof hash);
		touch_session(r);
	}
	return rc;
}

void auth_end_session(struct request *r)
{
	if (r->session_hash[0] && store_session_delete(r->st, r->session_hash) == STORE_OK)
		streams_recheck(r->app->streams); /* its live streams close */
	req_set_cookie(r, SESSION_COOKIE, "", 0);
}

int auth_start_pending(struct request *r, int64_t user_id)
{
	char token[65], hash[65];
	if (crypto_token(token) < 0)
		return STORE_ERROR;
	crypto_sha256_hex(token, strlen(token), hash);
	int rc = store_session_create_pending(r->st, hash, user_id, r->now + PENDING_TTL);
	if (rc == STORE_OK)
		req_set_cookie(r, PENDING_COOKIE, token, PENDING_TTL);
	return rc;
}

int auth_pending_user(struct request *r, struct user *u)
{
	const char *cookie = req_cookie(r, PENDING_COOKIE);
	if (!cookie || !is_token(cookie))
		return STORE_NOTFOUND;
	char hash[65];
	crypto_sha256_hex(cookie, strlen(cookie), hash);
	return store_session_pending_user(r->st, hash, r->now, u);
}

void auth_end_pending(struct request *r)
{
	const char *cookie = req_cookie(r, PENDING_COOKIE);
	if (cookie && is_token(cookie)) {
		char hash[65];
		crypto_sha256_hex(cookie, strlen(cookie), hash);
		store_session_delete(r->st, hash);
	}
	req_set_cookie(r, PENDING_COOKIE, "", 0);
}

static void throttle_keys(struct request *r, const char *username, char *ukey, char *ikey, size_t len)
{
	snprintf(ukey, len, "user:%s", username);
	snprintf(ikey, len, "ip:%s", r->remote_addr);
}

int auth_throttled(struct request *r, const char *username)
{
	char ukey[128], ikey[128];
	throttle_keys(r, username, ukey, ikey, sizeof ukey);
	int64_t since = r->now - r->app->cfg.login_lockout;
	int nu = 0, ni = 0;
	store_login_failures(r->st, ukey, since, &nu);
	store_login_failures(r->st, ikey, since, &ni);
	/* An address may try several names before it is stopped. */
	return nu >= r->app->cfg.login_max_failures || ni >= 4 * r->app->cfg.login_max_failures;
}

void auth_note_failure(struct request *r, const char *username)
{
	char ukey[128], ikey[128];
	throttle_keys(r, username, ukey, ikey, sizeof ukey);
	store_login_failure_add(r->st, ukey, r->now);
	store_login_failure_add(r->st, ikey, r->now);
	/* Never the name: people type their password into it. */
	log_warn("req=%lu failed login from %s", r->id, r->remote_addr);
}

void auth_clear_failures(struct request *r, const char *username)
{
	char ukey[128], ikey[128];
	throttle_keys(r, username, ukey, ikey, sizeof ukey);
	store_login_failures_clear(r->st, ukey);
}
