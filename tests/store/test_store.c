/* The store's behaviour through its interface, on a real file: users,
 * sessions, API tokens, versioned workflows and their search, the audit log
 * and login throttling. */
#include <time.h>

#include "store/store.h"
#include "../testlib.h"
#include "scratch.h"

static struct store *st;
static int64_t owner, alice, bob;

/* 1 if the audit log holds action by username (NULL: anyone). */
static int audited(const char *action, const char *username)
{
	json_t *log = NULL, *e;
	size_t i;
	int found = 0;
	if (store_audit_list(st, 1000, &log) != STORE_OK)
		return 0;
	json_array_foreach(log, i, e) {
		const char *who = json_string_value(json_object_get(e, "user"));
		if (!strcmp(json_string_value(json_object_get(e, "action")), action) &&
		    (!username || (who && !strcmp(who, username))))
			found = 1;
	}
	json_decref(log);
	return found;
}

static void test_roles(void)
{
	enum role r;
	CHECK(role_parse("editor", &r) == 0 && r == ROLE_EDITOR);
	CHECK(role_parse("owner", &r) == 0 && r == ROLE_OWNER);
	CHECK(role_parse("admin", &r) == -1);
	CHECK_STR(role_name(ROLE_VIEWER), "viewer");
}

static void test_users(void)
{
	int64_t n = -1, id;
	CHECK(store_user_count(st, &n) == STORE_OK && n == 0);
	CHECK(store_setup_owner(st, "olga", "hash-olga", &owner) == STORE_OK);
	CHECK(store_setup_owner(st, "mallory", "hash-m", &id) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "setup is already done");
	CHECK(audited("user.setup", "olga"));

	CHECK(store_user_create(st, owner, "alice", "hash-a", ROLE_EDITOR, &alice) == STORE_OK);
	CHECK(store_user_create(st, owner, "bob", "hash-b", ROLE_VIEWER, &bob) == STORE_OK);
	CHECK(store_user_create(st, owner, "alice", "x", ROLE_VIEWER, &id) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "\"alice\" is taken");
	CHECK(store_user_create(st, owner, "ALICE", "x", ROLE_VIEWER, &id) == STORE_CONFLICT);
	CHECK(store_user_count(st, &n) == STORE_OK && n == 3);
	CHECK(audited("user.create", "olga"));

	struct user u;
	char *hash = NULL;
	CHECK(store_user_by_name(st, "alice", &u, &hash) == STORE_OK);
	CHECK(u.id == alice && u.role == ROLE_EDITOR && !u.disabled && u.created_at > 0);
	CHECK_STR(u.username, "alice");
	CHECK_STR(hash, "hash-a");
	free(hash);
	CHECK(store_user_by_id(st, bob, &u, NULL) == STORE_OK);
	CHECK_STR(u.username, "bob");
	CHECK(store_user_by_name(st, "nobody", &u, NULL) == STORE_NOTFOUND);
	CHECK(store_user_by_id(st, 999, &u, NULL) == STORE_NOTFOUND);

	json_t *list = NULL;
	CHECK(store_user_list(st, &list) == STORE_OK);
	CHECK(json_array_size(list) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(list, 0), "username")), "alice");
	CHECK_STR(json_string_value(json_object_get(json_array_get(list, 0), "role")), "editor");
	json_decref(list);

	/* Roles; the only owner cannot be demoted or disabled. */
	CHECK(store_user_set_role(st, owner, bob, ROLE_EDITOR) == STORE_OK);
	CHECK(store_user_by_id(st, bob, &u, NULL) == STORE_OK && u.role == ROLE_EDITOR);
	CHECK(audited("user.role", "olga"));
	CHECK(store_user_set_role(st, owner, owner, ROLE_VIEWER) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "only owner");
	CHECK(store_user_set_disabled(st, owner, owner, 1) == STORE_CONFLICT);
	CHECK(store_user_set_role(st, owner, 999, ROLE_VIEWER) == STORE_NOTFOUND);
	CHECK(store_user_by_id(st, owner, &u, NULL) == STORE_OK && u.role == ROLE_OWNER && !u.disabled);
}

