#include "broker/credentials.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/broker.h"
#include "broker/secrets.h"
#include "keyring.h"
#include "store/store.h"

void broker_credential_free(json_t *fields)
{
	const char *key;
	json_t *v;
	if (fields && fields->refcount == 1)
		json_object_foreach(fields, key, v)
			if (json_is_string(v) && v->refcount == 1)
				OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
	json_decref(fields);
}

/* The secret fields sealed in row, parsed (new reference), or NULL with err set. */
static json_t *unseal(struct broker_run *b, const json_t *row, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(row, "name"));
	char why[600];
	size_t len = 0;
	char *plain = keyring_unseal(b->keyring, json_string_value(json_object_get(row, "sealed")), &len, why, sizeof why);
	if (!plain) {
		snprintf(err, errlen, "credential '%s' cannot be opened: %s", name, why);
		return NULL;
	}
	json_error_t je;
	json_t *secret = json_loadb(plain, len, JSON_REJECT_DUPLICATES, &je);
	OPENSSL_cleanse(plain, len);
	free(plain);
	if (!json_is_object(secret)) {
		snprintf(err, errlen, "credential '%s' opened, but its sealed fields are not a JSON object: enter its "
			 "secret fields again on its page", name);
		json_decref(secret);
		return NULL;
	}
	return secret;
}

json_t *broker_credential(struct broker_run *b, const char *ref, const char *type, char *err, size_t errlen)
{
	json_t *row = NULL;
	if (!ref || !*ref) {
		snprintf(err, errlen, "no credential was named: choose one in the block's settings");
		return NULL;
	}
	if (!b->store || !b->keyring || !b->run_id) {
		snprintf(err, errlen, "credential '%s' cannot be used here: credentials are applied by axond (or axonctl) "
			 "to runs of a workflow, not to a block run on its own", ref);
		return NULL;
	}
	if (store_credential_use(b->store, ref, type, b->run_id, &row) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(b->store));
		return NULL;
	}
	json_t *secret = unseal(b, row, err, errlen);
	json_t *fields = NULL;
	if (secret) {
		secrets_remember(b->secrets, secret);
		fields = json_deep_copy(json_object_get(row, "fields"));
		if (!json_is_object(fields)) {
			json_decref(fields);
			fields = json_object();
		}
		json_object_update(fields, secret);
		json_decref(secret); /* its strings live on in fields */
	}
	json_decref(row);
	return fields;
}
