/* Credentials (/credentials): the list (names only for viewers), a new one
 * from a form built from its type's schema, its page where its owner edits
 * it (secret fields are never shown back; an empty one keeps its value),
 * shares it, tests it through the broker and deletes it. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "broker/credential_apply.h"
#include "broker/credentials.h"
#include "broker/egress.h"
#include "broker/oauth2.h"
#include "broker/secrets.h"
#include "credential_edit.h"
#include "credential_types.h"
#include "crypto.h"
#include "engine/credential_refs.h"
#include "engine/engine.h"
#include "log.h"
#include "keyring.h"
#include "web/pages/decorate.h"
#include "web/pages/pages.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static bool manages(const struct request *r, const json_t *cred)
{
	return r->user.role == ROLE_OWNER || json_integer_value(json_object_get(cred, "owner_id")) == r->user.id;
}

/* Its addresses and its last use as text. */
static void decorate_credential(json_t *cred)
{
	char url[64], other[80];
	long long id = (long long)json_integer_value(json_object_get(cred, "id"));
	snprintf(url, sizeof url, "/credentials/%lld", id);
	json_object_set_new(cred, "url", json_string(url));
	const char *const actions[] = { "test", "share", "delete", "connect" };
	for (size_t i = 0; i < 4; i++) {
		char key[16];
		snprintf(other, sizeof other, "%s/%s", url, actions[i]);
		snprintf(key, sizeof key, "%s_url", actions[i]);
		json_object_set_new(cred, key, json_string(other));
	}
	add_time(cred, "last_used_at", "last_used");
	/* Names as objects, for the template's lists. */
	json_t *shared = json_object_get(cred, "shared_with"), *u, *named = json_array();
	size_t i;
	json_array_foreach(shared, i, u)
		json_array_append_new(named, json_pack("{s:O}", "name", u));
	json_object_set_new(cred, "shared_with", named);
	json_array_foreach(json_object_get(cred, "workflows"), i, u) {
		snprintf(other, sizeof other, "/workflows/%lld", (long long)json_integer_value(json_object_get(u, "id")));
		json_object_set_new(u, "url", json_string(other));
	}
}

/* {"CREDENTIAL ID": [{"id", "name"}]} of the workflows whose current
 * version names each credential (engine/credential_refs.h); creds: the
 * credentials, as store_credential_list() gives them. */
static json_t *saved_references(struct request *r, const json_t *creds)
{
	json_t *defs = NULL, *registry = engine_registry(r->app->engine);
	if (store_workflow_current_definitions(r->st, &defs) != STORE_OK) {
		log_error("credentials: the workflows cannot be read: %s", store_errmsg(r->st));
		defs = json_array();
	}
	json_t *refs = credential_refs(registry, defs, creds);
	json_decref(defs);
	json_decref(registry);
	return refs;
}

/* The saved references to cred (load_managed()'s) merged into its
 * "workflows": those that used it in a run and those whose saved version
 * names it ("saved": true). */
static void add_saved_references(struct request *r, json_t *cred)
{
	json_t *one = json_pack("[{s:O, s:O}]", "id", json_object_get(cred, "id"), "name", json_object_get(cred, "name"));
	json_t *refs = saved_references(r, one), *workflows = json_object_get(cred, "workflows"), *ref, *w;
	char key[32];
	size_t i, j;
	snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(cred, "id")));
	json_array_foreach(json_object_get(refs, key), i, ref) {
		json_array_foreach(workflows, j, w)
			if (json_equal(json_object_get(w, "id"), json_object_get(ref, "id")))
				break;
		if (j == json_array_size(workflows)) {
			char url[48];
			snprintf(url, sizeof url, "/workflows/%lld", (long long)json_integer_value(json_object_get(ref, "id")));
			json_object_set_new(ref, "url", json_string(url));
			json_array_append(workflows, ref);
		}
		json_object_set_new(json_array_get(workflows, j), "saved", json_true());
	}
	json_decref(refs);
	json_decref(one);
}

/* How many workflows use credential c of the list: its runs' and its saved references. */
static json_int_t workflows_using(const json_t *c, const json_t *refs)
{
	char key[32];
	size_t i, n;
	json_t *w, *used = json_object_get(c, "used_by");
	snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(c, "id")));
	json_int_t count = (json_int_t)json_array_size(used);
	json_array_foreach(json_object_get(refs, key), i, w) {
		for (n = 0; n < json_array_size(used); n++)
			if (json_equal(json_array_get(used, n), json_object_get(w, "id")))
				break;
		count += n == json_array_size(used);
	}
	return count;
}

