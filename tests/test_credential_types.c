/* The core credential types: all of them declared well, fields checked and
 * split into plain and secret, an empty secret field keeping its stored
 * value, and each type's application to an HTTP request, origins included. */
#include <stdlib.h>

#include "broker/credential_apply.h"
#include "broker/secrets.h"
#include "credential_types.h"
#include "testlib.h"

static char err[600];

static json_t *split(const char *type, const char *given, const char *kept, json_t **secret)
{
	json_t *g = json_loads(given, 0, NULL), *k = kept ? json_loads(kept, 0, NULL) : NULL, *plain = NULL;
	err[0] = '\0';
	if (credential_fields_split(credential_type_get(type), g, k, &plain, secret, err, sizeof err) < 0)
		plain = NULL;
	json_decref(g);
	json_decref(k);
	return plain;
}

static json_t *parts(const char *type, const char *fields, const char *url, struct secrets *s)
{
	json_t *f = json_loads(fields, 0, NULL);
	struct egress_credential c = { "c1", credential_type_get(type), f };
	err[0] = '\0';
	json_t *p = credential_http_parts(&c, url, s, err, sizeof err);
	json_decref(f);
	return p;
}

int main(void)
{
	const char *names[] = { "api_key", "api_key_query", "bearer", "basic", "client_certificate", "oauth2_client", "oauth2_code", "smtp", "imap", "postgres",
				"slack_bot", "slack_webhook", "discord_webhook", "mattermost_webhook", "telegram_bot", "llm" };
	const size_t n = sizeof names / sizeof names[0];
	json_t *all = credential_type_list();
	CHECK(json_array_size(all) == n);
	json_decref(all);
	for (size_t i = 0; i < n; i++)
		CHECK(credential_type_get(names[i]) != NULL);
	CHECK(credential_type_get("nope") == NULL);

	json_t *secret = NULL, *plain = split("smtp", "{\"host\": \"mail\", \"port\": \"465\", \"password\": \"pw12\"}", NULL, &secret);
	CHECK(json_integer_value(json_object_get(plain, "port")) == 465);
	CHECK_STR(json_string_value(json_object_get(plain, "security")), "starttls");
	CHECK_STR(json_string_value(json_object_get(secret, "password")), "pw12");
	CHECK(json_object_get(plain, "password") == NULL);
	json_decref(plain);
	json_decref(secret);
	/* Editing: an empty secret field keeps the stored value; a new one replaces it. */
	plain = split("basic", "{\"username\": \"u\", \"password\": \"\"}", "{\"password\": \"old-pw\"}", &secret);
	CHECK_STR(json_string_value(json_object_get(secret, "password")), "old-pw");
	json_decref(plain);
	json_decref(secret);
	plain = split("basic", "{\"username\": \"u\", \"password\": \"new-pw\"}", "{\"password\": \"old-pw\"}", &secret);
	CHECK_STR(json_string_value(json_object_get(secret, "password")), "new-pw");
	json_decref(plain);
	json_decref(secret);
	/* Refusals name the field. */
	CHECK(split("basic", "{\"username\": \"u\"}", NULL, &secret) == NULL);
	CHECK_STR(err, "basic: the field 'password' is required");
	CHECK(split("smtp", "{\"host\": \"h\", \"port\": \"x\"}", NULL, &secret) == NULL);
	CHECK_STR(err, "smtp: the field 'port' must be a whole number");
	CHECK(split("smtp", "{\"host\": \"h\", \"security\": \"maybe\"}", NULL, &secret) == NULL);
	CHECK_CONTAINS(err, "field 'security' must be one of");
	CHECK(split("bearer", "{\"token\": \"t\", \"extra\": 1}", NULL, &secret) == NULL);
	CHECK_CONTAINS(err, "unknown field 'extra'");

	/* Application. */
	struct secrets *s = secrets_open("");
	json_t *p = parts("api_key", "{\"key\": \"k-123\", \"header\": \"X-Token\", \"prefix\": \"Token \"}", "https://a.example/x", s);
	CHECK_STR(json_string_value(json_object_get(json_object_get(p, "headers"), "X-Token")), "Token k-123");
	json_decref(p);
	p = parts("api_key_query", "{\"key\": \"k-123\", \"parameter\": \"appid\"}", "https://a.example/x", s);
	CHECK_STR(json_string_value(json_object_get(json_object_get(p, "query"), "appid")), "k-123");
	json_decref(p);
	p = parts("basic", "{\"username\": \"Aladdin\", \"password\": \"open sesame\"}", "https://a.example/x", s);
	CHECK_STR(json_string_value(json_object_get(json_object_get(p, "headers"), "Authorization")),
		  "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	json_decref(p);
	char *m = secrets_mask(s, "auth QWxhZGRpbjpvcGVuIHNlc2FtZQ== done"); /* the pair's base64 is masked */
	CHECK_STR(m, "auth **** done");
	free(m);
	p = parts("llm", "{\"base_url\": \"http://localhost:11434/v1\"}", "http://localhost:11434/v1/models", s);
	CHECK(p && json_object_size(json_object_get(p, "headers")) == 0); /* no key, no header */
	json_decref(p);
	/* Origins: the allowed ones, whatever the case and the default port; no other. */
	const char *pinned = "{\"token\": \"t-1\", \"allowed_origins\": \"https://API.example.com, http://b.example:8080\"}";
	p = parts("bearer", pinned, "https://api.example.com:443/v1/x", s);
	CHECK_STR(json_string_value(json_object_get(json_object_get(p, "headers"), "Authorization")), "Bearer t-1");
	json_decref(p);
	CHECK((p = parts("bearer", pinned, "http://b.example:8080/y", s)) != NULL);
	json_decref(p);
	CHECK(parts("bearer", pinned, "http://api.example.com/v1", s) == NULL);
	CHECK_STR(err, "credential 'c1' may be sent only to https://API.example.com, http://b.example:8080 (its allowed "
		  "origins), not to http://api.example.com:80");
	CHECK(parts("smtp", "{\"host\": \"h\"}", "https://a.example/", s) == NULL);
	CHECK_CONTAINS(err, "which the broker does not apply to HTTP requests");
	secrets_close(s);

	int used;
	json_t *fields = json_pack("{s:s, s:i}", "a", "x", "b", 5);
	char *f = credential_fill("{{a}}-{{ b }}-{{ c }}", fields, &used);
	CHECK_STR(f, "x-5-");
	free(f);
	json_decref(fields);
	return t_done("credential_types");
}
