/* First-run setup, signing in and out, and the account page. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "web/auth.h"
#include "web/pages/pages.h"
#include "web/stream.h"

static int setup_done(struct request *r, int *done)
{
	int64_t n = 0;
	int rc = store_user_count(r->st, &n);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return -1;
	}
	*done = n > 0;
	return 0;
}

void setup_get(struct request *r)
{
	int done;
	if (setup_done(r, &done) < 0)
		return;
	if (done) {
		reply_redirect(r, "/login");
		return;
	}
	reply_view(r, 200, "setup", page_model(r, "Welcome to Axon"));
}

void setup_post(struct request *r)
{
	const char *username = req_field(r, "username");
	const char *password = req_field(r, "password");
	json_t *errors = account_errors(username, password, req_field(r, "password_confirm"));
	if (json_object_size(errors)) {
		json_t *m = page_model(r, "Welcome to Axon");
		json_object_set_new(m, "form", json_pack("{s:s}", "username", username ? username : ""));
		reply_invalid(r, "setup", m, errors);
		return;
	}
	json_decref(errors);
	char *hash = hash_password_or_reply(r, password);
	if (!hash)
		return;
	int64_t id;
	int rc = store_setup_owner(r->st, username, hash, &id);
	free(hash);
	if (rc == STORE_CONFLICT) {
		reply_error(r, 403, "Axon is already set up: sign in instead.", NULL);
		return;
	}
	if (rc == STORE_OK)
		rc = auth_start_session(r, id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	log_info("req=%lu setup: owner account '%s' created", r->id, username);
	reply_done(r, 201, "/workflows", json_pack("{s:{s:I,s:s,s:s}}", "user", "id", (json_int_t)id,
						  "username", username, "role", "owner"));
}

static void second_factor_due(struct request *r, int64_t user_id);

json_t *next_page_model(struct request *r, const char *title)
{
	json_t *m = page_model(r, title);
	const char *next = req_query(r, "next");
	if (!next)
		next = req_field(r, "next");
	json_object_set_new(m, "next", json_string(safe_next(next)));
	return m;
}

void login_get(struct request *r)
{
	int done;
	if (setup_done(r, &done) < 0)
		return;
	if (!done) {
		reply_redirect(r, "/setup");
		return;
	}
	reply_view(r, 200, "login", next_page_model(r, "Sign in"));
}

void login_post(struct request *r)
{
	const char *username = req_field(r, "username");
	const char *password = req_field(r, "password");
	if (!username || !password || check_username(username)) {
		json_t *errors = json_pack("{s:s}", "username", "Enter your username and password.");
		reply_invalid(r, "login", next_page_model(r, "Sign in"), errors);
		return;
	}
	if (auth_throttled(r, username)) {
		req_add_header(r, "Retry-After: %ld", r->app->cfg.login_lockout);
		reply_error(r, 429, "Too many failed sign-ins: wait a while before trying again.", NULL);
		return;
	}
	struct user u;
	char *hash = NULL;
	int rc = store_user_by_name(r->st, username, &u, &hash);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		reply_store_error(r, rc, NULL);
		return;
	}
	/* Hash even for an unknown name, so that timing does not tell which names exist. */
	static const char dummy[] = "scrypt$16384$8$1$00000000000000000000000000000000$"
				    "0000000000000000000000000000000000000000000000000000000000000000";
	int ok = password_verify(password, hash ? hash : dummy) && rc == STORE_OK && !u.disabled;
	free(hash);
	if (!ok) {
		auth_note_failure(r, username);
		json_t *m = next_page_model(r, "Sign in");
		json_object_set_new(m, "form", json_pack("{s:s}", "username", username));
		json_object_set_new(m, "error", json_string("Wrong username or password."));
		if (r->json) {
			json_decref(m);
			reply_error(r, 401, "Wrong username or password.", NULL);
		} else {
			reply_view(r, 401, "login", m);
		}
		return;
	}
	int on = two_factor_enabled(r, u.id, &rc);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	if (on) {
		/* Failures are cleared only once the code is right too: the password
		 * alone must not reset the count of wrong codes. */
		second_factor_due(r, u.id);
		return;
	}
	auth_clear_failures(r, username);
	rc = auth_start_session(r, u.id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_done(r, 200, safe_next(req_field(r, "next")),
		   json_pack("{s:{s:I,s:s,s:s}}", "user", "id", (json_int_t)u.id, "username", u.username, "role",
			     role_name(u.role)));
}

/* The password was right and a code is due: the half-signed-in state, and the page that asks. */
static void second_factor_due(struct request *r, int64_t user_id)
{
	int rc = auth_start_pending(r, user_id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	struct strbuf loc = STRBUF_INIT;
	sb_adds(&loc, "/login/code?next=");
	sb_add_urlenc(&loc, safe_next(req_field(r, "next")));
	reply_done(r, 200, loc.data, json_pack("{s:b, s:s}", "second_factor_required", 1, "next", loc.data));
	sb_free(&loc);
}

void logout_post(struct request *r)
{
	auth_end_session(r);
	reply_done(r, 200, "/login", json_pack("{s:b}", "signed_out", 1));
}

void account_get(struct request *r)
{
	json_t *m = page_model(r, "Your account");
	json_object_set_new(m, "changed", json_boolean(req_query(r, "changed") != NULL));
	json_t *two_factor = NULL;
	int rc = store_2fa_status(r->st, r->user.id, &two_factor);
	if (rc != STORE_OK) {
		json_decref(m);
		reply_store_error(r, rc, NULL);
		return;
	}
	json_object_set_new(m, "two_factor", two_factor);
	reply_view(r, 200, "account", m);
}

void account_password_post(struct request *r)
{
	const char *current = req_field(r, "current_password");
	const char *fresh = req_field(r, "new_password");
	char *hash = NULL;
	struct user u;
	int rc = store_user_by_id(r->st, r->user.id, &u, &hash);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	json_t *errors = json_object();
	const char *e;
	if (!current || !password_verify(current, hash))
		json_object_set_new(errors, "current_password", json_string("This is not your current password."));
	free(hash);
	if ((e = check_new_password(fresh, req_field(r, "new_password_confirm"))))
		json_object_set_new(errors, "new_password", json_string(e));
	if (json_object_size(errors)) {
		reply_invalid(r, "account", page_model(r, "Your account"), errors);
		return;
	}
	json_decref(errors);
	hash = hash_password_or_reply(r, fresh);
	if (!hash)
		return;
	rc = store_user_set_password(r->st, r->user.id, r->user.id, hash,
				     r->session_hash[0] ? r->session_hash : NULL);
	free(hash);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	streams_recheck(r->app->streams); /* the other sessions ended: their live streams close */
	reply_done(r, 200, "/account?changed=1", json_pack("{s:b}", "password_changed", 1));
}