void credentials_list(struct request *r)
{
	json_t *all = NULL, *c, *shown = json_array(), *refs = NULL;
	size_t i;
	int rc = store_credential_list(r->st, &all);
	if (rc != STORE_OK) {
		json_decref(shown);
		reply_store_error(r, rc, NULL);
		return;
	}
	if (r->user.role >= ROLE_EDITOR)
		refs = saved_references(r, all);
	json_array_foreach(all, i, c) {
		if (r->user.role < ROLE_EDITOR) {
			/* A viewer sees that a credential exists, and no more. */
			json_array_append_new(shown, json_pack("{s:O}", "name", json_object_get(c, "name")));
			continue;
		}
		json_object_del(c, "fields");
		json_object_set_new(c, "workflows", json_integer(workflows_using(c, refs)));
		json_object_del(c, "used_by");
		json_object_set_new(c, "mine", json_boolean(manages(r, c)));
		decorate_credential(c);
		json_array_append(shown, c);
	}
	json_decref(all);
	json_decref(refs);
	json_t *m = page_model(r, "Credentials");
	json_t *types = json_array(), *t;
	json_t *all_types = credential_type_list();
	json_array_foreach(all_types, i, t) {
		char url[120];
		snprintf(url, sizeof url, "/credentials/new?type=%s", str(t, "name"));
		json_array_append_new(types, json_pack("{s:O, s:O, s:O?, s:s}", "name", json_object_get(t, "name"), "title",
						       json_object_get(t, "title"), "description",
						       json_object_get(t, "description"), "new_url", url));
	}
	json_decref(all_types);
	json_object_set_new(m, "credentials", shown);
	json_object_set_new(m, "types", types);
	reply_view(r, 200, "credentials/list", m);
}

/* The form's fields for type; values: the plain fields to show (a refused
 * post's, or the stored ones); stored: whether secret fields have a value. */
static json_t *form_fields(const json_t *type, const json_t *values, bool stored, const json_t *errors)
{
	json_t *fields = json_array(), *p;
	const json_t *schema = json_object_get(type, "schema");
	const char *key;
	json_object_foreach(json_object_get(schema, "properties"), key, p) {
		char input[200], id[200];
		bool secret = json_is_true(json_object_get(p, "secret")), required = false;
		size_t i;
		json_t *n;
		json_array_foreach(json_object_get(schema, "required"), i, n)
			required |= !strcmp(json_string_value(n), key);
		snprintf(input, sizeof input, "fields.%s", key);
		snprintf(id, sizeof id, "field-%s", key);
		json_t *v = secret ? NULL : json_object_get(values, key);
		char *text = v && !json_is_string(v) ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
		json_t *def = json_object_get(p, "default");
		char *def_text = def && !json_is_string(def) ? json_dumps(def, JSON_ENCODE_ANY) : NULL;
		json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:b, s:b, s:s, s:s?, s:O?}", "name", key, "input", input,
				      "id", id, "label", str(p, "title") ?: key, "help", str(p, "description"), "secret", secret,
				      "required", required && !(secret && stored), "stored", secret && stored, "value",
				      text ? text : json_string_value(v) ?: "", "default_text", def_text ? def_text : str(p, "default"),
				      "error", json_object_get(errors, input));
		json_t *choices = json_object_get(p, "enum"), *c;
		if (choices) {
			json_t *options = json_array();
			json_array_foreach(choices, i, c)
				json_array_append_new(options, json_pack("{s:O, s:b}", "value", c, "selected",
									 v ? json_equal(c, v) : def && json_equal(c, def)));
			json_object_set_new(f, "options", options);
		}
		/* A text of several lines (a PEM certificate or key) is typed in a textarea. */
		bool lines = !choices && !strcmp(str(p, "format") ?: "", "code");
		json_object_set_new(f, "is_enum", json_boolean(choices != NULL));
		json_object_set_new(f, "is_text", json_boolean(!choices && !secret && !lines));
		json_object_set_new(f, "is_lines", json_boolean(lines && !secret));
		json_object_set_new(f, "is_secret_line", json_boolean(secret && !lines));
		json_object_set_new(f, "is_secret_lines", json_boolean(secret && lines));
		free(text);
		free(def_text);
		json_array_append_new(fields, f);
	}
	return fields;
}

