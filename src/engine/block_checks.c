#include "engine/block_checks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"

#define REMEMBERED 512

/* One answer: the SHA-256 of the block type, its plugin file and its
 * config, the message of a refusal (NULL when the config passed), and what
 * a passing check kept (sandbox_check()'s artifact, or NULL). */
struct answer {
	char key[65];
	char *message;
	json_t *artifact;
};

struct block_checks {
	pthread_mutex_t mu;
	unsigned generation;
	struct answer answers[REMEMBERED]; /* a ring: the oldest makes room */
	size_t n, next;
};

struct block_checks *block_checks_new(void)
{
	struct block_checks *bc = xcalloc(1, sizeof *bc);
	pthread_mutex_init(&bc->mu, NULL);
	return bc;
}

static void forget_all(struct block_checks *bc)
{
	for (size_t i = 0; i < bc->n; i++) {
		free(bc->answers[i].message);
		json_decref(bc->answers[i].artifact);
	}
	bc->n = bc->next = 0;
}

void block_checks_free(struct block_checks *bc)
{
	if (!bc)
		return;
	forget_all(bc);
	pthread_mutex_destroy(&bc->mu);
	free(bc);
}

static void answer_key(const json_t *check, char key[65])
{
	char *text = json_dumps(json_object_get(check, "config"), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	struct strbuf both = STRBUF_INIT;
	/* NUL-separated: no type or plugin identity holds one */
	sb_printf(&both, "%s", json_string_value(json_object_get(check, "type")));
	sb_addc(&both, '\0');
	sb_printf(&both, "%s", json_string_value(json_object_get(check, "plugin")) ?: "");
	sb_addc(&both, '\0');
	sb_printf(&both, "%s", text ? text : "");
	crypto_sha256_hex(both.data, both.len, key);
	sb_free(&both);
	free(text);
}

/* Under mu: 1 with *message (a copy, or NULL for a pass) and *artifact (a
 * new reference, or NULL) when remembered. */
static int recall(struct block_checks *bc, const char *key, char **message, json_t **artifact)
{
	for (size_t i = 0; i < bc->n; i++)
		if (!strcmp(bc->answers[i].key, key)) {
			*message = bc->answers[i].message ? xstrdup(bc->answers[i].message) : NULL;
			*artifact = json_incref(bc->answers[i].artifact);
			return 1;
		}
	return 0;
}

static void remember(struct block_checks *bc, unsigned generation, const char *key, const char *message,
                     json_t *artifact)
{
	pthread_mutex_lock(&bc->mu);
	if (generation == bc->generation) {
		struct answer *a = &bc->answers[bc->next];
		if (bc->n == REMEMBERED) {
			free(a->message);
			json_decref(a->artifact);
		} else
			bc->n++;
		memcpy(a->key, key, sizeof a->key);
		a->message = message ? xstrdup(message) : NULL;
		a->artifact = json_incref(artifact);
		bc->next = (bc->next + 1) % REMEMBERED;
	}
	pthread_mutex_unlock(&bc->mu);
}

/* The refusal of one check, or NULL; *keep when the answer may be
 * remembered; *artifact what a passing check kept. */
static char *ask_sandbox(struct sandbox *sb, const char *type, const json_t *config, int *keep, json_t **artifact)
{
	struct run_result res;
	char *message = NULL;
	int rc = sandbox_check(sb, type, config, &res);
	log_debug("checks: a config of %s judged in the sandbox: %s", type, run_outcome_name(res.outcome));
	*keep = rc == 0 && (res.outcome == RUN_OK || res.outcome == RUN_ERROR);
	if (rc == 0 && res.outcome == RUN_ERROR)
		message = xstrdup(res.message ? res.message : "the block refuses this config");
	else if (rc == 0 && res.outcome != RUN_OK) {
		struct strbuf sbuf = STRBUF_INIT;
		sb_printf(&sbuf, "the block's check of this config ended in %s: %s", run_outcome_name(res.outcome),
		          res.message ? res.message : "no message");
		message = sb_detach(&sbuf);
	}
	*artifact = rc == 0 && res.outcome == RUN_OK ? json_incref(res.artifact) : NULL;
	run_result_free(&res);
	return message;
}

/* A stored answer of the check with key: a pass, with its artifact. */
static int stored_answer(const json_t *stored, const char *block, const char *key, json_t **artifact)
{
	const json_t *s = json_object_get(stored, block ? block : "");
	if (!json_is_string(json_object_get(s, "key")) || strcmp(json_string_value(json_object_get(s, "key")), key))
		return 0;
	*artifact = json_incref(json_object_get(s, "artifact"));
	return 1;
}

size_t block_checks_run(struct block_checks *bc, struct sandbox *sb, unsigned generation, const json_t *checks,
                        json_t *problems, int remembered_only, const json_t *stored, json_t *artifacts)
{
	size_t i, unanswered = 0;
	json_t *c;
	json_array_foreach(checks, i, c) {
		const char *type = json_string_value(json_object_get(c, "type"));
		const char *block = json_string_value(json_object_get(c, "block"));
		const json_t *config = json_object_get(c, "config");
		char key[65], *message = NULL;
		json_t *artifact = NULL;
		answer_key(c, key);
		pthread_mutex_lock(&bc->mu);
		if (generation != bc->generation) {
			forget_all(bc);
			bc->generation = generation;
		}
		int known = recall(bc, key, &message, &artifact);
		pthread_mutex_unlock(&bc->mu);
		if (!known && stored_answer(stored, block, key, &artifact)) {
			known = 1;
			remember(bc, generation, key, NULL, artifact);
		}
		int keep = known;
		if (!known && sb && !remembered_only) {
			message = ask_sandbox(sb, type, config, &keep, &artifact);
			if (keep)
				remember(bc, generation, key, message, artifact);
		}
		unanswered += !keep;
		if (message)
			json_array_append_new(problems, json_pack("{s:O, s:s}", "block", json_object_get(c, "block"),
			                                          "message", message));
		else if (artifact && artifacts && block)
			json_object_set_new(artifacts, block, json_pack("{s:s, s:O}", "key", key, "artifact", artifact));
		free(message);
		json_decref(artifact);
	}
	return unanswered;
}
