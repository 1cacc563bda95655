/* Credentials: rows whose secret part is an envelope the store cannot open,
 * who may use each one, and which workflows used it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "strbuf.h"

static int name_free(struct store *st, const char *name, int64_t except)
{
	int64_t other = 0;
	int rc = db_int(st, &other, "SELECT id FROM credentials WHERE name = ?1 AND id <> ?2", "ti", name, except);
	if (rc == STORE_OK && other)
		rc = db_failf(st, STORE_CONFLICT, "a credential named '%s' exists already: choose another name", name);
	return rc;
}

static int create(struct store *st, int64_t actor, const struct credential_new *c, int64_t *id)
{
	int64_t now = (int64_t)time(NULL);
	char *fields = c->fields ? json_dumps(c->fields, JSON_COMPACT) : xstrdup("{}");
	int rc = name_free(st, c->name, 0);
	if (rc == STORE_OK)
		rc = db_int(st, id, "INSERT INTO credentials (name, type, owner, fields, sealed, created_at, updated_at)"
			    " VALUES (?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6, ?6) RETURNING id",
			     "ttitti", c->name, c->type, actor, fields, c->sealed, now);
	free(fields);
	return rc == STORE_OK ? audit_add(st, actor, "credential.create", "credential", *id, c->name) : rc;
}

int store_credential_create(struct store *st, int64_t actor, const struct credential_new *c, int64_t *id)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, create(st, actor, c, id)) : rc;
}

static int exists(struct store *st, int64_t id)
{
	int64_t n = 0;
	int rc = db_int(st, &n, "SELECT count(*) FROM credentials WHERE id = ?1", "i", id);
	if (rc == STORE_OK && !n)
		rc = db_failf(st, STORE_NOTFOUND, "there is no credential %lld", (long long)id);
	return rc;
}

static int update(struct store *st, int64_t actor, int64_t id, const char *name, const json_t *fields,
		  const char *sealed)
{
	char *f = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
	int rc = exists(st, id);
	if (rc == STORE_OK && name)
		rc = name_free(st, name, id);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE credentials SET name = coalesce(?2, name), fields = coalesce(?3, fields),"
			     " sealed = coalesce(?4, sealed), updated_at = ?5 WHERE id = ?1",
			     "ittti", id, name, f, sealed, (int64_t)time(NULL));
	free(f);
	return rc == STORE_OK ? audit_add(st, actor, "credential.update", "credential", id,
					  sealed ? "secret fields changed" : NULL) : rc;
}

int store_credential_update(struct store *st, int64_t actor, int64_t id, const char *name, const json_t *fields,
			    const char *sealed)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, update(st, actor, id, name, fields, sealed)) : rc;
}

static int delete(struct store *st, int64_t actor, int64_t id, const json_t *referring, bool force)
{
	int64_t uses = 0;
	int rc = exists(st, id);
	char *ids = referring ? json_dumps(referring, JSON_COMPACT) : NULL;
	if (rc == STORE_OK)
		rc = db_int(st, &uses, DB_SQL(st, "SELECT count(*) FROM (SELECT workflow_id FROM credential_uses"
			    " WHERE credential_id = ?1 UNION SELECT value FROM json_each(?2))",
			    "SELECT count(*) FROM (SELECT workflow_id FROM credential_uses WHERE credential_id = ?1"
			    " UNION SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(?2 AS json))) AS used"),
			    "it", id, ids ? ids : "[]");
	free(ids);
	if (rc == STORE_OK && uses && !force)
		return db_failf(st, STORE_CONFLICT, "credential %lld is used by %lld workflow%s: confirm to delete it anyway "
				"(their runs will fail until they name another)", (long long)id, (long long)uses,
				uses == 1 ? "" : "s");
	if (rc == STORE_OK)
		rc = audit_add(st, actor, "credential.delete", "credential", id, NULL);
	return rc == STORE_OK ? db_exec(st, "DELETE FROM credentials WHERE id = ?1", "i", id) : rc;
}

int store_credential_delete(struct store *st, int64_t actor, int64_t id, const json_t *referring, bool force)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, delete(st, actor, id, referring, force)) : rc;
}

int store_credential_find(struct store *st, const char *ref, int64_t *id)
{
	char *end;
	long long n = strtoll(ref, &end, 10);
	*id = 0;
	int rc = *ref && !*end && n > 0
		? db_int(st, id, "SELECT id FROM credentials WHERE id = ?1", "i", (int64_t)n)
		: db_int(st, id, "SELECT id FROM credentials WHERE name = ?1", "t", ref);
	if (rc == STORE_OK && !*id)
		rc = db_failf(st, STORE_NOTFOUND, "there is no credential named '%s'", ref);
	return rc;
}

#define CREDENTIAL_COLUMNS "c.id AS id, c.name AS name, c.type AS type, u.username AS owner, c.owner AS owner_id," \
	" c.fields AS fields, c.created_at AS created_at, c.updated_at AS updated_at, c.last_used_at AS last_used_at"
#define CREDENTIAL_FROM " FROM credentials c LEFT JOIN users u ON u.id = c.owner"

static int get(struct store *st, int64_t id, json_t **out)
{
	struct db_stmt *stmt;
	json_t *shared = NULL, *workflows = NULL;
	int rc = db_prepare(st, &stmt, "SELECT " CREDENTIAL_COLUMNS CREDENTIAL_FROM " WHERE c.id = ?1", "i", id);
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "fields", out);
	if (rc == STORE_NOTFOUND)
		return db_failf(st, STORE_NOTFOUND, "there is no credential %lld", (long long)id);
	if (rc == STORE_OK)
		rc = db_prepare(st, &stmt, "SELECT u.username FROM credential_shares s JOIN users u ON u.id = s.user_id"
				" WHERE s.credential_id = ?1 ORDER BY u.username", "i", id);
	if (rc == STORE_OK)
		rc = db_column(st, stmt, &shared);
	if (rc == STORE_OK)
		rc = db_prepare(st, &stmt, "SELECT w.id AS id, w.name AS name, cu.last_used_at AS last_used_at"
				" FROM credential_uses cu JOIN workflows w ON w.id = cu.workflow_id"
				" WHERE cu.credential_id = ?1 ORDER BY w.name", "i", id);
	if (rc == STORE_OK)
		rc = db_rows(st, stmt, "", &workflows);
	if (rc == STORE_OK) {
		json_object_set_new(*out, "shared_with", shared);
		json_object_set_new(*out, "workflows", workflows);
	} else {
		json_decref(shared);
		json_decref(workflows);
		if (*out) {
			json_decref(*out);
			*out = NULL;
		}
	}
	return rc;
}

int store_credential_get(struct store *st, int64_t id, json_t **out)
{
	*out = NULL;
	int rc = db_begin_read(st);
	return rc == STORE_OK ? db_finish(st, get(st, id, out)) : rc;
}

int store_credential_list(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, DB_SQL(st,
			    "SELECT " CREDENTIAL_COLUMNS ", (SELECT json_group_array(cu.workflow_id) FROM"
			    " credential_uses cu WHERE cu.credential_id = c.id) AS used_by" CREDENTIAL_FROM " ORDER BY c.name",
			    "SELECT " CREDENTIAL_COLUMNS ", (SELECT coalesce(json_agg(cu.workflow_id), '[]')::text FROM"
			    " credential_uses cu WHERE cu.credential_id = c.id) AS used_by" CREDENTIAL_FROM " ORDER BY c.name"),
			    "");
	return rc == STORE_OK ? db_rows(st, stmt, "fields used_by", out) : rc;
}

int store_credential_usable(struct store *st, int64_t id, int64_t user, bool *usable)
{
	int64_t n = 0;
	int rc = db_int(st, &n, "SELECT count(*) FROM credentials c WHERE c.id = ?1 AND (c.owner = ?2 OR EXISTS"
			" (SELECT 1 FROM credential_shares s WHERE s.credential_id = c.id AND s.user_id = ?2))",
			"ii", id, user);
	*usable = rc == STORE_OK && n > 0;
	return rc;
}

static int share(struct store *st, int64_t actor, int64_t id, int64_t user, bool shared)
{
	int rc = exists(st, id);
	if (rc == STORE_OK)
		rc = shared ? db_exec(st, "INSERT INTO credential_shares (credential_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
				      "ii", id, user)
			    : db_exec(st, "DELETE FROM credential_shares WHERE credential_id = ?1 AND user_id = ?2",
				      "ii", id, user);
	char detail[48];
	snprintf(detail, sizeof detail, "user:%lld", (long long)user);
	return rc == STORE_OK ? audit_add(st, actor, shared ? "credential.share" : "credential.unshare", "credential",
					  id, detail) : rc;
}

int store_credential_share(struct store *st, int64_t actor, int64_t id, int64_t user, bool shared)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, share(st, actor, id, user, shared)) : rc;
}

int store_credential_usable_list(struct store *st, int64_t user, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT c.id AS id, c.name AS name, c.type AS type FROM credentials c"
			    " WHERE c.owner = ?1 OR EXISTS (SELECT 1 FROM credential_shares s WHERE s.credential_id = c.id"
			    " AND s.user_id = ?1) ORDER BY c.name", "i", user);
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

static int tested(struct store *st, int64_t actor, int64_t id, int status)
{
	char detail[32];
	snprintf(detail, sizeof detail, "status:%d", status);
	int rc = db_exec(st, "UPDATE credentials SET last_used_at = ?2 WHERE id = ?1", "ii", id, (int64_t)time(NULL));
	return rc == STORE_OK ? audit_add(st, actor, "credential.test", "credential", id, detail) : rc;
}

int store_credential_tested(struct store *st, int64_t actor, int64_t id, int status)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, tested(st, actor, id, status)) : rc;
}

/* The user a run acts for: who saved the version it runs (so that an
 * editor who changes another's workflow cannot send that person's
 * credentials elsewhere); 0 with *anyone set for a run of a file by
 * axonctl, which holds the key file anyway. */