/* What the form or the JSON body gave: {"field": "text"} (new reference). */
static json_t *given_fields(struct request *r)
{
	const char *json = req_field(r, "fields");
	if (json)
		return json_loads(json, 0, NULL);
	json_t *given = json_object();
	for (size_t i = 0; i < r->body.n; i++)
		if (!strncmp(r->body.fields[i].name, "fields.", 7))
			json_object_set_new(given, r->body.fields[i].name + 7, json_string(r->body.fields[i].value));
	return given;
}

static json_t *new_model(struct request *r, const json_t *type, const json_t *values, const json_t *errors)
{
	json_t *m = page_model(r, "New credential");
	json_t *t = json_pack("{s:O, s:O, s:O?}", "name", json_object_get(type, "name"), "title",
			      json_object_get(type, "title"), "description", json_object_get(type, "description"));
	json_object_set_new(m, "type", t);
	json_object_set_new(m, "fields", form_fields(type, values, false, errors));
	json_object_set_new(m, "name", json_string(str(values, "__name") ?: ""));
	return m;
}

void credential_new(struct request *r)
{
	const json_t *type = credential_type_get(req_query(r, "type"));
	if (!type) {
		reply_error(r, 404, "Choose a credential type from the list on /credentials.", NULL);
		return;
	}
	reply_view(r, 200, "credentials/new", new_model(r, type, NULL, NULL));
}

/* errors from a refused write: the field the message names, or the form as a whole. */
static json_t *field_errors(const char *err)
{
	const char *q = strstr(err, "field '");
	if (!q)
		return json_pack("{s:s}", "form", err);
	char input[200];
	const char *end = strchr(q + 7, '\'');
	snprintf(input, sizeof input, "fields.%.*s", end ? (int)(end - q - 7) : 0, q + 7);
	return json_pack("{s:s}", input, err);
}

void credential_create_post(struct request *r)
{
	char err[1200];
	const char *name = req_field(r, "name"), *tname = req_field(r, "type");
	const json_t *type = credential_type_get(tname);
	json_t *given = given_fields(r);
	int64_t id = 0;
	if (!type || !json_is_object(given)) {
		json_decref(given);
		reply_error(r, 400, !type ? "Give the credential's type (see /credentials for the list)."
					  : "\"fields\" must be a JSON object of the credential's fields.", NULL);
		return;
	}
	int rc = credential_create(r->st, r->app->keyring, r->user.id, name ? name : "", tname, given, &id, err, sizeof err);
	if (rc != STORE_OK) {
		/* The form again, with what was typed, secret fields left empty. */
		json_object_set_new(given, "__name", json_string(name ? name : ""));
		json_t *errors = field_errors(err);
		reply_invalid_status(r, rc == STORE_CONFLICT ? 409 : 400, "credentials/new", new_model(r, type, given, errors),
				     errors);
		json_decref(given);
		return;
	}
	json_decref(given);
	char url[64];
	snprintf(url, sizeof url, "/credentials/%lld", (long long)id);
	reply_done(r, 201, url, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "url", url, "name", name));
}

/* The credential of the route's :id when the signed-in user manages it; NULL after answering. */
static json_t *load_managed(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	json_t *cred = NULL;
	int rc = id ? store_credential_get(r->st, id, &cred) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such credential.");
		return NULL;
	}
	if (!manages(r, cred)) {
		json_decref(cred);
		reply_error(r, 403, "Only the credential's owner, or an owner of this Axon, may see and change it.", NULL);
		return NULL;
	}
	decorate_credential(cred);
	return cred;
}

static bool is_account(const json_t *cred);

static json_t *show_model(struct request *r, json_t *cred, const json_t *values, const json_t *errors)
{
	const json_t *type = credential_type_get(str(cred, "type"));
	json_t *m = page_model(r, str(cred, "name"));
	json_object_set_new(m, "fields", form_fields(type, values ? values : json_object_get(cred, "fields"), true, errors));
	json_object_set_new(m, "has_test", json_boolean(json_object_get(type, "test") != NULL));
	json_object_set_new(m, "is_account", json_boolean(is_account(cred)));
	json_object_set_new(m, "type_title", json_string(str(type, "title") ?: str(cred, "type")));
	json_object_set_new(m, "credential", cred);
	return m;
}

void credential_show(struct request *r)
{
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	add_saved_references(r, cred);
	reply_view(r, 200, "credentials/show", show_model(r, cred, NULL, NULL));
}

