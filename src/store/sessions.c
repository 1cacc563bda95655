/* Browser sessions and API tokens. Only SHA-256 hashes of the tokens are
 * stored, so a copy of the database lets nobody sign in. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "strbuf.h"

static int create_session(struct store *st, const char *token_hash, int64_t user_id, int64_t expires_at, int pending)
{
	int64_t now = time(NULL);
	/* Sweep this user's expired sessions while we hold the write lock anyway. */
	int rc = db_exec(st, "DELETE FROM sessions WHERE user_id = ?1 AND expires_at <= ?2", "ii", user_id, now);
	if (rc == STORE_OK)
		rc = db_exec(st, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, pending)"
			     " VALUES (?1, ?2, ?3, ?4, ?5)", "tiiin", token_hash, user_id, now, expires_at, pending);
	/* A pending session is a password checked, not yet a sign-in. */
	if (rc == STORE_OK && !pending)
		rc = audit_add(st, user_id, "session.login", NULL, 0, NULL);
	return rc;
}

int store_session_create(struct store *st, const char *token_hash, int64_t user_id, int64_t expires_at)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, create_session(st, token_hash, user_id, expires_at, 0));
	return rc;
}

int store_session_create_pending(struct store *st, const char *token_hash, int64_t user_id, int64_t expires_at)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, create_session(st, token_hash, user_id, expires_at, 1));
	return rc;
}

int store_session_pending_user(struct store *st, const char *token_hash, int64_t now, struct user *u)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " USER_COLUMNS " FROM sessions s JOIN users u ON u.id = s.user_id"
			    " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.pending = 1 AND u.disabled = 0",
			    "ti", token_hash, now);
	return rc == STORE_OK ? user_fetch(st, stmt, u, NULL) : rc;
}

/* The last session found on this connection. It answers again only for the
 * same token in the same second while nothing at all was committed since
 * (store_stamp): signing out, revoking, disabling the user or changing the role
 * are commits, so they take effect on the very next request. */
struct session_cache {
	struct store_stamp stamp;
	int64_t now;
	char hash[65];
	struct user user;
};

void session_cache_free(struct session_cache *c)
{
	free(c);
}

int store_session_user(struct store *st, const char *token_hash, int64_t now, struct user *u)
{
	/* Taken before the lookup: a commit after it changes the stamp, and a
	 * commit before it is seen by the lookup. */
	struct store_stamp stamp;
	int rc = store_stamp(st, &stamp);
	if (rc != STORE_OK)
		return rc;
	struct session_cache *c = st->session_cache;
	if (c && c->now == now && store_stamp_equal(&c->stamp, &stamp) &&
	    !strcmp(c->hash, token_hash)) {
		*u = c->user;
		return STORE_OK;
	}
	if (c)
		c->hash[0] = '\0';
	struct db_stmt *stmt;
	rc = db_prepare(st, &stmt, "SELECT " USER_COLUMNS " FROM sessions s JOIN users u ON u.id = s.user_id"
			" WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.pending = 0 AND u.disabled = 0",
			"ti", token_hash, now);
	if (rc == STORE_OK)
		rc = user_fetch(st, stmt, u, NULL);
	if (rc == STORE_OK && strlen(token_hash) < sizeof c->hash) {
		if (!c)
			c = st->session_cache = xcalloc(1, sizeof *c);
		*c = (struct session_cache){ stamp, now, "", *u };
		strcpy(c->hash, token_hash);
	}
	return rc;
}

static int delete_session(struct store *st, const char *token_hash)
{
	int64_t user_id, pending = 0;
	int rc = db_int(st, &user_id, "SELECT user_id FROM sessions WHERE token_hash = ?1", "t", token_hash);
	if (rc == STORE_OK && user_id == 0)
		rc = db_failf(st, STORE_NOTFOUND, "no such session (signed out already)");
	if (rc == STORE_OK)
		rc = db_int(st, &pending, "SELECT pending FROM sessions WHERE token_hash = ?1", "t", token_hash);
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM sessions WHERE token_hash = ?1", "t", token_hash);
	if (rc == STORE_OK && !pending)
		rc = audit_add(st, user_id, "session.logout", NULL, 0, NULL);
	return rc;
}

