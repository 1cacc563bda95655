/* Runs in the store, on a real file: creation and deduplication, steps in
 * the order they started, the end of a run with its dead letter, going on
 * from a failed step, replay keys, schedule ticks, and retention giving the
 * space back to the file system. */
#include "store/store.h"
#include "../testlib.h"
#include "scratch.h"

static struct store *st;
static int64_t wf;

static json_t *def(void)
{
	return json_pack("{s:i, s:{s:s}, s:[{s:s, s:s}]}", "format", 1, "trigger", "type", "manual", "blocks", "id", "a",
			 "type", "json.set");
}

static int64_t new_run(const char *dedup)
{
	json_t *input = json_pack("{s:s}", "k", "v");
	struct run_new n = { .workflow_id = wf, .trigger = "manual", .input = input, .dedup_key = dedup };
	int64_t id = 0;
	int rc = store_run_create(st, &n, &id);
	json_decref(input);
	return rc == STORE_OK ? id : -rc;
}

static void put_step(int64_t run, const char *block, const char *status)
{
	json_t *step = json_pack("{s:s, s:s, s:i, s:i, s:{s:s}}", "block", block, "status", status, "attempts", 1,
				 "started_at", 1000, "outputs", "out", "x");
	CHECK(store_step_put(st, run, step) == STORE_OK);
	json_decref(step);
}

static void test_create_and_dedup(void)
{
	int64_t a = new_run("delivery-1");
	CHECK(a > 0);
	json_t *input = json_object();
	struct run_new n = { .workflow_id = wf, .trigger = "webhook", .input = input, .dedup_key = "delivery-1" };
	int64_t again = 0;
	CHECK(store_run_create(st, &n, &again) == STORE_CONFLICT && again == a);
	CHECK_CONTAINS(store_errmsg(st), "already started run");
	json_decref(input);
	json_t *run = NULL;
	CHECK(store_run_get(st, a, &run) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(run, "status")), "queued");
	CHECK(json_integer_value(json_object_get(run, "version")) == 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(run, "input"), "k")), "v");
	CHECK(json_is_object(json_object_get(run, "definition")));
	json_decref(run);
	struct run_new bad = { .workflow_id = 9999, .trigger = "manual" };
	int64_t none = 0;
	CHECK(store_run_create(st, &bad, &none) == STORE_NOTFOUND);
}

static void test_steps_and_end(void)
{
	int64_t r = new_run(NULL);
	CHECK(store_run_set_status(st, r, "running", 5) == STORE_OK);
	put_step(r, "b", "running");
	put_step(r, "a", "ok");
	put_step(r, "b", "failed"); /* a rewrite keeps its place */
	json_t *steps = NULL;
	CHECK(store_step_list(st, r, &steps) == STORE_OK && json_array_size(steps) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 0), "block")), "b");
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 0), "status")), "failed");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(steps, 1), "outputs"), "out")), "x");
	json_decref(steps);

	struct run_end end = { "failed", "block 'b' failed: no", "b", NULL, NULL, 1, 10, 0, 0, NULL, NULL, NULL };
	CHECK(store_run_finish(st, r, &end) == STORE_OK);
	json_t *letters = NULL;
	CHECK(store_dead_letter_list(st, &letters) == STORE_OK && json_array_size(letters) == 1);
	int64_t letter = json_integer_value(json_object_get(json_array_get(letters, 0), "id"));
	json_decref(letters);
	/* Retrying goes on from the failed step: the ok step stays, the failed one is forgotten. */
	int64_t again = 0;
	CHECK(store_dead_letter_retry(st, 0, letter, &again) == STORE_OK && again == r);
	CHECK(store_dead_letter_retry(st, 0, letter, &again) == STORE_NOTFOUND);
	CHECK(store_step_list(st, r, &steps) == STORE_OK && json_array_size(steps) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 0), "block")), "a");
	json_decref(steps);
	json_t *run = NULL;
	CHECK(store_run_get(st, r, &run) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(run, "status")), "queued");
	CHECK(json_is_null(json_object_get(run, "error")));
	json_decref(run);
	CHECK(store_run_requeue(st, 0, r) == STORE_CONFLICT); /* it has not failed now */
	json_t *ids = NULL;
	CHECK(store_run_unfinished(st, &ids) == STORE_OK && json_array_size(ids) >= 1);
	json_decref(ids);
}

/* A run written first by its first write, under a reserved id: a run
 * created meanwhile (another process, a script) gets an id past the block;
 * a quick run is inserted as it ended; a longer one by its first step. */
