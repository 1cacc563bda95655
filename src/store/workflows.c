/* Workflows and their versions. Every save adds a row to workflow_versions;
 * nothing is overwritten. The workflows row points at the current version
 * and copies its name, and workflow_tags holds its tags, for search. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "strbuf.h"

/* One version's content as stored: texts ready to bind. */
struct wf_content {
	const char *name;
	const char *description;
	const json_t *tags;
	char *tags_json;
	char *definition_json;
};

static void content_free(struct wf_content *c)
{
	free(c->tags_json);
	free(c->definition_json);
}

static int content_from_json(struct store *st, const json_t *wf, struct wf_content *c)
{
	memset(c, 0, sizeof *c);
	const json_t *name = json_object_get(wf, "name");
	const json_t *description = json_object_get(wf, "description");
	const json_t *definition = json_object_get(wf, "definition");
	const json_t *tag;
	size_t i;

	if (!json_is_string(name) || !*json_string_value(name))
		return db_failf(st, STORE_ERROR, "a workflow needs a name (a non-empty string)");
	if (description && !json_is_string(description))
		return db_failf(st, STORE_ERROR, "the description of a workflow must be a string");
	if (!json_is_object(definition))
		return db_failf(st, STORE_ERROR, "a workflow needs a definition (a JSON object)");
	c->tags = json_object_get(wf, "tags");
	if (c->tags && !json_is_array(c->tags))
		return db_failf(st, STORE_ERROR, "the tags of a workflow must be a list of strings");
	json_array_foreach(c->tags, i, tag)
		if (!json_is_string(tag) || !*json_string_value(tag))
			return db_failf(st, STORE_ERROR, "tag %zu of the workflow is not a non-empty string", i + 1);
	c->name = json_string_value(name);
	c->description = description ? json_string_value(description) : "";
	c->tags_json = c->tags ? json_dumps(c->tags, JSON_COMPACT) : xstrdup("[]");
	c->definition_json = json_dumps(definition, JSON_COMPACT);
	if (!c->tags_json || !c->definition_json)
		return db_failf(st, STORE_ERROR, "the workflow cannot be written as JSON (out of memory?)");
	return STORE_OK;
}

/* rc of a write that gave a workflow its name: a conflict there is the
 * unique name (workflows_name), said so. */
static int name_taken(struct store *st, int rc, const char *name)
{
	if (rc != STORE_CONFLICT)
		return rc;
	return db_failf(st, STORE_CONFLICT, "a workflow named \"%s\" exists already (names are unique, whatever "
			"their case): choose another name", name);
}

/* Adds version number `version` with content c and makes it current. */
static int add_version(struct store *st, int64_t actor, int64_t id, int version, const struct wf_content *c,
		       const char *note)
{
	int64_t now = time(NULL);
	int rc = db_exec(st, "INSERT INTO workflow_versions (workflow_id, version, name, description, tags, definition,"
			 " created_by, created_at, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0), ?8, ?9)",
			 "inttttiit", id, version, c->name, c->description, c->tags_json, c->definition_json,
			 actor, now, note);
	if (rc == STORE_OK)
		rc = name_taken(st, db_exec(st, "UPDATE workflows SET name = ?2, current_version = ?3, updated_at = ?4"
					    " WHERE id = ?1", "itni", id, c->name, version, now), c->name);
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM workflow_tags WHERE workflow_id = ?1", "i", id);
	size_t i;
	const json_t *tag;
	json_array_foreach(c->tags, i, tag) {
		if (rc != STORE_OK)
			break;
		rc = db_exec(st, "INSERT INTO workflow_tags (workflow_id, tag) VALUES (?1, ?2)", "it",
			     id, json_string_value(tag));
		if (rc == STORE_CONFLICT)
			rc = db_failf(st, STORE_CONFLICT, "the tag \"%s\" is given twice: list each tag once",
				      json_string_value(tag));
	}
	return rc;
}