static void test_sessions(void)
{
	int64_t now = time(NULL);
	struct user u;
	CHECK(store_session_create(st, "s-alice-1", alice, now + 100) == STORE_OK);
	CHECK(store_session_create(st, "s-alice-2", alice, now + 100) == STORE_OK);
	CHECK(store_session_create(st, "s-bob", bob, now + 100) == STORE_OK);
	CHECK(audited("session.login", "alice"));
	CHECK(store_session_user(st, "s-alice-1", now, &u) == STORE_OK && u.id == alice);
	CHECK(store_session_user(st, "s-alice-1", now + 99, &u) == STORE_OK);
	CHECK(store_session_user(st, "s-alice-1", now + 100, &u) == STORE_NOTFOUND); /* expired */
	CHECK(store_session_user(st, "no-such", now, &u) == STORE_NOTFOUND);

	/* A new password ends every other session. */
	CHECK(store_user_set_password(st, alice, alice, "hash-a2", "s-alice-2") == STORE_OK);
	CHECK(store_session_user(st, "s-alice-1", now, &u) == STORE_NOTFOUND);
	CHECK(store_session_user(st, "s-alice-2", now, &u) == STORE_OK && u.id == alice);
	CHECK(store_session_user(st, "s-bob", now, &u) == STORE_OK);
	char *hash = NULL;
	CHECK(store_user_by_id(st, alice, &u, &hash) == STORE_OK);
	CHECK_STR(hash, "hash-a2");
	free(hash);
	CHECK(audited("user.password", "alice"));
	CHECK(store_user_set_password(st, owner, bob, "hash-b2", NULL) == STORE_OK);
	CHECK(store_session_user(st, "s-bob", now, &u) == STORE_NOTFOUND);

	/* A disabled user has no session, even one made afterwards. */
	CHECK(store_user_set_disabled(st, owner, alice, 1) == STORE_OK);
	CHECK(store_session_user(st, "s-alice-2", now, &u) == STORE_NOTFOUND);
	CHECK(store_session_create(st, "s-alice-3", alice, now + 100) == STORE_OK);
	CHECK(store_session_user(st, "s-alice-3", now, &u) == STORE_NOTFOUND);
	CHECK(audited("user.disable", "olga"));
	CHECK(store_user_set_disabled(st, owner, alice, 0) == STORE_OK);
	CHECK(store_session_user(st, "s-alice-3", now, &u) == STORE_OK && u.id == alice && !u.disabled);

	CHECK(store_session_delete(st, "s-alice-3") == STORE_OK);
	CHECK(store_session_user(st, "s-alice-3", now, &u) == STORE_NOTFOUND);
	CHECK(store_session_delete(st, "s-alice-3") == STORE_NOTFOUND);
	CHECK(audited("session.logout", "alice"));
	CHECK(store_session_create(st, "s-ghost", 999, now + 100) == STORE_NOTFOUND);
}

/* Token hashes as the web stores them: 64 hex digits, listed by their first 16. */
#define SESSION_A "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define SESSION_B "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

/* A session waiting for the second factor opens nothing but its own lookup;
 * the list of one's sessions; ending one, and all the others. */
