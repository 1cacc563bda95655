#include "broker/oauth2.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "broker/broker.h"
#include "broker/credential_apply.h"
#include "broker/egress.h"
#include "broker/secrets.h"
#include "clock.h"
#include "credential_types.h"
#include "credential_edit.h"
#include "crypto.h"
#include "log.h"
#include "store/store.h"
#include "strbuf.h"

/* A token is fetched again this long before it expires, so that it does not
 * expire on the way. */
#define EARLY_MS 30000
#define CACHE_MAX 1024

/* {key: {"token": "...", "until": monotonic ms}}; the key names the token
 * endpoint, the client and a hash of its secret, so that a changed
 * credential never gets the old one's token. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *cache;

static char *cache_key(const json_t *fields)
{
	const char *secret = json_string_value(json_object_get(fields, "client_secret")) ?: "";
	char hash[65];
	crypto_sha256_hex(secret, strlen(secret), hash);
	struct strbuf k = STRBUF_INIT;
	sb_printf(&k, "%s\n%s\n%s\n%s", json_string_value(json_object_get(fields, "token_url")) ?: "",
		  json_string_value(json_object_get(fields, "client_id")) ?: "",
		  json_string_value(json_object_get(fields, "scope")) ?: "", hash);
	return sb_detach(&k);
}

/* "&name=value", the value percent-encoded. */
static void add_param(struct strbuf *body, const char *name, const char *value)
{
	sb_printf(body, "&%s=", name);
	sb_add_urlenc(body, value);
}

/* The token endpoint's answer to body (a form starting with grant_type) for
 * the client of fields: {"access_token", "expires_in", ...}, or NULL with
 * err set. */
static json_t *fetch(const struct egress_policy *p, struct secrets *secrets, const char *name, const json_t *fields,
		     struct strbuf *body, char *err, size_t errlen)
{
	/* The client authenticates as a Basic credential would. */
	json_t *client = json_pack("{s:O, s:O}", "username", json_object_get(fields, "client_id"), "password",
				   json_object_get(fields, "client_secret"));
	struct egress_credential c = { name, credential_type_get("basic"), client };
	json_t *req = json_pack("{s:O, s:s, s:{s:s, s:s}, s:s}", "url", json_object_get(fields, "token_url"), "method", "POST",
				"headers", "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json",
				"body", sb_str(body));
	char why[600];
	json_t *resp = egress_request(p, secrets, &c, req, why, sizeof why), *answer = NULL;
	json_decref(req);
	json_decref(client);
	OPENSSL_cleanse(body->data, body->len);
	sb_free(body);
	int status = (int)json_integer_value(json_object_get(resp, "status"));
	const char *text = json_string_value(json_object_get(resp, "body"));
	json_t *parsed = text ? json_loads(text, 0, NULL) : NULL;
	if (!resp)
		snprintf(err, errlen, "credential '%s': its token endpoint: %s", name, why);
	else if (status != 200 || !json_is_string(json_object_get(parsed, "access_token")))
		snprintf(err, errlen, "credential '%s': its token endpoint answered %d%s%s", name, status,
			 json_is_string(json_object_get(parsed, "error")) ? ": " : " without an access token",
			 json_string_value(json_object_get(parsed, "error_description")) ?:
			 json_string_value(json_object_get(parsed, "error")) ?: "");
	else
		answer = json_incref(parsed);
	json_decref(parsed);
	json_decref(resp);
	return answer;
}

/* Takes a token endpoint's answer into fields, remembering its values to mask. */
static void take_tokens(struct secrets *secrets, json_t *fields, const json_t *answer)
{
	json_int_t expires = json_integer_value(json_object_get(answer, "expires_in"));
	json_t *remember = json_object();
	json_object_set(fields, "access_token", json_object_get(answer, "access_token"));
	json_object_set(remember, "access_token", json_object_get(answer, "access_token"));
	if (json_is_string(json_object_get(answer, "refresh_token"))) {
		json_object_set(fields, "refresh_token", json_object_get(answer, "refresh_token"));
		json_object_set(remember, "refresh_token", json_object_get(answer, "refresh_token"));
	}
	json_object_set_new(fields, "expires_at", json_integer(expires > 0 ? (json_int_t)time(NULL) + expires : 0));
	json_object_del(fields, "connection_error");
	secrets_remember(secrets, remember);
	json_decref(remember);
}

