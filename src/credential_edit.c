#include "credential_edit.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential_types.h"
#include "keyring.h"
#include "store/store.h"

int credential_name_check(const char *name, char *err, size_t errlen)
{
	size_t n = name ? strlen(name) : 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			n = 0;
	if (n == 0 || n > 100 || name[0] == ' ' || name[n - 1] == ' ') {
		snprintf(err, errlen, "a credential's name has 1 to 100 characters, without line breaks or spaces at its ends");
		return -1;
	}
	return 0;
}

/* The fields split by type and the secret ones sealed: STORE_OK or STORE_ERROR with err set. */
static int seal(struct keyring *kr, const json_t *type, const json_t *given, const json_t *kept, json_t **plain,
		char **sealed, char *err, size_t errlen)
{
	json_t *secret;
	*sealed = NULL;
	if (credential_fields_split(type, given, kept, plain, &secret, err, errlen) < 0)
		return STORE_ERROR;
	char *text = json_dumps(secret, JSON_COMPACT);
	*sealed = text ? keyring_seal(kr, text, strlen(text), err, errlen) : NULL;
	if (text)
		OPENSSL_cleanse(text, strlen(text));
	free(text);
	json_decref(secret);
	if (!*sealed) {
		json_decref(*plain);
		*plain = NULL;
		return STORE_ERROR;
	}
	return STORE_OK;
}

static const json_t *known_type(const char *type, char *err, size_t errlen)
{
	const json_t *t = credential_type_get(type);
	if (!t)
		snprintf(err, errlen, "there is no credential type '%s' (see the list of types)", type ? type : "");
	return t;
}

int credential_create(struct store *st, struct keyring *kr, int64_t actor, const char *name, const char *type,
		      const json_t *given, int64_t *id, char *err, size_t errlen)
{
	const json_t *t = known_type(type, err, errlen);
	json_t *plain;
	char *sealed;
	if (!t || credential_name_check(name, err, errlen) < 0)
		return STORE_ERROR;
	int rc = seal(kr, t, given, NULL, &plain, &sealed, err, errlen);
	if (rc != STORE_OK)
		return rc;
	struct credential_new c = { name, type, plain, sealed };
	rc = store_credential_create(st, actor, &c, id);
	if (rc != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(st));
	json_decref(plain);
	free(sealed);
	return rc;
}

int credential_update(struct store *st, struct keyring *kr, int64_t actor, int64_t id, const char *name,
		      const json_t *given, char *err, size_t errlen)
{
	json_t *kept = NULL, *plain = NULL, *cred = NULL;
	char *stored = NULL, *sealed = NULL, *text = NULL;
	size_t len = 0;
	if (name && credential_name_check(name, err, errlen) < 0)
		return STORE_ERROR;
	/* The stored secret fields, which empty ones keep. */
	int rc = store_credential_sealed(st, id, &stored);
	if (rc != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(st));
	else if (!(text = keyring_unseal(kr, stored, &len, err, errlen)))
		rc = STORE_ERROR;
	else
		kept = json_loadb(text, len, 0, NULL);
	if (rc == STORE_OK && !json_is_object(kept)) {
		snprintf(err, errlen, "its stored secret fields are not a JSON object: enter them all again");
		rc = STORE_ERROR;
	}
	if (rc == STORE_OK && (rc = store_credential_get(st, id, &cred)) != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(st));
	const json_t *t = rc == STORE_OK ? known_type(json_string_value(json_object_get(cred, "type")), err, errlen) : NULL;
	if (rc == STORE_OK && !t)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = seal(kr, t, given, kept, &plain, &sealed, err, errlen);
	if (rc == STORE_OK && (rc = store_credential_update(st, actor, id, name, plain, sealed)) != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(st));
	if (text) {
		OPENSSL_cleanse(text, len);
		free(text);
	}
	json_decref(kept);
	json_decref(cred);
	json_decref(plain);
	free(stored);
	free(sealed);
	return rc;
}

/* The registry's entry of block type name, or NULL. */
static const json_t *block_type(const json_t *registry, const char *name)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(registry, "blocks"), i, b)
		if (name && !strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	return NULL;
}

void credential_export_names(struct store *st, const json_t *registry, json_t *doc)
{
	json_t *listed = json_array(), *block;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(doc, "definition"), "blocks"), i, block) {
		const json_t *type = block_type(registry, json_string_value(json_object_get(block, "type")));
		json_t *config = json_object_get(block, "config"), *p;
		const char *key;
		json_object_foreach(json_object_get(json_object_get(type, "config_schema"), "properties"), key, p) {
			const char *ref = json_string_value(json_object_get(config, key));
			const char *format = json_string_value(json_object_get(p, "format"));
			json_t *cred = NULL;
			int64_t id;
			if (!ref || !format || strcmp(format, "credential") || store_credential_find(st, ref, &id) != STORE_OK ||
			    store_credential_get(st, id, &cred) != STORE_OK)
				continue;
			json_object_set(config, key, json_object_get(cred, "name"));
			json_t *entry = json_pack("{s:O, s:O}", "name", json_object_get(cred, "name"), "type",
						  json_object_get(cred, "type")), *e;
			size_t j;
			int seen = 0;
			json_array_foreach(listed, j, e)
				seen |= json_equal(e, entry);
			if (!seen)
				json_array_append(listed, entry);
			json_decref(entry);
			json_decref(cred);
		}
	}
	json_object_set_new(doc, "credentials", listed);
}