static void test_pending_and_listed_sessions(void)
{
	int64_t now = time(NULL), ended = 0;
	struct user u;
	CHECK(store_session_create_pending(st, "p-bob", bob, now + 300) == STORE_OK);
	CHECK(store_session_user(st, "p-bob", now, &u) == STORE_NOTFOUND);
	CHECK(store_session_pending_user(st, "p-bob", now, &u) == STORE_OK && u.id == bob);
	CHECK(store_session_pending_user(st, "p-bob", now + 300, &u) == STORE_NOTFOUND); /* expired */
	CHECK(store_session_create(st, SESSION_A, bob, now + 100) == STORE_OK);
	CHECK(store_session_pending_user(st, SESSION_A, now, &u) == STORE_NOTFOUND);
	CHECK(store_session_create(st, SESSION_B, bob, now + 100) == STORE_OK);
	CHECK(store_session_touch(st, SESSION_A, now + 1, "192.0.2.1", "Firefox") == STORE_OK);

	json_t *list = NULL;
	CHECK(store_session_list(st, bob, now, SESSION_B, &list) == STORE_OK);
	CHECK(json_array_size(list) == 2); /* not the pending one */
	json_t *first = json_array_get(list, 0);
	CHECK_STR(json_string_value(json_object_get(first, "last_addr")), "192.0.2.1");
	CHECK_STR(json_string_value(json_object_get(first, "last_agent")), "Firefox");
	CHECK(json_is_false(json_object_get(first, "current")));
	CHECK(json_is_true(json_object_get(json_array_get(list, 1), "current")));
	char id[17];
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(first, "id")));
	json_decref(list);
	CHECK(store_session_end(st, alice, id) == STORE_NOTFOUND); /* not alice's */
	CHECK(store_session_end(st, bob, id) == STORE_OK);
	CHECK(store_session_user(st, SESSION_A, now, &u) == STORE_NOTFOUND);
	CHECK(store_session_end(st, bob, "zz") == STORE_NOTFOUND);
	CHECK(store_session_end_others(st, bob, SESSION_B, &ended) == STORE_OK && ended == 1); /* the pending one */
	CHECK(store_session_user(st, SESSION_B, now, &u) == STORE_OK);
	CHECK(audited("session.end_others", "bob"));
}

/* Two-factor: enrol, confirm with recovery codes, a time step used once, a
 * recovery code used once, removal by an owner. */
static void test_second_factor(void)
{
	char *sealed = NULL;
	int confirmed = -1;
	const char *codes[RECOVERY_CODES] = { "h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9" };
	CHECK(store_2fa_get(st, bob, &sealed, &confirmed) == STORE_NOTFOUND);
	CHECK(store_2fa_begin(st, bob, "sealed-1") == STORE_OK);
	CHECK(store_2fa_begin(st, bob, "sealed-2") == STORE_OK); /* a new enrolment replaces one not confirmed */
	CHECK(store_2fa_get(st, bob, &sealed, &confirmed) == STORE_OK && confirmed == 0);
	CHECK_STR(sealed, "sealed-2");
	free(sealed);
	CHECK(store_2fa_use_step(st, bob, 100) == STORE_CONFLICT); /* not confirmed: no code is good */
	CHECK(store_2fa_confirm(st, bob, 100, codes) == STORE_OK);
	CHECK(store_2fa_confirm(st, bob, 101, codes) == STORE_NOTFOUND);
	CHECK(store_2fa_begin(st, bob, "sealed-3") == STORE_CONFLICT);
	json_t *status = NULL;
	CHECK(store_2fa_status(st, bob, &status) == STORE_OK);
	CHECK(json_is_true(json_object_get(status, "enabled")));
	CHECK(json_integer_value(json_object_get(status, "recovery_codes_left")) == 10);
	json_decref(status);

	CHECK(store_2fa_use_step(st, bob, 100) == STORE_CONFLICT); /* the confirmation's step */
	CHECK(store_2fa_use_step(st, bob, 99) == STORE_CONFLICT);  /* an earlier one */
	CHECK(store_2fa_use_step(st, bob, 101) == STORE_OK);
	CHECK(store_2fa_use_step(st, bob, 101) == STORE_CONFLICT); /* replayed */
	CHECK(store_2fa_use_recovery(st, bob, "h3") == STORE_OK);
	CHECK(store_2fa_use_recovery(st, bob, "h3") == STORE_NOTFOUND);
	CHECK(store_2fa_use_recovery(st, alice, "h4") == STORE_NOTFOUND); /* not alice's */
	CHECK(audited("2fa.recovery_code_used", "bob"));

	CHECK(store_2fa_remove(st, owner, bob) == STORE_OK);
	CHECK(audited("2fa.reset", "olga"));
	CHECK(store_2fa_remove(st, owner, bob) == STORE_NOTFOUND);
	CHECK(store_2fa_use_recovery(st, bob, "h4") == STORE_NOTFOUND); /* the codes went with it */
}

