/* What the blocks' check() kept for a workflow's version (code.js: its code
 * compiled to ES5), stored with the version and gone with it. */
#include <stdlib.h>

#include "db.h"

int store_block_artifacts(struct store *st, int64_t id, int version, json_t **out)
{
	struct db_stmt *stmt;
	*out = json_object();
	int rc = db_prepare(st, &stmt, "SELECT block_id, key, artifact FROM block_artifacts"
			    " WHERE workflow_id = ?1 AND version = ?2", "in", id, version);
	if (rc != STORE_OK)
		return rc;
	while ((rc = db_step(st, stmt)) == DB_ROW) {
		json_t *artifact = db_col_json(st, stmt, 2);
		if (!artifact) {
			rc = STORE_CORRUPT;
			break;
		}
		json_object_set_new(*out, db_col_text(stmt, 0),
				    json_pack("{s:s, s:o}", "key", db_col_text(stmt, 1),
					      "artifact", artifact));
	}
	db_release(st, stmt);
	return rc;
}

struct keep {
	int64_t id;
	int version;
	const json_t *artifacts;
};

static int keep_all(struct store *st, void *arg)
{
	struct keep *k = arg;
	const char *block;
	json_t *a;
	int rc = STORE_OK;
	json_object_foreach((json_t *)k->artifacts, block, a) {
		char *text = json_dumps(json_object_get(a, "artifact"), JSON_COMPACT | JSON_ENCODE_ANY);
		if (!text || !json_is_string(json_object_get(a, "key")))
			rc = db_failf(st, STORE_ERROR, "the artifact of block %s cannot be written as JSON", block);
		else
			rc = db_exec(st, "INSERT INTO block_artifacts (workflow_id, version, block_id, key, artifact)"
				     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workflow_id, version, block_id)"
				     " DO UPDATE SET key = excluded.key, artifact = excluded.artifact", "inttt", k->id, k->version, block,
				     json_string_value(json_object_get(a, "key")), text);
		free(text);
		if (rc != STORE_OK)
			break;
	}
	return rc;
}

int store_block_artifacts_keep(struct store *st, int64_t id, int version, const json_t *artifacts)
{
	struct keep k = { id, version, artifacts };
	return json_object_size(artifacts) ? db_write(st, keep_all, &k) : STORE_OK;
}