static int create_workflow(struct store *st, int64_t actor, const struct wf_content *c, int64_t *id)
{
	int64_t now = time(NULL);
	int rc = db_int(st, id, "INSERT INTO workflows (id, name, current_version, created_by, created_at, updated_at)"
			" VALUES (max((SELECT coalesce(max(id), 0) FROM workflows), (SELECT id FROM workflow_id_floor)) + 1,"
			" ?1, 1, NULLIF(?2, 0), ?3, ?3) RETURNING id", "tii", c->name, actor, now);
	rc = name_taken(st, rc, c->name);
	if (rc != STORE_OK)
		return rc;
	rc = add_version(st, actor, *id, 1, c, NULL);
	return rc == STORE_OK ? audit_add(st, actor, "workflow.create", "workflow", *id, c->name) : rc;
}

int store_workflow_create(struct store *st, int64_t actor, const json_t *wf, int64_t *id)
{
	struct wf_content c;
	int rc = content_from_json(st, wf, &c);
	if (rc == STORE_OK)
		rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, create_workflow(st, actor, &c, id));
	content_free(&c);
	return rc;
}

/* The number the next version of workflow id gets; STORE_NOTFOUND if none. */
static int next_version(struct store *st, int64_t id, int *version)
{
	int64_t last;
	int rc = db_int(st, &last, "SELECT max(version) FROM workflow_versions WHERE workflow_id = ?1", "i", id);
	if (rc == STORE_OK && last == 0)
		rc = db_failf(st, STORE_NOTFOUND, "no workflow number %lld (deleted?)", (long long)id);
	*version = (int)last + 1;
	return rc;
}

static int save_workflow(struct store *st, int64_t actor, int64_t id, const struct wf_content *c,
			 const char *note, int *version)
{
	int rc = next_version(st, id, version);
	if (rc == STORE_OK)
		rc = add_version(st, actor, id, *version, c, note);
	return rc == STORE_OK ? audit_add(st, actor, note ? "workflow.restore" : "workflow.save", "workflow", id,
					  note ? note : c->name) : rc;
}

/* save_workflow, when the newest version is still base (any, when base is 0). */
static int save_over(struct store *st, int64_t actor, int64_t id, const struct wf_content *c, int base, int *version)
{
	int rc = next_version(st, id, version);
	if (rc == STORE_OK && base && *version != base + 1)
		return db_failf(st, STORE_CONFLICT, "this workflow was saved again since version %d (it is at version %d "
			       "now): reload it to see the changes, then make yours again", base, *version - 1);
	return rc == STORE_OK ? save_workflow(st, actor, id, c, NULL, version) : rc;
}

int store_workflow_save_over(struct store *st, int64_t actor, int64_t id, const json_t *wf, int base, int *version)
{
	struct wf_content c;
	int rc = content_from_json(st, wf, &c);
	if (rc == STORE_OK)
		rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, save_over(st, actor, id, &c, base, version));
	content_free(&c);
	return rc;
}

int store_workflow_save(struct store *st, int64_t actor, int64_t id, const json_t *wf, int *version)
{
	return store_workflow_save_over(st, actor, id, wf, 0, version);
}

static int restore_version(struct store *st, int64_t actor, int64_t id, int version, int *new_version)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT name, description, tags, definition FROM workflow_versions"
			    " WHERE workflow_id = ?1 AND version = ?2", "in", id, version);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		json_t *tags = json_loads(db_col_text(stmt, 2), 0, NULL);
		struct wf_content c = {
			.name = db_col_text(stmt, 0),
			.description = db_col_text(stmt, 1),
			.tags = tags,
			.tags_json = db_col_strdup(stmt, 2),
			.definition_json = db_col_strdup(stmt, 3),
		};
		char note[48];
		snprintf(note, sizeof note, "restored from version %d", version);
		rc = json_is_array(tags) ? save_workflow(st, actor, id, &c, note, new_version)
			: db_fail(st, SQLITE_CORRUPT);
		content_free(&c);
		json_decref(tags);
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "workflow %lld has no version %d", (long long)id, version);
	}
	db_release(st, stmt);
	return rc;
}