void credential_update_post(struct request *r)
{
	char err[1200];
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	json_t *given = given_fields(r);
	int64_t id = json_integer_value(json_object_get(cred, "id"));
	const char *name = req_field(r, "name");
	int rc = json_is_object(given) ? credential_update(r->st, r->app->keyring, r->user.id, id, name && *name ? name : NULL,
							     given, err, sizeof err)
				       : (snprintf(err, sizeof err, "\"fields\" must be a JSON object"), STORE_ERROR);
	if (rc != STORE_OK) {
		json_t *errors = field_errors(err);
		reply_invalid_status(r, rc == STORE_CONFLICT ? 409 : 400, "credentials/show", show_model(r, cred, given, errors),
				     errors);
		json_decref(given);
		return;
	}
	json_decref(given);
	reply_done(r, 200, str(cred, "url"), json_pack("{s:I, s:s}", "id", (json_int_t)id, "url", str(cred, "url")));
	json_decref(cred);
}

void credential_delete_get(struct request *r)
{
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	add_saved_references(r, cred);
	json_t *m = page_model(r, "Delete a credential");
	json_object_set_new(m, "credential", cred);
	reply_view(r, 200, "credentials/delete", m);
}

void credential_delete_post(struct request *r)
{
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	const char *confirm = req_field(r, "confirm");
	int64_t id = json_integer_value(json_object_get(cred, "id"));
	add_saved_references(r, cred);
	json_t *referring = json_array(), *w;
	size_t i;
	json_array_foreach(json_object_get(cred, "workflows"), i, w)
		json_array_append(referring, json_object_get(w, "id"));
	int rc = store_credential_delete(r->st, r->user.id, id, referring, confirm && !strcmp(confirm, "yes"));
	json_decref(referring);
	json_decref(cred);
	if (rc == STORE_CONFLICT) {
		reply_error(r, 409, store_errmsg(r->st), NULL);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_done(r, 200, "/credentials", json_pack("{s:I}", "deleted", (json_int_t)id));
}

void credential_share_post(struct request *r)
{
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	const char *username = req_field(r, "username"), *action = req_field(r, "action");
	struct user u;
	int64_t id = json_integer_value(json_object_get(cred, "id"));
	int rc = username ? store_user_by_name(r->st, username, &u, NULL) : STORE_NOTFOUND;
	if (rc == STORE_OK)
		rc = store_credential_share(r->st, r->user.id, id, u.id, !action || strcmp(action, "unshare"));
	if (rc != STORE_OK)
		reply_store_error(r, rc, "There is no user of that name.");
	else
		reply_done(r, 200, str(cred, "url"), json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "username", username,
							       "shared", !action || strcmp(action, "unshare")));
	json_decref(cred);
}

/* The credential's fields, opened (new reference), or NULL with err set. */
static json_t *open_fields(struct request *r, const json_t *cred, char *err, size_t errlen)
{
	char *sealed = NULL, *plain = NULL;
	size_t len = 0;
	json_t *fields = NULL;
	if (store_credential_sealed(r->st, json_integer_value(json_object_get(cred, "id")), &sealed) != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(r->st));
	else if ((plain = keyring_unseal(r->app->keyring, sealed, &len, err, errlen)) != NULL) {
		fields = json_loadb(plain, len, 0, NULL);
		OPENSSL_cleanse(plain, len);
		if (json_is_object(fields))
			json_object_update_missing(fields, json_object_get(cred, "fields"));
	}
	free(sealed);
	free(plain);
	return fields;
}