static void test_reserved_ids(void)
{
	int64_t first = 0, second = 0;
	CHECK(store_run_ids(st, 8, &first) == STORE_OK && first > 0);
	CHECK(store_run_ids(st, 8, &second) == STORE_OK && second == first + 8);
	sqlite3 *raw = raw_open(scratch_path("runs.db"));
	CHECK(sqlite3_exec(raw, "INSERT INTO runs (workflow_id, trigger, status, created_at) VALUES (1, 'manual', 'queued', 1)",
			   NULL, NULL, NULL) == SQLITE_OK);
	CHECK(raw_int(raw, "SELECT max(id) FROM runs") == second + 8); /* a plain insert skips the reserved ids */
	int64_t created = new_run(NULL);
	CHECK(created == second + 9);

	json_t *input = json_pack("{s:i}", "n", 1);
	struct run_born quick = { first, { .workflow_id = wf, .version = 1, .trigger = "webhook", .input = input }, 50 };
	json_t *steps = json_pack("[{s:s, s:s, s:i}]", "block", "a", "status", "ok", "attempts", 1);
	json_t *reply = json_pack("{s:i}", "sum", 15);
	struct run_end end = { "succeeded", NULL, NULL, reply, steps, 0, 90, 0, 60, NULL, NULL, &quick };
	CHECK(store_run_finish(st, first, &end) == STORE_OK);
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld AND status = 'succeeded' AND created_at = 50"
		 " AND started_at = 60 AND finished_at = 90 AND version = 1 AND reply = '{\"sum\":15}'"
		 " AND input = '{\"n\":1}'", (long long)first);
	CHECK(raw_int(raw, sql) == 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM steps WHERE run_id = %lld", (long long)first);
	CHECK(raw_int(raw, sql) == 1);
	CHECK(store_run_finish(st, first, &end) == STORE_CONFLICT); /* written once */

	struct run_born longer = quick;
	longer.id = first + 1;
	CHECK(store_run_record(st, longer.id, 70, steps, &longer) == STORE_OK);
	json_t *run = NULL;
	CHECK(store_run_get(st, longer.id, &run) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(run, "status")), "running");
	CHECK(json_integer_value(json_object_get(run, "started_at")) == 70);
	CHECK(json_array_size(json_object_get(run, "steps")) == 1);
	json_decref(run);
	end.born = NULL;
	CHECK(store_run_finish(st, longer.id, &end) == STORE_OK);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld AND status = 'succeeded'", (long long)longer.id);
	CHECK(raw_int(raw, sql) == 1);
	sqlite3_close(raw);
	json_decref(reply);
	json_decref(steps);
	json_decref(input);
}

static void test_replay_and_schedule(void)
{
	CHECK(store_replay_claim(st, "k1", 100, 0) == STORE_OK);
	CHECK(store_replay_claim(st, "k1", 101, 0) == STORE_CONFLICT);
	CHECK(store_replay_claim(st, "k1", 500, 200) == STORE_OK); /* the old key expired */
	json_t *state = NULL;
	CHECK(store_schedule_state(st, wf, &state) == STORE_OK && json_object_size(state) == 0);
	json_decref(state);
	CHECK(store_schedule_fired(st, wf, 3000, "mail.read: the server refused the login") == STORE_OK);
	CHECK(store_schedule_state(st, wf, &state) == STORE_OK);
	CHECK_STR(json_string_value(json_object_get(state, "error")), "mail.read: the server refused the login");
	json_decref(state);
	CHECK(store_schedule_fired(st, wf, 3600, NULL) == STORE_OK);
	CHECK(store_schedule_state(st, wf, &state) == STORE_OK);
	CHECK(json_integer_value(json_object_get(state, "last_fire")) == 3600 && !json_is_string(json_object_get(state, "error")));
	json_decref(state);
	json_t *rows = NULL;
	CHECK(store_schedule_list(st, &rows) == STORE_OK && json_array_size(rows) == 0); /* manual trigger */
	json_decref(rows);
}

static void test_prune(void)
{
	/* Many finished runs with big steps, then retention by count. */
	char big[20000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < 60; i++) {
		int64_t r = new_run(NULL);
		json_t *step = json_pack("{s:s, s:s, s:{s:s}}", "block", "a", "status", "ok", "outputs", "out", big);
		json_t *steps = json_pack("[o]", step);
		struct run_end end = { "succeeded", NULL, NULL, NULL, steps, 0, 1000 + i, 0, 0, NULL, NULL, NULL };
		CHECK(store_run_finish(st, r, &end) == STORE_OK);
		json_decref(steps);
	}
	sqlite3 *raw = raw_open(scratch_path("runs.db"));
	int64_t pages_before = raw_int(raw, "PRAGMA page_count");
	int64_t deleted = 0;
	CHECK(store_run_prune(st, 2000000, 0, 10, &deleted) == STORE_OK);
	CHECK(deleted >= 50);
	CHECK(raw_int(raw, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL") == 10);
	CHECK(raw_int(raw, "SELECT count(*) FROM steps WHERE run_id NOT IN (SELECT id FROM runs)") == 0);
	int64_t pages_after = raw_int(raw, "PRAGMA page_count");
	CHECK(pages_after < pages_before / 2); /* auto_vacuum=incremental gave the space back */
	/* By age: everything finished before "now - 1 s" goes; unfinished runs stay. */
	CHECK(store_run_prune(st, 1000000, 1000, 0, &deleted) == STORE_OK && deleted == 10);
	CHECK(raw_int(raw, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL") == 0);
	CHECK(raw_int(raw, "SELECT count(*) FROM runs WHERE status = 'queued'") >= 1);
	sqlite3_close(raw);
}

int main(void)
{
	scratch_init();
	char err[512];
	if (store_open(scratch_path("runs.db"), &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		return 99;
	}
	json_t *w = json_pack("{s:s, s:o}", "name", "W", "definition", def());
	if (store_workflow_create(st, 0, w, &wf) != STORE_OK) {
		fprintf(stderr, "%s\n", store_errmsg(st));
		return 99;
	}
	json_decref(w);
	test_create_and_dedup();
	test_steps_and_end();
	test_reserved_ids();
	test_replay_and_schedule();
	test_prune();
	store_close(st);
	return t_done("test_runs");
}
