/* db.query: one parameterized SQL statement against PostgreSQL or a SQLite
 * file axon.conf allows, made by the daemon with the credential it applies
 * (host->call "db"): the block sends the statement and its parameters, never
 * a connection or a password. */
#include "db/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	char err[1000];
	if (!axon_has(ctx, call))
		return axon_fail(ctx, "this daemon is older than db.query (it has no services for blocks): upgrade Axon");
	const json_t *params = json_object_get(inputs, "params");
	if (!params)
		params = json_object_get(config, "params");
	if (params && !json_is_array(params))
		return axon_fail(ctx, "params must be a list of values, for $1, $2... in the statement");
	json_t *req = json_pack("{s:O?, s:O?, s:O?, s:o, s:O?, s:I}", "credential", json_object_get(config, "credential"),
				"sqlite", json_object_get(config, "sqlite"), "statement", json_object_get(config, "statement"),
				"params", params ? json_incref((json_t *)params) : json_array(),
				"max_rows", json_object_get(config, "max_rows"),
				"timeout_ms", (json_int_t)json_integer_value(json_object_get(config, "timeout_s")) * 1000);
	json_t *result = axon_call(ctx, "db", req, err, sizeof err);
	json_decref(req);
	if (!result)
		return axon_fail(ctx, "%s", err);
	axon_log(ctx, AXON_LOG_INFO, "%s: %lld rows%s", json_string_value(json_object_get(result, "command")),
		 (long long)json_integer_value(json_object_get(result, "count")),
		 json_is_true(json_object_get(result, "more")) ? " (more left out: max_rows)" : "");
	return axon_emit(ctx, "result", result) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "params", "optional: the statement's parameters, a list for $1, $2... (instead of the setting)" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "result", "{\"rows\": [{column: value}], \"count\", \"more\", \"command\", \"affected\"}" },
	{ NULL, NULL },
};

const struct axon_block db_query_block = {
	.name = "db.query",
	.version = "1.0.0",
	.title = "Query a database",
	.description = "Runs one parameterized SQL statement against PostgreSQL or an allowed SQLite file and outputs its rows as JSON, types kept; the daemon connects to the database of the credential chosen and applies its password, unseen by the block.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"credential\": {\"type\": \"string\", \"title\": \"Database\", \"format\": \"credential\", \"credential_type\": \"postgres\", \"description\": \"A PostgreSQL connection (host, database, user, password) kept as a credential\"},"
		"\"sqlite\": {\"type\": \"string\", \"title\": \"SQLite file\", \"description\": \"Instead of a credential: the absolute path of a SQLite file axon.conf allows (db_sqlite_allow, read only; db_sqlite_write), with ?1, ?2... for the parameters\"},"
		"\"statement\": {\"type\": \"string\", \"title\": \"SQL\", \"description\": \"One statement, its values as $1, $2... never pasted in: SELECT * FROM orders WHERE id = $1\"},"
		"\"params\": {\"type\": \"array\", \"title\": \"Parameters\", \"description\": \"The values of $1, $2..., such as [\\\"{{ trigger.body.id }}\\\"]; the input port params takes them too\", \"default\": []},"
		"\"max_rows\": {\"type\": \"integer\", \"title\": \"Rows at most\", \"description\": \"Rows beyond are left out and the statement cancelled (1 to 100000)\", \"default\": 1000},"
		"\"timeout_s\": {\"type\": \"integer\", \"title\": \"Time limit\", \"description\": \"Seconds the statement may run (the server cancels it after); 0: the daemon's HTTP time limit\", \"default\": 30}},"
		"\"required\": [\"statement\"]}",
	.run = run,
};
