/* Two-factor sign-in: each user's TOTP secret (sealed by the caller) with the
 * last time step used, and one-time recovery codes stored as SHA-256 hashes
 * (they are long random strings, so a plain hash is enough). */
#include <stdlib.h>
#include <time.h>

#include "db.h"

int store_2fa_get(struct store *st, int64_t user_id, char **sealed, int *confirmed)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT secret, confirmed_at IS NOT NULL FROM second_factors WHERE user_id = ?1",
			    "i", user_id);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		*sealed = db_col_strdup(stmt, 0);
		*confirmed = (int)db_col_int64(stmt, 1);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	db_release(st, stmt);
	return rc;
}

int store_2fa_status(struct store *st, int64_t user_id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT EXISTS (SELECT 1 FROM second_factors WHERE user_id = ?1"
			    " AND confirmed_at IS NOT NULL) AS enabled, (SELECT count(*) FROM recovery_codes"
			    " WHERE user_id = ?1 AND used_at IS NULL) AS recovery_codes_left", "i", user_id);
	if (rc != STORE_OK)
		return rc;
	rc = db_one(st, stmt, "", out);
	if (rc == STORE_OK)
		json_object_set_new(*out, "enabled", json_boolean(json_integer_value(json_object_get(*out, "enabled"))));
	return rc;
}

static int begin(struct store *st, int64_t user_id, const char *sealed)
{
	int64_t confirmed;
	int rc = db_int(st, &confirmed, "SELECT count(*) FROM second_factors WHERE user_id = ?1"
			" AND confirmed_at IS NOT NULL", "i", user_id);
	if (rc == STORE_OK && confirmed)
		return db_failf(st, STORE_CONFLICT, "two-factor sign-in is on already: turn it off first to enrol again");
	if (rc == STORE_OK)
		rc = db_exec(st, "INSERT INTO second_factors (user_id, secret, created_at) VALUES (?1, ?2, ?3)"
			     " ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,"
			     " confirmed_at = NULL, last_step = 0",
			     "iti", user_id, sealed, (int64_t)time(NULL));
	return rc;
}

int store_2fa_begin(struct store *st, int64_t user_id, const char *sealed)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, begin(st, user_id, sealed));
	return rc;
}

static int confirm(struct store *st, int64_t user_id, uint64_t step, const char *const code_hashes[RECOVERY_CODES])
{
	int rc = db_exec(st, "UPDATE second_factors SET confirmed_at = ?2, last_step = ?3"
			 " WHERE user_id = ?1 AND confirmed_at IS NULL", "iii", user_id, (int64_t)time(NULL), (int64_t)step);
	if (rc == STORE_OK && db_changes(st) == 0)
		return db_failf(st, STORE_NOTFOUND, "there is no enrolment waiting for a code: start again");
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM recovery_codes WHERE user_id = ?1", "i", user_id);
	for (int i = 0; rc == STORE_OK && i < RECOVERY_CODES; i++)
		rc = db_exec(st, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)", "it", user_id,
			     code_hashes[i]);
	return rc == STORE_OK ? audit_add(st, user_id, "2fa.enable", "user", user_id, NULL) : rc;
}

int store_2fa_confirm(struct store *st, int64_t user_id, uint64_t step, const char *const code_hashes[RECOVERY_CODES])
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, confirm(st, user_id, step, code_hashes));
	return rc;
}

int store_2fa_use_step(struct store *st, int64_t user_id, uint64_t step)
{
	/* One statement: two requests with the same code cannot both pass. */
	int rc = db_exec(st, "UPDATE second_factors SET last_step = ?2 WHERE user_id = ?1"
			 " AND confirmed_at IS NOT NULL AND last_step < ?2", "ii", user_id, (int64_t)step);
	if (rc == STORE_OK && db_changes(st) == 0)
		return db_failf(st, STORE_CONFLICT, "this code was used already: wait for the next one");
	return rc;
}

static int use_recovery(struct store *st, int64_t user_id, const char *code_hash)
{
	int rc = db_exec(st, "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2"
			 " AND used_at IS NULL", "iti", user_id, code_hash, (int64_t)time(NULL));
	if (rc == STORE_OK && db_changes(st) == 0)
		return db_failf(st, STORE_NOTFOUND, "no such recovery code, or it was used already");
	return rc == STORE_OK ? audit_add(st, user_id, "2fa.recovery_code_used", "user", user_id, NULL) : rc;
}

int store_2fa_use_recovery(struct store *st, int64_t user_id, const char *code_hash)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, use_recovery(st, user_id, code_hash));
	return rc;
}

static int remove_factor(struct store *st, int64_t actor, int64_t user_id)
{
	int rc = db_exec(st, "DELETE FROM second_factors WHERE user_id = ?1", "i", user_id);
	if (rc == STORE_OK && db_changes(st) == 0)
		return db_failf(st, STORE_NOTFOUND, "this user has no second factor");
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM recovery_codes WHERE user_id = ?1", "i", user_id);
	if (rc == STORE_OK)
		rc = audit_add(st, actor, actor == user_id ? "2fa.disable" : "2fa.reset", "user", user_id, NULL);
	return rc;
}

int store_2fa_remove(struct store *st, int64_t actor, int64_t user_id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, remove_factor(st, actor, user_id));
	return rc;
}