static void test_tokens(void)
{
	int64_t now = time(NULL), ta, tb, id;
	struct user u;
	CHECK(store_token_create(st, alice, "deploy script", "t-alice", &ta) == STORE_OK);
	CHECK(store_token_create(st, bob, "backup", "t-bob", &tb) == STORE_OK);
	CHECK(store_token_create(st, bob, "again", "t-bob", &id) == STORE_CONFLICT);
	CHECK(store_token_create(st, 999, "ghost", "t-ghost", &id) == STORE_NOTFOUND);
	CHECK_CONTAINS(store_errmsg(st), "is gone");
	CHECK(audited("token.create", "alice"));

	CHECK(store_token_user(st, "t-alice", now + 5, &u) == STORE_OK && u.id == alice);
	CHECK(store_token_user(st, "t-nope", now, &u) == STORE_NOTFOUND);
	/* A token's own rate limit, and which token it is. */
	struct token_use tok = { 0, -1 };
	int64_t tl;
	CHECK(store_token_create_limited(st, bob, "slow", "t-slow", 7, &tl) == STORE_OK);
	CHECK(store_token_use(st, "t-slow", now, &u, &tok) == STORE_OK && u.id == bob && tok.id == tl &&
	      tok.rate_per_minute == 7);
	CHECK(store_token_use(st, "t-bob", now, &u, &tok) == STORE_OK && tok.id == tb && tok.rate_per_minute == 0);
	CHECK(store_token_create_limited(st, bob, "bad", "t-bad", -2, &id) != STORE_OK); /* refused by the schema */
	json_t *list = NULL;
	CHECK(store_token_list(st, alice, &list) == STORE_OK);
	CHECK(json_array_size(list) == 1);
	json_t *t = json_array_get(list, 0);
	CHECK(json_integer_value(json_object_get(t, "id")) == ta);
	CHECK_STR(json_string_value(json_object_get(t, "name")), "deploy script");
	CHECK(json_integer_value(json_object_get(t, "last_used_at")) == now + 5);
	CHECK(json_is_false(json_object_get(t, "revoked")));
	json_decref(list);

	/* Alice cannot revoke Bob's token. */
	CHECK(store_token_revoke(st, alice, tb) == STORE_NOTFOUND);
	CHECK(store_token_user(st, "t-bob", now, &u) == STORE_OK && u.id == bob);
	CHECK(store_token_revoke(st, alice, ta) == STORE_OK);
	CHECK(store_token_revoke(st, alice, ta) == STORE_NOTFOUND);
	CHECK(store_token_user(st, "t-alice", now, &u) == STORE_NOTFOUND);
	CHECK(store_token_list(st, alice, &list) == STORE_OK);
	CHECK(json_is_true(json_object_get(json_array_get(list, 0), "revoked")));
	json_decref(list);
	CHECK(audited("token.revoke", "alice"));

	/* A disabled user's tokens stop working. */
	CHECK(store_user_set_disabled(st, owner, bob, 1) == STORE_OK);
	CHECK(store_token_user(st, "t-bob", now, &u) == STORE_NOTFOUND);
	CHECK(store_user_set_disabled(st, owner, bob, 0) == STORE_OK);
}

static json_t *workflow(const char *name, const char *tag1, const char *tag2, int marker)
{
	json_t *tags = json_array();
	if (tag1)
		json_array_append_new(tags, json_string(tag1));
	if (tag2)
		json_array_append_new(tags, json_string(tag2));
	return json_pack("{s:s, s:s, s:o, s:{s:i, s:[]}}", "name", name, "description", "what it does",
			 "tags", tags, "definition", "marker", marker, "blocks");
}

