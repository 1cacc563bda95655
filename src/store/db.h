/* Private to src/store: the connection, the translation of SQLite errors into
 * store_rc with a sentence for a person, transactions, and the statement
 * helpers every store file uses. Only bound parameters: SQL text is always a
 * constant of ours. */
#ifndef AXON_STORE_DB_H
#define AXON_STORE_DB_H
#include <sqlite3.h>
#include <stdint.h>

#include "store.h"

/* Prepared statements are kept per connection and reused: preparing costs
 * more than running most of our queries. */
#define STMT_CACHE_SIZE 48
struct cached_stmt {
	const char *sql; /* the constant SQL text it was prepared from */
	sqlite3_stmt *stmt;
	int in_use;
};

struct wf_cache;
struct session_cache;

struct store {
	sqlite3 *db;
	char *path;
	char errmsg[512];
	struct cached_stmt cache[STMT_CACHE_SIZE];
	/* Derived data kept while store_stamp() is unchanged (workflows.c, sessions.c). */
	struct wf_cache *wf_cache;
	struct session_cache *session_cache;
	uint64_t serial; /* unique per connection opened by this process, for store_stamp */
	int busy_timeout_ms;     /* how long a writer waits for the lock */
	int64_t busy_since;      /* monotonic ms, when this wait began */
};

/* store_stamp() (store.h) reads PRAGMA data_version, which changes when
 * another connection or process commits, and sqlite3_total_changes64(), which
 * changes when this one writes. Taken inside a read transaction it names that
 * snapshot. Freed by store_close: */
void wf_cache_free(struct wf_cache *c);
void session_cache_free(struct session_cache *c);

/* After a commit that left frames in the WAL of the database `name` of db:
 * past SQLite's autocheckpoint size, asks for a PASSIVE checkpoint, made soon
 * by a thread of its own rather than by the committing thread (checkpoint.c). */
void db_checkpoint_soon(sqlite3 *db, const char *name, int frames);

/* Opens path and sets the pragmas (auto_vacuum, WAL, foreign keys, busy
 * timeout, synchronous). Returns a store_rc; st->errmsg says why. */
int db_open(struct store *st, const char *path);

/* Translates the connection's last error (rc is the SQLite code that was
 * returned) into a store_rc and sets st->errmsg. */
int db_fail(struct store *st, int sqlite_rc);
/* Sets st->errmsg from fmt and returns rc. */
int db_failf(struct store *st, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* types names one argument per parameter, bound in order to ?1, ?2...:
 *   'i' int64_t, 'n' int, 't' const char * (NULL binds NULL). */
int db_prepare(struct store *st, sqlite3_stmt **out, const char *sql, const char *types, ...);
/* Gives back a statement from db_prepare (reset for its next use, or finalized). */
void db_release(struct store *st, sqlite3_stmt *stmt);
/* DB_ROW: a row is ready; STORE_OK: done; else the store_rc of the error
 * (which may be positive: STORE_NOTFOUND for a missing reference, say). */
#define DB_ROW 100
int db_step(struct store *st, sqlite3_stmt *stmt);
/* Prepares, binds, runs to the end and finalizes a statement. */
int db_exec(struct store *st, const char *sql, const char *types, ...);
/* The first column of the first row as an integer (0 if no row). */
int db_int(struct store *st, int64_t *out, const char *sql, const char *types, ...);
char *db_col_strdup(sqlite3_stmt *stmt, int col); /* NULL for NULL; caller frees */
/* A JSON column we wrote ourselves; NULL (with st->errmsg set: the file was
 * damaged) if it does not parse or is NULL. */
json_t *db_col_json(struct store *st, sqlite3_stmt *stmt, int col);
/* The current row as an object keyed by column names (use AS to name them):
 * integers, reals, texts and NULLs as they are, and the columns whose names
 * are in json_cols (a space-separated list) parsed as JSON. NULL if such a
 * column does not parse (st->errmsg says so). */
json_t *db_row_object(struct store *st, sqlite3_stmt *stmt, const char *json_cols);
/* Steps stmt to the end, collecting db_row_object() rows into *out; releases stmt. */
int db_rows(struct store *st, sqlite3_stmt *stmt, const char *json_cols, json_t **out);
/* The first column of every row, as an array; releases stmt. */
int db_column(struct store *st, sqlite3_stmt *stmt, json_t **out);
/* The same for a query of one row: *out is that row; STORE_NOTFOUND (the
 * caller says what was not found) when there is none. */
int db_one(struct store *st, sqlite3_stmt *stmt, const char *json_cols, json_t **out);

/* Every write is one transaction: db_begin takes the write lock at once
 * (BEGIN IMMEDIATE, so a lock conflict shows up here and not halfway), and
 * db_finish commits when rc is STORE_OK, rolls back otherwise, and returns
 * the final rc. Use: rc = db_begin(st); if (!rc) rc = db_finish(st, body(st)); */
int db_begin(struct store *st);
/* The same for reads that take several statements and must see one snapshot. */
int db_begin_read(struct store *st);
int db_finish(struct store *st, int rc);

/* A write of its own: body(st, arg) runs inside a transaction, and its
 * changes are kept only if it returns STORE_OK. Writers of this process that
 * come at the same time share one transaction and one commit
 * (group_commit.c): body may run on another thread's connection, given as its
 * st; it must use that st only, and keep its results in arg. Returns body's rc
 * or the commit's, with st->errmsg set. Never inside another transaction. */
int db_write(struct store *st, int (*body)(struct store *st, void *arg), void *arg);

/* Applies every pending migration in one transaction (migrations.c). */
int migrations_apply(struct store *st);
/* The columns user_fetch reads, from "users u" (users.c). */
#define USER_COLUMNS "u.id, u.username, u.role, u.disabled, u.created_at, u.password_hash"
/* Steps a query selecting USER_COLUMNS into u (and the hash if asked for),
 * finalizes it; STORE_NOTFOUND without a row. */
int user_fetch(struct store *st, sqlite3_stmt *stmt, struct user *u, char **password_hash);
/* Adds a row to the audit log in the caller's transaction (audit.c). The
 * target reads "KIND:ID" ("workflow:12"); no target when kind is NULL. actor
 * 0 is the system. */
int audit_add(struct store *st, int64_t actor, const char *action, const char *target_kind, int64_t target_id,
	      const char *detail);

/* The hourly aggregates, added to in the caller's transaction (run_stats.c):
 * when run_id has just been written ended, and before a step is written,
 * which counts if it ends now for the first time. */
int stats_run_ended(struct store *st, int64_t run_id);
int stats_step_ended(struct store *st, int64_t run_id, const char *block, const char *status, int64_t started_at,
		     int64_t finished_at);
/* store_run_backlog in the caller's transaction (usage.c). */
int run_backlog(struct store *st, int64_t *queued, int64_t *running);

#endif
