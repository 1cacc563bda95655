/* The schema: a fresh file reaches the latest version with the pragmas we
 * rely on; reopening changes nothing; a newer file is refused. */
#include "store/store.h"
#include "../testlib.h"
#include "scratch.h"

/* Opens path; on failure records it, prints why and returns NULL. */
static struct store *open_checked(const char *path)
{
	struct store *st = NULL;
	char err[512] = "";
	int rc = store_open(path, &st, err, sizeof err);
	CHECK(rc == STORE_OK && st);
	CHECK_STR(err, "");
	return rc == STORE_OK ? st : NULL;
}

static void test_fresh(void)
{
	const char *path = scratch_path("fresh.db");
	struct store *st = open_checked(path);
	if (!st)
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION);

	/* Foreign keys are on in the store's connection: a session of no user is refused. */
	CHECK(store_session_create(st, "h", 4242, 10) == STORE_NOTFOUND);
	store_close(st);

	sqlite3 *db = raw_open(path);
	CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
	CHECK_STR(raw_text(db, "PRAGMA journal_mode"), "wal");
	CHECK(raw_int(db, "PRAGMA auto_vacuum") == 2); /* incremental */
	CHECK(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'sessions',"
		      " 'api_tokens', 'workflows', 'workflow_versions', 'workflow_tags', 'audit_log', 'login_failures',"
		      " 'block_artifacts')") == 9);
	CHECK(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
	sqlite3_close(db);
}

static void test_reopen(void)
{
	const char *path = scratch_path("reopen.db");
	int64_t id;
	struct store *st = open_checked(path);
	if (!st)
		return;
	CHECK(store_setup_owner(st, "olga", "hash", &id) == STORE_OK);
	store_close(st);

	sqlite3 *db = raw_open(path);
	int64_t schema_before = raw_int(db, "PRAGMA schema_version"); /* bumped by any DDL */
	sqlite3_close(db);

	if (!(st = open_checked(path)))
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION);
	struct user u;
	CHECK(store_user_by_name(st, "olga", &u, NULL) == STORE_OK);
	CHECK(u.id == id && u.role == ROLE_OWNER);
	store_close(st);

	db = raw_open(path);
	CHECK(raw_int(db, "PRAGMA schema_version") == schema_before);
	sqlite3_close(db);
}

static void test_newer_refused(void)
{
	const char *path = scratch_path("newer.db");
	char err[512] = "";
	struct store *st = open_checked(path);
	if (!st)
		return;
	store_close(st);

	sqlite3 *db = raw_open(path);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
	CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);

	st = (struct store *)1;
	CHECK(store_open(path, &st, err, sizeof err) == STORE_ERROR);
	CHECK(st == NULL);
	CHECK_CONTAINS(err, path);
	CHECK_CONTAINS(err, "newer than this axond knows");

	/* Nothing was touched: the version is still the newer one. */
	db = raw_open(path);
	CHECK(raw_int(db, "PRAGMA user_version") == STORE_SCHEMA_VERSION + 1);
	sqlite3_close(db);
}

/* Back to version 15: migration 16's columns (nodes and leases) dropped. */
#define UNDO_16                                                                                                       \
	"ALTER TABLE runs DROP COLUMN node; ALTER TABLE runs DROP COLUMN lease_until; ALTER TABLE steps DROP COLUMN node;"
/* Back to version 14: migration 15's column (a knowledge base's embedding settings) dropped. */
#define UNDO_15 UNDO_16 "ALTER TABLE knowledge_bases DROP COLUMN embedding;"
/* Back to version 13: migration 14's table (what blocks' checks kept) dropped. */
#define UNDO_14 UNDO_15 "DROP TABLE block_artifacts;"
/* Back to version 12: migration 13's column (a poll round's error) dropped. */
#define UNDO_13 UNDO_14 "ALTER TABLE schedule_ticks DROP COLUMN error;"
/* Back to version 11: migration 12's tables (knowledge bases) dropped. */
#define UNDO_12 "DROP TABLE kb_chunks; DROP TABLE kb_documents; DROP TABLE knowledge_bases;"
/* Back to version 8: what migrations 9 to 11 added (two-factor sign-in, the
 * sessions' last use, the tokens' own rate limits) dropped. */
