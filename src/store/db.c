#include "db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "strbuf.h"

/* How long a writer waits for another one before giving up with STORE_BUSY. */
#define BUSY_TIMEOUT_MS 5000

int db_failf(struct store *st, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
	va_end(ap);
	return rc;
}

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

static int bind_args(struct store *st, sqlite3_stmt *stmt, const char *types, va_list ap)
{
	for (int i = 1; *types; types++, i++) {
		int rc;
		switch (*types) {
		case 'i':
			rc = sqlite3_bind_int64(stmt, i, va_arg(ap, int64_t));
			break;
		case 'n':
			rc = sqlite3_bind_int(stmt, i, va_arg(ap, int));
			break;
		case 't': {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(stmt, i);
			break;
		}
		default:
			return db_failf(st, STORE_ERROR, "internal error: bad parameter type '%c'", *types);
		}
		if (rc != SQLITE_OK)
			return db_fail(st, rc);
	}
	return STORE_OK;
}

/* A free cached statement for sql, or a new one (cached when a slot is free). */
static int prepare_cached(struct store *st, sqlite3_stmt **out, const char *sql)
{
	struct cached_stmt *slot = NULL;
	for (int i = 0; i < STMT_CACHE_SIZE; i++) {
		struct cached_stmt *c = &st->cache[i];
		/* The text is compared too: a few statements are built in stack buffers. */
		if (c->sql == sql && !c->in_use && !strcmp(sqlite3_sql(c->stmt), sql)) {
			c->in_use = 1;
			*out = c->stmt;
			return STORE_OK;
		}
		if (!c->sql && !slot)
			slot = c;
	}
	int rc = sqlite3_prepare_v3(st->db, sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
	if (rc != SQLITE_OK)
		return db_fail(st, rc);
	if (slot)
		*slot = (struct cached_stmt){ sql, *out, 1 };
	return STORE_OK;
}

void db_release(struct store *st, sqlite3_stmt *stmt)
{
	if (!stmt)
		return;
	for (int i = 0; i < STMT_CACHE_SIZE; i++) {
		if (st->cache[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			st->cache[i].in_use = 0;
			return;
		}
	}
	sqlite3_finalize(stmt);
}

static int prepare_v(struct store *st, sqlite3_stmt **out, const char *sql, const char *types, va_list ap)
{
	*out = NULL;
	int rc = prepare_cached(st, out, sql);
	if (rc != STORE_OK)
		return rc;
	rc = bind_args(st, *out, types, ap);
	if (rc != STORE_OK) {
		db_release(st, *out);
		*out = NULL;
	}
	return rc;
}

int db_prepare(struct store *st, sqlite3_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = prepare_v(st, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_step(struct store *st, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return db_fail(st, rc);
}

int db_exec(struct store *st, const char *sql, const char *types, ...)
{
	sqlite3_stmt *stmt;
	va_list ap;
	va_start(ap, types);
	int rc = prepare_v(st, &stmt, sql, types, ap);
	va_end(ap);
	if (rc != STORE_OK)
		return rc;
	while ((rc = db_step(st, stmt)) == DB_ROW)
		;
	db_release(st, stmt);
	return rc;
}

int db_int(struct store *st, int64_t *out, const char *sql, const char *types, ...)
{
	sqlite3_stmt *stmt;
	va_list ap;
	va_start(ap, types);
	int rc = prepare_v(st, &stmt, sql, types, ap);
	va_end(ap);
	if (rc != STORE_OK)
		return rc;
	*out = 0;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	}
	db_release(st, stmt);
	return rc;
}

int store_stamp(struct store *st, struct store_stamp *out)
{
	out->conn = st->serial;
	int rc = db_int(st, &out->version, "PRAGMA data_version", "");
	out->changes = sqlite3_total_changes64(st->db);
	return rc;
}

char *db_col_strdup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);
	return s ? xstrdup((const char *)s) : NULL;
}

json_t *db_col_json(struct store *st, sqlite3_stmt *stmt, int col)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (!v)
		db_fail(st, SQLITE_CORRUPT);
	return v;
}

