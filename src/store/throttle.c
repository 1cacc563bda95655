/* Login throttling: failed sign-ins counted per key ("user:NAME", "ip:ADDR")
 * over a window the caller chooses. */
#include "db.h"

/* Failures older than this count for no lockout window anyone configures:
 * they are dropped as new ones come, so that a password-guessing storm
 * cannot grow the file for ever. */
#define FAILURES_KEPT (30 * 86400)

int store_login_failures(struct store *st, const char *key, int64_t since, int *count)
{
	int64_t n;
	int rc = db_int(st, &n, "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2", "ti", key, since);
	if (rc == STORE_OK)
		*count = (int)n;
	return rc;
}

int store_login_failure_add(struct store *st, const char *key, int64_t now)
{
	int rc = db_begin(st);
	if (rc != STORE_OK)
		return rc;
	rc = db_exec(st, "DELETE FROM login_failures WHERE key = ?1 AND at < ?2", "ti", key, now - FAILURES_KEPT);
	if (rc == STORE_OK)
		rc = db_exec(st, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)", "ti", key, now);
	return db_finish(st, rc);
}

int store_login_failures_clear(struct store *st, const char *key)
{
	return db_exec(st, "DELETE FROM login_failures WHERE key = ?1", "t", key);
}