#define UNDO_9_TO_11                                                                                                  \
	"DROP TABLE second_factors; DROP TABLE recovery_codes; ALTER TABLE sessions DROP COLUMN pending;"              \
	"ALTER TABLE sessions DROP COLUMN last_used_at; ALTER TABLE sessions DROP COLUMN last_addr;"                    \
	"ALTER TABLE sessions DROP COLUMN last_agent; ALTER TABLE api_tokens DROP COLUMN rate_per_minute;"

/* Back to version 7: migration 8's table dropped. */
#define UNDO_8 "DROP TABLE poll_seen;"

/* Back to version 5: migration 6's tables and indexes dropped. */
#define UNDO_7 "DROP TABLE credential_uses; DROP TABLE credential_shares; DROP TABLE credentials;"
#define UNDO_6                                                                                                        \
	"DROP TABLE duration_buckets; DROP TABLE stat_spans; DROP TABLE run_stats; DROP TABLE run_duration_stats;"   \
	"DROP TABLE step_days;"                                                                                      \
	"DROP INDEX runs_failed; DROP INDEX runs_workflow_failed;"

/* Migration 6 on a database of version 5 holding runs: the figures per hour
 * and per day are filled from the runs and steps already stored (the
 * unfinished ones left out), each duration in its bucket. */
