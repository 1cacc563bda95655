#include "broker/db_request.h"

#include <stdio.h>

#include "broker/egress.h"

int db_request_check(const struct egress_policy *p, const json_t *query, json_int_t *max_rows, json_int_t *timeout_ms,
		     char *err, size_t errlen)
{
	const char *sql = json_string_value(json_object_get(query, "statement"));
	const json_t *params = json_object_get(query, "params");
	*max_rows = json_integer_value(json_object_get(query, "max_rows"));
	*timeout_ms = json_integer_value(json_object_get(query, "timeout_ms"));
	if (!sql || !*sql) {
		snprintf(err, errlen, "the query needs a \"statement\", with $1, $2... where its parameters go");
		return -1;
	}
	if (params && (!json_is_array(params) || json_array_size(params) > DB_PARAMS_MAX)) {
		snprintf(err, errlen, "\"params\" must be a list of at most %d values, for $1, $2...", DB_PARAMS_MAX);
		return -1;
	}
	if (*max_rows < 0 || *max_rows > DB_ROWS_MAX) {
		snprintf(err, errlen, "\"max_rows\" must be from 1 to %d", DB_ROWS_MAX);
		return -1;
	}
	if (!*max_rows)
		*max_rows = DB_ROWS_DEFAULT;
	if (*timeout_ms <= 0 || *timeout_ms > p->timeout_ms)
		*timeout_ms = p->timeout_ms;
	return 0;
}
