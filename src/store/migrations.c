/* The schema, as a list of migrations numbered by PRAGMA user_version. A
 * migration is never edited once released: a change is a new entry at the
 * end. All pending ones are applied at open, in one transaction. */
#include <stdio.h>

#include "db.h"
#include "migrations_pg.h"

static const char *const migrations[] = {
	/* 1: users, sessions, API tokens, versioned workflows, audit, throttling. */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  password_hash TEXT NOT NULL,"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER,"
	"  revoked_at INTEGER);"
	"CREATE INDEX api_tokens_user ON api_tokens(user_id);"
	/* current_version points at the version shown and run; the name is
	 * copied from it so that listing and search need no join. */
	"CREATE TABLE workflows ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  current_version INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  FOREIGN KEY (id, current_version) REFERENCES workflow_versions(workflow_id, version)"
	"    DEFERRABLE INITIALLY DEFERRED);"
	"CREATE INDEX workflows_updated ON workflows(updated_at);"
	"CREATE TABLE workflow_versions ("
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  tags TEXT NOT NULL DEFAULT '[]',"
	"  definition TEXT NOT NULL,"
	"  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  note TEXT,"
	"  PRIMARY KEY (workflow_id, version));"
	/* The tags of the current version only, for search. */
	"CREATE TABLE workflow_tags ("
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (workflow_id, tag)) WITHOUT ROWID;"
	"CREATE INDEX workflow_tags_tag ON workflow_tags(tag);"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT,"
	"  detail TEXT);"
	"CREATE TABLE login_failures ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_key ON login_failures(key, at);",

	/* 2: runs and their steps (the durable queue), dead letters, webhooks and
	 * their deliveries, replay keys, schedule ticks. */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  workflow_id INTEGER REFERENCES workflows(id) ON DELETE CASCADE,"
	"  version INTEGER,"
	"  definition TEXT,"
	"  trigger TEXT NOT NULL,"
	"  input TEXT NOT NULL DEFAULT '{}',"
	"  status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled')),"
	"  error TEXT,"
	"  failed_block TEXT,"
	"  parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  parent_block TEXT,"
	"  depth INTEGER NOT NULL DEFAULT 0,"
	"  dedup_key TEXT,"
	"  reply TEXT,"
	"  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  started_at INTEGER,"
	"  finished_at INTEGER,"
	"  CHECK (workflow_id IS NOT NULL OR definition IS NOT NULL));"
	"CREATE INDEX runs_workflow ON runs(workflow_id, id);"
	"CREATE INDEX runs_unfinished ON runs(status) WHERE status IN ('queued','running');"
	"CREATE INDEX runs_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;"
	"CREATE UNIQUE INDEX runs_dedup ON runs(workflow_id, dedup_key) WHERE dedup_key IS NOT NULL;"
	"CREATE TABLE steps ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  block TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('running','waiting','ok','failed','skipped')),"
	"  outcome TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  started_at INTEGER,"
	"  finished_at INTEGER,"
	"  inputs TEXT,"
	"  outputs TEXT,"
	"  logs TEXT,"
	"  error TEXT,"
	"  PRIMARY KEY (run_id, block)) WITHOUT ROWID;"
	"CREATE TABLE dead_letters ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  block TEXT,"
	"  error TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  retried_at INTEGER);"
	"CREATE INDEX dead_letters_open ON dead_letters(id) WHERE retried_at IS NULL;"
	"CREATE TABLE webhooks ("
	"  workflow_id INTEGER PRIMARY KEY REFERENCES workflows(id) ON DELETE CASCADE,"
	"  token TEXT NOT NULL UNIQUE,"
	"  secret TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,"
	"  received_at INTEGER NOT NULL,"
	"  method TEXT NOT NULL,"
	"  input TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  message TEXT,"
	"  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL);"
	"CREATE INDEX deliveries_workflow ON deliveries(workflow_id, id);"
	"CREATE TABLE replay_keys ("
	"  key TEXT PRIMARY KEY,"
	"  at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE schedule_ticks ("
	"  workflow_id INTEGER PRIMARY KEY REFERENCES workflows(id) ON DELETE CASCADE,"
	"  last_fire INTEGER NOT NULL);",

	/* 3: a deleted workflow's id is never given to a new one: its address,
	 * its audit lines and whatever is keyed by the id (the engine's cache of
	 * valid versions) would otherwise name another workflow. The floor starts
	 * above every id the audit log saw created. */
	"CREATE TABLE workflow_id_floor (id INTEGER NOT NULL);"
	"INSERT INTO workflow_id_floor (id) SELECT coalesce(max(CAST(substr(target, 10) AS INTEGER)), 0)"
	"  FROM audit_log WHERE action = 'workflow.create' AND target LIKE 'workflow:%';"
	"CREATE TRIGGER workflows_id_floor AFTER DELETE ON workflows"
	"  BEGIN UPDATE workflow_id_floor SET id = max(id, OLD.id); END;",

	/* 4: the time spent waiting for retries, which a run's and a step's
	 * working time leave out. */
	"ALTER TABLE runs ADD COLUMN waited_ms INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE steps ADD COLUMN waited_ms INTEGER NOT NULL DEFAULT 0;",

	/* 5: a workflow can be switched off (its webhook and its schedule do not
	 * fire), and no two workflows have the same name in any case, since
	 * flow.call and error_workflow name the workflow they mean. Existing
	 * twins after the first get their number appended, in their current
	 * version too (the name shown and searched is that version's). */
	"ALTER TABLE workflows ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));"
	"UPDATE workflows SET name = name || ' #' || id WHERE EXISTS"
	"  (SELECT 1 FROM workflows o WHERE o.name = workflows.name COLLATE NOCASE AND o.id < workflows.id);"
	"UPDATE workflow_versions SET name = (SELECT w.name FROM workflows w WHERE w.id = workflow_id)"
	"  WHERE version = (SELECT w.current_version FROM workflows w WHERE w.id = workflow_id)"
	"  AND name <> (SELECT w.name FROM workflows w WHERE w.id = workflow_id);"
	"CREATE UNIQUE INDEX workflows_name ON workflows(name COLLATE NOCASE);",

	/* 6: the dashboard's figures, kept per period as runs and steps end (in
	 * the same transaction; run_stats.c) so that reading them never scans
	 * runs: runs ended per workflow and status, their durations counted in
	 * the buckets of duration_buckets (percentiles come from those), and
	 * steps ended per workflow and block. Runs are kept per hour and per day
	 * (the spans of stat_spans, in hours: the last day's charts read 24 rows
	 * per workflow and the last month's 30), steps per day. A period starts
	 * at start_hour (unix ms / 3600000), days at midnight UTC. The figures
	 * outlive pruning, and are backfilled here from the runs and steps
	 * already stored. A run without a stored workflow counts under workflow 0. */
	"CREATE TABLE duration_buckets (le_ms INTEGER PRIMARY KEY);"
	"INSERT INTO duration_buckets VALUES (10), (25), (50), (100), (250), (500), (1000), (2500), (5000),"
	"  (10000), (30000), (60000), (300000), (900000), (3600000), (9223372036854775807);"
	"CREATE TABLE stat_spans (hours INTEGER PRIMARY KEY);"
	"INSERT INTO stat_spans VALUES (1), (24);"
	"CREATE TABLE run_stats ("
	"  span INTEGER NOT NULL,"
	"  start_hour INTEGER NOT NULL,"
	"  workflow_id INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"
	"  runs INTEGER NOT NULL,"
	"  duration_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (span, start_hour, workflow_id, status)) WITHOUT ROWID;"
	"CREATE TABLE run_duration_stats ("
	"  span INTEGER NOT NULL,"
	"  start_hour INTEGER NOT NULL,"
	"  workflow_id INTEGER NOT NULL,"
	"  le_ms INTEGER NOT NULL,"
	"  runs INTEGER NOT NULL,"
	"  PRIMARY KEY (span, start_hour, workflow_id, le_ms)) WITHOUT ROWID;"
	"CREATE TABLE step_days ("
	"  start_hour INTEGER NOT NULL,"
	"  workflow_id INTEGER NOT NULL,"
	"  block TEXT NOT NULL,"
	"  steps INTEGER NOT NULL,"
	"  failures INTEGER NOT NULL,"
	"  duration_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (start_hour, workflow_id, block)) WITHOUT ROWID;"
	"CREATE INDEX runs_failed ON runs(id) WHERE status = 'failed';"
	"CREATE INDEX runs_workflow_failed ON runs(workflow_id, id) WHERE status = 'failed';"
	"CREATE TEMP VIEW ended AS SELECT finished_at / 3600000 AS hour, coalesce(workflow_id, 0) AS workflow_id, status,"
	"  max(0, finished_at - coalesce(started_at, created_at)) AS duration_ms FROM runs"
	"  WHERE finished_at IS NOT NULL AND status IN ('succeeded', 'failed', 'cancelled');"
	"INSERT INTO run_stats SELECT s.hours, e.hour / s.hours * s.hours, e.workflow_id, e.status, count(*),"
	"  sum(e.duration_ms) FROM ended e, stat_spans s GROUP BY 1, 2, 3, 4;"
	"INSERT INTO run_duration_stats SELECT s.hours, e.hour / s.hours * s.hours, e.workflow_id,"
	"  (SELECT min(le_ms) FROM duration_buckets WHERE le_ms >= e.duration_ms), count(*)"
	"  FROM ended e, stat_spans s GROUP BY 1, 2, 3, 4;"
	"DROP VIEW ended;"
	"INSERT INTO step_days SELECT s.finished_at / 86400000 * 24, coalesce(r.workflow_id, 0), s.block, count(*),"
	"  sum(s.status = 'failed'), sum(max(0, s.finished_at - coalesce(s.started_at, s.finished_at)))"
	"  FROM steps s JOIN runs r ON r.id = s.run_id"
	"  WHERE s.finished_at IS NOT NULL AND s.status IN ('ok', 'failed') GROUP BY 1, 2, 3;",
	/* 7: credentials (docs/credentials.md). "fields" holds the fields a
	 * credential's type does not call secret, as JSON; "sealed" the secret
	 * ones, sealed in an envelope the store cannot open. A credential is
	 * shared with users one by one; the workflows whose runs used it are
	 * remembered, with when. */
	"CREATE TABLE credentials ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  type TEXT NOT NULL,"
	"  owner INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  fields TEXT NOT NULL DEFAULT '{}',"
	"  sealed TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  last_used_at INTEGER);"
	"CREATE TABLE credential_shares ("
	"  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (credential_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX credential_shares_user ON credential_shares(user_id);"
	"CREATE TABLE credential_uses ("
	"  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,"
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,"
	"  last_used_at INTEGER NOT NULL,"
	"  PRIMARY KEY (credential_id, workflow_id)) WITHOUT ROWID;"
	"CREATE INDEX credential_uses_workflow ON credential_uses(workflow_id);",

	/* 8: what a poll trigger has seen (a feed's entries by id), so that only
	 * new ones start runs, across restarts; last_seen lets entries that left
	 * the source be forgotten after a while. */
	"CREATE TABLE poll_seen ("
	"  workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  PRIMARY KEY (workflow_id, key)) WITHOUT ROWID;",

	/* 9: two-factor sign-in. A user's TOTP secret, sealed under a key derived
	 * from secret.key (never shown back once confirmed), with the last time
	 * step used so that a code is good once; one-time recovery codes, hashed;
	 * and sessions that wait for the second factor (pending), which open
	 * nothing but the page that asks for it. */
	"CREATE TABLE second_factors ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  secret TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  confirmed_at INTEGER,"
	"  last_step INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE recovery_codes ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  code_hash TEXT NOT NULL,"
	"  used_at INTEGER,"
	"  PRIMARY KEY (user_id, code_hash)) WITHOUT ROWID;"
	"ALTER TABLE sessions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;",

	/* 10: where and when each session was last used, for the list of one's
	 * sessions (written at most once a minute per session, or when the
	 * address or the browser changes). */
	"ALTER TABLE sessions ADD COLUMN last_used_at INTEGER;"
	"ALTER TABLE sessions ADD COLUMN last_addr TEXT;"
	"ALTER TABLE sessions ADD COLUMN last_agent TEXT;",

	/* 11: an API token may have a rate limit of its own (requests a minute),
	 * below its user's. */
	"ALTER TABLE api_tokens ADD COLUMN rate_per_minute INTEGER CHECK (rate_per_minute > 0);",
	/* 12: knowledge bases: documents cut into chunks, each with the embedding
	 * of its text (float32, unit length) for search by cosine similarity. */
	"CREATE TABLE knowledge_bases ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  dims INTEGER NOT NULL DEFAULT 0,"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX knowledge_bases_name ON knowledge_bases(name COLLATE NOCASE);"
	"CREATE TABLE kb_documents ("
	"  id INTEGER PRIMARY KEY,"
	"  kb_id INTEGER NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX kb_documents_kb ON kb_documents(kb_id);"
	"CREATE TABLE kb_chunks ("
	"  id INTEGER PRIMARY KEY,"
	"  document_id INTEGER NOT NULL REFERENCES kb_documents(id) ON DELETE CASCADE,"
	"  kb_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  embedding BLOB NOT NULL);"
	"CREATE INDEX kb_chunks_kb ON kb_chunks(kb_id);"
	"CREATE INDEX kb_chunks_document ON kb_chunks(document_id, seq);",

	/* 13: why a poll trigger's last round failed (a refused login, a server
	 * away), shown on the workflow's page; NULL when it went well. */
	"ALTER TABLE schedule_ticks ADD COLUMN error TEXT;",

	/* 14: what a block's check() made of its config in a version (code.js:
	 * the code compiled to ES5 and its source map), handed to each run of
	 * that block in that version. key is the check's (type, plugin file,
	 * config); artifact is {"plugin": identity, "value": V}. */
	"CREATE TABLE block_artifacts ("
	"  workflow_id INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  block_id TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  artifact TEXT NOT NULL,"
	"  PRIMARY KEY (workflow_id, version, block_id),"
	"  FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions(workflow_id, version) ON DELETE CASCADE"
	") WITHOUT ROWID;",

	/* 15: what embeds a knowledge base's documents added on its page:
	 * {"protocol", "credential", "base_url", "model"} as JSON text, or NULL
	 * (a base made by ai.index, whose workflow says it). */
	"ALTER TABLE knowledge_bases ADD COLUMN embedding TEXT;",

	/* 16: several nodes on one database (docs/scale-out.md): the node that
	 * works on a run holds it until lease_until (unix ms), renewing it; a
	 * step names the node that ran it. */
	"ALTER TABLE runs ADD COLUMN node TEXT;"
	"ALTER TABLE runs ADD COLUMN lease_until INTEGER;"
	"ALTER TABLE steps ADD COLUMN node TEXT;",

	/* 17: run ids are AUTOINCREMENT, so that axond can reserve a block of
	 * them (store_run_ids) and write a quick run once, at its end, under an
	 * id it had from the start: a row inserted meanwhile by anyone else
	 * (axonctl, a script) is numbered past every reserved id. The table is
	 * rebuilt as SQLite's ALTER TABLE cannot add it, with foreign keys off
	 * (migrations_apply), so that dropping the old table touches no step. */
	"CREATE TABLE runs_autoincrement ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  workflow_id INTEGER REFERENCES workflows(id) ON DELETE CASCADE,"
	"  version INTEGER,"
	"  definition TEXT,"
	"  trigger TEXT NOT NULL,"
	"  input TEXT NOT NULL DEFAULT '{}',"
	"  status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled')),"
	"  error TEXT,"
	"  failed_block TEXT,"
	"  parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  parent_block TEXT,"
	"  depth INTEGER NOT NULL DEFAULT 0,"
	"  dedup_key TEXT,"
	"  reply TEXT,"
	"  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  started_at INTEGER,"
	"  finished_at INTEGER,"
	"  waited_ms INTEGER NOT NULL DEFAULT 0,"
	"  node TEXT,"
	"  lease_until INTEGER,"
	"  CHECK (workflow_id IS NOT NULL OR definition IS NOT NULL));"
	"INSERT INTO runs_autoincrement SELECT id, workflow_id, version, definition, trigger, input, status, error,"
	"  failed_block, parent_run_id, parent_block, depth, dedup_key, reply, created_by, created_at, started_at,"
	"  finished_at, waited_ms, node, lease_until FROM runs;"
	"DROP TABLE runs;"
	"ALTER TABLE runs_autoincrement RENAME TO runs;"
	"CREATE INDEX runs_workflow ON runs(workflow_id, id);"
	"CREATE INDEX runs_unfinished ON runs(status) WHERE status IN ('queued','running');"
	"CREATE INDEX runs_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;"
	"CREATE UNIQUE INDEX runs_dedup ON runs(workflow_id, dedup_key) WHERE dedup_key IS NOT NULL;"
	"CREATE INDEX runs_failed ON runs(id) WHERE status = 'failed';"
	"CREATE INDEX runs_workflow_failed ON runs(workflow_id, id) WHERE status = 'failed';",
};

