/* Backups: a consistent copy of the live database with SQLite's online backup
 * API (no stop needed: in WAL mode the copy reads one snapshot while axond
 * goes on writing), the checks a copy passes before it is restored, and the
 * check that nobody has a database open before it is replaced. */
#include <stdio.h>
#include <string.h>

#include "db.h"

/* Copies every page of src in one step: one read transaction, so one
 * snapshot. (Copying in slices would restart at each commit of another
 * connection, for ever under a steady stream of runs.) The copy is left in
 * rollback-journal mode, one file that opens read-only anywhere; axond turns
 * WAL on again when it opens it. */
static int copy_into(sqlite3 *src, const char *dest, char *err, size_t errlen)
{
	sqlite3 *out = NULL;
	int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", dest, out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
		sqlite3_close(out);
		return STORE_ERROR;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "cannot start the backup into %s: %s", dest, sqlite3_errmsg(out));
		sqlite3_close(out);
		return STORE_ERROR;
	}
	int step = sqlite3_backup_step(b, -1);
	rc = sqlite3_backup_finish(b);
	if (step != SQLITE_DONE || rc != SQLITE_OK) {
		rc = step != SQLITE_DONE ? step : rc;
		sqlite3_close(out);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			snprintf(err, errlen, "the database stayed locked during the backup: try again");
			return STORE_BUSY;
		}
		snprintf(err, errlen, "the backup into %s failed: %s", dest, sqlite3_errstr(rc));
		return STORE_ERROR;
	}
	char *msg = NULL;
	rc = sqlite3_exec(out, "PRAGMA journal_mode = DELETE", NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "the copy %s could not be finished: %s", dest, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	if (sqlite3_close(out) != SQLITE_OK && rc == SQLITE_OK) {
		snprintf(err, errlen, "the copy %s could not be closed", dest);
		return STORE_ERROR;
	}
	return rc == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

int store_backup(const char *path, const char *dest, int *version, char *err, size_t errlen)
{
	/* Opened as it is: a backup migrates nothing, whichever axonctl takes it. */
	sqlite3 *src = NULL;
	int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		sqlite3_close(src);
		return STORE_ERROR;
	}
	sqlite3_busy_timeout(src, 5000);
	sqlite3_stmt *stmt = NULL;
	rc = sqlite3_prepare_v2(src, "PRAGMA user_version", -1, &stmt, NULL);
	int result = STORE_OK;
	if (rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(err, errlen, "%s is not a database SQLite can read: %s", path, sqlite3_errmsg(src));
		result = STORE_ERROR;
	} else {
		*version = sqlite3_column_int(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (result == STORE_OK)
		result = copy_into(src, dest, err, errlen);
	sqlite3_close(src);
	return result;
}

int store_check_copy(const char *path, int *version, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return STORE_ERROR;
	}
	/* integrity_check lists up to 100 problems, or one row "ok". */
	int result = STORE_CORRUPT;
	rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);
	if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		const char *said = (const char *)sqlite3_column_text(stmt, 0);
		if (said && !strcmp(said, "ok"))
			result = STORE_OK;
		else
			snprintf(err, errlen, "%s is damaged: %s", path, said ? said : "(no answer)");
	} else {
		snprintf(err, errlen, "%s is not a database SQLite can read: %s", path, sqlite3_errmsg(db));
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (result == STORE_OK) {
		rc = sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version),"
					" (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'users')",
					-1, &stmt, NULL);
		if (rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
			snprintf(err, errlen, "cannot read the schema version of %s: %s", path, sqlite3_errmsg(db));
			result = STORE_ERROR;
		} else if (!sqlite3_column_int(stmt, 1)) {
			snprintf(err, errlen, "%s is a database, but not Axon's (it has no users table)", path);
			result = STORE_ERROR;
		} else if ((*version = sqlite3_column_int(stmt, 0)) > STORE_SCHEMA_VERSION) {
			snprintf(err, errlen, "%s has schema version %d, newer than this Axon knows (%d): restore it "
				 "with the newer axonctl that wrote it", path, *version, STORE_SCHEMA_VERSION);
			result = STORE_ERROR;
		}
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return result;
}

int store_check_unused(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 1000);
		/* In WAL mode every open connection holds a shared lock on the file: an
		 * exclusive lock is had only when no axond (and no axonctl) has it open. */
		rc = sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;", NULL, NULL, NULL);
	}
	int result = STORE_OK;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		snprintf(err, errlen, "%s is in use: stop axond first (systemctl stop axond), then restore", path);
		result = STORE_BUSY;
	} else if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		result = STORE_ERROR;
	}
	/* Closing the last connection checkpoints the WAL into the file and removes it. */
	sqlite3_close(db);
	return result;
}
