#include "broker/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "broker/broker.h"
#include "broker/secrets.h"

#define SECRET_SUFFIX "_secret"

/* THE ONE PLACE the credential store takes over (issue 10): there,
 * broker_credential(b, ref, type, err, errlen) gives the decrypted fields of
 * the stored credential that given names. Until then an account is the
 * block's own non-secret fields, {"host": ..., "password_secret": "NAME"},
 * each FIELD_secret replaced by FIELD with the value of the secret NAME from
 * secrets_file. Either way the child never sees the result. */
json_t *broker_account(struct broker_run *b, const json_t *given, const char *type, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
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
	}
	return account;
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