#define LATEST_VERSION ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(LATEST_VERSION == STORE_SCHEMA_VERSION, "a new migration needs STORE_SCHEMA_VERSION raised in store.h");

/* PostgreSQL keeps the version in a table of its own, and its migrations
 * in migrations_pg.c; every node may start at once, so the first to take the
 * lock migrates and the others find the work done. */
#define PG_VERSION_TABLE "CREATE TABLE IF NOT EXISTS axon_schema (version BIGINT NOT NULL);"
#define PG_MIGRATION_LOCK "4242424200"

static int read_version(struct store *st, int64_t *v)
{
	*v = -1;
	if (!st->pg)
		return db_int(st, v, "PRAGMA user_version", "");
	int64_t has;
	int rc = db_int(st, &has, "SELECT count(*) FROM pg_tables WHERE tablename = 'axon_schema'"
			" AND schemaname = current_schema()", "");
	if (rc == STORE_OK)
		rc = has ? db_int(st, v, "SELECT coalesce(max(version), 0) FROM axon_schema", "") : (*v = 0, STORE_OK);
	return rc;
}

int store_schema_version(struct store *st)
{
	int64_t v;
	return read_version(st, &v) == STORE_OK ? (int)v : -1;
}

static int write_version(struct store *st)
{
	if (st->pg) {
		int rc = db_exec(st, "DELETE FROM axon_schema", "");
		return rc == STORE_OK ? db_exec(st, "INSERT INTO axon_schema VALUES (?1)", "i", (int64_t)LATEST_VERSION) : rc;
	}
	/* PRAGMA takes no bound parameters; this is our own constant. */
	char sql[48];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", LATEST_VERSION);
	return db_exec(st, sql, "");
}

