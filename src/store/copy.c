/* A SQLite database copied whole into an empty PostgreSQL one (axonctl
 * migrate): in one transaction on the target, read from one snapshot of the
 * source, every table in an order its foreign keys accept, the identities
 * moved past the ids copied, and every table's rows counted on both sides
 * before the commit. The statements name our own tables and the columns the
 * source reports for them; the values are always bound. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strbuf.h"

/* The tables copied, parents before children. */
static const struct table {
	const char *name;
	const char *order;  /* the source's rows in this order, or NULL */
	int identity;       /* its id is an identity on PostgreSQL (migrations_pg.c) */
} tables[] = {
	{ "users", NULL, 1 },
	/* workflows' key to its current version is checked at the commit. */
	{ "workflows", NULL, 1 },
	{ "workflow_versions", NULL, 0 },
	{ "workflow_tags", NULL, 0 },
	{ "audit_log", NULL, 1 },
	{ "login_failures", NULL, 1 },
	{ "sessions", NULL, 0 },
	{ "api_tokens", NULL, 1 },
	/* A run's parent_run_id names an earlier run. */
	{ "runs", "id", 1 },
	{ "steps", NULL, 0 },
	{ "dead_letters", NULL, 1 },
	{ "webhooks", NULL, 0 },
	{ "deliveries", NULL, 1 },
	{ "replay_keys", NULL, 0 },
	{ "schedule_ticks", NULL, 0 },
	{ "run_stats", NULL, 0 },
	{ "run_duration_stats", NULL, 0 },
	{ "step_days", NULL, 0 },
	{ "credentials", NULL, 1 },
	{ "credential_shares", NULL, 0 },
	{ "credential_uses", NULL, 0 },
	{ "poll_seen", NULL, 0 },
	{ "second_factors", NULL, 0 },
	{ "recovery_codes", NULL, 0 },
	{ "knowledge_bases", NULL, 1 },
	{ "kb_documents", NULL, 1 },
	{ "kb_chunks", NULL, 1 },
	{ "block_artifacts", NULL, 0 },
};
#define N_TABLES (sizeof tables / sizeof tables[0])

/* Made alike by both engines' migrations: compared, not copied. */
static const struct constant {
	const char *table, *column;
} constants[] = { { "duration_buckets", "le_ms" }, { "stat_spans", "hours" } };
#define N_CONSTANTS (sizeof constants / sizeof constants[0])

/* Its single row is set to the source's value. */
#define FLOOR_TABLE "workflow_id_floor"

/* The source's error, told by the target (store_copy's caller reads it there). */
static int source_failed(struct store *to, struct store *from, int rc)
{
	return db_failf(to, rc, "cannot read %s: %s", from->path, from->errmsg);
}

static int known_table(const char *name)
{
	for (size_t i = 0; i < N_TABLES; i++)
		if (!strcmp(tables[i].name, name))
			return 1;
	for (size_t i = 0; i < N_CONSTANTS; i++)
		if (!strcmp(constants[i].table, name))
			return 1;
	return !strcmp(name, FLOOR_TABLE);
}

/* A table added by a later migration and not listed here would be left
 * behind without a word: refused instead. */
static int check_source_tables(struct store *from, struct store *to)
{
	struct db_stmt *s;
	int rc = db_prepare(from, &s, "SELECT name FROM sqlite_master WHERE type = 'table'"
			    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", "");
	if (rc != STORE_OK)
		return source_failed(to, from, rc);
	while ((rc = db_step(from, s)) == DB_ROW && known_table(db_col_text(s, 0)))
		;
	if (rc == DB_ROW)
		rc = db_failf(to, STORE_ERROR, "%s has a table %s that this axonctl does not know how to copy: "
			      "use the axonctl of the axond that made it", from->path, db_col_text(s, 0));
	else if (rc != STORE_OK)
		rc = source_failed(to, from, rc);
	db_release(from, s);
	return rc;
}

static int count_rows(struct store *st, const char *table, int64_t *n)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return db_int(st, n, sql, "");
}

static int check_empty(struct store *to)
{
	for (size_t i = 0; i < N_TABLES; i++) {
		int64_t n;
		int rc = count_rows(to, tables[i].name, &n);
		if (rc != STORE_OK)
			return rc;
		if (n)
			return db_failf(to, STORE_CONFLICT, "%s is not empty: its table %s holds %" PRId64 " row%s; the "
					"target must be an empty database (create a new one with CREATE DATABASE)",
					to->path, tables[i].name, n, n == 1 ? "" : "s");
	}
	return STORE_OK;
}