int store_session_delete(struct store *st, const char *token_hash)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, delete_session(st, token_hash));
	return rc;
}

static int create_token(struct store *st, int64_t user_id, const char *name, const char *token_hash, int rate,
			int64_t *id)
{
	int rc = db_int(st, id, "INSERT INTO api_tokens (user_id, name, token_hash, created_at, rate_per_minute)"
			" VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0)) RETURNING id", "ittin", user_id, name, token_hash, (int64_t)time(NULL), rate);
	if (rc == STORE_CONFLICT)
		return db_failf(st, STORE_CONFLICT, "this token exists already: make a new token");
	if (rc != STORE_OK)
		return rc;
	return audit_add(st, user_id, "token.create", "token", *id, name);
}

int store_token_create_limited(struct store *st, int64_t user_id, const char *name, const char *token_hash,
			       int rate_per_minute, int64_t *id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, create_token(st, user_id, name, token_hash, rate_per_minute, id));
	return rc;
}

int store_token_create(struct store *st, int64_t user_id, const char *name, const char *token_hash, int64_t *id)
{
	return store_token_create_limited(st, user_id, name, token_hash, 0, id);
}

static int token_user(struct store *st, const char *token_hash, int64_t now, struct user *u, struct token_use *tok)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " USER_COLUMNS " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			    " WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0", "t", token_hash);
	if (rc == STORE_OK)
		rc = user_fetch(st, stmt, u, NULL);
	if (rc == STORE_OK && tok) {
		struct db_stmt *q;
		rc = db_prepare(st, &q, "SELECT id, coalesce(rate_per_minute, 0) FROM api_tokens WHERE token_hash = ?1",
				"t", token_hash);
		if (rc == STORE_OK) {
			rc = db_step(st, q);
			if (rc == DB_ROW) {
				*tok = (struct token_use){ db_col_int64(q, 0), (int)db_col_int64(q, 1) };
				rc = STORE_OK;
			} else if (rc == STORE_OK) {
				rc = STORE_NOTFOUND;
			}
			db_release(st, q);
		}
	}
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE api_tokens SET last_used_at = ?2 WHERE token_hash = ?1", "ti", token_hash, now);
	return rc;
}

int store_token_use(struct store *st, const char *token_hash, int64_t now, struct user *u, struct token_use *tok)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, token_user(st, token_hash, now, u, tok));
	return rc;
}

int store_token_user(struct store *st, const char *token_hash, int64_t now, struct user *u)
{
	return store_token_use(st, token_hash, now, u, NULL);
}

int store_token_list(struct store *st, int64_t user_id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT id, name, created_at, last_used_at, revoked_at IS NOT NULL, rate_per_minute"
			    " FROM api_tokens WHERE user_id = ?1 ORDER BY id DESC", "i", user_id);
	if (rc != STORE_OK)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(st, stmt)) == DB_ROW) {
		json_t *last = db_col_kind(stmt, 3) == DB_NULL ? json_null()
			: json_integer(db_col_int64(stmt, 3));
		json_t *rate = db_col_kind(stmt, 5) == DB_NULL ? json_null()
			: json_integer(db_col_int64(stmt, 5));
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:o, s:b, s:o}",
						      "id", (json_int_t)db_col_int64(stmt, 0),
						      "name", db_col_text(stmt, 1),
						      "created_at", (json_int_t)db_col_int64(stmt, 2),
						      "last_used_at", last, "revoked", (int)db_col_int64(stmt, 4),
						      "rate_per_minute", rate));
	}
	db_release(st, stmt);
	if (rc != STORE_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return STORE_OK;
}

