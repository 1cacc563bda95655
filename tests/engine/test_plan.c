/* The planner driven by made-up block results: which blocks become ready,
 * what they receive, skip propagation, merges, for_each, retries with
 * backoff on a fake clock, failure and continue_on_error. */
#include <stdlib.h>

#include "engine/plan.h"
#include "../testlib.h"

/* A registry where every type has inputs in, a, b and outputs out, yes, no. */
static json_t *registry(void)
{
	json_t *ports_in = json_pack("[{s:s},{s:s},{s:s}]", "name", "in", "name", "a", "name", "b");
	json_t *ports_out = json_pack("[{s:s},{s:s},{s:s}]", "name", "out", "name", "yes", "name", "no");
	return json_pack("{s:[{s:s, s:o, s:o}], s:[]}", "blocks", "name", "t.x", "inputs", ports_in, "outputs",
			 ports_out, "skipped");
}

static struct plan *make(const char *def_text)
{
	json_error_t je;
	json_t *def = json_loads(def_text, 0, &je);
	if (!def) {
		fprintf(stderr, "bad test definition: %s\n", je.text);
		exit(99);
	}
	json_t *reg = registry(), *trig = json_pack("{s:i}", "n", 7);
	char err[200];
	struct plan *p = plan_new(def, reg, trig, err, sizeof err);
	json_decref(def);
	json_decref(reg);
	json_decref(trig);
	if (!p) {
		fprintf(stderr, "plan_new: %s\n", err);
		exit(99);
	}
	return p;
}

/* Starts every unit available now and returns their block ids, space-separated. */
static const char *start_all(struct plan *p, int64_t now, struct plan_unit *units, int *n)
{
	static char buf[256];
	buf[0] = '\0';
	*n = 0;
	struct plan_unit u;
	while (plan_next_unit(p, now, 1000, &u)) {
		units[(*n)++] = u;
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", *buf ? " " : "", p->blocks[u.block].id);
	}
	return buf;
}

static void finish(struct plan *p, struct plan_unit u, const char *outputs_json)
{
	json_t *out = json_loads(outputs_json, 0, NULL);
	plan_unit_done(p, &u, true, out, "ok", NULL, NULL, 0, 2000, 1.0);
}

#define BLOCK(id) "{\"id\":\"" id "\",\"type\":\"t.x\"}"

static void test_diamond_and_skip(void)
{
	/* a -> b (yes), a -> c (no), b -> d.a, c -> d.b: a merge after a branch. */
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") "," BLOCK("b") ","
			      BLOCK("c") "," BLOCK("d") "],\"edges\":[{\"from\":\"a.yes\",\"to\":\"b.in\"},"
			      "{\"from\":\"a.no\",\"to\":\"c.in\"},{\"from\":\"b.out\",\"to\":\"d.a\"},"
			      "{\"from\":\"c.out\",\"to\":\"d.b\"}]}");
	struct plan_unit u[8];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "a");
	finish(p, u[0], "{\"yes\": {\"v\": 1}}");
	json_t *skipped = json_array();
	plan_decide(p, skipped);
	CHECK(json_array_size(skipped) == 1 && json_integer_value(json_array_get(skipped, 0)) == 2);
	CHECK(p->blocks[2].state == STEP_SKIPPED);
	json_decref(skipped);
	/* Its step says why: the port its edge leaves from was silent. */
	json_t *step = plan_step_json(p, 2);
	CHECK_STR(json_string_value(json_object_get(step, "status")), "skipped");
	CHECK_STR(json_string_value(json_object_get(step, "error")), "nothing reached its inputs: a.no was silent");
	json_decref(step);
	CHECK_STR(start_all(p, 0, u, &n), "b");
	json_t *in = plan_unit_inputs(p, &u[0]);
	CHECK(json_integer_value(json_object_get(json_object_get(in, "in"), "v")) == 1);
	json_decref(in);
	finish(p, u[0], "{\"out\": 5}");
	/* d merges: it runs with what arrived (a from b), not waiting for the skipped c. */
	CHECK_STR(start_all(p, 0, u, &n), "d");
	in = plan_unit_inputs(p, &u[0]);
	CHECK(json_integer_value(json_object_get(in, "a")) == 5 && !json_object_get(in, "b"));
	json_decref(in);
	CHECK(!plan_finished(p));
	finish(p, u[0], "{}");
	CHECK(plan_finished(p) && !p->failed);
	CHECK(json_object_get(p->scope, "b") && !json_object_get(p->scope, "c"));
	plan_free(p);
}