/* INSERT INTO table (columns the source reports) VALUES (?1, ...). */
static int insert_sql(struct store *to, struct db_stmt *src, const char *table, struct strbuf *sql)
{
	int n = db_col_count(src);
	if (n > DB_MAX_PARAMS)
		return db_failf(to, STORE_ERROR, "internal error: %s has more than %d columns", table, DB_MAX_PARAMS);
	sb_printf(sql, "INSERT INTO %s (", table);
	for (int c = 0; c < n; c++) {
		const char *name = db_col_name(src, c);
		for (const char *p = name; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				return db_failf(to, STORE_ERROR, "the table %s has a column named '%s', which Axon never "
						"makes", table, name);
		sb_printf(sql, "%s%s", c ? ", " : "", name);
	}
	sb_adds(sql, ") VALUES (");
	for (int c = 0; c < n; c++)
		sb_printf(sql, "%s?%d", c ? ", " : "", c + 1);
	sb_addc(sql, ')');
	return STORE_OK;
}

/* The current row's values as parameters; a real goes as its text. */
static void row_params(struct db_stmt *src, struct db_param *p, char reals[][32])
{
	for (int c = 0, n = db_col_count(src); c < n; c++) {
		p[c] = (struct db_param){ .type = 't' };
		switch (db_col_kind(src, c)) {
		case DB_NULL: break;
		case DB_INTEGER: p[c].type = 'i', p[c].i = db_col_int64(src, c); break;
		case DB_REAL:
			snprintf(reals[c], sizeof reals[c], "%.17g", db_col_double(src, c));
			p[c].p = reals[c];
			break;
		case DB_BLOB:
			p[c].type = 'b';
			p[c].p = db_col_blob(src, c, &p[c].len);
			if (!p[c].len)
				p[c].p = ""; /* SQLite's empty blob has no address */
			break;
		default: p[c].p = db_col_text(src, c);
		}
	}
}

static int copy_table(struct store *from, struct store *to, const struct table *t, int64_t *rows)
{
	char select[128];
	snprintf(select, sizeof select, "SELECT * FROM %s%s%s", t->name, t->order ? " ORDER BY " : "",
		 t->order ? t->order : "");
	struct db_stmt *src;
	int rc = db_prepare(from, &src, select, "");
	if (rc != STORE_OK)
		return source_failed(to, from, rc);
	struct strbuf insert = STRBUF_INIT;
	*rows = 0;
	for (;;) {
		if ((rc = db_step(from, src)) != DB_ROW) {
			if (rc != STORE_OK)
				rc = source_failed(to, from, rc);
			break;
		}
		struct db_param p[DB_MAX_PARAMS];
		char reals[DB_MAX_PARAMS][32];
		if (!insert.len && (rc = insert_sql(to, src, t->name, &insert)) != STORE_OK)
			break;
		row_params(src, p, reals);
		if ((rc = db_exec_params(to, insert.data, p, db_col_count(src))) != STORE_OK) {
			char why[sizeof to->errmsg];
			snprintf(why, sizeof why, "%s", to->errmsg);
			db_failf(to, rc, "cannot copy row %" PRId64 " of the table %s: %s", *rows + 1, t->name, why);
			break;
		}
		++*rows;
	}
	db_release(from, src);
	sb_free(&insert);
	return rc;
}

/* New rows get ids past every copied one. setval ignores a NULL max. */
static int move_identities(struct store *to)
{
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < N_TABLES; i++) {
		if (!tables[i].identity)
			continue;
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s",
			 tables[i].name, tables[i].name);
		rc = db_exec(to, sql, "");
	}
	return rc;
}

static int copy_floor(struct store *from, struct store *to)
{
	int64_t floor;
	int rc = db_int(from, &floor, "SELECT id FROM " FLOOR_TABLE, "");
	if (rc != STORE_OK)
		return source_failed(to, from, rc);
	return db_exec(to, "UPDATE " FLOOR_TABLE " SET id = ?1", "i", floor);
}

/* A column's values in order, as one text. */
static int column_text(struct store *st, const struct constant *k, struct strbuf *out)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY 1", k->column, k->table);
	struct db_stmt *s;
	int rc = db_prepare(st, &s, sql, "");
	if (rc != STORE_OK)
		return rc;
	while ((rc = db_step(st, s)) == DB_ROW)
		sb_printf(out, "%" PRId64 " ", db_col_int64(s, 0));
	db_release(st, s);
	return rc;
}

