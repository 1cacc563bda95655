#include "broker/credential_apply.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/egress.h"
#include "broker/secrets.h"
#include "credential_types.h"
#include "strbuf.h"

/* 0 when url's origin is one of the credential's allowed origins (or it allows any). */
static int origin_allowed(const struct egress_credential *c, const char *url, char *err, size_t errlen)
{
	const char *list = json_string_value(json_object_get(c->fields, "allowed_origins"));
	if (!list || !*list)
		return 0;
	char *want = egress_origin(url), *copy = xstrdup(list), *save = NULL;
	int ok = 0;
	for (char *tok = strtok_r(copy, " ,\t\n", &save); want && tok && !ok; tok = strtok_r(NULL, " ,\t\n", &save)) {
		char *o = egress_origin(tok);
		ok = o && !strcmp(o, want);
		free(o);
	}
	if (!ok)
		snprintf(err, errlen, "credential '%s' may be sent only to %s (its allowed origins), not to %s",
			 c->name, list, want ? want : url);
	free(want);
	free(copy);
	return ok ? 0 : -1;
}

/* Each "name template": "value template" of rules, filled; a pair naming only empty fields is left out. */
static json_t *fill_all(const json_t *rules, const json_t *fields)
{
	json_t *out = json_object(), *v;
	const char *key;
	json_object_foreach((json_t *)rules, key, v) {
		int used_name, used_value;
		char *name = credential_fill(key, fields, &used_name);
		char *value = credential_fill(json_string_value(v), fields, &used_value);
		if (used_value && *name)
			json_object_set_new(out, name, json_string(value));
		OPENSSL_cleanse(value, strlen(value));
		free(name);
		free(value);
	}
	return out;
}

static void add_basic(json_t *headers, const json_t *basic, const json_t *fields, struct secrets *secrets)
{
	int u, p;
	char *user = credential_fill(json_string_value(json_object_get(basic, "username")) ?: "", fields, &u);
	char *pass = credential_fill(json_string_value(json_object_get(basic, "password")) ?: "", fields, &p);
	struct strbuf pair = STRBUF_INIT, value = STRBUF_INIT;
	sb_printf(&pair, "%s:%s", user, pass);
	/* The pair's base64 is what travels: it is masked too. */
	json_t *remember = json_pack("{s:s}", "basic", sb_str(&pair));
	secrets_remember(secrets, remember);
	json_decref(remember);
	sb_adds(&value, "Basic ");
	sb_grow(&value, 4 * ((pair.len + 2) / 3) + 1);
	value.len += (size_t)EVP_EncodeBlock((unsigned char *)value.data + value.len, (unsigned char *)pair.data, (int)pair.len);
	value.data[value.len] = '\0';
	json_object_set_new(headers, "Authorization", json_string(sb_str(&value)));
	OPENSSL_cleanse(pair.data, pair.len);
	OPENSSL_cleanse(value.data, value.len);
	OPENSSL_cleanse(pass, strlen(pass));
	sb_free(&pair);
	sb_free(&value);
	free(user);
	free(pass);
}

json_t *credential_http_parts(const struct egress_credential *c, const char *url, struct secrets *secrets, char *err,
			      size_t errlen)
{
	json_t *apply = json_object_get(c->type, "apply");
	if (!apply) {
		snprintf(err, errlen, "credential '%s' is of type '%s', which the broker does not apply to HTTP requests",
			 c->name, json_string_value(json_object_get(c->type, "name")));
		return NULL;
	}
	if (origin_allowed(c, url, err, errlen) < 0)
		return NULL;
	json_t *headers = fill_all(json_object_get(apply, "headers"), c->fields);
	if (json_object_get(apply, "basic"))
		add_basic(headers, json_object_get(apply, "basic"), c->fields, secrets);
	json_t *parts = json_pack("{s:o, s:o}", "headers", headers, "query", fill_all(json_object_get(apply, "query"), c->fields));
	if (json_object_get(apply, "client_certificate"))
		json_object_set_new(parts, "tls", fill_all(json_object_get(apply, "client_certificate"), c->fields));
	return parts;
}
