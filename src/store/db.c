/* The store's statements and transactions, the same for both engines: each
 * call goes to SQLite's side (db_sqlite.c) or PostgreSQL's (db_pg.c). */
#include "db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char *node_name; /* store_set_node */

int db_failf(struct store *st, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
	va_end(ap);
	return rc;
}

int store_path_is_postgresql(const char *path)
{
	/* A URI, or a libpq connection string ("host=... dbname=..."): a file
	 * name for SQLite has no '=' in practice and never these schemes. */
	return !strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11) ||
	       (strchr(path, '=') && !strchr(path, '/'));
}

static int collect(struct store *st, struct db_param *p, int *n, const char *types, va_list ap)
{
	for (*n = 0; *types; types++, (*n)++) {
		if (*n == DB_MAX_PARAMS)
			return db_failf(st, STORE_ERROR, "internal error: more than %d parameters", DB_MAX_PARAMS);
		struct db_param *q = &p[*n];
		q->type = *types;
		switch (*types) {
		case 'i': q->i = va_arg(ap, int64_t); break;
		case 'n': q->type = 'i', q->i = va_arg(ap, int); break;
		case 't': q->p = va_arg(ap, const char *); break;
		case 'b':
			q->p = va_arg(ap, const void *);
			q->len = va_arg(ap, size_t);
			break;
		default:
			return db_failf(st, STORE_ERROR, "internal error: bad parameter type '%c'", *types);
		}
	}
	return STORE_OK;
}