static int revoke_token(struct store *st, int64_t user_id, int64_t token_id)
{
	int rc = db_exec(st, "UPDATE api_tokens SET revoked_at = ?3 WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL",
			 "iii", token_id, user_id, (int64_t)time(NULL));
	if (rc == STORE_OK && db_changes(st) == 0)
		return db_failf(st, STORE_NOTFOUND, "no such token among yours, or it is revoked already");
	return rc == STORE_OK ? audit_add(st, user_id, "token.revoke", "token", token_id, NULL) : rc;
}

int store_token_revoke(struct store *st, int64_t user_id, int64_t token_id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, revoke_token(st, user_id, token_id));
	return rc;
}

/* How long a session's last use may be out of date in the list. */
#define TOUCH_EVERY 60
/* The part of the token's hash that names a session in the list and its forms. */
#define SESSION_ID_CHARS 16

int store_session_touch(struct store *st, const char *token_hash, int64_t now, const char *addr, const char *agent)
{
	/* Read first: most requests change nothing, and a read takes no write lock. */
	int64_t stale;
	int rc = db_int(st, &stale, "SELECT count(*) FROM sessions WHERE token_hash = ?1 AND (last_used_at IS NULL"
			" OR last_used_at <= ?2 OR last_addr IS DISTINCT FROM ?3 OR last_agent IS DISTINCT FROM ?4)",
			"titt", token_hash, now - TOUCH_EVERY, addr, agent);
	if (rc == STORE_OK && stale)
		/* A request that began before the session was made (the sign-in itself) used it when it was made. */
		rc = db_exec(st, "UPDATE sessions SET last_used_at = max(?2, created_at), last_addr = ?3, last_agent = ?4"
			     " WHERE token_hash = ?1",
			     "titt", token_hash, now, addr, agent);
	return rc;
}

int store_session_list(struct store *st, int64_t user_id, int64_t now, const char *current_hash, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT substr(token_hash, 1, 16) AS id, created_at, expires_at,"
			    " coalesce(last_used_at, created_at) AS last_used_at, last_addr, last_agent,"
			    " token_hash = ?3 AS current FROM sessions WHERE user_id = ?1 AND expires_at > ?2"
			    " AND pending = 0 ORDER BY coalesce(last_used_at, created_at) DESC, created_at DESC",
			    "iit", user_id, now, current_hash);
	if (rc != STORE_OK)
		return rc;
	rc = db_rows(st, stmt, "", out);
	size_t i;
	json_t *s;
	if (rc == STORE_OK)
		json_array_foreach(*out, i, s) json_object_set_new(s, "current",
								  json_boolean(json_integer_value(json_object_get(s, "current"))));
	return rc;
}

static int end_session(struct store *st, int64_t user_id, const char *id)
{
	if (strlen(id) != SESSION_ID_CHARS || strspn(id, "0123456789abcdef") != SESSION_ID_CHARS)
		return db_failf(st, STORE_NOTFOUND, "no such session among yours");
	int rc = db_exec(st, "DELETE FROM sessions WHERE user_id = ?1 AND substr(token_hash, 1, 16) = ?2 AND pending = 0",
			 "it", user_id, id);
	if (rc == STORE_OK && db_changes(st) == 0)
		return db_failf(st, STORE_NOTFOUND, "no such session among yours (signed out already?)");
	return rc == STORE_OK ? audit_add(st, user_id, "session.end", NULL, 0, id) : rc;
}

int store_session_end(struct store *st, int64_t user_id, const char *id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, end_session(st, user_id, id));
	return rc;
}

static int end_others(struct store *st, int64_t user_id, const char *keep_hash, int64_t *ended)
{
	int rc = db_exec(st, "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS DISTINCT FROM ?2", "it", user_id, keep_hash);
	if (rc != STORE_OK)
		return rc;
	*ended = db_changes(st);
	return audit_add(st, user_id, "session.end_others", NULL, 0, NULL);
}

int store_session_end_others(struct store *st, int64_t user_id, const char *keep_hash, int64_t *ended)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, end_others(st, user_id, keep_hash, ended));
	return rc;
}
