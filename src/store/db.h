/* Private to src/store: the connection to SQLite or PostgreSQL, the
 * translation of either's errors into store_rc with a sentence for a person,
 * transactions, and the statement helpers every store file uses. Only bound
 * parameters: SQL text is always a constant of ours. The store files write
 * SQLite's dialect; where PostgreSQL's differs, pg_sql.c translates the few
 * forms we use, and the rare statement that needs two texts names both with
 * DB_SQL(st, sqlite, postgresql). */
#ifndef AXON_STORE_DB_H
#define AXON_STORE_DB_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A statement being run: prepared once per connection and reused, since
 * preparing costs more than running most of our queries. */
struct pg_stmt;
struct db_stmt {
	const char *sql; /* the constant SQL text it was prepared from */
	char *sql_copy;  /* PostgreSQL: a copy of that text, to tell apart texts built in a buffer */
	int in_use, cached;
	sqlite3_stmt *lite;  /* SQLite's, or */
	struct pg_stmt *pg;  /* PostgreSQL's (db_pg.c) */
};
#define STMT_CACHE_SIZE 48

struct wf_cache;
struct session_cache;
struct pg_conn;

struct store {
	sqlite3 *db;         /* SQLite's connection, or NULL */
	struct pg_conn *pg;  /* PostgreSQL's, or NULL */
	char *path;          /* the file, or the connection string without its password */
	const char *node;    /* this axond's name among several (store_set_node), or NULL */
	char errmsg[512];
	struct db_stmt cache[STMT_CACHE_SIZE];
	/* Derived data kept while store_stamp() is unchanged (workflows.c, sessions.c). */
	struct wf_cache *wf_cache;
	struct session_cache *session_cache;
	uint64_t serial; /* unique per connection opened by this process, for store_stamp */
	int busy_timeout_ms;     /* how long a writer waits for the lock */
	int64_t busy_since;      /* monotonic ms, when this wait began */
};

/* The one place a statement differs between the engines. */
#define DB_SQL(st, sqlite, postgresql) ((st)->pg ? (postgresql) : (sqlite))

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

/* Opens the database named by path: a file for SQLite, or for PostgreSQL a
 * URI (postgresql://...) or a libpq connection string (host=... dbname=...).
 * Returns a store_rc; st->errmsg says why. */
int db_open(struct store *st, const char *path);

/* Translates the SQLite connection's last error (rc is the code that was
 * returned) into a store_rc and sets st->errmsg. */