/* A free cached statement for sql, or a new one (cached when a slot is free). */
static int prepare_cached(struct store *st, struct db_stmt **out, const char *sql)
{
	struct db_stmt *slot = NULL;
	for (int i = 0; i < STMT_CACHE_SIZE; i++) {
		struct db_stmt *c = &st->cache[i];
		/* The text is compared too: a few statements are built in stack buffers. */
		if (c->sql == sql && !c->in_use && !strcmp(st->pg ? c->sql_copy : sqlite3_sql(c->lite), sql)) {
			c->in_use = 1;
			*out = c;
			return STORE_OK;
		}
		if (!c->sql && !slot)
			slot = c;
	}
	struct db_stmt *s = slot ? slot : xcalloc(1, sizeof *s);
	*s = (struct db_stmt){ .sql = sql, .in_use = 1, .cached = slot != NULL };
	int rc = st->pg ? pg_prepare(st, s, s->cached) : lite_prepare(st, s, s->cached);
	if (rc != STORE_OK) {
		if (slot)
			*slot = (struct db_stmt){ 0 };
		else
			free(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

void db_release(struct store *st, struct db_stmt *s)
{
	if (!s)
		return;
	if (s->cached) {
		st->pg ? pg_reset(s) : lite_reset(s);
		s->in_use = 0;
		return;
	}
	st->pg ? pg_finalize(s) : lite_finalize(s);
	free(s);
}

static int prepare_params(struct store *st, struct db_stmt **out, const char *sql, const struct db_param *p, int n)
{
	*out = NULL;
	int rc = n > DB_MAX_PARAMS ? db_failf(st, STORE_ERROR, "internal error: more than %d parameters", DB_MAX_PARAMS)
				   : prepare_cached(st, out, sql);
	if (rc != STORE_OK)
		return rc;
	rc = st->pg ? pg_bind(st, *out, p, n) : lite_bind(st, *out, p, n);
	if (rc != STORE_OK) {
		db_release(st, *out);
		*out = NULL;
	}
	return rc;
}

static int prepare_v(struct store *st, struct db_stmt **out, const char *sql, const char *types, va_list ap)
{
	struct db_param p[DB_MAX_PARAMS];
	int n;
	*out = NULL;
	int rc = collect(st, p, &n, types, ap);
	return rc == STORE_OK ? prepare_params(st, out, sql, p, n) : rc;
}

int db_prepare(struct store *st, struct db_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = prepare_v(st, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_step(struct store *st, struct db_stmt *s)
{
	return st->pg ? pg_step(st, s) : lite_step(st, s);
}

/* Runs a prepared statement to its end and gives it back. */
static int run_to_end(struct store *st, struct db_stmt *stmt)
{
	int rc;
	while ((rc = db_step(st, stmt)) == DB_ROW)
		;
	db_release(st, stmt);
	return rc;
}

int db_exec(struct store *st, const char *sql, const char *types, ...)
{
	struct db_stmt *stmt;
	va_list ap;
	va_start(ap, types);
	int rc = prepare_v(st, &stmt, sql, types, ap);
	va_end(ap);
	return rc == STORE_OK ? run_to_end(st, stmt) : rc;
}

int db_exec_params(struct store *st, const char *sql, const struct db_param *p, int n)
{
	struct db_stmt *stmt;
	int rc = prepare_params(st, &stmt, sql, p, n);
	return rc == STORE_OK ? run_to_end(st, stmt) : rc;
}

int db_int(struct store *st, int64_t *out, const char *sql, const char *types, ...)
{
	struct db_stmt *stmt;
	va_list ap;
	va_start(ap, types);
	int rc = prepare_v(st, &stmt, sql, types, ap);
	va_end(ap);
	if (rc != STORE_OK)
		return rc;
	*out = 0;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		*out = db_col_int64(stmt, 0);
		rc = STORE_OK;
	}
	db_release(st, stmt);
	return rc;
}

int64_t db_changes(struct store *st)
{
	return st->pg ? pg_changes(st) : lite_changes(st);
}

int db_in_transaction(struct store *st)
{
	return st->pg ? pg_in_transaction(st) : lite_in_transaction(st);
}

int store_stamp(struct store *st, struct store_stamp *out)
{
	out->conn = st->serial;
	return st->pg ? pg_stamp(st, out) : lite_stamp(st, out);
}

/* Columns. SQLite's come as they are; PostgreSQL's are text, read as the
 * kind its column type names. */
enum db_kind db_col_kind(struct db_stmt *s, int col)
{
	if (s->pg)
		return pg_col_kind(s, col);
	switch (sqlite3_column_type(s->lite, col)) {
	case SQLITE_NULL: return DB_NULL;
	case SQLITE_INTEGER: return DB_INTEGER;
	case SQLITE_FLOAT: return DB_REAL;
	case SQLITE_BLOB: return DB_BLOB;
	default: return DB_TEXT;
	}
}

int64_t db_col_int64(struct db_stmt *s, int col)
{
	if (!s->pg)
		return sqlite3_column_int64(s->lite, col);
	const char *v = pg_col_value(s, col);
	return !v ? 0 : *v == 't' ? 1 : strtoll(v, NULL, 10);
}

double db_col_double(struct db_stmt *s, int col)
{
	if (!s->pg)
		return sqlite3_column_double(s->lite, col);
	const char *v = pg_col_value(s, col);
	return v ? strtod(v, NULL) : 0;
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return s->pg ? pg_col_value(s, col) : (const char *)sqlite3_column_text(s->lite, col);
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *len)
{
	if (s->pg)
		return pg_col_blob(s, col, len);
	*len = (size_t)sqlite3_column_bytes(s->lite, col);
	return sqlite3_column_blob(s->lite, col);
}

size_t db_col_bytes(struct db_stmt *s, int col)
{
	return s->pg ? pg_col_bytes(s, col) : (size_t)sqlite3_column_bytes(s->lite, col);
}

int db_col_count(struct db_stmt *s)
{
	return s->pg ? pg_col_count(s) : sqlite3_column_count(s->lite);
}

const char *db_col_name(struct db_stmt *s, int col)
{
	return s->pg ? pg_col_name(s, col) : sqlite3_column_name(s->lite, col);
}

char *db_col_strdup(struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return v ? xstrdup(v) : NULL;
}

json_t *db_col_json(struct store *st, struct db_stmt *s, int col)
{
	const char *text = db_col_text(s, col);
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (!v)
		db_failf(st, STORE_CORRUPT, "%s holds a value that is not JSON, where Axon wrote JSON: "
			 "the database is damaged; restore it from a backup", st->path);
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

json_t *db_row_object(struct store *st, struct db_stmt *s, const char *json_cols)
{
	json_t *row = json_object();
	for (int i = 0, n = db_col_count(s); i < n; i++) {
		const char *name = db_col_name(s, i);
		json_t *v;
		switch (db_col_kind(s, i)) {
		case DB_NULL: v = json_null(); break;
		case DB_INTEGER: v = json_integer(db_col_int64(s, i)); break;
		case DB_REAL: v = json_real(db_col_double(s, i)); break;
		default:
			v = listed(json_cols, name) ? db_col_json(st, s, i) : json_string(db_col_text(s, i));
		}
		if (!v) {
			json_decref(row);
			return NULL;
		}
		json_object_set_new(row, name, v);
	}
	return row;
}

int db_rows(struct store *st, struct db_stmt *stmt, const char *json_cols, json_t **out)
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

int db_column(struct store *st, struct db_stmt *stmt, json_t **out)
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

int db_one(struct store *st, struct db_stmt *stmt, const char *json_cols, json_t **out)
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
	return st->pg ? pg_begin_write(st) : db_exec(st, "BEGIN IMMEDIATE", "");
}

int db_begin_read(struct store *st)
{
	/* PostgreSQL: one snapshot for the whole transaction, as SQLite's reads see. */
	return st->pg ? pg_run(st, "BEGIN ISOLATION LEVEL REPEATABLE READ") : db_exec(st, "BEGIN", "");
}

int db_finish(struct store *st, int rc)
{
	if (rc == STORE_OK) {
		rc = st->pg ? pg_run(st, "COMMIT") : db_exec(st, "COMMIT", "");
		if (rc == STORE_OK)
			return rc;
	}
	/* The engine may already have ended it by itself (SQLite on a full
	 * disk, PostgreSQL when the connection was lost). */
	if (db_in_transaction(st)) {
		char keep[sizeof st->errmsg];
		memcpy(keep, st->errmsg, sizeof keep);
		st->pg ? pg_run(st, "ROLLBACK") : sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		memcpy(st->errmsg, keep, sizeof keep);
	}
	return rc;
}

int db_open(struct store *st, const char *path)
{
	static atomic_ullong serials;
	st->serial = atomic_fetch_add(&serials, 1) + 1;
	st->node = node_name;
	return store_path_is_postgresql(path) ? pg_open(st, path) : lite_open(st, path);
}

static void store_free(struct store *st)
{
	for (int i = 0; i < STMT_CACHE_SIZE; i++)
		if (st->cache[i].sql)
			st->pg ? pg_finalize(&st->cache[i]) : lite_finalize(&st->cache[i]);
	wf_cache_free(st->wf_cache);
	session_cache_free(st->session_cache);
	st->pg ? pg_close(st) : lite_close(st);
	free(st->path);
	free(st);
}

/* The connection the group commit's leaders write SQLite on
 * (group_commit.c). A commit by one connection drops every other
 * connection's page cache: leaders taking turns on their own connections
 * read again the pages the one before had just written (strace under the
 * peer bench: 13 reads of a page per webhook run, 6 with one writer). One
 * writing connection per process keeps its pages. Opened by the first
 * write, closed with the last store of the process. */
static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;
static struct store *writer;
static unsigned stores_open;

struct store *db_writer(struct store *st)
{
	if (st->pg)
		return st;
	pthread_mutex_lock(&writer_mu);
	if (!writer) {
		struct store *w = xcalloc(1, sizeof *w);
		if (db_open(w, st->path) == STORE_OK)
			writer = w;
		else
			store_free(w); /* st writes, and says why if it cannot either */
	}
	struct store *w = writer && !strcmp(writer->path, st->path) ? writer : st;
	pthread_mutex_unlock(&writer_mu);
	w->busy_timeout_ms = st->busy_timeout_ms;
	return w;
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof *st);
	int rc = db_open(st, path);
	if (rc == STORE_OK)
		rc = migrations_apply(st);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "%s", st->errmsg);
		store_free(st);
		*out = NULL;
		return rc < 0 ? rc : STORE_ERROR;
	}
	pthread_mutex_lock(&writer_mu);
	stores_open++;
	pthread_mutex_unlock(&writer_mu);
	*out = st;
	return STORE_OK;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	store_free(st);
	pthread_mutex_lock(&writer_mu);
	struct store *w = --stores_open == 0 ? writer : NULL;
	if (w)
		writer = NULL;
	pthread_mutex_unlock(&writer_mu);
	if (w)
		store_free(w);
}

const char *store_errmsg(struct store *st)
{
	return st->errmsg;
}

void store_set_busy_timeout(struct store *st, int ms)
{
	st->busy_timeout_ms = ms;
}

void store_set_node(const char *node)
{
	free(node_name);
	node_name = node && *node ? xstrdup(node) : NULL;
}

int store_is_postgresql(struct store *st)
{
	return st->pg != NULL;
}