static int compare_constants(struct store *from, struct store *to)
{
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < N_CONSTANTS; i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		if ((rc = column_text(from, &constants[i], &a)) != STORE_OK)
			rc = source_failed(to, from, rc);
		else if ((rc = column_text(to, &constants[i], &b)) == STORE_OK && strcmp(sb_str(&a), sb_str(&b)))
			rc = db_failf(to, STORE_CORRUPT, "the table %s differs between %s and %s, where both schemas "
				      "make it alike: nothing was copied", constants[i].table, from->path, to->path);
		sb_free(&a);
		sb_free(&b);
	}
	return rc;
}

/* Every copied table, and the floor, has as many rows on both sides. */
static int compare_counts(struct store *from, struct store *to)
{
	for (size_t i = 0; i <= N_TABLES; i++) {
		const char *name = i < N_TABLES ? tables[i].name : FLOOR_TABLE;
		int64_t a, b;
		int rc = count_rows(from, name, &a);
		if (rc != STORE_OK)
			return source_failed(to, from, rc);
		if ((rc = count_rows(to, name, &b)) != STORE_OK)
			return rc;
		if (a != b)
			return db_failf(to, STORE_CORRUPT, "the table %s has %" PRId64 " rows in %s but %" PRId64
					" in %s after the copy: nothing was kept", name, a, from->path, b, to->path);
	}
	return STORE_OK;
}

static int copy_all(struct store *from, struct store *to, store_copy_progress *progress, void *arg)
{
	int rc = check_source_tables(from, to);
	if (rc == STORE_OK)
		rc = check_empty(to);
	if (rc == STORE_OK)
		rc = compare_constants(from, to);
	for (size_t i = 0; rc == STORE_OK && i < N_TABLES; i++) {
		int64_t rows;
		rc = copy_table(from, to, &tables[i], &rows);
		if (rc == STORE_OK && progress)
			progress(tables[i].name, rows, arg);
	}
	if (rc == STORE_OK)
		rc = copy_floor(from, to);
	if (rc == STORE_OK)
		rc = move_identities(to);
	return rc == STORE_OK ? compare_counts(from, to) : rc;
}

int store_copy(struct store *from, struct store *to, store_copy_progress *progress, void *arg)
{
	if (from->pg || !to->pg)
		return db_failf(to, STORE_ERROR, "a copy goes from a SQLite file to a PostgreSQL database, not from %s "
				"to %s", from->path, to->path);
	int rc = db_begin_read(from);
	if (rc != STORE_OK)
		return source_failed(to, from, rc);
	if ((rc = db_begin(to)) == STORE_OK)
		rc = db_finish(to, copy_all(from, to, progress, arg));
	db_finish(from, STORE_OK); /* a read: nothing to keep or undo */
	return rc;
}

/* Cuts s[from, to). */
static void cut(char *s, size_t from, size_t to)
{
	memmove(s + from, s + to, strlen(s + to) + 1);
}

/* A URI's password: in its user part (user:password@) and as a parameter. */
static void uri_without_password(char *s)
{
	char *auth = strstr(s, "://") + 3;
	size_t len = strcspn(auth, "/?");
	char *at = NULL;
	for (char *p = auth; p < auth + len; p++)
		if (*p == '@')
			at = p;
	char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon)
		cut(s, (size_t)(colon - s), (size_t)(at - s));
	char *query = strchr(s, '?');
	for (char *p = query ? query + 1 : NULL; p && *p;) {
		size_t n = strcspn(p, "&");
		if (strncmp(p, "password=", 9)) {
			p += n + (p[n] == '&');
		} else if (p[n] == '&') {
			cut(s, (size_t)(p - s), (size_t)(p + n + 1 - s));
		} else {
			cut(s, (size_t)(p - 1 - s), (size_t)(p + n - s)); /* the last: its separator goes too */
			break;
		}
	}
}

/* A connection string's password = value pair (the value maybe quoted). */
static void conninfo_without_password(char *s)
{
	char *p = s;
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		char *key = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t keylen = (size_t)(p - key);
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			return; /* not a connection string libpq takes either */
		for (p++; isspace((unsigned char)*p); p++)
			;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else {
			while (*p && !isspace((unsigned char)*p))
				p++;
		}
		if (keylen == 8 && !strncmp(key, "password", 8)) {
			while (isspace((unsigned char)*p))
				p++;
			cut(s, (size_t)(key - s), (size_t)(p - s));
			p = key;
		}
	}
}

char *store_path_public(const char *path)
{
	char *s = xstrdup(path);
	if (!store_path_is_postgresql(s))
		return s;
	if (strstr(s, "://"))
		uri_without_password(s);
	else
		conninfo_without_password(s);
	return s;
}
