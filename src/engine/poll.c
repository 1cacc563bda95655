#include "engine/poll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "engine/engine.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "store/store.h"

/* The value at a dotted path ("feed.items"; digits index an array). */
static const json_t *at_path(const json_t *v, const char *path)
{
	char seg[128];
	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(seg, sizeof seg, "%.*s", (int)(n < sizeof seg ? n : sizeof seg - 1), path);
		v = json_is_array(v) && strspn(seg, "0123456789") == strlen(seg) ? json_array_get(v, strtoul(seg, NULL, 10))
									  : json_object_get(v, seg);
		path += n + (path[n] == '.');
	}
	return v;
}

/* What tells an item apart: its key field's text, else a hash of the whole item. */
static void item_key(const json_t *item, const char *key, char *out, size_t outlen)
{
	const json_t *k = key ? json_object_get(item, key) : NULL;
	if (json_is_string(k) && json_string_length(k) < outlen - 1) {
		snprintf(out, outlen, "%s", json_string_value(k));
	} else if (json_is_integer(k)) {
		snprintf(out, outlen, "%lld", (long long)json_integer_value(k));
	} else {
		char *text = json_dumps(k ? k : item, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		char hex[65];
		crypto_sha256_hex(text ? text : "", text ? strlen(text) : 0, hex);
		snprintf(out, outlen, "sha256:%s", hex);
		free(text);
	}
}

int poll_round(struct sandbox *sb, struct engine *e, struct store *st, int64_t workflow_id, const json_t *trigger,
	       bool first, int64_t now, char *err, size_t errlen)
{
	const char *block = json_string_value(json_object_get(trigger, "block"));
	const char *path = json_string_value(json_object_get(trigger, "items"));
	const char *key = json_string_value(json_object_get(trigger, "key"));
	struct run_result res;
	if (!block || !path) {
		snprintf(err, errlen, "the trigger names no block or no \"items\": see the workflow's problems");
		return -1; /* a problem of the definition, shown where it is edited */
	}
	/* The block may use the credentials its settings name, as the workflow's
	 * runs do; it is told what it gave last time, which it need not fetch
	 * again whole (mail.read does not). */
	struct run_limits lim = { .store = st, .poll_workflow_id = workflow_id };
	json_t *known = NULL, *inputs;
	if (store_poll_known(st, workflow_id, POLL_KNOWN_MAX, &known) != STORE_OK)
		known = json_array();
	inputs = json_pack("{s:o}", "known", known);
	sandbox_run(sb, block, json_object_get(trigger, "config"), inputs, &lim, &res);
	json_decref(inputs);
	const json_t *items = res.outcome == RUN_OK ? at_path(res.outputs, path) : NULL;
	if (!json_is_array(items)) {
		snprintf(err, errlen, "%s: %s", block,
			 res.outcome != RUN_OK ? res.message : "no list of items at the trigger's \"items\"");
		log_error("poll: workflow %lld: %s", (long long)workflow_id, err);
		run_result_free(&res);
		return -1;
	}
	int started = 0, rc = STORE_OK;
	/* Sources list the newest first: runs start oldest first. */
	for (size_t i = json_array_size(items); i-- > 0 && rc == STORE_OK;) {
		const json_t *item = json_array_get(items, i);
		char k[512], dedup[80], hex[65];
		int is_new = 0;
		item_key(item, key, k, sizeof k);
		rc = store_poll_seen(st, workflow_id, k, now, &is_new);
		if (rc != STORE_OK || !is_new || first)
			continue;
		crypto_sha256_hex(k, strlen(k), hex);
		snprintf(dedup, sizeof dedup, "poll:%.64s", hex);
		struct run_new n = { .workflow_id = workflow_id, .trigger = "poll", .input = item, .dedup_key = dedup };
		int64_t id = 0;
		rc = store_run_create(st, &n, &id);
		if (rc == STORE_OK) {
			engine_notify(e, id);
			started++;
		} else if (rc == STORE_CONFLICT) {
			rc = STORE_OK;
		}
	}
	if (rc == STORE_OK)
		rc = store_poll_forget(st, workflow_id, now - POLL_FORGET_S);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		log_error("poll: workflow %lld: %s", (long long)workflow_id, err);
	} else if (started || first) {
		log_info("poll: workflow %lld: %zu items, %d new run(s)%s", (long long)workflow_id, json_array_size(items),
			 started, first ? " (a first round: what is there now is known, not new)" : "");
	}
	run_result_free(&res);
	return rc == STORE_OK ? 0 : -1;
}
