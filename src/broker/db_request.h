/* What the db service's two engines (postgres.c, sqlite_query.c) check the
 * same way in a query from a block: {"statement", "params": [...],
 * "max_rows", "timeout_ms"}. */
#ifndef AXON_BROKER_DB_REQUEST_H
#define AXON_BROKER_DB_REQUEST_H
#include <stddef.h>

#include <jansson.h>

#define DB_PARAMS_MAX 100
#define DB_ROWS_DEFAULT 1000
#define DB_ROWS_MAX 100000

struct egress_policy;

/* Checks the query; sets *max_rows (the default when not given) and
 * *timeout_ms (at most the policy's); 0, or -1 with a sentence in err. */
int db_request_check(const struct egress_policy *p, const json_t *query, json_int_t *max_rows, json_int_t *timeout_ms,
		     char *err, size_t errlen);

#endif