void credential_test_post(struct request *r)
{
	char err[1200] = "";
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	const json_t *type = credential_type_get(str(cred, "type"));
	const json_t *test = json_object_get(type, "test");
	json_t *fields = test ? open_fields(r, cred, err, sizeof err) : NULL, *resp = NULL;
	int used = 0, status = 0;
	char *url = fields ? credential_fill(str(test, "url"), fields, &used) : NULL;
	if (!test)
		snprintf(err, sizeof err, "Credentials of this type have no test request.");
	else if (fields && !used)
		snprintf(err, sizeof err, "Give a test URL in the credential's fields: the test sends a request there.");
	if (fields && used) {
		const struct config *c = &r->app->cfg;
		struct egress_policy p = egress_policy_from_config(c);
		struct secrets *masks = secrets_open("");
		secrets_remember(masks, fields);
		struct egress_credential ec = { str(cred, "name"), type, fields };
		json_t *req = json_pack("{s:s, s:s}", "url", url, "method", str(test, "method") ?: "GET");
		resp = egress_request(&p, masks, &ec, req, err, sizeof err);
		json_decref(req);
		/* The error may quote what the server said. */
		char *masked = secrets_mask(masks, err);
		snprintf(err, sizeof err, "%s", masked);
		free(masked);
		secrets_close(masks);
		status = (int)json_integer_value(json_object_get(resp, "status"));
		store_credential_tested(r->st, r->user.id, json_integer_value(json_object_get(cred, "id")), status);
	}
	free(url);
	json_t *result = json_pack("{s:i, s:b, s:s?}", "status", status, "ok", status >= 200 && status < 300, "error",
				   resp ? NULL : err);
	json_decref(resp);
	broker_credential_free(fields);
	if (r->json) {
		json_decref(cred);
		reply_view(r, 200, NULL, result);
		return;
	}
	json_t *m = show_model(r, cred, NULL, NULL);
	json_object_set_new(m, "test", result);
	reply_view(r, 200, "credentials/show", m);
}

void credential_choices(struct request *r, const json_t *prop, json_t *f)
{
	const json_t *accepted = json_object_get(prop, "credential_type");
	const char *first = json_is_string(accepted) ? json_string_value(accepted) : json_string_value(json_array_get(accepted, 0));
	const char *value = str(f, "value") ?: "";
	json_t *usable = NULL, *c, *options = json_array();
	size_t i;
	char url[120];
	if (store_credential_usable_list(r->st, r->user.id, &usable) == STORE_OK) {
		json_array_foreach(usable, i, c) {
			const char *type = str(c, "type");
			size_t j;
			json_t *t;
			int ok = !accepted || (json_is_string(accepted) && !strcmp(json_string_value(accepted), type));
			json_array_foreach(accepted, j, t)
				ok |= !strcmp(json_string_value(t), type);
			if (!ok)
				continue;
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(c, "id")));
			json_array_append_new(options, json_pack("{s:s, s:s, s:s, s:b}", "value", id, "name", str(c, "name"),
								 "type", type, "selected", !strcmp(value, id) || !strcmp(value, str(c, "name"))));
		}
	}
	json_decref(usable);
	snprintf(url, sizeof url, "/credentials/new%s%s", first ? "?type=" : "", first ? first : "");
	json_object_set_new(f, "is_credential", json_true());
	json_object_set_new(f, "options", options);
	json_object_set_new(f, "create_url", json_string(url));
}

/* Connect (OAuth 2.0 authorization code with PKCE): the requests sent to the
 * provider and not answered yet, each bound to the session that sent it.
 * Kept in memory: a restart only means pressing Connect again. */
#define PENDING_MAX 64
#define PENDING_TTL 600 /* seconds */

static struct pending {
	char state[65], verifier[65], session[65];
	int64_t credential, user, at;
} pending[PENDING_MAX];
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void callback_url(struct request *r, char *out, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	req_public_base(r, &sb);
	snprintf(out, len, "%s/credentials/oauth/callback", sb_str(&sb));
	sb_free(&sb);
}

/* base64url without padding of SHA-256(verifier): the S256 challenge (RFC 7636). */
static void challenge_of(const char *verifier, char out[64])
{
	unsigned char md[32];
	SHA256((const unsigned char *)verifier, strlen(verifier), md);
	EVP_EncodeBlock((unsigned char *)out, md, sizeof md);
	for (char *c = out; *c; c++)
		*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
	char *eq = strchr(out, '=');
	if (eq)
		*eq = '\0';
}

static bool is_account(const json_t *cred)
{
	const json_t *type = credential_type_get(str(cred, "type"));
	const char *grant = str(json_object_get(type, "oauth2"), "grant");
	return grant && !strcmp(grant, "authorization_code");
}