static void test_fan_out_and_skip_chain(void)
{
	/* a feeds b and c at once; c feeds e. a emits only on out; b listens on out, c on no. */
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") "," BLOCK("b") ","
			      BLOCK("c") "," BLOCK("e") "],\"edges\":[{\"from\":\"a.out\",\"to\":\"b.in\"},"
			      "{\"from\":\"a.no\",\"to\":\"c.in\"},{\"from\":\"c.out\",\"to\":\"e.in\"}]}");
	struct plan_unit u[8];
	int n;
	start_all(p, 0, u, &n);
	finish(p, u[0], "{\"out\": 1}");
	CHECK_STR(start_all(p, 0, u, &n), "b");
	CHECK(p->blocks[2].state == STEP_SKIPPED && p->blocks[3].state == STEP_SKIPPED);
	CHECK_STR(p->blocks[3].error, "nothing reached its inputs: c was skipped");
	finish(p, u[0], "{}");
	CHECK(plan_finished(p));
	plan_free(p);
}

static void test_parallel_and_concurrency(void)
{
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") "," BLOCK("b") ","
			      BLOCK("c") "],\"settings\":{\"concurrency\":2}}");
	struct plan_unit u[8];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "a b");
	finish(p, u[0], "{}");
	CHECK_STR(start_all(p, 0, u + 2, &n), "c");
	finish(p, u[1], "{}");
	finish(p, u[2], "{}");
	CHECK(plan_finished(p));
	plan_free(p);
}

static void test_for_each(void)
{
	/* a emits a list; b runs once per element, two at a time, results in order. */
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") ","
			      "{\"id\":\"b\",\"type\":\"t.x\",\"settings\":{\"for_each\":\"in\",\"concurrency\":2}}],"
			      "\"edges\":[{\"from\":\"a.out\",\"to\":\"b.in\"}]}");
	struct plan_unit u[8];
	int n;
	start_all(p, 0, u, &n);
	finish(p, u[0], "{\"out\": [10, 20, 30]}");
	CHECK_STR(start_all(p, 0, u, &n), "b b");
	CHECK(n == 2 && u[0].item == 0 && u[1].item == 1);
	json_t *scope = plan_unit_scope(p, &u[1]);
	CHECK(json_integer_value(json_object_get(scope, "item")) == 20 && json_integer_value(json_object_get(scope, "index")) == 1);
	json_decref(scope);
	json_t *in = plan_unit_inputs(p, &u[1]);
	CHECK(json_integer_value(json_object_get(in, "in")) == 20);
	json_decref(in);
	/* The second element ends first; the third starts in its place. */
	finish(p, u[1], "{\"out\": \"B\"}");
	int m;
	CHECK_STR(start_all(p, 0, u + 2, &m), "b");
	CHECK(u[2].item == 2);
	finish(p, u[2], "{\"yes\": true}");
	CHECK(p->blocks[1].state == STEP_RUNNING);
	finish(p, u[0], "{\"out\": \"A\"}");
	CHECK(p->blocks[1].state == STEP_OK);
	char *out = json_dumps(p->blocks[1].outputs, JSON_SORT_KEYS | JSON_COMPACT);
	CHECK_STR(out, "{\"no\":[null,null,null],\"out\":[\"A\",\"B\",null],\"yes\":[null,null,true]}");
	free(out);
	CHECK(plan_finished(p));
	plan_free(p);
}