static int run_user(struct store *st, int64_t run_id, int64_t *user, int64_t *workflow, bool *anyone)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT r.workflow_id, v.created_by, r.created_by FROM runs r"
			    " LEFT JOIN workflows w ON w.id = r.workflow_id LEFT JOIN workflow_versions v"
			    " ON v.workflow_id = r.workflow_id AND v.version = coalesce(r.version, w.current_version)"
			    " WHERE r.id = ?1", "i", run_id);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		*workflow = db_col_int64(stmt, 0);
		*user = db_col_int64(stmt, 1);
		*anyone = db_col_kind(stmt, 0) == DB_NULL && db_col_kind(stmt, 2) == DB_NULL;
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "run %lld is gone", (long long)run_id);
	}
	db_release(st, stmt);
	return rc;
}

/* The user a poll trigger's block acts for, outside any run: who saved the
 * workflow's current version (the trigger is part of it). */
static int poll_user(struct store *st, int64_t workflow_id, int64_t *user)
{
	return db_int(st, user, "SELECT coalesce(v.created_by, 0) FROM workflows w JOIN workflow_versions v"
		      " ON v.workflow_id = w.id AND v.version = w.current_version WHERE w.id = ?1", "i", workflow_id);
}

static int use(struct store *st, const char *ref, const char *type, int64_t run_id, int64_t poll_workflow, json_t **out)
{
	int64_t id = 0, user = 0, workflow = poll_workflow;
	bool anyone = false, usable = false;
	struct db_stmt *stmt;
	int rc = store_credential_find(st, ref, &id);
	if (rc == STORE_OK)
		rc = run_id ? run_user(st, run_id, &user, &workflow, &anyone) : poll_user(st, poll_workflow, &user);
	if (rc == STORE_OK && !anyone)
		rc = store_credential_usable(st, id, user, &usable);
	if (rc == STORE_OK && !anyone && !usable)
		return user ? db_failf(st, STORE_NOTFOUND, "credential '%s' is neither owned by nor shared with the user "
				       "who saved this version of the workflow: its owner can share it on its page", ref)
			    : db_failf(st, STORE_NOTFOUND, "this version of the workflow was saved by no user (imported by "
				       "axonctl, or its author's account was deleted), so it may use no credential: save it "
				       "on the web as a user who may use '%s'", ref);
	if (rc == STORE_OK)
		rc = db_prepare(st, &stmt, "SELECT id, name, type, fields, sealed FROM credentials WHERE id = ?1", "i", id);
	if (rc == STORE_OK)
		rc = db_one(st, stmt, "fields", out);
	const char *is = rc == STORE_OK ? json_string_value(json_object_get(*out, "type")) : NULL;
	if (is && type && strcmp(is, type))
		return db_failf(st, STORE_CONFLICT, "credential '%s' is of type '%s', and this needs one of type '%s': "
				"choose another", ref, is, type);
	int64_t now = (int64_t)time(NULL);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE credentials SET last_used_at = ?2 WHERE id = ?1", "ii", id, now);
	if (rc == STORE_OK && workflow)
		rc = db_exec(st, "INSERT INTO credential_uses (credential_id, workflow_id, last_used_at) VALUES (?1, ?2, ?3)"
			     " ON CONFLICT (credential_id, workflow_id) DO UPDATE SET last_used_at = ?3",
			     "iii", id, workflow, now);
	char detail[48];
	snprintf(detail, sizeof detail, run_id ? "run:%lld" : "poll:workflow:%lld", (long long)(run_id ? run_id : workflow));
	if (rc == STORE_OK)
		rc = audit_add(st, 0, "credential.use", "credential", id, detail);
	return rc;
}

