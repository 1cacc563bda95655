/* The tokens a workflow's language model calls used, per day, from the usage
 * lines the broker writes in its steps' logs ({"usage": {"tokens_in",
 * "tokens_out", "model"}}). Reads the logs with SQLite's JSON functions: a
 * SQLite-only query, in this one place. */
#include "db.h"

int store_workflow_token_days(struct store *st, int64_t workflow_id, int64_t since, json_t **out)
{
	sqlite3_stmt *s;
	int rc = db_prepare(st, &s,
	                    "SELECT date(r.created_at / 1000, 'unixepoch') AS day,"
	                    " coalesce(sum(json_extract(l.value, '$.usage.tokens_in')), 0) AS tokens_in,"
	                    " coalesce(sum(json_extract(l.value, '$.usage.tokens_out')), 0) AS tokens_out"
	                    " FROM runs r JOIN steps s ON s.run_id = r.id, json_each(s.logs) l"
	                    " WHERE r.workflow_id = ?1 AND r.created_at >= ?2 AND json_valid(s.logs)"
	                    " AND json_type(l.value, '$.usage') = 'object'"
	                    " GROUP BY day ORDER BY day DESC", "ii", workflow_id, since);
	return rc == STORE_OK ? db_rows(st, s, "", out) : rc;
}
