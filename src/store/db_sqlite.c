/* The store on SQLite: one file in WAL mode, with foreign keys, a busy
 * handler that waits for this process's commits, and SQLite's errors told
 * as sentences for a person. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "strbuf.h"
#include "wal_batch.h"

/* How long a writer waits for another one before giving up with STORE_BUSY. */
#define BUSY_TIMEOUT_MS 5000

int db_fail(struct store *st, int sqlite_rc)
{
	const char *f = st->path;
	int sys = st->db ? sqlite3_system_errno(st->db) : 0;
	const char *what = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(sqlite_rc);

	switch (sqlite_rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return db_failf(st, STORE_BUSY, "the database %s is locked by another process: try again", f);
	case SQLITE_READONLY:
	case SQLITE_PERM:
		break;
	case SQLITE_CANTOPEN:
		if (sys == EACCES || sys == EPERM || sys == EROFS)
			break;
		return db_failf(st, STORE_ERROR, "cannot open the database %s (%s): check that its directory exists",
				f, sys ? strerror(sys) : what);
	case SQLITE_FULL:
		return db_failf(st, STORE_FULL, "the disk holding %s is full: free space, nothing was written", f);
	case SQLITE_IOERR:
		if (sys == ENOSPC)
			return db_failf(st, STORE_FULL, "the disk holding %s is full: free space, nothing was written", f);
		return db_failf(st, STORE_ERROR, "reading or writing %s failed (%s): check the disk and the system log",
				f, sys ? strerror(sys) : what);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return db_failf(st, STORE_CORRUPT,
				"%s is not a valid Axon database (damaged, or another file): restore it from a backup", f);
	case SQLITE_CONSTRAINT:
		if (sqlite_rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return db_failf(st, STORE_NOTFOUND, "a user or workflow this change refers to is gone "
					"(deleted meanwhile?): reload and try again");
		return db_failf(st, STORE_CONFLICT, "the change conflicts with data already in %s (%s)", f, what);
	default:
		return db_failf(st, STORE_ERROR, "database error on %s: %s", f, what);
	}
	return db_failf(st, STORE_READONLY,
			"the database %s is read-only: give the user running axond write access to it and to its directory", f);
}

int lite_bind(struct store *st, struct db_stmt *s, const struct db_param *p, int n)
{
	for (int i = 0; i < n; i++) {
		int rc;
		switch (p[i].type) {
		case 'i':
			rc = sqlite3_bind_int64(s->lite, i + 1, p[i].i);
			break;
		case 'b':
			rc = sqlite3_bind_blob(s->lite, i + 1, p[i].p, (int)p[i].len, SQLITE_TRANSIENT);
			break;
		default:
			rc = p[i].p ? sqlite3_bind_text(s->lite, i + 1, p[i].p, -1, SQLITE_TRANSIENT)
				    : sqlite3_bind_null(s->lite, i + 1);
		}
		if (rc != SQLITE_OK)
			return db_fail(st, rc);
	}
	return STORE_OK;
}

int lite_prepare(struct store *st, struct db_stmt *s, int persistent)
{
	int rc = sqlite3_prepare_v3(st->db, s->sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &s->lite, NULL);
	return rc == SQLITE_OK ? STORE_OK : db_fail(st, rc);
}

void lite_reset(struct db_stmt *s)
{
	sqlite3_reset(s->lite);
	sqlite3_clear_bindings(s->lite);
}

void lite_finalize(struct db_stmt *s)
{
	sqlite3_finalize(s->lite);
}

int lite_step(struct store *st, struct db_stmt *s)
{
	int rc = sqlite3_step(s->lite);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return db_fail(st, rc);
}

int64_t lite_changes(struct store *st)
{
	return sqlite3_changes64(st->db);
}

int lite_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

/* PRAGMA data_version changes when another connection or process commits,
 * sqlite3_total_changes64() when this one writes. */
int lite_stamp(struct store *st, struct store_stamp *out)
{
	int rc = db_int(st, &out->version, "PRAGMA data_version", "");
	out->changes = sqlite3_total_changes64(st->db);
	return rc;
}

/* Writers of one process wait for each other's commits instead of sleeping.
 * SQLite's own busy handler sleeps 1, 2, 5 ... 100 ms between tries, so with
 * request threads and engine workers each writing on its own connection, a
 * writer that finds the lock taken slept far longer than the commit it waited
 * for took. Ours waits until a connection of this process commits (the WAL
 * hook) or 2 ms pass (a writer in another process, such as axonctl). */
#define BUSY_WAIT_NS 2000000L
static pthread_mutex_t commit_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t commit_cv = PTHREAD_COND_INITIALIZER;
static uint64_t commits;

/* After each commit of a connection; replaces SQLite's autocheckpoint hook,
 * and asks for a checkpoint when that one would have made it (checkpoint.c). */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	db_checkpoint_soon(db, name, frames);
	pthread_mutex_lock(&commit_mu);
	commits++;
	pthread_cond_broadcast(&commit_cv);
	pthread_mutex_unlock(&commit_mu);
	return SQLITE_OK;
}

