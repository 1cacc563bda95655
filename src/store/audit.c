/* The audit log: who changed what, written in the same transaction as the
 * change, so the log and the data never disagree. */
#include <stdio.h>
#include <time.h>

#include "db.h"

int audit_add(struct store *st, int64_t actor, const char *action, const char *target_kind, int64_t target_id,
	      const char *detail)
{
	char target[64];
	if (target_kind)
		snprintf(target, sizeof target, "%s:%lld", target_kind, (long long)target_id);
	return db_exec(st, "INSERT INTO audit_log (at, user_id, action, target, detail)"
		       " VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5)",
		       "iittt", (int64_t)time(NULL), actor, action, target_kind ? target : NULL, detail);
}

int store_audit_list(struct store *st, int limit, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT a.at, u.username, a.action, a.target, a.detail"
			    " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT ?1",
			    "n", limit);
	if (rc != STORE_OK)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(st, stmt)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s?, s:s, s:s?, s:s?}",
						      "at", (json_int_t)db_col_int64(stmt, 0),
						      "user", db_col_text(stmt, 1),
						      "action", db_col_text(stmt, 2),
						      "target", db_col_text(stmt, 3),
						      "detail", db_col_text(stmt, 4)));
	db_release(st, stmt);
	if (rc != STORE_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return STORE_OK;
}
