/* Credentials in the store, on a real file: unique names, who may use one
 * (its owner, the users it is shared with; the run's workflow creator
 * decides), the use recorded, delete refused while used, and a rewrap of
 * every credential that one failure rolls back whole. */
#include <stdlib.h>

#include "store/store.h"
#include "../testlib.h"
#include "scratch.h"

static struct store *st;
static int64_t olga, alice, bob;

static int64_t workflow_by(int64_t user, const char *name)
{
	json_t *w = json_pack("{s:s, s:{s:i, s:{s:s}, s:[{s:s, s:s}]}}", "name", name, "definition", "format", 1, "trigger",
			      "type", "manual", "blocks", "id", "a", "type", "net.http");
	int64_t id = 0;
	CHECK(store_workflow_create(st, user, w, &id) == STORE_OK);
	json_decref(w);
	return id;
}

static int64_t run_of(int64_t workflow)
{
	struct run_new n = { .workflow_id = workflow, .trigger = "manual" };
	int64_t id = 0;
	CHECK(store_run_create(st, &n, &id) == STORE_OK);
	return id;
}

static int64_t add(int64_t owner, const char *name, const char *type)
{
	json_t *fields = json_pack("{s:s}", "header", "X-Api-Key");
	struct credential_new c = { name, type, fields, "axc1$sealed" };
	int64_t id = 0;
	CHECK(store_credential_create(st, owner, &c, &id) == STORE_OK);
	json_decref(fields);
	return id;
}

static void test_create_and_names(void)
{
	int64_t id = add(alice, "Stripe", "api_key");
	struct credential_new dup = { "stripe", "bearer", NULL, "axc1$x" };
	int64_t other = 0;
	CHECK(store_credential_create(st, alice, &dup, &other) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "a credential named 'stripe' exists already");
	int64_t found = 0;
	CHECK(store_credential_find(st, "STRIPE", &found) == STORE_OK && found == id);
	char ref[24];
	snprintf(ref, sizeof ref, "%lld", (long long)id);
	CHECK(store_credential_find(st, ref, &found) == STORE_OK && found == id);
	CHECK(store_credential_find(st, "nope", &found) == STORE_NOTFOUND);
	CHECK_CONTAINS(store_errmsg(st), "no credential named 'nope'");

	json_t *c = NULL;
	CHECK(store_credential_get(st, id, &c) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(c, "owner")), "alice");
	CHECK_STR(json_string_value(json_object_get(json_object_get(c, "fields"), "header")), "X-Api-Key");
	CHECK(json_object_get(c, "sealed") == NULL);
	json_decref(c);

	/* Renaming onto another's name is refused and changes nothing. */
	add(alice, "GitHub", "bearer");
	CHECK(store_credential_update(st, alice, id, "github", NULL, NULL) == STORE_CONFLICT);
	CHECK(store_credential_update(st, alice, id, "Stripe live", NULL, "axc1$new") == STORE_OK);
	json_t *list = NULL;
	CHECK(store_credential_list(st, &list) == STORE_OK && json_array_size(list) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(list, 1), "name")), "Stripe live");
	json_decref(list);
}

