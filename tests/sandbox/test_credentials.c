/* broker_credential(), the function the broker's services open credentials
 * with, on a real store file and a real key file: the fields come back
 * whole, the wrong type or an unshared credential is refused with a
 * sentence, a tampered ciphertext or a lost key file is named, and once a
 * credential was used its secret values, in plain, base64 and percent-encoded
 * forms, are masked. Then a hostile block, given a credential in its
 * settings, tries to get hold of it in a real sandbox against real local
 * HTTP servers: it gets nothing. */
#include <curl/curl.h>
#include <stdlib.h>

#include "../testlib.h"
#include "../store/scratch.h"
#include "hostile_sandbox.h"
#include "http_server.h"
#include "broker/broker.h"
#include "broker/egress.h"
#include "broker/credentials.h"
#include "broker/secrets.h"
#include "keyring.h"
#include "store/store.h"

static struct store *st;
static struct keyring *kr;
static struct secrets *secrets;
static char err[700];

static int64_t add(int64_t owner, const char *name, const char *type, const char *fields_json, const char *secret_json)
{
	char why[400];
	char *sealed = keyring_seal(kr, secret_json, strlen(secret_json), why, sizeof why);
	json_t *fields = json_loads(fields_json, 0, NULL);
	struct credential_new c = { name, type, fields, sealed };
	int64_t id = 0;
	CHECK(sealed && store_credential_create(st, owner, &c, &id) == STORE_OK);
	json_decref(fields);
	free(sealed);
	return id;
}

static int64_t run_by(int64_t user, const char *name)
{
	json_t *w = json_pack("{s:s, s:{s:i, s:{s:s}, s:[]}}", "name", name, "definition", "format", 1, "trigger", "type",
			      "manual", "blocks");
	int64_t wf = 0, run = 0;
	CHECK(store_workflow_create(st, user, w, &wf) == STORE_OK);
	json_decref(w);
	struct run_new n = { .workflow_id = wf, .trigger = "manual" };
	CHECK(store_run_create(st, &n, &run) == STORE_OK);
	return run;
}

static json_t *open_as(int64_t run, const char *ref, const char *type)
{
	struct broker_run b = { .secrets = secrets, .store = st, .keyring = kr, .run_id = run };
	err[0] = '\0';
	return broker_credential(&b, ref, type, err, sizeof err);
}

/* What the server on port received, fetched without any secret known. */
static char *seen(int port)
{
	char url[128];
	struct egress_policy p = { true, false, 5000, 1 << 20, "", "", "", "" };
	struct secrets *none = secrets_open("");
	snprintf(url, sizeof url, "http://127.0.0.1:%d/seen", port);
	json_t *req = json_pack("{s:s}", "url", url);
	json_t *resp = egress_request(&p, none, NULL, req, err, sizeof err);
	char *body = strdup(resp ? json_string_value(json_object_get(resp, "body")) : "(no answer)");
	json_decref(req);
	json_decref(resp);
	secrets_close(none);
	return body;
}

static const char *got(const struct run_result *r, const char *what)
{
	return json_string_value(json_object_get(json_object_get(r->outputs, "out"), what));
}

static void hostile_block(const char *key_path, int64_t owner, int64_t run)
{
	int port, other;
	char here[64], there[64];
	pid_t a = start_server(&port), b = start_server(&other);
	CHECK(port > 0 && other > 0);
	snprintf(here, sizeof here, "http://127.0.0.1:%d", port);
	snprintf(there, sizeof there, "http://127.0.0.1:%d", other);
	char fields[128];
	snprintf(fields, sizeof fields, "{\"allowed_origins\": \"%s\"}", here);
	add(owner, "api-token", "bearer", fields, "{\"token\": \"t0k3n-SECRET-value\"}");

	struct config c;
	hostile_config(&c);
	snprintf(c.credential_key_file, sizeof c.credential_key_file, "%.1000s", key_path);
	c.egress_allow_loopback = true;
	struct sandbox *sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb || port <= 0 || other <= 0)
		goto out;
	json_t *cfg = json_pack("{s:s, s:s, s:s, s:s}", "credential", "api-token", "url", here, "other", there,
				"unnamed", "mailer");
	struct run_limits lim = { .store = st, .run_id = run };
	struct run_result r;
	sandbox_run(sb, "hostile.steal_credential", cfg, NULL, &lim, &r);
	json_decref(cfg);
	CHECK(r.outcome == RUN_OK);
	CHECK_CONTAINS(got(&r, "secret"), "'api-token' is a credential, and a block never holds a credential");
	CHECK_CONTAINS(got(&r, "elsewhere"), "may be sent only to");
	CHECK_CONTAINS(got(&r, "redirect"), "redirect refused");
	CHECK_CONTAINS(got(&r, "unnamed"), "settings do not give it in a credential field");
	CHECK_STR(got(&r, "echo"), "Bearer ****"); /* it reached its own origin, and came back masked */
	CHECK_CONTAINS(got(&r, "account"), "an account is no longer written in the block's settings");
	CHECK_STR(got(&r, "service"), "credential 'api-token' is of type 'bearer', which the mail service cannot use");
	char *outputs = json_dumps(r.outputs, 0), *logs = json_dumps(r.logs, 0);
	CHECK(outputs && !strstr(outputs, "t0k3n-SECRET-value") && !strstr(outputs, "dDBrM24tU0VDUkVULXZhbHVl"));
	CHECK(logs && !strstr(logs, "t0k3n-SECRET-value") && strstr(logs, "echo: Bearer ****"));
	free(outputs);
	free(logs);
	run_result_free(&r);

	/* The other origin never saw a request, let alone the token. */
	char *theirs = seen(other);
	CHECK(!strstr(theirs, "stolen") && !strstr(theirs, "via-redirect") && !strstr(theirs, "t0k3n"));
	free(theirs);
	char *ours = seen(port);
	CHECK_CONTAINS(ours, "/auth Authorization: Bearer t0k3n-SECRET-value");
	free(ours);
