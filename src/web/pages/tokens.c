/* API tokens: create (the token is shown once), list, revoke. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "web/auth.h"
#include "web/pages/decorate.h"
#include "web/pages/pages.h"

static json_t *tokens_model(struct request *r, int *rc)
{
	json_t *tokens = NULL;
	*rc = store_token_list(r->st, r->user.id, &tokens);
	if (*rc != STORE_OK)
		return NULL;
	decorate_tokens(tokens);
	json_t *m = page_model(r, "API tokens");
	json_object_set_new(m, "tokens", tokens);
	return m;
}

void tokens_list(struct request *r)
{
	int rc;
	json_t *m = tokens_model(r, &rc);
	if (!m) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_view(r, 200, "tokens/list", m);
}

/* The token's own rate limit: empty for none, else 1 to 1000000 requests a minute; -1 when neither. */
static long rate_field(const char *s)
{
	if (!s || !*s)
		return 0;
	char *end;
	long v = strspn(s, "0123456789") == strlen(s) && strlen(s) <= 7 ? strtol(s, &end, 10) : -1;
	return v >= 1 && v <= 1000000 ? v : -1;
}

void token_create(struct request *r)
{
	const char *name = req_field(r, "name");
	size_t len = name ? strlen(name) : 0;
	long rate = rate_field(req_field(r, "rate_per_minute"));
	json_t *errors = json_object();
	if (!len || len > 100 || strpbrk(name, "\r\n\t"))
		json_object_set_new(errors, "name", json_string("Name the token (one line, at most 100 characters), "
								"so that you know later what uses it."));
	if (rate < 0)
		json_object_set_new(errors, "rate_per_minute", json_string("A token's rate limit is a whole number of "
									   "requests a minute, 1 to 1000000, or empty for "
									   "your user's limit alone."));
	if (json_object_size(errors)) {
		int rc;
		json_t *m = tokens_model(r, &rc);
		if (!m) {
			json_decref(errors);
			reply_store_error(r, rc, NULL);
			return;
		}
		reply_invalid(r, "tokens/list", m, errors);
		return;
	}
	json_decref(errors);
	char raw[65], token[70], hash[65];
	if (crypto_token(raw) < 0) {
		reply_error(r, 500, "No random numbers could be had from the system.", NULL);
		return;
	}
	snprintf(token, sizeof token, API_TOKEN_PREFIX "%s", raw);
	crypto_sha256_hex(token, strlen(token), hash);
	int64_t id;
	int rc = store_token_create_limited(r->st, r->user.id, name, hash, (int)rate, &id);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	/* Shown once, in the answer to this POST; never stored or logged. */
	json_t *m = tokens_model(r, &rc);
	if (!m) {
		reply_store_error(r, rc, NULL);
		return;
	}
	json_object_set_new(m, "created", json_pack("{s:s,s:I,s:s}", "token", token, "id", (json_int_t)id, "name", name));
	if (r->json) {
		json_t *created = json_incref(json_object_get(m, "created"));
		json_decref(m);
		reply_view(r, 201, NULL, created);
	} else {
		reply_view(r, 201, "tokens/list", m);
	}
}

void token_revoke(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	int rc = id ? store_token_revoke(r->st, r->user.id, id) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "You have no such token.");
		return;
	}
	reply_done(r, 200, "/tokens", json_pack("{s:I}", "revoked", (json_int_t)id));
}