struct use_args {
	const char *ref, *type;
	int64_t run_id, workflow_id;
	json_t **out;
};

static int use_body(struct store *st, void *arg)
{
	struct use_args *a = arg;
	return use(st, a->ref, a->type, a->run_id, a->workflow_id, a->out);
}

int store_credential_use(struct store *st, const char *ref, const char *type, int64_t run_id, int64_t workflow_id,
			 json_t **out)
{
	*out = NULL;
	if (!run_id && !workflow_id)
		return db_failf(st, STORE_ERROR, "credential '%s' is used outside a run and a poll trigger", ref);
	/* Every request that uses a credential writes its use: grouped with the
	 * run's other writes (group_commit.c) rather than a commit of its own. */
	struct use_args a = { ref, type, run_id, workflow_id, out };
	int rc = db_write(st, use_body, &a);
	if (rc != STORE_OK && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int store_credential_sealed(struct store *st, int64_t id, char **sealed)
{
	struct db_stmt *stmt;
	*sealed = NULL;
	int rc = db_prepare(st, &stmt, "SELECT sealed FROM credentials WHERE id = ?1", "i", id);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		*sealed = db_col_strdup(stmt, 0);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "there is no credential %lld", (long long)id);
	}
	db_release(st, stmt);
	return rc;
}