void credential_connect(struct request *r)
{
	json_t *cred = load_managed(r);
	if (!cred)
		return;
	const json_t *fields = json_object_get(cred, "fields");
	const char *auth = str(fields, "auth_url");
	char *origin = auth ? egress_origin(auth) : NULL;
	bool address = origin && !strpbrk(auth, "\r\n\t \"<>");
	free(origin);
	if (!is_account(cred) || !r->session_hash[0] || !address) {
		reply_error(r, 400, !is_account(cred) ? "Only an OAuth 2.0 account connects." :
			    !r->session_hash[0] ? "Connect from a browser you are signed in with: the provider sends you back to it." :
			    "The authorization endpoint is not an address: fix it first.", NULL);
		json_decref(cred);
		return;
	}
	struct pending p = { .credential = json_integer_value(json_object_get(cred, "id")), .user = r->user.id,
			     .at = (int64_t)time(NULL) };
	if (crypto_token(p.state) < 0 || crypto_token(p.verifier) < 0) {
		reply_error(r, 500, "No random numbers could be had from the system.", NULL);
		json_decref(cred);
		return;
	}
	snprintf(p.session, sizeof p.session, "%s", r->session_hash);
	pthread_mutex_lock(&pending_lock);
	size_t slot = 0;
	for (size_t i = 1; i < PENDING_MAX; i++)
		if (pending[i].at < pending[slot].at)
			slot = i;
	pending[slot] = p;
	pthread_mutex_unlock(&pending_lock);
	char challenge[64], back[512];
	challenge_of(p.verifier, challenge);
	callback_url(r, back, sizeof back);
	struct strbuf url = STRBUF_INIT;
	sb_printf(&url, "%s%sresponse_type=code&client_id=", auth, strchr(auth, '?') ? "&" : "?");
	sb_add_urlenc(&url, str(fields, "client_id") ?: "");
	sb_adds(&url, "&redirect_uri=");
	sb_add_urlenc(&url, back);
	if (str(fields, "scope")) {
		sb_adds(&url, "&scope=");
		sb_add_urlenc(&url, str(fields, "scope"));
	}
	sb_printf(&url, "&state=%s&code_challenge=%s&code_challenge_method=S256&prompt=consent", p.state, challenge);
	reply_redirect(r, sb_str(&url));
	sb_free(&url);
	json_decref(cred);
}

/* The pending request whose state this is, sent from this session by this user; removed. */
static bool take_pending(struct request *r, const char *state, struct pending *out)
{
	bool found = false;
	pthread_mutex_lock(&pending_lock);
	for (size_t i = 0; state && i < PENDING_MAX && !found; i++) {
		struct pending *p = &pending[i];
		if (p->at && crypto_equal(p->state, state) && !strcmp(p->session, r->session_hash) && p->user == r->user.id &&
		    p->at + PENDING_TTL > (int64_t)time(NULL)) {
			*out = *p;
			memset(p, 0, sizeof *p);
			found = true;
		}
	}
	pthread_mutex_unlock(&pending_lock);
	return found;
}

void credential_oauth_callback(struct request *r)
{
	char err[1200] = "", back[512], url[64];
	struct pending p;
	if (!r->session_hash[0] || !take_pending(r, req_query(r, "state"), &p)) {
		reply_error(r, 400, "This sign-in answer is not one this browser asked for, or it came too late: press Connect "
			    "on the credential's page again.", NULL);
		return;
	}
	json_t *cred = NULL;
	int rc = store_credential_get(r->st, p.credential, &cred);
	if (rc != STORE_OK || !manages(r, cred)) {
		json_decref(cred);
		reply_store_error(r, rc == STORE_OK ? STORE_NOTFOUND : rc, "There is no such credential any more.");
		return;
	}
	json_t *fields = open_fields(r, cred, err, sizeof err);
	const char *code = req_query(r, "code");
	if (fields && !code) {
		snprintf(err, sizeof err, "the provider refused: %s", req_query(r, "error_description") ?: req_query(r, "error") ?: "no code");
		json_object_set_new(fields, "connection_error", json_string(err));
	} else if (fields) {
		const struct config *c = &r->app->cfg;
		struct egress_policy pol = egress_policy_from_config(c);
		struct secrets *masks = secrets_open("");
		secrets_remember(masks, fields);
		callback_url(r, back, sizeof back);
		if (oauth2_exchange_code(&pol, masks, str(cred, "name"), fields, code, back, p.verifier, err, sizeof err) < 0)
			json_object_set_new(fields, "connection_error", json_string(err));
		secrets_close(masks);
	}
	if (fields && credential_update(r->st, r->app->keyring, r->user.id, p.credential, NULL, fields, err, sizeof err) != STORE_OK)
		log_error("credential %lld: %s", (long long)p.credential, err);
	broker_credential_free(fields);
	json_decref(cred);
	snprintf(url, sizeof url, "/credentials/%lld", (long long)p.credential);
	reply_redirect(r, url);
}