static int64_t marker_of(const json_t *wf)
{
	return json_integer_value(json_object_get(json_object_get(wf, "definition"), "marker"));
}

static void test_workflows(void)
{
	int64_t id;
	int v = 0;
	json_t *wf = workflow("Daily Report", "ops", "daily", 1), *got = NULL;
	CHECK(store_workflow_create(st, alice, wf, &id) == STORE_OK);
	json_decref(wf);
	CHECK(audited("workflow.create", "alice"));
	CHECK(store_workflow_get(st, id, 0, &got) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(got, "name")), "Daily Report");
	CHECK_STR(json_string_value(json_object_get(got, "description")), "what it does");
	CHECK_STR(json_string_value(json_object_get(got, "created_by")), "alice");
	CHECK(json_integer_value(json_object_get(got, "version")) == 1);
	CHECK(json_integer_value(json_object_get(got, "versions")) == 1);
	CHECK(json_integer_value(json_object_get(got, "id")) == id);
	CHECK(json_array_size(json_object_get(got, "tags")) == 2);
	CHECK(marker_of(got) == 1);
	json_decref(got);

	/* Every save is a new version; old ones stay readable. */
	wf = workflow("Daily report v2", "ops", NULL, 2);
	CHECK(store_workflow_save(st, bob, id, wf, &v) == STORE_OK && v == 2);
	json_decref(wf);
	wf = workflow("Nightly report", "nightly", NULL, 3);
	CHECK(store_workflow_save(st, alice, id, wf, &v) == STORE_OK && v == 3);
	CHECK(store_workflow_save(st, alice, 999, wf, &v) == STORE_NOTFOUND);
	json_decref(wf);
	CHECK(audited("workflow.save", "bob"));
	CHECK(store_workflow_get(st, id, 0, &got) == STORE_OK);
	CHECK(json_integer_value(json_object_get(got, "version")) == 3 && marker_of(got) == 3);
	CHECK(json_integer_value(json_object_get(got, "versions")) == 3);
	json_decref(got);
	CHECK(store_workflow_get(st, id, 2, &got) == STORE_OK);
	CHECK(marker_of(got) == 2);
	CHECK_STR(json_string_value(json_object_get(got, "saved_by")), "bob");
	CHECK_STR(json_string_value(json_object_get(got, "name")), "Daily report v2");
	json_decref(got);
	CHECK(store_workflow_get(st, id, 9, &got) == STORE_NOTFOUND);
	CHECK(store_workflow_get(st, 999, 0, &got) == STORE_NOTFOUND);

	/* Restore copies an old version into a new one. */
	CHECK(store_workflow_restore(st, owner, id, 1, &v) == STORE_OK && v == 4);
	CHECK(store_workflow_restore(st, owner, id, 42, &v) == STORE_NOTFOUND);
	CHECK(audited("workflow.restore", "olga"));
	CHECK(store_workflow_get(st, id, 0, &got) == STORE_OK);
	CHECK(json_integer_value(json_object_get(got, "version")) == 4 && marker_of(got) == 1);
	CHECK_STR(json_string_value(json_object_get(got, "name")), "Daily Report");
	json_decref(got);
	json_t *versions = NULL;
	CHECK(store_workflow_versions(st, id, &versions) == STORE_OK);
	CHECK(json_array_size(versions) == 4);
	CHECK(json_integer_value(json_object_get(json_array_get(versions, 0), "version")) == 4);
	CHECK_STR(json_string_value(json_object_get(json_array_get(versions, 0), "note")), "restored from version 1");
	CHECK_STR(json_string_value(json_object_get(json_array_get(versions, 1), "name")), "Nightly report");
	CHECK(json_integer_value(json_object_get(json_array_get(versions, 3), "version")) == 1);
	json_decref(versions);
	CHECK(store_workflow_versions(st, 999, &versions) == STORE_NOTFOUND);

	/* Bad input is refused with a reason. */
	json_t *bad = json_pack("{s:s, s:s}", "name", "x", "definition", "not an object");
	CHECK(store_workflow_create(st, alice, bad, &id) == STORE_ERROR);
	CHECK_CONTAINS(store_errmsg(st), "definition");
	json_decref(bad);
	bad = json_pack("{s:s, s:[i], s:{}}", "name", "x", "tags", 5, "definition");
	CHECK(store_workflow_create(st, alice, bad, &id) == STORE_ERROR);
	CHECK_CONTAINS(store_errmsg(st), "tag 1");
	json_decref(bad);
}