int store_workflow_restore(struct store *st, int64_t actor, int64_t id, int version, int *new_version)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, restore_version(st, actor, id, version, new_version));
	return rc;
}

static int delete_workflow(struct store *st, int64_t actor, int64_t id)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT name FROM workflows WHERE id = ?1", "i", id);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		char *name = db_col_strdup(stmt, 0);
		rc = db_exec(st, "DELETE FROM workflows WHERE id = ?1", "i", id);
		if (rc == STORE_OK)
			rc = audit_add(st, actor, "workflow.delete", "workflow", id, name);
		free(name);
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "no workflow number %lld (deleted already?)", (long long)id);
	}
	db_release(st, stmt);
	return rc;
}

int store_workflow_delete(struct store *st, int64_t actor, int64_t id)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, delete_workflow(st, actor, id));
	return rc;
}

static int set_active(struct store *st, int64_t actor, int64_t id, bool active)
{
	int64_t was;
	int rc = db_int(st, &was, "SELECT coalesce((SELECT active FROM workflows WHERE id = ?1), -1)", "i", id);
	if (rc == STORE_OK && was < 0)
		rc = db_failf(st, STORE_NOTFOUND, "no workflow number %lld (deleted?)", (long long)id);
	if (rc != STORE_OK || was == active)
		return rc;
	rc = db_exec(st, "UPDATE workflows SET active = ?2 WHERE id = ?1", "ii", id, (int64_t)active);
	/* Switched on again, its schedule starts counting then, as a new one:
	 * the ticks it slept through are not "missed" ones to catch up. */
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM schedule_ticks WHERE workflow_id = ?1", "i", id);
	return rc == STORE_OK ? audit_add(st, actor, active ? "workflow.activate" : "workflow.deactivate", "workflow",
					  id, NULL) : rc;
}

int store_workflow_set_active(struct store *st, int64_t actor, int64_t id, bool active)
{
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_finish(st, set_active(st, actor, id, active));
	return rc;
}

int store_workflow_free_name(struct store *st, const char *name, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, name);
	for (int n = 2;; n++) {
		int64_t taken;
		int rc = db_int(st, &taken, "SELECT count(*) FROM workflows WHERE name = ?1 COLLATE NOCASE", "t",
				sb_str(&sb));
		if (rc != STORE_OK || !taken) {
			if (rc == STORE_OK)
				*out = sb_detach(&sb);
			sb_free(&sb);
			return rc;
		}
		sb_reset(&sb);
		sb_printf(&sb, "%s (%d)", name, n);
	}
}

int store_workflow_get(struct store *st, int64_t id, int version, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt,
			    "SELECT v.name, v.description, v.tags, v.definition, v.version, w.created_at, v.created_at,"
			    " cu.username, vu.username, w.current_version,"
			    " (SELECT count(*) FROM workflow_versions x WHERE x.workflow_id = w.id), w.active"
			    " FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id"
			    " AND v.version = CASE WHEN ?2 = 0 THEN w.current_version ELSE ?2 END"
			    " LEFT JOIN users cu ON cu.id = w.created_by LEFT JOIN users vu ON vu.id = v.created_by"
			    " WHERE w.id = ?1", "in", id, version);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, stmt);
	if (rc == DB_ROW) {
		json_t *tags = db_col_json(st, stmt, 2), *definition = db_col_json(st, stmt, 3);
		if (tags && definition) {
			/* created_*: the workflow's first save; updated_at, saved_by: this version. */
			*out = json_pack("{s:I, s:s, s:s, s:O, s:O, s:i, s:i, s:I, s:I, s:s?, s:s?, s:I, s:b}",
					 "id", (json_int_t)id,
					 "name", db_col_text(stmt, 0),
					 "description", db_col_text(stmt, 1),
					 "tags", tags, "definition", definition,
					 "version", (int)db_col_int64(stmt, 4),
					 "current_version", (int)db_col_int64(stmt, 9),
					 "created_at", (json_int_t)db_col_int64(stmt, 5),
					 "updated_at", (json_int_t)db_col_int64(stmt, 6),
					 "created_by", db_col_text(stmt, 7),
					 "saved_by", db_col_text(stmt, 8),
					 "versions", (json_int_t)db_col_int64(stmt, 10),
					 "active", (int)db_col_int64(stmt, 11));
			rc = STORE_OK;
		} else {
			rc = STORE_CORRUPT;
		}
		json_decref(tags);
		json_decref(definition);
	} else if (rc == STORE_OK) {
		rc = version ? db_failf(st, STORE_NOTFOUND, "workflow %lld has no version %d", (long long)id, version)
			: db_failf(st, STORE_NOTFOUND, "no workflow number %lld (deleted?)", (long long)id);
	}
	db_release(st, stmt);
	return rc;
}