static int apply_pending(struct store *st)
{
	int rc = st->pg ? pg_run(st, "SELECT pg_advisory_xact_lock(" PG_MIGRATION_LOCK ");" PG_VERSION_TABLE) : STORE_OK;
	/* Read again under the lock: another process may have migrated. */
	int64_t v = 0;
	if (rc == STORE_OK)
		rc = read_version(st, &v);
	for (int i = (int)v; rc == STORE_OK && i < LATEST_VERSION; i++) {
		if (st->pg) {
			rc = pg_run(st, pg_migrations[i]);
		} else if ((rc = sqlite3_exec(st->db, migrations[i], NULL, NULL, NULL)) != SQLITE_OK) {
			rc = db_fail(st, rc);
		}
	}
	return rc == STORE_OK && v < LATEST_VERSION ? write_version(st) : rc;
}

int migrations_apply(struct store *st)
{
	int64_t v;
	int rc = read_version(st, &v);
	if (rc != STORE_OK)
		return rc;
	if (v > LATEST_VERSION)
		return db_failf(st, STORE_ERROR,
				"%s has schema version %lld, newer than this axond knows (%d): "
				"run the newer axond that wrote it, or restore a backup made with this version",
				st->path, (long long)v, LATEST_VERSION);
	if (v == LATEST_VERSION)
		return STORE_OK;
	/* A rebuilt table (17) is dropped with the keys that point to it off
	 * (else its rows' steps would go with it); the pragma is a no-op inside
	 * a transaction, so it goes around it. The rebuild keeps every id. */
	if (!st->pg && (rc = db_exec(st, "PRAGMA foreign_keys = OFF", "")) != STORE_OK)
		return rc;
	rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, apply_pending(st));
	int on = st->pg ? STORE_OK : db_exec(st, "PRAGMA foreign_keys = ON", "");
	return rc == STORE_OK ? on : rc;
}
