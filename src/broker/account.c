#include "broker/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "broker/broker.h"
#include "broker/secrets.h"

#define SECRET_SUFFIX "_secret"
#define SECRET_FIELDS "$secret_fields" /* the names of the fields filled from secrets */

/* THE ONE PLACE the credential store takes over (issue 10): there,
 * broker_credential(b, ref, type, err, errlen) gives the decrypted fields of
 * the stored credential that given names. Until then an account is the
 * block's own non-secret fields, {"host": ..., "password_secret": "NAME"},
 * each FIELD_secret replaced by FIELD with the value of the secret NAME from
 * secrets_file. Either way the child never sees the result. */
/* The fields each type holds secret: never accepted written out in a config,
 * where every version, export and run page would show them. */
static const struct {
	const char *type;
	const char *fields[3];
} secret_fields[] = {
	{ "smtp", { "password" } },
	{ "chat", { "token", "url" } },
	{ "postgres", { "password" } },
};

static int refuse_plain_secret(const json_t *given, const char *type, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof secret_fields / sizeof secret_fields[0]; i++)
		for (size_t j = 0; !strcmp(type, secret_fields[i].type) && j < 3 && secret_fields[i].fields[j]; j++)
			if (json_object_get(given, secret_fields[i].fields[j])) {
				snprintf(err, errlen, "the %s account's \"%s\" is a secret: put it in secrets_file and "
					 "name it with \"%s" SECRET_SUFFIX "\"", type, secret_fields[i].fields[j],
					 secret_fields[i].fields[j]);
				return -1;
			}
	return 0;
}

json_t *broker_account(struct broker_run *b, const json_t *given, const char *type, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	if (json_is_object(given) && refuse_plain_secret(given, type, err, errlen) < 0)
		return NULL;
	if (!json_is_object(given)) {
		snprintf(err, errlen, "the %s account must be an object of its fields, its secrets by name "
			 "(such as \"password_secret\": \"NAME\" for a secret in secrets_file)", type);
		return NULL;
	}
	json_t *account = json_object();
	json_object_foreach((json_t *)given, key, v) {
		size_t n = strlen(key), k = strlen(SECRET_SUFFIX);
		if (n <= k || strcmp(key + n - k, SECRET_SUFFIX)) {
			json_object_set(account, key, v);
			continue;
		}
		char field[128];
		snprintf(field, sizeof field, "%.*s", (int)(n - k), key);
		char *value = json_is_string(v) ? secrets_get(b->secrets, json_string_value(v), err, errlen) : NULL;
		if (!json_is_string(v))
			snprintf(err, errlen, "the %s account's \"%s\" must name a secret", type, key);
		if (!value) {
			broker_account_free(account);
			return NULL;
		}
		json_object_set_new(account, field, json_string(value));
		OPENSSL_cleanse(value, strlen(value));
		free(value);
		if (!json_object_get(account, SECRET_FIELDS))
			json_object_set_new(account, SECRET_FIELDS, json_array());
		json_array_append_new(json_object_get(account, SECRET_FIELDS), json_string(field));
	}
	return account;
}

void broker_account_scrub(const json_t *account, char *text)
{
	size_t i;
	json_t *field;
	json_array_foreach(json_object_get(account, SECRET_FIELDS), i, field) {
		const char *secret = json_string_value(json_object_get(account, json_string_value(field)));
		size_t n = secret ? strlen(secret) : 0;
		size_t k = n < 4 ? n : 4; /* never longer than what it replaces */
		for (char *at, *from = text; n && (at = strstr(from, secret)); from = at + k) {
			memset(at, '*', k);
			memmove(at + k, at + n, strlen(at + n) + 1);
		}
	}
}

void broker_account_free(json_t *account)
{
	const char *key;
	json_t *v;
	json_object_foreach(account, key, v)
		if (json_is_string(v))
			OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
	json_decref(account);
}
