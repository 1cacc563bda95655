/* The tokens a workflow's language model calls used, per day, from the usage
 * lines the broker writes in its steps' logs ({"usage": {"tokens_in",
 * "tokens_out", "model"}}), read with each engine's JSON functions. */
#include "db.h"

int store_workflow_token_days(struct store *st, int64_t workflow_id, int64_t since, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare(st, &s, DB_SQL(st,
	                    "SELECT date(r.created_at / 1000, 'unixepoch') AS day,"
	                    " coalesce(sum(json_extract(l.value, '$.usage.tokens_in')), 0) AS tokens_in,"
	                    " coalesce(sum(json_extract(l.value, '$.usage.tokens_out')), 0) AS tokens_out"
	                    " FROM runs r JOIN steps s ON s.run_id = r.id, json_each(s.logs) l"
	                    " WHERE r.workflow_id = ?1 AND r.created_at >= ?2 AND json_valid(s.logs)"
	                    " AND json_type(l.value, '$.usage') = 'object'"
	                    " GROUP BY day ORDER BY day DESC",
	                    "SELECT to_char(to_timestamp(r.created_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,"
	                    " coalesce(sum(CAST(l.value #>> '{usage,tokens_in}' AS BIGINT)), 0) AS tokens_in,"
	                    " coalesce(sum(CAST(l.value #>> '{usage,tokens_out}' AS BIGINT)), 0) AS tokens_out"
	                    " FROM runs r JOIN steps s ON s.run_id = r.id,"
	                    " jsonb_array_elements(CASE WHEN jsonb_typeof(CAST(s.logs AS jsonb)) = 'array'"
	                    " THEN CAST(s.logs AS jsonb) ELSE '[]' END) l"
	                    " WHERE r.workflow_id = ?1 AND r.created_at >= ?2"
	                    " AND jsonb_typeof(l.value -> 'usage') = 'object'"
	                    " GROUP BY day ORDER BY day DESC"), "ii", workflow_id, since);
	return rc == STORE_OK ? db_rows(st, s, "", out) : rc;
}