int store_credential_sealed_list(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT id, name, sealed FROM credentials ORDER BY id", "");
	return rc == STORE_OK ? db_rows(st, stmt, "", out) : rc;
}

static int reseal_all(struct store *st, int64_t actor, credential_reseal_fn reseal, void *arg, int *count)
{
	json_t *all = NULL, *row;
	size_t i;
	int rc = store_credential_sealed_list(st, &all);
	*count = 0;
	json_array_foreach(all, i, row) {
		char err[400];
		int64_t id = json_integer_value(json_object_get(row, "id"));
		char *s = reseal(arg, json_string_value(json_object_get(row, "sealed")), err, sizeof err);
		if (!s) {
			rc = db_failf(st, STORE_ERROR, "credential %lld ('%s'): %s", (long long)id,
				      json_string_value(json_object_get(row, "name")), err);
			break;
		}
		rc = db_exec(st, "UPDATE credentials SET sealed = ?2 WHERE id = ?1", "it", id, s);
		free(s);
		if (rc != STORE_OK)
			break;
		(*count)++;
	}
	json_decref(all);
	return rc == STORE_OK ? audit_add(st, actor, "credential.rotate_key", NULL, 0, NULL) : rc;
}

int store_credential_reseal_all(struct store *st, int64_t actor, credential_reseal_fn reseal, void *arg, int *count)
{
	int rc = db_begin(st);
	return rc == STORE_OK ? db_finish(st, reseal_all(st, actor, reseal, arg, count)) : rc;
}