static void test_for_each_not_a_list(void)
{
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") ","
			      "{\"id\":\"b\",\"type\":\"t.x\",\"settings\":{\"for_each\":\"in\"}}],"
			      "\"edges\":[{\"from\":\"a.out\",\"to\":\"b.in\"}]}");
	struct plan_unit u[8];
	int n;
	start_all(p, 0, u, &n);
	finish(p, u[0], "{\"out\": {\"not\": \"a list\"}}");
	CHECK_STR(start_all(p, 0, u, &n), "");
	CHECK(p->failed && plan_finished(p));
	CHECK_CONTAINS(p->error, "block 'b' failed: for_each: the input 'in' is not a list");
	plan_free(p);
}

static void test_retries_with_backoff(void)
{
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":["
			      "{\"id\":\"a\",\"type\":\"t.x\",\"settings\":{\"retries\":2,\"retry_delay_ms\":100}}]}");
	struct plan_unit u;
	json_t *logs = json_pack("[{s:i, s:s, s:s}]", "ms", 1, "level", "error", "message", "down");
	CHECK(plan_next_unit(p, 0, 0, &u));
	/* Attempt 1 fails at t=0: the retry waits 100 ms (jitter 1.0). */
	CHECK(plan_unit_done(p, &u, false, NULL, "timeout", "too slow", logs, 0, 0, 1.0) == 1);
	CHECK(p->blocks[0].state == STEP_WAITING && plan_next_wakeup(p) == 100);
	CHECK(!plan_next_unit(p, 99, 0, &u));
	CHECK(plan_next_unit(p, 100, 0, &u) && plan_unit_attempt(p, &u) == 2);
	/* Attempt 2 fails at t=100: 200 ms, halved by the smallest jitter. */
	CHECK(plan_unit_done(p, &u, false, NULL, "error", "still down", logs, 100, 0, 0.5) == 1);
	CHECK(plan_next_wakeup(p) == 200);
	CHECK(plan_next_unit(p, 200, 0, &u) && plan_unit_attempt(p, &u) == 3);
	/* Nothing else ran: the run waited 100 + 100 ms, and so did its step. */
	CHECK(p->waited_ms == 200 && p->blocks[0].waited_ms == 200);
	json_t *step = plan_step_json(p, 0);
	CHECK(json_integer_value(json_object_get(step, "waited_ms")) == 200);
	json_decref(step);
	CHECK(plan_unit_done(p, &u, false, NULL, "error", "gave up", logs, 300, 0, 1.0) == 0);
	CHECK(p->failed && plan_finished(p));
	CHECK_STR(p->error, "block 'a' failed: gave up");
	CHECK(json_array_size(p->blocks[0].logs) == 3);
	CHECK(json_integer_value(json_object_get(json_array_get(p->blocks[0].logs, 2), "attempt")) == 3);
	json_decref(logs);
	plan_free(p);

	CHECK(plan_backoff_ms(1000, 1, 1.0) == 1000);
	CHECK(plan_backoff_ms(1000, 4, 1.0) == 8000);
	CHECK(plan_backoff_ms(1000, 30, 1.0) == 300000);
	CHECK(plan_backoff_ms(1000, 3, 0.0) == 2000); /* jitter is clamped to [0.5, 1] */
}

static void test_waiting_apart(void)
{
	/* a fails at t=0 and waits 100 ms for its retry while b works until t=50:
	 * the run only waited from 50 to 100. */
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":["
			      "{\"id\":\"a\",\"type\":\"t.x\",\"settings\":{\"retries\":1,\"retry_delay_ms\":100}},"
			      BLOCK("b") "]}");
	struct plan_unit u[4];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "a b");
	CHECK(plan_unit_done(p, &u[0], false, NULL, "error", "down", NULL, 0, 0, 1.0) == 1);
	CHECK(!p->idle);
	plan_unit_done(p, &u[1], true, json_object(), "ok", NULL, NULL, 50, 50, 1.0);
	CHECK(p->idle);
	CHECK(plan_next_unit(p, 100, 100, &u[0]) && p->waited_ms == 50 && !p->idle);
	CHECK(p->blocks[0].waited_ms == 100 && p->blocks[1].waited_ms == 0);
	plan_unit_done(p, &u[0], true, json_object(), "ok", NULL, NULL, 120, 120, 1.0);
	CHECK(plan_finished(p) && !p->failed && p->waited_ms == 50);
	plan_free(p);
}