static void test_search(void)
{
	int64_t total = -1, ids[5];
	json_t *items = NULL;
	char name[32];
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "Sync %d%%_", i);
		json_t *wf = workflow(name, i % 2 ? "odd" : "even", "sync", 10 + i);
		CHECK(store_workflow_create(st, alice, wf, &ids[i]) == STORE_OK);
		json_decref(wf);
	}

	struct wf_query q = { .q = "REPORT", .page = 1, .per_page = 20 };
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK);
	CHECK(total == 1 && json_array_size(items) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(items, 0), "name")), "Daily Report");
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "version")) == 4);
	json_decref(items);

	/* % and _ are plain characters in a query. */
	q.q = "%_";
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 5);
	json_decref(items);
	q.q = "nothing like it";
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 0 && json_array_size(items) == 0);
	json_decref(items);

	/* Tags of the current version only: "nightly" went with version 3. */
	q.q = NULL;
	q.tag = "nightly";
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 0);
	json_decref(items);
	q.tag = "odd";
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 2);
	json_decref(items);
	q.q = "sync 3";
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 1);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "id")) == ids[3]);
	json_decref(items);

	/* Pages of two, newest first, with the total of all pages. */
	q = (struct wf_query){ .page = 1, .per_page = 2 };
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 6);
	CHECK(json_array_size(items) == 2);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "id")) == ids[4]);
	json_decref(items);
	q.page = 3;
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && total == 6);
	CHECK(json_array_size(items) == 2);
	json_decref(items);
	q.page = 4;
	CHECK(store_workflow_list(st, &q, &items, &total) == STORE_OK && json_array_size(items) == 0);
	json_decref(items);

	json_t *tags = NULL;
	CHECK(store_tag_list(st, &tags) == STORE_OK);
	CHECK(json_array_size(tags) == 5); /* daily even odd ops sync */
	CHECK_STR(json_string_value(json_array_get(tags, 0)), "daily");
	CHECK_STR(json_string_value(json_array_get(tags, 4)), "sync");
	json_decref(tags);

	/* Delete takes the versions and tags along. */
	CHECK(store_workflow_delete(st, owner, ids[1]) == STORE_OK);
	CHECK(store_workflow_delete(st, owner, ids[3]) == STORE_OK);
	CHECK(store_workflow_delete(st, owner, ids[3]) == STORE_NOTFOUND);
	CHECK(audited("workflow.delete", "olga"));
	json_t *got = NULL;
	CHECK(store_workflow_get(st, ids[1], 1, &got) == STORE_NOTFOUND);
	CHECK(store_workflow_versions(st, ids[1], &got) == STORE_NOTFOUND);
	CHECK(store_tag_list(st, &tags) == STORE_OK);
	CHECK(json_array_size(tags) == 4); /* "odd" is gone */
	json_decref(tags);
	sqlite3 *db = raw_open(scratch_path("store.db"));
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM workflow_versions WHERE workflow_id = %lld", (long long)ids[1]);
	CHECK(raw_int(db, sql) == 0);
	CHECK(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
	sqlite3_close(db);

	/* A deleted workflow's id is never given to a new one, the highest included. */
	int64_t newest = 0, reborn = 0;
	json_t *wf = workflow("Newest", NULL, NULL, 20);
	CHECK(store_workflow_create(st, alice, wf, &newest) == STORE_OK);
	CHECK(store_workflow_delete(st, owner, newest) == STORE_OK);
	CHECK(store_workflow_create(st, alice, wf, &reborn) == STORE_OK);
	CHECK(reborn == newest + 1);
	CHECK(store_workflow_delete(st, owner, reborn) == STORE_OK);
	json_decref(wf);
}