int db_fail(struct store *st, int sqlite_rc);
/* Sets st->errmsg from fmt and returns rc. */
int db_failf(struct store *st, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* types names one argument per parameter, bound in order to ?1, ?2...:
 *   'i' int64_t, 'n' int, 't' const char * (NULL binds NULL),
 *   'b' a blob: const void * then size_t. */
int db_prepare(struct store *st, struct db_stmt **out, const char *sql, const char *types, ...);
/* Gives back a statement from db_prepare (reset for its next use, or freed). */
void db_release(struct store *st, struct db_stmt *stmt);
/* DB_ROW: a row is ready; STORE_OK: done; else the store_rc of the error
 * (which may be positive: STORE_NOTFOUND for a missing reference, say). */
#define DB_ROW 100
int db_step(struct store *st, struct db_stmt *stmt);
/* Prepares, binds, runs to the end and finalizes a statement. */
int db_exec(struct store *st, const char *sql, const char *types, ...);
/* The same with the parameters in an array, for a statement whose columns
 * are known only when it runs (copy.c). */
struct db_param {
	char type;       /* as in db_prepare's types ('i', 't' or 'b') */
	int64_t i;
	const void *p;   /* a text (NUL-terminated) or a blob */
	size_t len;      /* a blob's */
};
#define DB_MAX_PARAMS 24
int db_exec_params(struct store *st, const char *sql, const struct db_param *p, int n);
/* The first column of the first row as an integer (0 if no row). */
int db_int(struct store *st, int64_t *out, const char *sql, const char *types, ...);
/* Rows changed by the last INSERT, UPDATE or DELETE of this connection. */
int64_t db_changes(struct store *st);
/* Whether a transaction is open (a failed statement may have ended it). */
int db_in_transaction(struct store *st);

/* The current row's columns: a truth value (PostgreSQL's boolean) reads as
 * 0 or 1, as SQLite's does. */
enum db_kind { DB_NULL, DB_INTEGER, DB_REAL, DB_TEXT, DB_BLOB };
enum db_kind db_col_kind(struct db_stmt *stmt, int col);
int64_t db_col_int64(struct db_stmt *stmt, int col);
double db_col_double(struct db_stmt *stmt, int col);
const char *db_col_text(struct db_stmt *stmt, int col); /* NULL for NULL; valid until the next step */
const void *db_col_blob(struct db_stmt *stmt, int col, size_t *len);
size_t db_col_bytes(struct db_stmt *stmt, int col); /* a text's length */
int db_col_count(struct db_stmt *stmt);
const char *db_col_name(struct db_stmt *stmt, int col);
char *db_col_strdup(struct db_stmt *stmt, int col); /* NULL for NULL; caller frees */
/* A JSON column we wrote ourselves; NULL (with st->errmsg set: the file was
 * damaged) if it does not parse or is NULL. */
json_t *db_col_json(struct store *st, struct db_stmt *stmt, int col);
/* The current row as an object keyed by column names (use AS to name them):
 * integers, reals, texts and NULLs as they are, and the columns whose names
 * are in json_cols (a space-separated list) parsed as JSON. NULL if such a
 * column does not parse (st->errmsg says so). */
json_t *db_row_object(struct store *st, struct db_stmt *stmt, const char *json_cols);
/* Steps stmt to the end, collecting db_row_object() rows into *out; releases stmt. */
int db_rows(struct store *st, struct db_stmt *stmt, const char *json_cols, json_t **out);
/* The first column of every row, as an array; releases stmt. */
int db_column(struct store *st, struct db_stmt *stmt, json_t **out);
/* The same for a query of one row: *out is that row; STORE_NOTFOUND (the
 * caller says what was not found) when there is none. */
int db_one(struct store *st, struct db_stmt *stmt, const char *json_cols, json_t **out);

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
/* The connection db_write's transactions run on: one per process for SQLite
 * (db.c says why), st itself for PostgreSQL. */
struct store *db_writer(struct store *st);

/* Applies every pending migration in one transaction (migrations.c). */
int migrations_apply(struct store *st);
/* The columns user_fetch reads, from "users u" (users.c). */
#define USER_COLUMNS "u.id, u.username, u.role, u.disabled, u.created_at, u.password_hash"
/* Steps a query selecting USER_COLUMNS into u (and the hash if asked for),
 * finalizes it; STORE_NOTFOUND without a row. */
int user_fetch(struct store *st, struct db_stmt *stmt, struct user *u, char **password_hash);
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

/* The engines, used by db.c only. Each file holds one engine's side of
 * every operation above: SQLite's (db_sqlite.c) and PostgreSQL's (db_pg.c). */
int lite_open(struct store *st, const char *path);
void lite_close(struct store *st);
int lite_prepare(struct store *st, struct db_stmt *s, int persistent);
int lite_bind(struct store *st, struct db_stmt *s, const struct db_param *p, int n);
int lite_step(struct store *st, struct db_stmt *s);
void lite_reset(struct db_stmt *s);
void lite_finalize(struct db_stmt *s);
int64_t lite_changes(struct store *st);
int lite_in_transaction(struct store *st);
int lite_stamp(struct store *st, struct store_stamp *out);

int pg_open(struct store *st, const char *conninfo);
void pg_close(struct store *st);
int pg_prepare(struct store *st, struct db_stmt *s, int persistent);
int pg_bind(struct store *st, struct db_stmt *s, const struct db_param *p, int n);
int pg_step(struct store *st, struct db_stmt *s);
void pg_reset(struct db_stmt *s);
void pg_finalize(struct db_stmt *s);
int64_t pg_changes(struct store *st);
int pg_in_transaction(struct store *st);
int pg_stamp(struct store *st, struct store_stamp *out);
/* Runs text of ours as it is (several statements, no parameters). */
int pg_run(struct store *st, const char *sql);
/* BEGIN for a write: also takes the lock every writer takes (db_pg.c). */
int pg_begin_write(struct store *st);
enum db_kind pg_col_kind(struct db_stmt *s, int col);
const char *pg_col_value(struct db_stmt *s, int col);
const void *pg_col_blob(struct db_stmt *s, int col, size_t *len);
size_t pg_col_bytes(struct db_stmt *s, int col);
int pg_col_count(struct db_stmt *s);
const char *pg_col_name(struct db_stmt *s, int col);

/* Our SQLite text in PostgreSQL's dialect (pg_sql.c): ?N becomes $N, and
 * the few SQLite functions and clauses we use become theirs. Returns a new
 * string, or NULL with why in err when the text holds a form it does not
 * know. */
char *pg_sql_translate(const char *sql, char *err, size_t errlen);

#endif