static void test_use(void)
{
	int64_t cred = 0;
	CHECK(store_credential_find(st, "Stripe live", &cred) == STORE_OK);
	int64_t by_alice = workflow_by(alice, "alice's"), by_bob = workflow_by(bob, "bob's");
	json_t *row = NULL;
	CHECK(store_credential_use(st, "Stripe live", "api_key", run_of(by_alice), 0, &row) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(row, "sealed")), "axc1$new");
	CHECK_STR(json_string_value(json_object_get(row, "type")), "api_key");
	json_decref(row);
	/* Another type, or another user's workflow: refused, saying what to do. */
	CHECK(store_credential_use(st, "Stripe live", "basic", run_of(by_alice), 0, &row) == STORE_CONFLICT && !row);
	CHECK_CONTAINS(store_errmsg(st), "is of type 'api_key', and this needs one of type 'basic'");
	CHECK(store_credential_use(st, "Stripe live", NULL, run_of(by_bob), 0, &row) == STORE_NOTFOUND && !row);
	CHECK_CONTAINS(store_errmsg(st), "neither owned by nor shared with");
	/* Shared with bob, his workflow may use it; unshared, no more. */
	CHECK(store_credential_share(st, alice, cred, bob, true) == STORE_OK);
	CHECK(store_credential_use(st, "Stripe live", NULL, run_of(by_bob), 0, &row) == STORE_OK);
	json_decref(row);
	/* A run of a file by axonctl (no workflow, no user) may use any. */
	json_t *def = json_pack("{s:i}", "format", 1);
	struct run_new n = { .definition = def, .trigger = "manual" };
	int64_t file_run = 0;
	CHECK(store_run_create(st, &n, &file_run) == STORE_OK);
	json_decref(def);
	CHECK(store_credential_use(st, "Stripe live", NULL, file_run, 0, &row) == STORE_OK);
	json_decref(row);
	/* A poll trigger's block, outside any run, acts for who saved the
	 * workflow's current version; its use is recorded as the workflow's. */
	CHECK(store_credential_use(st, "Stripe live", NULL, 0, by_alice, &row) == STORE_OK);
	json_decref(row);
	CHECK(store_credential_use(st, "Stripe live", NULL, 0, 0, &row) == STORE_ERROR && !row);

	json_t *c = NULL;
	CHECK(store_credential_get(st, cred, &c) == STORE_OK);
	CHECK(json_integer_value(json_object_get(c, "last_used_at")) > 0);
	CHECK(json_array_size(json_object_get(c, "workflows")) == 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(c, "shared_with"), 0)), "bob");
	json_decref(c);
	CHECK(store_credential_share(st, alice, cred, bob, false) == STORE_OK);
	CHECK(store_credential_use(st, "Stripe live", NULL, run_of(by_bob), 0, &row) == STORE_NOTFOUND);
	CHECK(store_credential_use(st, "Stripe live", NULL, 0, by_bob, &row) == STORE_NOTFOUND && !row);

	/* Every use and change is in the audit log. */
	json_t *audit = NULL;
	CHECK(store_audit_list(st, 50, &audit) == STORE_OK);
	size_t i, uses = 0, polls = 0, changes = 0;
	json_t *a;
	json_array_foreach(audit, i, a) {
		const char *act = json_string_value(json_object_get(a, "action"));
		uses += !strcmp(act, "credential.use");
		polls += !strncmp(json_string_value(json_object_get(a, "detail")) ?: "", "poll:workflow:", 14);
		changes += !strncmp(act, "credential.", 11) && strcmp(act, "credential.use");
	}
	CHECK(uses == 4);
	CHECK(polls == 1);
	CHECK(changes == 5); /* 2 creates, the rename (not the refused one), share, unshare */
	json_decref(audit);

	/* Bob saves a version of Alice's workflow: its runs act for him now, and
	 * cannot carry her credential wherever his version sends it. */
	json_t *w = json_pack("{s:s, s:{s:i, s:{s:s}, s:[]}}", "name", "alice's", "definition", "format", 1, "trigger",
			      "type", "manual", "blocks");
	int version = 0;
	CHECK(store_workflow_save(st, bob, by_alice, w, &version) == STORE_OK && version == 2);
	json_decref(w);
	CHECK(store_credential_use(st, "Stripe live", NULL, run_of(by_alice), 0, &row) == STORE_NOTFOUND);
	CHECK_CONTAINS(store_errmsg(st), "who saved this version of the workflow");

	/* Used by workflows: delete refused unless forced. */
	CHECK(store_credential_delete(st, alice, cred, NULL, false) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "is used by 2 workflows: confirm");
	/* ... and by those whose saved version names it, each counted once. */
	json_t *referring = json_pack("[I, I]", (json_int_t)by_alice, (json_int_t)workflow_by(alice, "carol's"));
	CHECK(store_credential_delete(st, alice, cred, referring, false) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "is used by 3 workflows: confirm");
	json_decref(referring);
	CHECK(store_credential_delete(st, alice, cred, NULL, true) == STORE_OK);
	CHECK(store_credential_find(st, "Stripe live", &cred) == STORE_NOTFOUND);
}

static char *reseal(void *arg, const char *sealed, char *err, size_t errlen)
{
	int *calls = arg;
	if (++*calls == 2) {
		snprintf(err, errlen, "no key for it");
		return NULL;
	}
	size_t n = strlen(sealed) + 5;
	char *s = malloc(n);
	snprintf(s, n, "%s+new", sealed);
	return s;
}

static void test_reseal_all(void)
{
	add(olga, "third", "basic");
	int calls = 0, count = 0;
	CHECK(store_credential_reseal_all(st, olga, reseal, &calls, &count) == STORE_ERROR);
	CHECK_CONTAINS(store_errmsg(st), "no key for it");
	json_t *all = NULL;
	size_t i;
	json_t *row;
	CHECK(store_credential_sealed_list(st, &all) == STORE_OK && json_array_size(all) == 2);
	json_array_foreach(all, i, row)
		CHECK(!strstr(json_string_value(json_object_get(row, "sealed")), "+new"));
	json_decref(all);
	calls = 2;
	CHECK(store_credential_reseal_all(st, olga, reseal, &calls, &count) == STORE_OK && count == 2);
	CHECK(store_credential_sealed_list(st, &all) == STORE_OK);
	json_array_foreach(all, i, row)
		CHECK_CONTAINS(json_string_value(json_object_get(row, "sealed")), "+new");
	json_decref(all);
}

int main(void)
{
	scratch_init();
	char err[512];
	if (store_open(scratch_path("credentials.db"), &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		return 99;
	}
	if (store_setup_owner(st, "olga", "h", &olga) != STORE_OK ||
	    store_user_create(st, olga, "alice", "h", ROLE_EDITOR, &alice) != STORE_OK ||
	    store_user_create(st, olga, "bob", "h", ROLE_EDITOR, &bob) != STORE_OK) {
		fprintf(stderr, "%s\n", store_errmsg(st));
		return 99;
	}
	test_create_and_names();
	test_use();
	test_reseal_all();
	store_close(st);
	return t_done("test_credentials");
}
