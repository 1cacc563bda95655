/* The store on PostgreSQL, with libpq: one connection per struct store (so
 * one per thread), statements prepared once per connection with typed
 * parameters, results read whole, PostgreSQL's errors told as sentences for
 * a person, and a connection that comes back by itself when the database
 * returns (tried again with a growing pause, and said once in the log).
 *
 * Writers take one transaction-level advisory lock (pg_begin_write), so that
 * writes keep SQLite's meaning on every node: one write transaction at a time,
 * never a deadlock between two nodes' batches. docs/scale-out.md measures
 * what that costs and what comes next. */
#include <libpq-fe.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "strbuf.h"

#define WRITE_LOCK "4242424201" /* pg_advisory_xact_lock's key: Axon's writers */
#define RETRY_MIN_MS 250
#define RETRY_MAX_MS 30000
#define INT8OID 20
#define BYTEAOID 17

/* Monotonic ms when a connection of this process last came back. */
static _Atomic int64_t back_at;

struct pg_conn {
	PGconn *conn;
	int64_t changes;       /* rows the last statement changed */
	int64_t retry_at;      /* monotonic ms: when to try to connect again */
	int retry_ms;          /* the pause before the next try after that */
	int away;              /* the connection was lost and not yet back */
	int64_t lost_at;       /* monotonic ms: when it was last found away */
	unsigned generation;   /* counts reconnections: statements prepared before are gone */
	unsigned next_name;
};

struct pg_stmt {
	char *text;            /* the statement in PostgreSQL's dialect */
	char name[24];         /* when prepared on the connection (cached statements) */
	unsigned generation;   /* the connection's, when it was prepared; 0: not prepared */
	int nparams;
	unsigned int types[DB_MAX_PARAMS];
	const char *values[DB_MAX_PARAMS];
	int lengths[DB_MAX_PARAMS], formats[DB_MAX_PARAMS];
	char *owned[DB_MAX_PARAMS];
	PGresult *res;
	int row, rows, executed;
	unsigned char *blob;   /* the current bytea column, unescaped */
};

/* The database's name for messages: never its password. */
static char *describe(PGconn *c)
{
	struct strbuf sb = STRBUF_INIT;
	const char *host = PQhost(c);
	sb_printf(&sb, "the PostgreSQL database %s on %s", PQdb(c) ? PQdb(c) : "?",
		  host && *host == '/' ? "its unix socket" : host ? host : "?");
	if (host && *host != '/' && PQport(c) && *PQport(c))
		sb_printf(&sb, ":%s", PQport(c));
	return sb_detach(&sb);
}

/* libpq's message on one line, without its trailing newline. */
static void one_line(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : 0;
}

/* Says once in the log that the connection is lost. */
static void note_lost(struct store *st, const char *why)
{
	struct pg_conn *pg = st->pg;
	if (!pg->away) {
		pg->lost_at = mono_ms();
		char msg[400];
		snprintf(msg, sizeof msg, "%s", why);
		one_line(msg);
		log_warn("%s is away (%s): trying again by itself", st->path, msg);
	}
	pg->away = 1;
}

static int connection_lost(struct store *st, const char *why)
{
	note_lost(st, why);
	return db_failf(st, STORE_ERROR, "%s is away: Axon reconnects by itself when it is back; try again then",
			st->path);
}

/* libpq learns that the server closed an idle connection (it restarted, or
 * an administrator ended the session) only when a statement fails. The
 * socket tells before anything is sent: a store's connection never listens,
 * so anything readable while it is idle is the server's goodbye (its FATAL
 * message, or the end of the stream). */
static int closed_while_idle(PGconn *c)
{
	struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
	return p.fd < 0 || poll(&p, 1, 0) > 0;
}

/* Outside a transaction, a lost connection is made again (not more often
 * than the pause allows). */
static int usable(struct store *st)
{
	struct pg_conn *pg = st->pg;
	if (PQstatus(pg->conn) == CONNECTION_OK && !closed_while_idle(pg->conn))
		return STORE_OK;
	int64_t now = mono_ms();
	if (!pg->away) { /* noticed before anything was sent: reconnect at once */
		note_lost(st, PQstatus(pg->conn) == CONNECTION_OK ? "the server closed the connection while it was idle"
								  : PQerrorMessage(pg->conn));
		pg->retry_at = now;
		pg->retry_ms = 0;
	}
	/* Another thread's connection came back since this one was lost: the
	 * database is there, so this one need not wait out its pause. */
	if (now < pg->retry_at && atomic_load(&back_at) <= pg->lost_at)
		return db_failf(st, STORE_ERROR, "%s is away: Axon reconnects by itself when it is back; try again then",
				st->path);
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pg->retry_ms = pg->retry_ms ? (pg->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : pg->retry_ms * 2)
					    : RETRY_MIN_MS;
		pg->retry_at = now + pg->retry_ms;
		pg->lost_at = now; /* away still, whatever another thread saw before */
		return db_failf(st, STORE_ERROR, "%s is away: Axon reconnects by itself when it is back; try again then",
				st->path);
	}
	atomic_store(&back_at, now);
	log_info("%s is back", st->path);
	pg->away = 0;
	pg->retry_ms = 0;
	pg->generation++;
	return STORE_OK;
}

