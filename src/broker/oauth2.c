#include "broker/oauth2.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/credential_apply.h"
#include "broker/egress.h"
#include "broker/secrets.h"
#include "clock.h"
#include "credential_types.h"
#include "crypto.h"
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

/* The token endpoint's answer for fields: {"access_token", "expires_in"} or NULL with err set. */
static json_t *fetch(const struct egress_policy *p, struct secrets *secrets, const char *name, const json_t *fields,
		     char *err, size_t errlen)
{
	const char *scope = json_string_value(json_object_get(fields, "scope"));
	struct strbuf body = STRBUF_INIT;
	sb_adds(&body, "grant_type=client_credentials");
	if (scope && *scope) {
		sb_adds(&body, "&scope=");
		sb_add_urlenc(&body, scope);
	}
	/* The client authenticates as a Basic credential would. */
	json_t *client = json_pack("{s:O, s:O}", "username", json_object_get(fields, "client_id"), "password",
				   json_object_get(fields, "client_secret"));
	struct egress_credential c = { name, credential_type_get("basic"), client };
	json_t *req = json_pack("{s:O, s:s, s:{s:s, s:s}, s:s}", "url", json_object_get(fields, "token_url"), "method", "POST",
				"headers", "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json",
				"body", sb_str(&body));
	char why[600];
	json_t *resp = egress_request(p, secrets, &c, req, why, sizeof why), *answer = NULL;
	json_decref(req);
	json_decref(client);
	sb_free(&body);
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

int oauth2_access_token(const struct egress_policy *p, struct secrets *secrets, const char *name,
			const json_t *type, json_t *fields, bool fresh, char *err, size_t errlen)
{
	const json_t *oauth2 = json_object_get(type, "oauth2");
	if (!oauth2)
		return 0;
	char *key = cache_key(fields);
	const char *token = NULL;
	pthread_mutex_lock(&lock);
	if (!cache)
		cache = json_object();
	json_t *hit = json_object_get(cache, key);
	if (hit && !fresh && json_integer_value(json_object_get(hit, "until")) > mono_ms())
		json_object_set(fields, "access_token", json_object_get(hit, "token"));
	pthread_mutex_unlock(&lock);
	token = json_string_value(json_object_get(fields, "access_token"));
	if (token) {
		free(key);
		return 0;
	}
	json_t *answer = fetch(p, secrets, name, fields, err, errlen);
	if (!answer) {
		free(key);
		return -1;
	}
	json_t *t = json_object_get(answer, "access_token");
	json_int_t expires = json_integer_value(json_object_get(answer, "expires_in"));
	int64_t until = mono_ms() + (expires > 0 ? expires * 1000 : 3600000) - EARLY_MS;
	json_t *remember = json_pack("{s:O}", "access_token", t);
	secrets_remember(secrets, remember);
	json_decref(remember);
	json_object_set(fields, "access_token", t);
	pthread_mutex_lock(&lock);
	if (json_object_size(cache) >= CACHE_MAX)
		json_object_clear(cache);
	json_object_set_new(cache, key, json_pack("{s:O, s:I}", "token", t, "until", (json_int_t)until));
	pthread_mutex_unlock(&lock);
	json_decref(answer);
	free(key);
	return 0;
}