static void test_stats_backfill(void)
{
	const char *path = scratch_path("backfill.db");
	struct store *st = open_checked(path);
	if (!st)
		return;
	store_close(st);
	sqlite3 *db = raw_open(path);
	/* Hour 100 (360000000 ms): two runs of workflow 1, 40 ms and 2 s; one
	 * failed run of a definition; hour 101: one cancelled; one still running. */
	CHECK(sqlite3_exec(db, UNDO_13 UNDO_12 UNDO_9_TO_11 UNDO_8 UNDO_7 UNDO_6
			   "INSERT INTO workflows (id, name, current_version, created_at, updated_at) VALUES (1, 'W', 1, 0, 0);"
			   "INSERT INTO workflow_versions (workflow_id, version, name, definition, created_at)"
			   " VALUES (1, 1, 'W', '{}', 0);"
			   "INSERT INTO runs (id, workflow_id, version, definition, trigger, status, created_at, started_at,"
			   " finished_at) VALUES"
			   " (1, 1, 1, NULL, 'manual', 'succeeded', 360000000, 360000010, 360000050),"
			   " (2, 1, 1, NULL, 'manual', 'succeeded', 360001000, 360001000, 360003000),"
			   " (3, NULL, NULL, '{}', 'manual', 'failed', 360002000, NULL, 360002100),"
			   " (4, 1, 1, NULL, 'manual', 'cancelled', 363600000, 363600000, 363600500),"
			   " (5, 1, 1, NULL, 'manual', 'running', 363600000, 363600000, NULL);"
			   "INSERT INTO steps (run_id, block, seq, status, started_at, finished_at) VALUES"
			   " (1, 'a', 0, 'ok', 360000010, 360000030), (1, 'b', 1, 'ok', 360000030, 360000050),"
			   " (2, 'a', 0, 'failed', 360001000, 360003000), (2, 'b', 1, 'skipped', NULL, NULL),"
			   " (5, 'a', 0, 'running', 363600000, NULL);"
			   "PRAGMA user_version = 5;", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	if (!(st = open_checked(path)))
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION);
	store_close(st);
	db = raw_open(path);
	CHECK(raw_int(db, "SELECT runs FROM run_stats WHERE span = 1 AND start_hour = 100 AND workflow_id = 1"
			  " AND status = 'succeeded'") == 2);
	CHECK(raw_int(db, "SELECT duration_ms FROM run_stats WHERE span = 1 AND start_hour = 100 AND workflow_id = 1") ==
	      40 + 2000);
	CHECK(raw_int(db, "SELECT runs FROM run_stats WHERE span = 1 AND start_hour = 100 AND workflow_id = 0"
			  " AND status = 'failed'") == 1);
	CHECK(raw_int(db, "SELECT duration_ms FROM run_stats WHERE span = 1 AND workflow_id = 0") == 100); /* from its creation */
	CHECK(raw_int(db, "SELECT runs FROM run_stats WHERE span = 1 AND start_hour = 101 AND status = 'cancelled'") == 1);
	CHECK(raw_int(db, "SELECT sum(runs) FROM run_stats WHERE span = 1") == 4); /* not the running one */
	/* Hours 100 and 101 are both in the day that starts at hour 96. */
	CHECK(raw_int(db, "SELECT sum(runs) FROM run_stats WHERE span = 24 AND start_hour = 96") == 4);
	CHECK(raw_int(db, "SELECT count(*) FROM run_stats WHERE span = 24 AND start_hour <> 96") == 0);
	CHECK(raw_int(db, "SELECT runs FROM run_duration_stats WHERE span = 1 AND start_hour = 100 AND workflow_id = 1"
			  " AND le_ms = 50") == 1);
	CHECK(raw_int(db, "SELECT runs FROM run_duration_stats WHERE span = 24 AND workflow_id = 1 AND le_ms = 2500") == 1);
	CHECK(raw_int(db, "SELECT runs FROM run_duration_stats WHERE span = 1 AND workflow_id = 0 AND le_ms = 100") == 1);
	CHECK(raw_int(db, "SELECT steps FROM step_days WHERE start_hour = 96 AND workflow_id = 1 AND block = 'a'") == 2);
	CHECK(raw_int(db, "SELECT failures FROM step_days WHERE workflow_id = 1 AND block = 'a'") == 1);
	CHECK(raw_int(db, "SELECT duration_ms FROM step_days WHERE workflow_id = 1 AND block = 'a'") == 20 + 2000);
	CHECK(raw_int(db, "SELECT sum(steps) FROM step_days") == 3); /* neither skipped nor running */
	/* Migration 17 rebuilt runs with AUTOINCREMENT ids: every run and step
	 * is still there, and no key points nowhere. */
	CHECK(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'runs' AND sql LIKE '%AUTOINCREMENT%'") == 1);
	CHECK(raw_int(db, "SELECT count(*) FROM runs") == 5 && raw_int(db, "SELECT count(*) FROM steps") == 5);
	CHECK(raw_int(db, "SELECT seq FROM sqlite_sequence WHERE name = 'runs'") == 5); /* reserved ids start past them */
	CHECK(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
	CHECK(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'"
			  " AND name LIKE 'runs\\_%' ESCAPE '\\'") == 6);
	sqlite3_close(db);
}

/* Migration 5 on a database of version 4 holding twin names: the later twins
 * get their number appended (in their current version too), the first keeps
 * its name, and every workflow is active. */
static void test_twin_names(void)
{
	const char *path = scratch_path("twins.db");
	struct store *st = open_checked(path);
	if (!st)
		return;
	store_close(st);
	sqlite3 *db = raw_open(path);
	/* Back to version 4: what migrations 5 and later made is undone. */
	CHECK(sqlite3_exec(db, UNDO_13 UNDO_12 UNDO_9_TO_11 UNDO_8 UNDO_7 UNDO_6 "DROP INDEX workflows_name; ALTER TABLE workflows DROP COLUMN active;"
			   "INSERT INTO workflows (id, name, current_version, created_at, updated_at) VALUES"
			   " (1, 'Report', 1, 0, 0), (2, 'report', 2, 0, 0), (3, 'Other', 1, 0, 0);"
			   "INSERT INTO workflow_versions (workflow_id, version, name, definition, created_at) VALUES"
			   " (1, 1, 'Report', '{}', 0), (2, 1, 'old name', '{}', 0), (2, 2, 'report', '{}', 0),"
			   " (3, 1, 'Other', '{}', 0);"
			   "PRAGMA user_version = 4;", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	if (!(st = open_checked(path)))
		return;
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION);
	json_t *wf = NULL;
	CHECK(store_workflow_get(st, 2, 0, &wf) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(wf, "name")), "report #2");
	CHECK(json_is_true(json_object_get(wf, "active")));
	json_decref(wf);
	CHECK(store_workflow_get(st, 2, 1, &wf) == STORE_OK); /* an older version keeps its name */
	CHECK_STR(json_string_value(json_object_get(wf, "name")), "old name");
	json_decref(wf);
	CHECK(store_workflow_get(st, 1, 0, &wf) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(wf, "name")), "Report");
	json_decref(wf);
	store_close(st);
	db = raw_open(path);
	CHECK(raw_int(db, "SELECT count(*) FROM workflows WHERE active = 1") == 3);
	CHECK(sqlite3_exec(db, "INSERT INTO workflows (id, name, current_version, created_at, updated_at)"
			   " VALUES (9, 'OTHER', 1, 0, 0)", NULL, NULL, NULL) == SQLITE_CONSTRAINT);
	sqlite3_close(db);
}

int main(void)
{
	scratch_init();
	test_fresh();
	test_reopen();
	test_twin_names();
	test_stats_backfill();
	test_newer_refused();
	return t_done("test_migrations");
}
