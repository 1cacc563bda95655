#include "broker/postgres.h"

#include <arpa/inet.h>
#include <math.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "broker/db_request.h"
#include "broker/egress.h"
#include "strbuf.h"

/* Type OIDs of the built-in types (pg_type.h), the ones read as JSON. */
enum {
	OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26, OID_JSON = 114,
	OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_JSONB = 3802,
};

/* The first address of host the policy allows, as text; 0 or -1 with why in err. */
static int checked_address(const struct egress_policy *p, const char *host, char *addr, size_t addrlen, char *err,
			   size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	rc = -1;
	for (struct addrinfo *a = res; a && rc < 0; a = a->ai_next) {
		if (egress_check_address(p, a->ai_addr, err, errlen) < 0)
			continue;
		const void *in = a->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
							 : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
		rc = inet_ntop(a->ai_family, in, addr, (socklen_t)addrlen) ? 0 : -1;
	}
	freeaddrinfo(res);
	return rc;
}

static PGconn *connect_to(const struct egress_policy *p, const json_t *account, long timeout_ms, char *err,
			  size_t errlen)
{
	const char *host = json_string_value(json_object_get(account, "host"));
	const char *dbname = json_string_value(json_object_get(account, "database"));
	const char *user = json_string_value(json_object_get(account, "user"));
	const char *password = json_string_value(json_object_get(account, "password"));
	const char *sslmode = json_string_value(json_object_get(account, "sslmode"));
	json_int_t port = json_integer_value(json_object_get(account, "port"));
	char addr[INET6_ADDRSTRLEN], port_text[24], connect_s[24], options[64];
	if (!host || !*host || host[0] == '/' || !dbname || !user) {
		snprintf(err, errlen, "the PostgreSQL credential needs \"host\" (a name or address: no socket paths), "
			 "\"database\" and \"user\"");
		return NULL;
	}
	if (sslmode && strcmp(sslmode, "disable") && strcmp(sslmode, "prefer") && strcmp(sslmode, "require") &&
	    strcmp(sslmode, "verify-ca") && strcmp(sslmode, "verify-full")) {
		snprintf(err, errlen, "the account's \"sslmode\" must be disable, prefer, require, verify-ca or verify-full");
		return NULL;
	}
	if (checked_address(p, host, addr, sizeof addr, err, errlen) < 0)
		return NULL;
	snprintf(port_text, sizeof port_text, "%lld", (long long)(port > 0 && port < 65536 ? port : 5432));
	snprintf(connect_s, sizeof connect_s, "%ld", p->timeout_ms / 1000 > 2 ? p->timeout_ms / 1000 : 2);
	snprintf(options, sizeof options, "-c statement_timeout=%ld", timeout_ms);
	const char *keys[] = { "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "connect_timeout",
			       "options", "application_name", "sslrootcert", NULL };
	const char *values[] = { host, addr, port_text, dbname, user, password ? password : "",
				 sslmode ? sslmode : "prefer", connect_s, options, "axon",
				 p->ca_file[0] ? p->ca_file : NULL, NULL };
	PGconn *c = PQconnectdbParams(keys, values, 0);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "%s:%s: %s", host, port_text, c ? PQerrorMessage(c) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* A column's text as JSON by its type: numbers, booleans and JSON as such,
 * numeric as text (exact), everything else as text. */
static json_t *column_value(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return json_null();
	const char *v = PQgetvalue(res, row, col);
	switch (PQftype(res, col)) {
	case OID_BOOL:
		return json_boolean(v[0] == 't');
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return json_integer(strtoll(v, NULL, 10));
	case OID_FLOAT4:
	case OID_FLOAT8: {
		double d = strtod(v, NULL);
		return isfinite(d) ? json_real(d) : json_string(v); /* NaN and Infinity are not JSON */
	}
	case OID_JSON:
	case OID_JSONB: {
		json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
		return j ? j : json_string(v);
	}
	default:
		return json_string(v);
	}
}

/* The parameters as libpq's text values (NULL for null; JSON for objects and arrays). */
static int params_text(const json_t *params, char **texts, char *err, size_t errlen)
{
	size_t i;
	json_t *v;
	json_array_foreach(params, i, v) {
		if (json_is_null(v))
			texts[i] = NULL;
		else if (json_is_string(v))
			texts[i] = xstrdup(json_string_value(v));
		else if (json_is_true(v) || json_is_false(v))
			texts[i] = xstrdup(json_is_true(v) ? "true" : "false");
		else
			texts[i] = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!texts[i] && !json_is_null(v)) {
			snprintf(err, errlen, "parameter $%zu cannot be written out", i + 1);
			return -1;
		}
	}
	return 0;
}

json_t *pg_query(const struct egress_policy *p, const json_t *account, const json_t *query, char *err, size_t errlen)
{
	const char *sql = json_string_value(json_object_get(query, "statement"));
	const json_t *params = json_object_get(query, "params");
	json_int_t max_rows, timeout;
	if (db_request_check(p, query, &max_rows, &timeout, err, errlen) < 0)
		return NULL;
	size_t n = json_array_size(params);
	char **texts = xcalloc(n + 1, sizeof *texts);
	json_t *rows = json_array(), *out = NULL;
	PGconn *c = NULL;
	bool more = false, failed = false;
	const char *command = "", *affected = "";
	char command_buf[64] = "", affected_buf[32] = "";
	if (params_text(params, texts, err, errlen) < 0 || !(c = connect_to(p, account, (long)timeout, err, errlen)))
		goto out;
	if (!PQsendQueryParams(c, sql, (int)n, NULL, (const char *const *)texts, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(c)) {
		snprintf(err, errlen, "%s", PQerrorMessage(c));
		failed = true;
	}
	/* One row at a time, so that max_rows bounds what is held; past it the
	 * statement is cancelled and what it says about that is not an error. */
	for (PGresult *res; !failed && (res = PQgetResult(c));) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE && (json_int_t)json_array_size(rows) < max_rows) {
			json_t *row = json_object();
			for (int col = 0; col < PQnfields(res); col++)
				json_object_set_new(row, PQfname(res, col), column_value(res, 0, col));
			json_array_append_new(rows, row);
		} else if (st == PGRES_SINGLE_TUPLE && !more) {
			more = true;
			PGcancel *cancel = PQgetCancel(c);
			char why[128];
			if (cancel)
				PQcancel(cancel, why, sizeof why);
			PQfreeCancel(cancel);
		} else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			snprintf(command_buf, sizeof command_buf, "%s", PQcmdStatus(res));
			snprintf(affected_buf, sizeof affected_buf, "%s", PQcmdTuples(res));
		} else if (st != PGRES_SINGLE_TUPLE && !more) {
			snprintf(err, errlen, "%s", PQresultErrorMessage(res));
			err[strcspn(err, "\n")] = '\0';
			failed = true;
		}
		PQclear(res);
	}
	if (failed)
		goto out;
	command = command_buf;
	affected = affected_buf;
	out = json_pack("{s:O, s:I, s:b, s:s}", "rows", rows, "count", (json_int_t)json_array_size(rows), "more", more,
			"command", *command ? command : "SELECT");
	if (*affected)
		json_object_set_new(out, "affected", json_integer(strtoll(affected, NULL, 10)));
out:
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	json_decref(rows);
	PQfinish(c);
	return out;
}