/* A failed result's SQLSTATE as a store_rc and a sentence. */
static int fail_result(struct store *st, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char what[300];
	snprintf(what, sizeof what, "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(st->pg->conn));
	one_line(what);
	if (PQstatus(st->pg->conn) != CONNECTION_OK || (state && !strncmp(state, "08", 2)))
		return connection_lost(st, what);
	if (!state)
		return db_failf(st, STORE_ERROR, "database error on %s: %s", st->path, what);
	if (!strcmp(state, "23503"))
		return db_failf(st, STORE_NOTFOUND, "a user or workflow this change refers to is gone "
				"(deleted meanwhile?): reload and try again");
	if (!strncmp(state, "23", 2))
		return db_failf(st, STORE_CONFLICT, "the change conflicts with data already in %s (%s)", st->path, what);
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") || !strcmp(state, "57014"))
		return db_failf(st, STORE_BUSY, "%s is busy (%s): try again", st->path, what);
	if (!strcmp(state, "53100"))
		return db_failf(st, STORE_FULL, "the disk holding %s is full: free space, nothing was written", st->path);
	if (!strcmp(state, "25006") || !strcmp(state, "42501"))
		return db_failf(st, STORE_READONLY, "%s refuses this change (%s): give the database user axond uses "
				"the rights of the database's owner", st->path, what);
	if (!strcmp(state, "XX001") || !strcmp(state, "XX002"))
		return db_failf(st, STORE_CORRUPT, "%s is damaged (%s): restore it from a backup", st->path, what);
	return db_failf(st, STORE_ERROR, "database error on %s: %s", st->path, what);
}

int pg_open(struct store *st, const char *conninfo)
{
	st->pg = xcalloc(1, sizeof *st->pg);
	st->pg->conn = PQconnectdb(conninfo);
	if (!st->pg->conn) {
		st->path = xstrdup("the PostgreSQL database");
		return db_failf(st, STORE_ERROR, "cannot reach the PostgreSQL database: out of memory");
	}
	st->path = describe(st->pg->conn);
	if (PQstatus(st->pg->conn) != CONNECTION_OK) {
		char what[400];
		snprintf(what, sizeof what, "%s", PQerrorMessage(st->pg->conn));
		one_line(what);
		return db_failf(st, STORE_ERROR, "cannot connect to %s (%s): check `database` in axon.conf, that "
				"PostgreSQL runs, and the password file", st->path, what);
	}
	/* Our migrations say IF NOT EXISTS: their notices are not for the log. */
	return pg_run(st, "SET client_min_messages = warning");
}

void pg_close(struct store *st)
{
	if (st->pg)
		PQfinish(st->pg->conn);
	free(st->pg);
	st->pg = NULL;
}

int pg_prepare(struct store *st, struct db_stmt *s, int persistent)
{
	char err[200];
	char *text = pg_sql_translate(s->sql, err, sizeof err);
	if (!text)
		return db_failf(st, STORE_ERROR, "internal error: %s", err);
	s->pg = xcalloc(1, sizeof *s->pg);
	s->pg->text = text;
	s->sql_copy = xstrdup(s->sql);
	if (persistent)
		snprintf(s->pg->name, sizeof s->pg->name, "axon%u", ++st->pg->next_name);
	return STORE_OK;
}

int pg_bind(struct store *st, struct db_stmt *s, const struct db_param *p, int n)
{
	struct pg_stmt *q = s->pg;
	(void)st;
	q->nparams = n;
	for (int i = 0; i < n; i++) {
		q->formats[i] = 0;
		q->lengths[i] = 0;
		switch (p[i].type) {
		case 'i': {
			char num[24];
			snprintf(num, sizeof num, "%lld", (long long)p[i].i);
			q->owned[i] = xstrdup(num);
			q->types[i] = INT8OID;
			break;
		}
		case 'b':
			q->owned[i] = xmalloc(p[i].len ? p[i].len : 1);
			memcpy(q->owned[i], p[i].p, p[i].len);
			q->lengths[i] = (int)p[i].len;
			q->formats[i] = 1;
			q->types[i] = BYTEAOID;
			break;
		default:
			/* A text's type is left to PostgreSQL, which takes the column's
			 * (citext where SQLite says NOCASE). */
			q->owned[i] = p[i].p ? xstrdup(p[i].p) : NULL;
			q->types[i] = 0;
		}
		q->values[i] = q->owned[i];
	}
	return STORE_OK;
}

static int check(struct store *st, PGresult *res)
{
	ExecStatusType status = PQresultStatus(res);
	if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
		const char *n = PQcmdTuples(res);
		st->pg->changes = n && *n ? strtoll(n, NULL, 10) : 0;
		return STORE_OK;
	}
	return fail_result(st, res);
}