static int on_busy(void *arg, int tries)
{
	struct store *st = arg;
	int64_t now = mono_ms();
	if (tries == 0)
		st->busy_since = now;
	if (now - st->busy_since >= st->busy_timeout_ms)
		return 0;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += BUSY_WAIT_NS;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&commit_mu);
	uint64_t seen = commits;
	while (commits == seen && pthread_cond_timedwait(&commit_cv, &commit_mu, &until) == 0)
		;
	pthread_mutex_unlock(&commit_mu);
	return 1;
}

/* auto_vacuum comes first: it only takes effect before the first table. */
static int set_pragmas(struct store *st)
{
	st->busy_timeout_ms = BUSY_TIMEOUT_MS;
	int rc = sqlite3_busy_handler(st->db, on_busy, st);
	if (rc != SQLITE_OK)
		return db_fail(st, rc);
	sqlite3_wal_hook(st->db, on_commit, NULL);
	if ((rc = db_exec(st, "PRAGMA auto_vacuum = INCREMENTAL", "")) != STORE_OK)
		return rc;
	struct db_stmt *stmt;
	if ((rc = db_prepare(st, &stmt, "PRAGMA journal_mode = WAL", "")) != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		const char *mode = db_col_text(stmt, 0);
		rc = mode && !strcmp(mode, "wal") ? STORE_OK
			: db_failf(st, STORE_ERROR, "the database %s cannot use WAL mode (journal mode stays \"%s\"): "
				   "put it on a local file system", st->path, mode ? mode : "");
	}
	db_release(st, stmt);
	if (rc != STORE_OK)
		return rc;
	if ((rc = db_exec(st, "PRAGMA foreign_keys = ON", "")) != STORE_OK)
		return rc;
	return db_exec(st, "PRAGMA synchronous = NORMAL", "");
}

int lite_open(struct store *st, const char *path)
{
	st->path = xstrdup(path);
	int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 wal_batch_vfs());
	if (rc != SQLITE_OK)
		return db_fail(st, rc);
	sqlite3_extended_result_codes(st->db, 1);
	/* SQLite quietly falls back to read-only when the file is not writable. */
	if (sqlite3_db_readonly(st->db, "main") == 1)
		return db_fail(st, SQLITE_READONLY);
	return set_pragmas(st);
}

void lite_close(struct store *st)
{
	sqlite3_close(st->db);
}

int store_set_max_size(struct store *st, int64_t bytes)
{
	if (st->pg)
		return db_failf(st, STORE_ERROR, "a size cap applies to a SQLite file only: PostgreSQL has its own quotas");
	int64_t page_size;
	int rc = db_int(st, &page_size, "PRAGMA page_size", "");
	if (rc != STORE_OK)
		return rc;
	/* PRAGMA takes no bound parameters; this is our own integer, not data. */
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)(bytes / page_size));
	int64_t pages;
	return db_int(st, &pages, sql, "");
}