static void test_throttle(void)
{
	int n = -1;
	CHECK(store_login_failures(st, "user:alice", 0, &n) == STORE_OK && n == 0);
	for (int i = 0; i < 3; i++)
		CHECK(store_login_failure_add(st, "user:alice", 1000 + i) == STORE_OK);
	CHECK(store_login_failure_add(st, "ip:10.0.0.1", 1000) == STORE_OK);
	CHECK(store_login_failures(st, "user:alice", 0, &n) == STORE_OK && n == 3);
	CHECK(store_login_failures(st, "user:alice", 1001, &n) == STORE_OK && n == 2);
	CHECK(store_login_failures(st, "ip:10.0.0.1", 0, &n) == STORE_OK && n == 1);
	CHECK(store_login_failures_clear(st, "user:alice") == STORE_OK);
	CHECK(store_login_failures(st, "user:alice", 0, &n) == STORE_OK && n == 0);
	CHECK(store_login_failures(st, "ip:10.0.0.1", 0, &n) == STORE_OK && n == 1);
}

static void test_audit_order(void)
{
	json_t *log = NULL;
	CHECK(store_audit_list(st, 2, &log) == STORE_OK);
	CHECK(json_array_size(log) == 2);
	/* Newest first: the last write above was a delete. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(log, 0), "action")), "workflow.delete");
	CHECK_CONTAINS(json_string_value(json_object_get(json_array_get(log, 0), "target")), "workflow:");
	json_decref(log);
}

/* An edit made from an older version is refused, and writes nothing (after
 * the other tests: they count the workflows there are). */
static void test_save_over(void)
{
	int64_t id;
	int v;
	json_t *got, *wf = workflow("Edited", "ops", NULL, 1);
	CHECK(store_workflow_create(st, 0, wf, &id) == STORE_OK);
	CHECK(store_workflow_save_over(st, 0, id, wf, 1, &v) == STORE_OK && v == 2);
	json_decref(wf);
	wf = workflow("Edited from 1", "ops", NULL, 3);
	CHECK(store_workflow_save_over(st, 0, id, wf, 1, &v) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "saved again since version 1 (it is at version 2 now)");
	CHECK(store_workflow_save_over(st, 0, id, wf, 2, &v) == STORE_OK && v == 3);
	CHECK(store_workflow_save_over(st, 0, 999, wf, 3, &v) == STORE_NOTFOUND);
	json_decref(wf);
	CHECK(store_workflow_get(st, id, 0, &got) == STORE_OK);
	CHECK(json_integer_value(json_object_get(got, "versions")) == 3 && marker_of(got) == 3);
	json_decref(got);
}

/* A delivery reads what its hook starts in one statement: the current
 * version's definition, whether it is switched on, the signing secret. */
static void test_webhook_target(void)
{
	int64_t id;
	int v;
	char *secret = NULL;
	json_t *got = NULL, *wf = workflow("Hooked", NULL, NULL, 1);
	CHECK(store_workflow_create(st, 0, wf, &id) == STORE_OK);
	CHECK(store_webhook_target(st, "tok-1", &got, &secret) == STORE_NOTFOUND);
	CHECK_CONTAINS(store_errmsg(st), "no webhook has this address");
	CHECK(store_webhook_set(st, 0, id, "tok-1", "s3cret") == STORE_OK);
	json_decref(wf);
	wf = workflow("Hooked", NULL, NULL, 2);
	CHECK(store_workflow_save(st, 0, id, wf, &v) == STORE_OK && v == 2);
	CHECK(store_workflow_set_active(st, 0, id, false) == STORE_OK);
	CHECK(store_webhook_target(st, "tok-1", &got, &secret) == STORE_OK);
	CHECK(json_integer_value(json_object_get(got, "id")) == id);
	CHECK(json_integer_value(json_object_get(got, "version")) == 2 && marker_of(got) == 2);
	CHECK(json_is_false(json_object_get(got, "active")));
	CHECK(secret && !strcmp(secret, "s3cret"));
	json_decref(got);
	free(secret);
	secret = NULL;
	CHECK(store_workflow_delete(st, 0, id) == STORE_OK);
	CHECK(store_webhook_target(st, "tok-1", &got, &secret) == STORE_NOTFOUND && !secret);
	json_decref(wf);
}

/* Past SQLite's 1000 frames in the WAL, a checkpoint copies them into the
 * database file: made by a thread of its own (checkpoint.c), not by the
 * writer, and still made. */
static void test_checkpoint(void)
{
	struct stat before, now;
	CHECK(stat(scratch_path("store.db"), &before) == 0);
	char *text = calloc(1, 60000);
	memset(text, 'x', 59999);
	int64_t id = 0;
	for (int i = 0; i < 80; i++) {
		json_t *wf = workflow("Big", NULL, NULL, i);
		json_object_set_new(json_object_get(wf, "definition"), "note", json_string(text));
		int v = 0;
		CHECK((i ? store_workflow_save(st, alice, id, wf, &v) : store_workflow_create(st, alice, wf, &id)) == STORE_OK);
		if (i == 1 && v != 2)
			fprintf(stderr, "save: %s\n", store_errmsg(st));
		json_decref(wf);
	}
	free(text);
	bool grew = false;
	for (int i = 0; i < 100 && !grew; i++) {
		CHECK(stat(scratch_path("store.db"), &now) == 0);
		grew = now.st_size >= before.st_size + 2 * 1024 * 1024;
		if (!grew)
			usleep(50000);
	}
	CHECK(grew);
}

/* What a block's check() kept is stored with its version, and goes with it. */
static void test_block_artifacts(void)
{
	int64_t id;
	json_t *got, *wf = workflow("Compiled", "ops", NULL, 1);
	CHECK(store_workflow_create(st, 0, wf, &id) == STORE_OK);
	json_decref(wf);
	CHECK(store_block_artifacts(st, id, 1, &got) == STORE_OK && json_object_size(got) == 0);
	json_decref(got);
	json_t *kept = json_pack("{s:{s:s, s:{s:s, s:{s:s}}}}", "code", "key", "k1", "artifact", "plugin", "p",
				 "value", "es5", "var a;");
	CHECK(store_block_artifacts_keep(st, id, 1, kept) == STORE_OK);
	CHECK(store_block_artifacts_keep(st, id, 1, kept) == STORE_OK); /* again: replaced */
	CHECK(store_block_artifacts(st, id, 1, &got) == STORE_OK && json_equal(got, kept));
	json_decref(got);
	CHECK(store_block_artifacts(st, id, 2, &got) == STORE_OK && json_object_size(got) == 0);
	json_decref(got);
	CHECK(store_block_artifacts_keep(st, id, 7, kept) == STORE_NOTFOUND); /* no such version */
	json_decref(kept);
	CHECK(store_workflow_delete(st, 0, id) == STORE_OK);
	CHECK(store_block_artifacts(st, id, 1, &got) == STORE_OK && json_object_size(got) == 0);
	json_decref(got);
}

int main(void)
{
	char err[512];
	scratch_init();
	if (store_open(scratch_path("store.db"), &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		return 99;
	}
	test_roles();
	test_users();
	test_sessions();
	test_pending_and_listed_sessions();
	test_second_factor();
	test_tokens();
	test_workflows();
	test_search();
	test_throttle();
	test_audit_order();
	test_save_over();
	test_webhook_target();
	test_checkpoint();
	test_block_artifacts();
	store_close(st);
	return t_done("test_store");
}