int store_workflow_versions(struct store *st, int64_t id, json_t **out)
{
	struct db_stmt *stmt;
	int rc = db_prepare(st, &stmt, "SELECT v.version, v.name, v.created_at, u.username, v.note"
			    " FROM workflow_versions v LEFT JOIN users u ON u.id = v.created_by"
			    " WHERE v.workflow_id = ?1 ORDER BY v.version DESC", "i", id);
	if (rc != STORE_OK)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(st, stmt)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:i, s:s, s:I, s:s?, s:s?}",
						      "version", (int)db_col_int64(stmt, 0),
						      "name", db_col_text(stmt, 1),
						      "created_at", (json_int_t)db_col_int64(stmt, 2),
						      "created_by", db_col_text(stmt, 3),
						      "note", db_col_text(stmt, 4)));
	db_release(st, stmt);
	/* Every workflow has a first version: none means no workflow. */
	if (rc == STORE_OK && json_array_size(list) == 0)
		rc = db_failf(st, STORE_NOTFOUND, "no workflow number %lld (deleted?)", (long long)id);
	if (rc != STORE_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return STORE_OK;
}

/* The rows of store_workflow_list: ?1 name substring, ?2 tag, either NULL.
 * instr() rather than LIKE, so that % and _ in a query mean themselves. */
#define WF_WHERE \
	" WHERE (?1 IS NULL OR instr(lower(w.name), lower(?1)) > 0)" \
	" AND (?2 IS NULL OR EXISTS (SELECT 1 FROM workflow_tags t WHERE t.workflow_id = w.id AND t.tag = ?2))"
#define WF_FILTER_LAST_RUN " FROM workflows w" \
	" JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version" \
	" LEFT JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE workflow_id = w.id)" WF_WHERE

/* Per connection: the total of the last query and the tag list, kept while
 * the connection's store_stamp() stays the same (no commit by anyone since). */
struct wf_cache {
	struct store_stamp stamp;
	bool fresh;
	json_t *tags; /* NULL until asked for */
	bool has_total;
	char *total_q, *total_tag;
	int64_t total;
};

static void wf_cache_clear(struct wf_cache *c)
{
	json_decref(c->tags);
	free(c->total_q);
	free(c->total_tag);
	*c = (struct wf_cache){ 0 };
}

void wf_cache_free(struct wf_cache *c)
{
	if (c) {
		wf_cache_clear(c);
		free(c);
	}
}

/* The cache, emptied if anything was written since it was filled. Call it
 * inside the read transaction whose snapshot the cached data must match. */