static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

json_t *db_row_object(struct store *st, sqlite3_stmt *stmt, const char *json_cols)
{
	json_t *row = json_object();
	for (int i = 0, n = sqlite3_column_count(stmt); i < n; i++) {
		const char *name = sqlite3_column_name(stmt, i);
		json_t *v;
		switch (sqlite3_column_type(stmt, i)) {
		case SQLITE_NULL: v = json_null(); break;
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(stmt, i)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(stmt, i)); break;
		default:
			v = listed(json_cols, name) ? db_col_json(st, stmt, i)
				: json_string((const char *)sqlite3_column_text(stmt, i));
		}
		if (!v) {
			json_decref(row);
			return NULL;
		}
		json_object_set_new(row, name, v);
	}
	return row;
}

int db_rows(struct store *st, sqlite3_stmt *stmt, const char *json_cols, json_t **out)
{
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st, stmt)) == DB_ROW) {
		json_t *row = db_row_object(st, stmt, json_cols);
		if (!row) {
			rc = STORE_CORRUPT;
			break;
		}
		json_array_append_new(rows, row);
	}
	db_release(st, stmt);
	if (rc != STORE_OK) {
		json_decref(rows);
		return rc;
	}
	*out = rows;
	return STORE_OK;
}

int db_column(struct store *st, sqlite3_stmt *stmt, json_t **out)
{
	json_t *rows;
	int rc = db_rows(st, stmt, "", &rows);
	if (rc != STORE_OK)
		return rc;
	*out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) json_array_append(*out, json_object_iter_value(json_object_iter(row)));
	json_decref(rows);
	return STORE_OK;
}

int db_one(struct store *st, sqlite3_stmt *stmt, const char *json_cols, json_t **out)
{
	json_t *rows;
	int rc = db_rows(st, stmt, json_cols, &rows);
	if (rc != STORE_OK)
		return rc;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *out ? STORE_OK : STORE_NOTFOUND;
}

int db_begin(struct store *st)
{
	return db_exec(st, "BEGIN IMMEDIATE", "");
}

int db_begin_read(struct store *st)
{
	return db_exec(st, "BEGIN", "");
}

int db_finish(struct store *st, int rc)
{
	if (rc == STORE_OK) {
		rc = db_exec(st, "COMMIT", "");
		if (rc == STORE_OK)
			return rc;
	}
	/* SQLite may already have rolled back by itself (disk full, for one). */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
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
	sqlite3_stmt *stmt;
	if ((rc = db_prepare(st, &stmt, "PRAGMA journal_mode = WAL", "")) != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		const char *mode = (const char *)sqlite3_column_text(stmt, 0);
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

int db_open(struct store *st, const char *path)
{
	static atomic_ullong serials;
	st->serial = atomic_fetch_add(&serials, 1) + 1;
	st->path = xstrdup(path);
	int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return db_fail(st, rc);
	sqlite3_extended_result_codes(st->db, 1);
	/* SQLite quietly falls back to read-only when the file is not writable. */
	if (sqlite3_db_readonly(st->db, "main") == 1)
		return db_fail(st, SQLITE_READONLY);
	return set_pragmas(st);
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof *st);
	int rc = db_open(st, path);
	if (rc == STORE_OK)
		rc = migrations_apply(st);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "%s", st->errmsg);
		store_close(st);
		*out = NULL;
		return rc < 0 ? rc : STORE_ERROR;
	}
	*out = st;
	return STORE_OK;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < STMT_CACHE_SIZE; i++)
		sqlite3_finalize(st->cache[i].stmt);
	wf_cache_free(st->wf_cache);
	session_cache_free(st->session_cache);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *store_errmsg(struct store *st)
{
	return st->errmsg;
}

void store_set_busy_timeout(struct store *st, int ms)
{
	st->busy_timeout_ms = ms;
}

int store_set_max_size(struct store *st, int64_t bytes)
{
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