int oauth2_exchange_code(const struct egress_policy *p, struct secrets *secrets, const char *name, json_t *fields,
			 const char *code, const char *redirect_uri, const char *verifier, char *err, size_t errlen)
{
	struct strbuf body = STRBUF_INIT;
	sb_adds(&body, "grant_type=authorization_code");
	add_param(&body, "code", code);
	add_param(&body, "redirect_uri", redirect_uri);
	add_param(&body, "code_verifier", verifier);
	json_t *answer = fetch(p, secrets, name, fields, &body, err, errlen);
	if (!answer)
		return -1;
	take_tokens(secrets, fields, answer);
	json_decref(answer);
	return 0;
}

/* The client credentials grant, its token cached in memory. */
static int client_token(const struct egress_policy *p, struct secrets *secrets, const char *name, json_t *fields,
			bool fresh, char *err, size_t errlen)
{
	char *key = cache_key(fields);
	pthread_mutex_lock(&lock);
	if (!cache)
		cache = json_object();
	json_t *hit = json_object_get(cache, key);
	if (hit && !fresh && json_integer_value(json_object_get(hit, "until")) > mono_ms())
		json_object_set(fields, "access_token", json_object_get(hit, "token"));
	pthread_mutex_unlock(&lock);
	if (json_object_get(fields, "access_token")) {
		free(key);
		return 0;
	}
	struct strbuf body = STRBUF_INIT;
	const char *scope = json_string_value(json_object_get(fields, "scope"));
	sb_adds(&body, "grant_type=client_credentials");
	if (scope && *scope)
		add_param(&body, "scope", scope);
	json_t *answer = fetch(p, secrets, name, fields, &body, err, errlen);
	if (!answer) {
		free(key);
		return -1;
	}
	json_t *t = json_object_get(answer, "access_token");
	json_int_t expires = json_integer_value(json_object_get(answer, "expires_in"));
	int64_t until = mono_ms() + (expires > 0 ? expires * 1000 : 3600000) - EARLY_MS;
	take_tokens(secrets, fields, answer);
	pthread_mutex_lock(&lock);
	if (json_object_size(cache) >= CACHE_MAX)
		json_object_clear(cache);
	json_object_set_new(cache, key, json_pack("{s:O, s:I}", "token", t, "until", (json_int_t)until));
	pthread_mutex_unlock(&lock);
	json_decref(answer);
	free(key);
	return 0;
}

/* Writes fields back to credential id, sealed (the broker's own change, audited as the system's). */
static void save(struct broker_run *b, int64_t id, const json_t *fields)
{
	char why[600];
	if (credential_update(b->store, b->keyring, 0, id, NULL, fields, why, sizeof why) != STORE_OK)
		log_warn("credential %lld: its renewed tokens could not be stored: %s", (long long)id, why);
}

/* The authorization code grant: the stored access token, renewed with the refresh token when needed. */
static int account_token(struct broker_run *b, const struct egress_policy *p, const char *name, int64_t id,
			 json_t *fields, bool fresh, char *err, size_t errlen)
{
	json_int_t expires_at = json_integer_value(json_object_get(fields, "expires_at"));
	const char *refresh = json_string_value(json_object_get(fields, "refresh_token"));
	if (json_object_get(fields, "access_token") && !fresh &&
	    (!expires_at || (int64_t)time(NULL) < expires_at - EARLY_MS / 1000))
		return 0;
	if (!refresh || !*refresh) {
		snprintf(err, errlen, "credential '%s' is %s: press Connect on its page", name,
			 json_object_get(fields, "access_token") ? "expired and has no refresh token" : "not connected");
		return -1;
	}
	struct strbuf body = STRBUF_INIT;
	char why[600];
	sb_adds(&body, "grant_type=refresh_token");
	add_param(&body, "refresh_token", refresh);
	json_t *answer = fetch(p, b->secrets, name, fields, &body, why, sizeof why);
	if (!answer) {
		snprintf(err, errlen, "credential '%s' needs reconnecting (press Connect on its page): %s", name, why);
		json_object_set_new(fields, "connection_error", json_string(why));
		save(b, id, fields);
		return -1;
	}
	take_tokens(b->secrets, fields, answer);
	json_decref(answer);
	save(b, id, fields);
	return 0;
}

int oauth2_access_token(struct broker_run *b, const struct egress_policy *p, const char *name, int64_t id,
			const json_t *type, json_t *fields, bool fresh, char *err, size_t errlen)
{
	const char *grant = json_string_value(json_object_get(json_object_get(type, "oauth2"), "grant"));
	if (!grant)
		return 0;
	if (!strcmp(grant, "client_credentials"))
		return client_token(p, b->secrets, name, fields, fresh, err, errlen);
	return account_token(b, p, name, id, fields, fresh, err, errlen);
}