out:
	sandbox_stop(sb);
	stop_server(a);
	stop_server(b);
}

int main(void)
{
	scratch_init();
	log_open("stderr", LOG_LVL_ERROR);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char path[4200];
	snprintf(path, sizeof path, "%s/credential.key", scratch_dir);
	if (keyring_create_if_missing(path, err, sizeof err) < 0 ||
	    store_open(scratch_path("axon.db"), &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		return 99;
	}
	kr = keyring_new(path);
	secrets = secrets_open("");
	int64_t olga = 0, bob = 0;
	CHECK(store_setup_owner(st, "olga", "h", &olga) == STORE_OK);
	CHECK(store_user_create(st, olga, "bob", "h", ROLE_EDITOR, &bob) == STORE_OK);
	add(olga, "mailer", "basic", "{\"username\": \"olga@example.org\"}", "{\"password\": \"p@ss word/42\"}");
	int64_t olgas = run_by(olga, "olga's"), bobs = run_by(bob, "bob's");

	/* Before any use, nothing is masked. */
	char *m = secrets_mask(secrets, "pw p@ss word/42");
	CHECK_STR(m, "pw p@ss word/42");
	free(m);

	json_t *f = open_as(olgas, "mailer", "basic");
	CHECK_STR(json_string_value(json_object_get(f, "username")), "olga@example.org");
	CHECK_STR(json_string_value(json_object_get(f, "password")), "p@ss word/42");
	broker_credential_free(f);

	/* Masked from now on, in its three forms; the non-secret field is not. */
	m = secrets_mask(secrets, "a p@ss word/42 b cEBzcyB3b3JkLzQy c p%40ss%20word%2F42 olga@example.org");
	CHECK_STR(m, "a **** b **** c **** olga@example.org");
	free(m);
	json_t *v = json_pack("{s:[s]}", "k", "x p@ss word/42");
	json_t *mv = secrets_mask_json(secrets, v);
	CHECK_STR(json_string_value(json_array_get(json_object_get(mv, "k"), 0)), "x ****");
	json_decref(v);
	json_decref(mv);

	/* Refusals, each saying what to do. */
	CHECK(open_as(olgas, "mailer", "bearer") == NULL);
	CHECK_CONTAINS(err, "is of type 'basic', and this needs one of type 'bearer'");
	CHECK(open_as(bobs, "mailer", NULL) == NULL);
	CHECK_CONTAINS(err, "neither owned by nor shared with");
	CHECK(open_as(olgas, "nope", NULL) == NULL);
	CHECK_CONTAINS(err, "no credential named 'nope'");
	CHECK(open_as(olgas, "", NULL) == NULL);
	CHECK_CONTAINS(err, "no credential was named");
	struct broker_run alone = { .secrets = secrets };
	CHECK(broker_credential(&alone, "mailer", NULL, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "not to a block run on its own");

	/* A ciphertext altered in the database. */
	int64_t id = add(olga, "tampered", "bearer", "{}", "{\"token\": \"abcdefgh\"}");
	json_t *all = NULL;
	CHECK(store_credential_sealed_list(st, &all) == STORE_OK);
	char *s = strdup(json_string_value(json_object_get(json_array_get(all, 1), "sealed")));
	json_decref(all);
	s[strlen(s) - 6] = s[strlen(s) - 6] == 'A' ? 'B' : 'A';
	CHECK(store_credential_update(st, olga, id, NULL, NULL, s) == STORE_OK);
	free(s);
	CHECK(open_as(olgas, "tampered", NULL) == NULL);
	CHECK_CONTAINS(err, "credential 'tampered' cannot be opened: ");
	CHECK_CONTAINS(err, "altered");

	/* The key file replaced by another key: named, with what to restore. */
	keyring_free(kr);
	unlink(path);
	CHECK(keyring_create_if_missing(path, err, sizeof err) == 0);
	kr = keyring_new(path);
	CHECK(open_as(olgas, "mailer", NULL) == NULL);
	CHECK_CONTAINS(err, "which is neither in the credential key file");

	/* The right key back, for a block in the sandbox. */
	keyring_free(kr);
	unlink(path);
	CHECK(keyring_create_if_missing(path, err, sizeof err) == 0);
	kr = keyring_new(path);
	hostile_block(path, olga, olgas);

	keyring_free(kr);
	secrets_close(secrets);
	store_close(st);
	return t_done("test_credentials");
}
