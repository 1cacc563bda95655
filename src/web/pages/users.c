/* Users (owner only): list, create with a role, disable and enable; the audit log. */
#include <stdlib.h>
#include <string.h>

#include "web/pages/decorate.h"
#include "web/pages/pages.h"

static json_t *users_model(struct request *r, int *rc)
{
	json_t *users = NULL;
	*rc = store_user_list(r->st, &users);
	if (*rc != STORE_OK)
		return NULL;
	decorate_users(users, r->user.id);
	json_t *m = page_model(r, "Users");
	json_object_set_new(m, "users", users);
	json_object_set_new(m, "roles", json_pack("[s,s,s]", "viewer", "editor", "owner"));
	return m;
}

void users_list(struct request *r)
{
	int rc;
	json_t *m = users_model(r, &rc);
	if (!m) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_view(r, 200, "users/list", m);
}

void user_create(struct request *r)
{
	const char *username = req_field(r, "username"), *password = req_field(r, "password");
	const char *role_text = req_field(r, "role");
	enum role role = ROLE_NONE;
	/* The owner hands the password over; it is typed once here. */
	json_t *errors = account_errors(username, password, password);
	if (!role_text || role_parse(role_text, &role) < 0)
		json_object_set_new(errors, "role", json_string("Choose a role: viewer, editor or owner."));
	if (json_object_size(errors)) {
		int rc;
		json_t *m = users_model(r, &rc);
		if (!m) {
			json_decref(errors);
			reply_store_error(r, rc, NULL);
			return;
		}
		json_object_set_new(m, "form", json_pack("{s:s,s:s}", "username", username ? username : "", "role",
							 role_text ? role_text : "editor"));
		reply_invalid(r, "users/list", m, errors);
		return;
	}
	json_decref(errors);
	char *hash = hash_password_or_reply(r, password);
	if (!hash)
		return;
	int64_t id;
	int rc = store_user_create(r->st, r->user.id, username, hash, role, &id);
	free(hash);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "That username is taken: choose another.");
		return;
	}
	reply_done(r, 201, "/users", json_pack("{s:{s:I,s:s,s:s,s:b}}", "user", "id", (json_int_t)id, "username",
					       username, "role", role_name(role), "disabled", 0));
}

void audit_list(struct request *r)
{
	json_t *entries = NULL;
	int rc = store_audit_list(r->st, 200, &entries);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e) add_time(e, "at", "when");
	json_t *m = page_model(r, "Audit log");
	json_object_set_new(m, "entries", entries);
	reply_view(r, 200, "users/audit", m);
}

static void set_disabled(struct request *r, int disabled)
{
	int64_t id = req_id_param(r, 0);
	if (disabled && id == r->user.id) {
		reply_error(r, 400, "You cannot disable your own account.", NULL);
		return;
	}
	int rc = id ? store_user_set_disabled(r->st, r->user.id, id, disabled) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such user.");
		return;
	}
	reply_done(r, 200, "/users", json_pack("{s:{s:I,s:b}}", "user", "id", (json_int_t)id, "disabled", disabled));
}

void user_disable(struct request *r)
{
	set_disabled(r, 1);
}

void user_enable(struct request *r)
{
	set_disabled(r, 0);
}