static int wf_cache_get(struct store *st, struct wf_cache **out)
{
	struct store_stamp now;
	int rc = store_stamp(st, &now);
	if (rc != STORE_OK)
		return rc;
	if (!st->wf_cache)
		st->wf_cache = xcalloc(1, sizeof *st->wf_cache);
	struct wf_cache *c = st->wf_cache;
	if (!c->fresh || !store_stamp_equal(&c->stamp, &now)) {
		wf_cache_clear(c);
		c->stamp = now;
		c->fresh = true;
	}
	*out = c;
	return STORE_OK;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A list of tags as we store it (compact JSON, plain strings) without the
 * JSON parser; anything else (escapes, spaces) goes through the parser. */
static json_t *col_tags(struct store *st, struct db_stmt *stmt, int col)
{
	const char *s = db_col_text(stmt, col);
	size_t n = (size_t)db_col_bytes(stmt, col), i = 1;
	if (!s || n < 2 || s[0] != '[')
		return db_col_json(st, stmt, col);
	json_t *list = json_array();
	if (s[1] == ']' && n == 2)
		return list;
	while (i < n && s[i] == '"') {
		size_t from = ++i;
		while (i < n && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20)
			i++;
		if (i >= n || s[i] != '"')
			break;
		json_t *t = json_stringn(s + from, i - from); /* NULL if not UTF-8 */
		if (!t || json_array_append_new(list, t) < 0)
			break;
		i++;
		if (i + 1 == n && s[i] == ']')
			return list;
		if (i >= n || s[i] != ',')
			break;
		i++;
	}
	json_decref(list);
	return db_col_json(st, stmt, col);
}

static json_t *col_string(struct db_stmt *stmt, int col)
{
	const char *s = db_col_text(stmt, col);
	return s ? json_stringn(s, (size_t)db_col_bytes(stmt, col)) : NULL;
}

/* {id, name, description, tags, version, updated_at}; NULL if a text is not UTF-8. */
static json_t *list_row(struct db_stmt *stmt, json_t *tags)
{
	json_t *row = json_object(), *name = col_string(stmt, 1), *description = col_string(stmt, 2);
	if (!name || !description) {
		json_decref(name);
		json_decref(description);
		json_decref(tags);
		json_decref(row);
		return NULL;
	}
	json_object_setn_new_nocheck(row, "id", 2, json_integer(db_col_int64(stmt, 0)));
	json_object_setn_new_nocheck(row, "name", 4, name);
	json_object_setn_new_nocheck(row, "description", 11, description);
	json_object_setn_new_nocheck(row, "tags", 4, tags);
	json_object_setn_new_nocheck(row, "version", 7, json_integer((int)db_col_int64(stmt, 4)));
	json_object_setn_new_nocheck(row, "updated_at", 10, json_integer(db_col_int64(stmt, 5)));
	json_object_setn_new_nocheck(row, "active", 6, json_boolean((int)db_col_int64(stmt, 6)));
	json_t *trigger = col_string(stmt, 7);
	json_object_setn_new_nocheck(row, "trigger", 7, trigger ? trigger : json_null());
	json_t *last = json_null();
	if (db_col_kind(stmt, 8) != DB_NULL) {
		json_t *status = col_string(stmt, 9);
		last = json_pack("{s:I, s:o, s:I}", "id", (json_int_t)db_col_int64(stmt, 8), "status",
				 status ? status : json_null(), "created_at", (json_int_t)db_col_int64(stmt, 10));
	}
	json_object_setn_new_nocheck(row, "last_run", 8, last);
	return row;
}

static int list_page(struct store *st, const struct wf_query *q, json_t *items, int64_t *total)
{
	struct wf_cache *c;
	int rc = wf_cache_get(st, &c);
	if (rc != STORE_OK)
		return rc;
	if (c->has_total && same_text(c->total_q, q->q) && same_text(c->total_tag, q->tag)) {
		*total = c->total;
	} else {
		/* The count needs no version row: the name and tags it filters on are on w and t. */
		rc = db_int(st, total, "SELECT count(*) FROM workflows w" WF_WHERE, "tt", q->q, q->tag);
		if (rc != STORE_OK)
			return rc;
		free(c->total_q);
		free(c->total_tag);
		c->total_q = q->q ? xstrdup(q->q) : NULL;
		c->total_tag = q->tag ? xstrdup(q->tag) : NULL;
		c->total = *total;
		c->has_total = true;
	}
	int per_page = q->per_page < 1 ? 1 : q->per_page;
	int64_t offset = (int64_t)(q->page < 1 ? 0 : q->page - 1) * per_page;
	struct db_stmt *stmt;
	/* The last run through runs_workflow (workflow_id, id): one index seek a row. */
	rc = db_prepare(st, &stmt, "SELECT w.id, w.name, v.description, v.tags, w.current_version, w.updated_at,"
			" w.active, CASE WHEN json_valid(v.definition) THEN json_extract(v.definition, '$.trigger.type') END,"
			" r.id, r.status, r.created_at"
			WF_FILTER_LAST_RUN " ORDER BY w.updated_at DESC, w.id DESC LIMIT ?3 OFFSET ?4",
			"ttni", q->q, q->tag, per_page, offset);
	if (rc != STORE_OK)
		return rc;
	while ((rc = db_step(st, stmt)) == DB_ROW) {
		json_t *tags = col_tags(st, stmt, 3);
		if (!tags) {
			rc = STORE_CORRUPT;
			break;
		}
		json_t *row = list_row(stmt, tags);
		if (row)
			json_array_append_new(items, row);
	}
	db_release(st, stmt);
	return rc;
}

int store_workflow_list(struct store *st, const struct wf_query *q, json_t **items, int64_t *total)
{
	json_t *list = json_array();
	/* One snapshot, so that the total matches the page. */
	int rc = db_begin_read(st);
	if (rc == STORE_OK)
		rc = db_finish(st, list_page(st, q, list, total));
	if (rc != STORE_OK) {
		json_decref(list);
		return rc;
	}
	*items = list;
	return STORE_OK;
}

int store_workflow_current_definitions(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	*out = NULL;
	int rc = db_prepare(st, &stmt, "SELECT w.id AS id, w.name AS name, v.definition AS definition FROM workflows w"
			    " JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version"
			    " WHERE json_valid(v.definition) ORDER BY w.name", "");
	return rc == STORE_OK ? db_rows(st, stmt, "definition", out) : rc;
}

static int tag_list(struct store *st, json_t **out)
{
	struct db_stmt *stmt;
	/* One index seek per distinct tag, not a scan of every workflow's tags. */
	int rc = db_prepare(st, &stmt, "WITH RECURSIVE t(tag) AS (SELECT min(tag) FROM workflow_tags UNION ALL"
			    " SELECT (SELECT min(tag) FROM workflow_tags WHERE tag > t.tag) FROM t WHERE t.tag IS NOT NULL)"
			    " SELECT tag FROM t WHERE tag IS NOT NULL", "");
	if (rc != STORE_OK)
		return rc;
	json_t *list = json_array();
	while ((rc = db_step(st, stmt)) == DB_ROW)
		json_array_append_new(list, json_string(db_col_text(stmt, 0)));
	db_release(st, stmt);
	if (rc != STORE_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return STORE_OK;
}

/* Fills the cache's tag list from the transaction's snapshot. */
static int cached_tag_list(struct store *st, struct wf_cache **out)
{
	int rc = wf_cache_get(st, out);
	if (rc == STORE_OK && !(*out)->tags)
		rc = tag_list(st, &(*out)->tags);
	return rc;
}

int store_tag_list(struct store *st, json_t **out)
{
	/* Unchanged since the list was read (one cheap statement): no transaction needed. */
	struct wf_cache *c;
	int rc = wf_cache_get(st, &c);
	if (rc != STORE_OK)
		return rc;
	if (!c->tags) {
		rc = db_begin_read(st);
		if (rc == STORE_OK)
			rc = db_finish(st, cached_tag_list(st, &c));
		if (rc != STORE_OK)
			return rc;
	}
	*out = json_copy(c->tags); /* the strings are shared, the list is the caller's */
	return STORE_OK;
}

int store_workflow_find(struct store *st, const char *ref, int64_t *id)
{
	char *end;
	long long n = strtoll(ref, &end, 10);
	int rc = *ref && !*end && n > 0
		? db_int(st, id, "SELECT id FROM workflows WHERE id = ?1", "i", (int64_t)n)
		: db_int(st, id, "SELECT min(id) FROM workflows WHERE name = ?1", "t", ref);
	if (rc == STORE_OK && !*id)
		rc = db_failf(st, STORE_NOTFOUND, "there is no workflow named '%s'", ref);
	return rc;
}