static int execute(struct store *st, struct pg_stmt *q)
{
	struct pg_conn *pg = st->pg;
	int rc = PQtransactionStatus(pg->conn) == PQTRANS_IDLE || PQstatus(pg->conn) != CONNECTION_OK ? usable(st)
														   : STORE_OK;
	if (rc != STORE_OK)
		return rc;
	if (q->name[0] && q->generation != pg->generation + 1) {
		PGresult *res = PQprepare(pg->conn, q->name, q->text, q->nparams, q->types);
		rc = check(st, res);
		PQclear(res);
		if (rc != STORE_OK)
			return rc;
		q->generation = pg->generation + 1;
	}
	q->res = q->name[0] ? PQexecPrepared(pg->conn, q->name, q->nparams, q->values, q->lengths, q->formats, 0)
			    : PQexecParams(pg->conn, q->text, q->nparams, q->types, q->values, q->lengths, q->formats, 0);
	rc = check(st, q->res);
	q->executed = 1;
	q->row = -1;
	q->rows = rc == STORE_OK ? PQntuples(q->res) : 0;
	return rc;
}

int pg_step(struct store *st, struct db_stmt *s)
{
	struct pg_stmt *q = s->pg;
	if (!q->executed) {
		int rc = execute(st, q);
		if (rc != STORE_OK)
			return rc;
	}
	PQfreemem(q->blob);
	q->blob = NULL;
	return ++q->row < q->rows ? DB_ROW : STORE_OK;
}

void pg_reset(struct db_stmt *s)
{
	struct pg_stmt *q = s->pg;
	PQclear(q->res);
	q->res = NULL;
	q->executed = 0;
	PQfreemem(q->blob);
	q->blob = NULL;
	for (int i = 0; i < q->nparams; i++) {
		free(q->owned[i]);
		q->owned[i] = NULL;
	}
	q->nparams = 0;
}

void pg_finalize(struct db_stmt *s)
{
	if (!s->pg)
		return;
	pg_reset(s);
	free(s->pg->text);
	free(s->pg);
	free(s->sql_copy);
}

int64_t pg_changes(struct store *st)
{
	return st->pg->changes;
}

int pg_in_transaction(struct store *st)
{
	PGTransactionStatusType t = PQtransactionStatus(st->pg->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

int pg_run(struct store *st, const char *sql)
{
	int rc = PQtransactionStatus(st->pg->conn) == PQTRANS_IDLE || PQstatus(st->pg->conn) != CONNECTION_OK
		? usable(st) : STORE_OK;
	if (rc != STORE_OK)
		return rc;
	PGresult *res = PQexec(st->pg->conn, sql);
	rc = check(st, res);
	PQclear(res);
	return rc;
}

int pg_begin_write(struct store *st)
{
	return pg_run(st, "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK ")");
}

/* The snapshot names what this connection sees: any transaction that
 * commits anywhere moves it. */
int pg_stamp(struct store *st, struct store_stamp *out)
{
	struct db_stmt *s;
	int rc = db_prepare(st, &s, "SELECT pg_current_snapshot()::text", "");
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, s);
	uint64_t h = 1469598103934665603ULL;
	if (rc == DB_ROW) {
		for (const char *p = db_col_text(s, 0); p && *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		rc = STORE_OK;
	}
	db_release(st, s);
	out->version = (int64_t)h;
	out->changes = 0;
	return rc;
}

enum db_kind pg_col_kind(struct db_stmt *s, int col)
{
	PGresult *r = s->pg->res;
	if (PQgetisnull(r, s->pg->row, col))
		return DB_NULL;
	switch (PQftype(r, col)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
	case 26: /* oid */
		return DB_INTEGER;
	case 700: /* float4 */
	case 701: /* float8 */
		return DB_REAL;
	case 1700: /* numeric: sum() of integers is one */
		return strchr(PQgetvalue(r, s->pg->row, col), '.') ? DB_REAL : DB_INTEGER;
	case BYTEAOID:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

const char *pg_col_value(struct db_stmt *s, int col)
{
	PGresult *r = s->pg->res;
	if (PQgetisnull(r, s->pg->row, col))
		return NULL;
	const char *v = PQgetvalue(r, s->pg->row, col);
	if (PQftype(r, col) == 16) /* a truth value reads as SQLite's 1 or 0 */
		return *v == 't' ? "1" : "0";
	return v;
}

const void *pg_col_blob(struct db_stmt *s, int col, size_t *len)
{
	struct pg_stmt *q = s->pg;
	*len = 0;
	if (PQgetisnull(q->res, q->row, col))
		return NULL;
	PQfreemem(q->blob);
	q->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(q->res, q->row, col), len);
	return q->blob;
}

size_t pg_col_bytes(struct db_stmt *s, int col)
{
	return (size_t)PQgetlength(s->pg->res, s->pg->row, col);
}

int pg_col_count(struct db_stmt *s)
{
	return PQnfields(s->pg->res);
}

const char *pg_col_name(struct db_stmt *s, int col)
{
	return PQfname(s->pg->res, col);
}
