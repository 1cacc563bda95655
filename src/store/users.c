/* Users and their roles. Only password hashes reach this file. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"

static const char *const role_names[] = { "none", "viewer", "editor", "owner" };

const char *role_name(enum role r)
{
	return r >= ROLE_NONE && r <= ROLE_OWNER ? role_names[r] : "none";
}

int role_parse(const char *s, enum role *out)
{
	for (int r = ROLE_VIEWER; r <= ROLE_OWNER; r++)
		if (!strcmp(s, role_names[r])) {
			*out = (enum role)r;
			return 0;
		}
	return -1;
}

/* The caller passes one of the three roles; anything else is our own bug. */
static int role_valid(struct store *st, enum role role)
{
	if (role >= ROLE_VIEWER && role <= ROLE_OWNER)
		return 1;
	db_failf(st, STORE_ERROR, "internal error: role %d is not viewer, editor or owner", (int)role);
	return 0;
}

/* Reads a row of USER_COLUMNS. */
static void user_from_row(struct db_stmt *stmt, struct user *u, char **password_hash)
{
	u->id = db_col_int64(stmt, 0);
	snprintf(u->username, sizeof u->username, "%s", db_col_text(stmt, 1));
	u->role = (enum role)(int)db_col_int64(stmt, 2);
	u->disabled = (int)db_col_int64(stmt, 3);
	u->created_at = db_col_int64(stmt, 4);
	if (password_hash)
		*password_hash = db_col_strdup(stmt, 5);
}

int user_fetch(struct store *st, struct db_stmt *stmt, struct user *u, char **password_hash)
{
	int rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		user_from_row(stmt, u, password_hash);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "no such user");
	}
	db_release(st, stmt);
	return rc;
}

int store_user_by_name(struct store *st, const char *username, struct user *u, char **password_hash)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " USER_COLUMNS " FROM users u WHERE u.username = ?1", "t", username);
	return rc != STORE_OK ? rc : user_fetch(st, stmt, u, password_hash);
}

int store_user_by_id(struct store *st, int64_t id, struct user *u, char **password_hash)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?1", "i", id);
	return rc != STORE_OK ? rc : user_fetch(st, stmt, u, password_hash);
}

int store_user_count(struct store *st, int64_t *n)
{
	return db_int(st, n, "SELECT count(*) FROM users", "");
}

static int insert_user(struct store *st, int64_t actor, const char *action, const char *username,
		       const char *password_hash, enum role role, int64_t *id)
{
	if (!role_valid(st, role))
		return STORE_ERROR;
	int rc = db_int(st, id, "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)"
			" RETURNING id", "ttni", username, password_hash, (int)role, (int64_t)time(NULL));
	if (rc == STORE_CONFLICT)
		return db_failf(st, STORE_CONFLICT, "the username \"%s\" is taken: choose another", username);
	if (rc != STORE_OK)
		return rc;
	/* The owner set up themselves: they are their own actor. */
	return audit_add(st, actor ? actor : *id, action, "user", *id, role_name(role));
}

static int setup_owner(struct store *st, const char *username, const char *password_hash, int64_t *id)
{
	int64_t n;
	int rc = store_user_count(st, &n);
	if (rc != STORE_OK)
		return rc;
	if (n > 0)
		return db_failf(st, STORE_CONFLICT, "setup is already done: sign in with an existing account");
	return insert_user(st, 0, "user.setup", username, password_hash, ROLE_OWNER, id);
}

int store_setup_owner(struct store *st, const char *username, const char *password_hash, int64_t *id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, setup_owner(st, username, password_hash, id));
	return rc;
}

int store_user_create(struct store *st, int64_t actor, const char *username, const char *password_hash,
		      enum role role, int64_t *id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, insert_user(st, actor, "user.create", username, password_hash, role, id));
	return rc;
}

int store_user_list(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT " USER_COLUMNS ", EXISTS (SELECT 1 FROM second_factors f"
			    " WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) FROM users u ORDER BY u.username", "");
	if (rc != STORE_OK)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(st, stmt)) == DB_ROW) {
		struct user u;
		user_from_row(stmt, &u, NULL);
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:b, s:I, s:b}", "id", (json_int_t)u.id,
						      "username", u.username, "role", role_name(u.role),
						      "disabled", u.disabled, "created_at", (json_int_t)u.created_at,
						      "two_factor", (int)db_col_int64(stmt, 6)));
	}
	db_release(st, stmt);
	if (rc != STORE_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return STORE_OK;
}

/* Refuses a change that would leave no enabled owner: nobody could then
 * manage the users. */
static int keep_an_owner(struct store *st, const struct user *u)
{
	if (u->role != ROLE_OWNER || u->disabled)
		return STORE_OK;
	int64_t others;
	int rc = db_int(st, &others, "SELECT count(*) FROM users WHERE role = 3 AND disabled = 0 AND id != ?1",
			"i", u->id);
	if (rc == STORE_OK && others == 0)
		rc = db_failf(st, STORE_CONFLICT, "%s is the only owner: make another user owner first", u->username);
	return rc;
}

static int set_disabled(struct store *st, int64_t actor, int64_t id, int disabled)
{
	struct user u;
	int rc = store_user_by_id(st, id, &u, NULL);
	if (rc == STORE_OK && disabled)
		rc = keep_an_owner(st, &u);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE users SET disabled = ?2 WHERE id = ?1", "in", id, disabled ? 1 : 0);
	/* A disabled user is signed out everywhere at once. */
	if (rc == STORE_OK && disabled)
		rc = db_exec(st, "DELETE FROM sessions WHERE user_id = ?1", "i", id);
	if (rc == STORE_OK)
		rc = audit_add(st, actor, disabled ? "user.disable" : "user.enable", "user", id, NULL);
	return rc;
}

int store_user_set_disabled(struct store *st, int64_t actor, int64_t id, int disabled)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, set_disabled(st, actor, id, disabled));
	return rc;
}

static int set_role(struct store *st, int64_t actor, int64_t id, enum role role)
{
	if (!role_valid(st, role))
		return STORE_ERROR;
	struct user u;
	int rc = store_user_by_id(st, id, &u, NULL);
	if (rc == STORE_OK && role != ROLE_OWNER)
		rc = keep_an_owner(st, &u);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE users SET role = ?2 WHERE id = ?1", "in", id, (int)role);
	if (rc == STORE_OK)
		rc = audit_add(st, actor, "user.role", "user", id, role_name(role));
	return rc;
}

int store_user_set_role(struct store *st, int64_t actor, int64_t id, enum role role)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, set_role(st, actor, id, role));
	return rc;
}

static int set_password(struct store *st, int64_t actor, int64_t id, const char *password_hash,
			const char *keep_token_hash)
{
	int rc = db_exec(st, "UPDATE users SET password_hash = ?2 WHERE id = ?1", "it", id, password_hash);
	if (rc == STORE_OK && db_changes(st) == 0)
		rc = db_failf(st, STORE_NOTFOUND, "no such user");
	/* Whoever knew the old password may hold a session: end them all but the caller's. */
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS DISTINCT FROM ?2", "it",
			     id, keep_token_hash);
	if (rc == STORE_OK)
		rc = audit_add(st, actor, "user.password", "user", id, NULL);
	return rc;
}

int store_user_set_password(struct store *st, int64_t actor, int64_t id, const char *password_hash,
			    const char *keep_token_hash)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, set_password(st, actor, id, password_hash, keep_token_hash));
	return rc;
}
