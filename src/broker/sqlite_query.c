#include "broker/sqlite_query.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "binary.h"
#include "broker/db_request.h"
#include "broker/egress.h"
#include "clock.h"

/* Whether the file at real (a resolved path) is one of list's entries, or
 * inside one of its directories. */
static bool listed(const char *list, const char *real)
{
	char entry[PATH_MAX], resolved[PATH_MAX];
	for (const char *at = list; *at;) {
		size_t n = strcspn(at, " \t");
		if (n && n < sizeof entry) {
			memcpy(entry, at, n);
			entry[n] = '\0';
			struct stat st;
			if (realpath(entry, resolved) && stat(resolved, &st) == 0) {
				size_t k = strlen(resolved);
				if (S_ISDIR(st.st_mode) ? !strncmp(real, resolved, k) && real[k] == '/' : !strcmp(real, resolved))
					return true;
			}
		}
		at += n;
		at += strspn(at, " \t");
	}
	return false;
}

/* Only the file opened: no ATTACH (nor VACUUM INTO, which attaches), whatever the statement says. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)arg, (void)a, (void)b, (void)c, (void)d;
	return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

static int past_deadline(void *deadline)
{
	return mono_ms() > *(int64_t *)deadline;
}

static int bind_params(sqlite3_stmt *st, const json_t *params, char *err, size_t errlen)
{
	size_t i;
	json_t *v;
	json_array_foreach(params, i, v) {
		int at = (int)i + 1, rc;
		if (json_is_null(v))
			rc = sqlite3_bind_null(st, at);
		else if (json_is_boolean(v))
			rc = sqlite3_bind_int(st, at, json_is_true(v));
		else if (json_is_integer(v))
			rc = sqlite3_bind_int64(st, at, json_integer_value(v));
		else if (json_is_real(v))
			rc = sqlite3_bind_double(st, at, json_real_value(v));
		else if (json_is_string(v))
			rc = sqlite3_bind_text(st, at, json_string_value(v), (int)json_string_length(v), SQLITE_TRANSIENT);
		else {
			char *text = json_dumps(v, JSON_COMPACT); /* objects and lists as JSON, for json_extract() */
			rc = text ? sqlite3_bind_text(st, at, text, -1, free) : SQLITE_NOMEM;
		}
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "parameter ?%zu: %s (the statement has %d)", i + 1, sqlite3_errstr(rc),
				 sqlite3_bind_parameter_count(st));
			return -1;
		}
	}
	return 0;
}

static json_t *column_value(sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, col));
	case SQLITE_FLOAT: {
		double d = sqlite3_column_double(st, col);
		return isfinite(d) ? json_real(d) : json_string(d > 0 ? "Infinity" : d < 0 ? "-Infinity" : "NaN");
	}
	case SQLITE_TEXT:
		return json_stringn((const char *)sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col));
	case SQLITE_BLOB:
		return binary_new(sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), NULL, NULL);
	default:
		return json_null();
	}
}

/* The opened file for query's "sqlite", read-only unless db_sqlite_write lists it; NULL with err. */
static sqlite3 *open_allowed(const struct egress_policy *p, const char *path, bool *writable, char *err, size_t errlen)
{
	char real[PATH_MAX];
	if (!path || path[0] != '/') {
		snprintf(err, errlen, "\"sqlite\" must be the absolute path of a SQLite file that axon.conf allows "
			 "(db_sqlite_allow)");
		return NULL;
	}
	if (!realpath(path, real) || !(listed(p->sqlite_allow, real) || listed(p->sqlite_write, real))) {
		snprintf(err, errlen, "the SQLite file %.200s is not one axon.conf allows: an administrator may add it, "
			 "or its directory, to db_sqlite_allow (read only) or db_sqlite_write", path);
		return NULL;
	}
	*writable = listed(p->sqlite_write, real);
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(real, &db, (*writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) |
				 SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "the SQLite file %.200s cannot be opened: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_set_authorizer(db, authorize, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	return db;
}

/* What went wrong, for a person. */
static const char *why(sqlite3 *db, int rc)
{
	if ((rc & 0xff) == SQLITE_AUTH)
		return "a statement reaches only its own file: ATTACH and VACUUM INTO are refused";
	if ((rc & 0xff) == SQLITE_INTERRUPT)
		return "the statement ran past its time limit and was stopped";
	return sqlite3_errmsg(db);
}

/* The statement's first word in capitals, as PostgreSQL's command tag begins. */
static void command_of(const char *sql, char *out, size_t outlen)
{
	size_t n = 0;
	sql += strspn(sql, " \t\r\n(");
	while (n + 1 < outlen && isalpha((unsigned char)sql[n])) {
		out[n] = (char)toupper((unsigned char)sql[n]);
		n++;
	}
	out[n] = '\0';
}

json_t *sqlite_query(const struct egress_policy *p, const json_t *query, char *err, size_t errlen)
{
	const char *sql = json_string_value(json_object_get(query, "statement"));
	json_int_t max_rows, timeout;
	bool writable = false, more = false;
	if (db_request_check(p, query, &max_rows, &timeout, err, errlen) < 0)
		return NULL;
	sqlite3 *db = open_allowed(p, json_string_value(json_object_get(query, "sqlite")), &writable, err, errlen);
	if (!db)
		return NULL;
	int64_t deadline = mono_ms() + timeout;
	sqlite3_progress_handler(db, 1000, past_deadline, &deadline);
	sqlite3_busy_timeout(db, (int)(timeout < 5000 ? timeout : 5000));
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	json_t *rows = json_array(), *out = NULL;
	int rc = sqlite3_prepare_v3(db, sql, -1, 0, &st, &tail);
	if (rc != SQLITE_OK || !st) {
		snprintf(err, errlen, "%s", rc == SQLITE_OK ? "the statement is empty" : why(db, rc));
		goto out;
	}
	if (tail[strspn(tail, " \t\r\n;")]) {
		snprintf(err, errlen, "one statement at a time: the text goes on after it (%.40s)", tail);
		goto out;
	}
	if (!writable && !sqlite3_stmt_readonly(st)) {
		snprintf(err, errlen, "the SQLite file is read only for workflows (db_sqlite_allow): this statement would "
			 "change it; an administrator may list it in db_sqlite_write");
		goto out;
	}
	if (bind_params(st, json_object_get(query, "params"), err, errlen) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((json_int_t)json_array_size(rows) == max_rows) {
			more = true;
			break;
		}
		json_t *row = json_object();
		for (int col = 0; col < sqlite3_column_count(st); col++)
			json_object_set_new(row, sqlite3_column_name(st, col), column_value(st, col));
		json_array_append_new(rows, row);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", why(db, rc));
		goto out;
	}
	char command[32];
	command_of(sql, command, sizeof command);
	out = json_pack("{s:O, s:I, s:b, s:s}", "rows", rows, "count", (json_int_t)json_array_size(rows), "more", more,
			"command", command);
	if (!sqlite3_stmt_readonly(st))
		json_object_set_new(out, "affected", json_integer(sqlite3_changes64(db)));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	json_decref(rows);
	return out;
}