static void test_continue_on_error(void)
{
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":["
			      "{\"id\":\"a\",\"type\":\"t.x\",\"settings\":{\"continue_on_error\":true}}," BLOCK("b") ","
			      BLOCK("c") "],\"edges\":[{\"from\":\"a.out\",\"to\":\"b.in\"}]}");
	struct plan_unit u[4];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "a c");
	plan_unit_done(p, &u[0], false, NULL, "crash", "signal 11", NULL, 0, 0, 1.0);
	CHECK(!p->failed && p->blocks[0].state == STEP_FAILED && p->blocks[1].state == STEP_PENDING);
	finish(p, u[1], "{}");
	plan_decide(p, NULL);
	CHECK(p->blocks[1].state == STEP_SKIPPED);
	CHECK(plan_finished(p) && !p->failed);
	json_t *step = plan_step_json(p, 0);
	CHECK_STR(json_string_value(json_object_get(step, "status")), "failed");
	CHECK_STR(json_string_value(json_object_get(step, "outcome")), "crash");
	json_decref(step);
	plan_free(p);
}

static void test_failure_stops_the_run(void)
{
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") "," BLOCK("b") ","
			      BLOCK("c") "],\"edges\":[{\"from\":\"a.out\",\"to\":\"c.in\"}]}");
	struct plan_unit u[4];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "a b");
	plan_unit_done(p, &u[0], false, NULL, "violation", "forbidden system call openat", NULL, 0, 0, 1.0);
	CHECK(p->failed && !plan_finished(p)); /* b still runs */
	CHECK_STR(start_all(p, 0, u + 2, &n), "");
	finish(p, u[1], "{}");
	CHECK(plan_finished(p));
	CHECK_STR(p->failed_block, "a");
	plan_free(p);
}

static void test_abort(void)
{
	/* A timeout or a cancel: what runs ends, nothing new starts, the run fails with the reason. */
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") "," BLOCK("b") "],"
			      "\"edges\":[{\"from\":\"a.out\",\"to\":\"b.in\"}]}");
	struct plan_unit u[2];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "a");
	plan_abort(p, "the run took longer than its time limit of 5 ms");
	CHECK(!plan_finished(p));
	finish(p, u[0], "{\"out\": 1}");
	CHECK_STR(start_all(p, 0, u, &n), "");
	CHECK(plan_finished(p) && p->failed && !p->failed_block);
	CHECK_STR(p->error, "the run took longer than its time limit of 5 ms");
	plan_abort(p, "a second reason is ignored");
	CHECK_STR(p->error, "the run took longer than its time limit of 5 ms");
	plan_free(p);
}

static void test_restore(void)
{
	/* After a restart: a ended ok, b was running; only b runs again. */
	struct plan *p = make("{\"format\":1,\"trigger\":{\"type\":\"manual\"},\"blocks\":[" BLOCK("a") "," BLOCK("b") "],"
			      "\"edges\":[{\"from\":\"a.out\",\"to\":\"b.in\"}]}");
	json_t *sa = json_pack("{s:s, s:s, s:i, s:{s:i}}", "block", "a", "status", "ok", "attempts", 1, "outputs", "out", 3);
	json_t *sb = json_pack("{s:s, s:s, s:i}", "block", "b", "status", "running", "attempts", 1);
	plan_restore(p, 0, sa);
	plan_restore(p, 1, sb);
	struct plan_unit u[2];
	int n;
	CHECK_STR(start_all(p, 0, u, &n), "b");
	CHECK(plan_unit_attempt(p, &u[0]) == 2);
	json_t *in = plan_unit_inputs(p, &u[0]);
	CHECK(json_integer_value(json_object_get(in, "in")) == 3);
	json_decref(in);
	json_decref(sa);
	json_decref(sb);
	plan_free(p);
}

int main(void)
{
	test_diamond_and_skip();
	test_waiting_apart();
	test_fan_out_and_skip_chain();
	test_parallel_and_concurrency();
	test_for_each();
	test_for_each_not_a_list();
	test_retries_with_backoff();
	test_continue_on_error();
	test_failure_stops_the_run();
	test_restore();
	test_abort();
	return t_done("test_plan");
}
