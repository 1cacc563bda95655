#include "broker/credentials.h"

#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/broker.h"
#include "broker/secrets.h"
#include "credential_types.h"
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
static json_t *unseal(struct keyring *keyring, const json_t *row, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(row, "name"));
	char why[600];
	size_t len = 0;
	char *plain = keyring_unseal(keyring, json_string_value(json_object_get(row, "sealed")), &len, why, sizeof why);
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

/* broker_credential(), the credential's type name (borrowed from *row) given too. */
static json_t *open_credential(struct broker_run *b, const char *ref, const char *type, json_t **row, char *err,
			       size_t errlen)
{
	*row = NULL;
	if (!ref || !*ref) {
		snprintf(err, errlen, "no credential was named: choose one in the block's settings");
		return NULL;
	}
	if (!b->store || !b->keyring || (!b->run_id && !b->poll_workflow_id)) {
		snprintf(err, errlen, "credential '%s' cannot be used here: credentials are applied by axond (or axonctl) "
			 "to runs of a workflow and to its poll trigger, not to a block run on its own", ref);
		return NULL;
	}
	if (store_credential_use(b->store, ref, type, b->run_id, b->poll_workflow_id, row) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(b->store));
		return NULL;
	}
	json_t *secret = unseal(b->keyring, *row, err, errlen);
	if (!secret)
		return NULL;
	secrets_remember(b->secrets, secret);
	json_t *fields = json_deep_copy(json_object_get(*row, "fields"));
	if (!json_is_object(fields)) {
		json_decref(fields);
		fields = json_object();
	}
	json_object_update(fields, secret);
	json_decref(secret); /* its strings live on in fields */
	return fields;
}

json_t *broker_credential(struct broker_run *b, const char *ref, const char *type, char *err, size_t errlen)
{
	json_t *row;
	json_t *fields = open_credential(b, ref, type, &row, err, errlen);
	json_decref(row);
	return fields;
}

json_t *credential_for_user(struct store *st, struct keyring *keyring, int64_t user, const char *ref, const char *type,
			    int64_t *id, char *err, size_t errlen)
{
	json_t *row = NULL, *secret = NULL;
	char *sealed = NULL;
	bool usable = false;
	*id = 0;
	if (!ref || !*ref || store_credential_find(st, ref, id) != STORE_OK || store_credential_usable(st, *id, user, &usable) != STORE_OK ||
	    !usable || store_credential_get(st, *id, &row) != STORE_OK) {
		snprintf(err, errlen, "there is no credential '%.100s' that you may use (yours, or one shared with you)", ref ? ref : "");
		return NULL;
	}
	const char *tname = json_string_value(json_object_get(row, "type"));
	if (type && strcmp(tname ? tname : "", type))
		snprintf(err, errlen, "credential '%.100s' is of type '%s', not %s", ref, tname ? tname : "", type);
	else if (store_credential_sealed(st, *id, &sealed) != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(st));
	else
		json_object_set_new(row, "sealed", json_string(sealed));
	free(sealed);
	if (json_object_get(row, "sealed"))
		secret = unseal(keyring, row, err, errlen);
	json_t *fields = secret ? json_deep_copy(json_object_get(row, "fields")) : NULL;
	if (secret && !json_is_object(fields)) {
		json_decref(fields);
		fields = json_object();
	}
	if (fields)
		json_object_update(fields, secret);
	json_decref(secret);
	json_decref(row);
	return fields;
}

/* Whether accepted (a type name, a list of them, or NULL for any) takes type. */
static int accepts(const json_t *accepted, const char *type)
{
	size_t i;
	json_t *t;
	if (!accepted || (json_is_string(accepted) && !strcmp(json_string_value(accepted), type)))
		return 1;
	json_array_foreach(accepted, i, t)
		if (!strcmp(json_string_value(t), type))
			return 1;
	return 0;
}

/* The property of the block's config that gives ref in a credential field, or NULL. */
static const json_t *naming_property(const struct broker_run *b, const char *ref)
{
	const char *key;
	json_t *p;
	json_object_foreach(json_object_get(b->config_schema, "properties"), key, p) {
		const char *format = json_string_value(json_object_get(p, "format"));
		const char *given = json_string_value(json_object_get(b->config, key));
		if (format && !strcmp(format, "credential") && given && !strcmp(given, ref))
			return p;
	}
	return NULL;
}

json_t *broker_block_credential(struct broker_run *b, const char *ref, const json_t **type, int64_t *id, char *err,
				size_t errlen)
{
	const json_t *p = ref ? naming_property(b, ref) : NULL;
	if (!p) {
		snprintf(err, errlen, "the block asked for credential '%s', which its settings do not give it in a credential "
			 "field: a block uses only the credentials chosen for it", ref ? ref : "");
		return NULL;
	}
	json_t *row;
	json_t *fields = open_credential(b, ref, NULL, &row, err, errlen);
	const char *name = json_string_value(json_object_get(row, "type"));
	*id = json_integer_value(json_object_get(row, "id"));
	const json_t *accepted = json_object_get(p, "credential_type");
	if (fields && !accepts(accepted, name)) {
		char *list = json_dumps(accepted, JSON_ENCODE_ANY);
		snprintf(err, errlen, "credential '%s' is of type '%s', and this field accepts %s: choose another", ref, name,
			 list ? list : "other types");
		free(list);
		broker_credential_free(fields);
		fields = NULL;
	} else if (fields && !(*type = credential_type_get(name))) {
		snprintf(err, errlen, "credential '%s' is of type '%s', which no longer exists (its plugin was removed?)", ref, name);
		broker_credential_free(fields);
		fields = NULL;
	}
	json_decref(row);
	return fields;
}
