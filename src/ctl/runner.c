/* The engine of one axonctl process. Like axond it starts the sandbox's
 * zygote first, before any thread or database handle exists; unlike axond
 * its engine does not resume the unfinished runs it finds in the store
 * (those are axond's): it runs only the run it is given, and the runs that
 * one starts (flow.call). SIGINT and SIGTERM are blocked in every thread and
 * taken by the waiting main thread, which cancels the run. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ctl/ctl.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "sandbox/sandbox.h"
#include "store/store.h"

#define WAIT_SLICE_MS 200
#define CANCEL_GRACE_MS 30000

struct runner {
	struct sandbox *sb;
	struct engine *engine;
	sigset_t stop_signals;
};

struct runner *runner_start(struct ctl *c)
{
	char err[1400];
	struct runner *r = calloc(1, sizeof *r);
	if (!r) {
		ctl_error("out of memory");
		return NULL;
	}
	r->sb = sandbox_start(&c->cfg, err, sizeof err);
	if (!r->sb) {
		ctl_error("cannot start the sandbox that runs blocks: %s", err);
		free(r);
		return NULL;
	}
	/* Blocked before the engine's threads exist, so they inherit the mask. */
	sigemptyset(&r->stop_signals);
	sigaddset(&r->stop_signals, SIGINT);
	sigaddset(&r->stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &r->stop_signals, NULL);
	struct engine_options eo = { c->cfg.database, c->cfg.sandbox_workers, c->cfg.max_call_depth,
				     c->cfg.run_timeout * 1000LL, false, c->cfg.queue_aging * 1000LL, c->cfg.node_name,
				     c->cfg.run_lease * 1000LL, false };
	r->engine = engine_start(&eo, r->sb, err, sizeof err);
	if (!r->engine) {
		ctl_error("cannot start the engine: %s", err);
		sandbox_stop(r->sb);
		free(r);
		return NULL;
	}
	return r;
}

void runner_stop(struct runner *r)
{
	if (!r)
		return;
	engine_stop(r->engine);
	sandbox_stop(r->sb);
	free(r);
}

size_t runner_check(struct runner *r, const json_t *def, const char *where)
{
	json_t *registry = engine_registry(r->engine);
	json_t *problems = workflow_validate(def, registry);
	json_decref(registry);
	size_t i, n = json_array_size(problems);
	json_t *p;
	json_array_foreach(problems, i, p) {
		const char *block = json_string_value(json_object_get(p, "block"));
		fprintf(stderr, "%s: %s%s%s%s\n", where, block ? "block '" : "", block ? block : "", block ? "': " : "",
			json_string_value(json_object_get(p, "message")));
	}
	json_decref(problems);
	return n;
}

static bool stop_requested(struct runner *r)
{
	const struct timespec now = { 0, 0 };
	return sigtimedwait(&r->stop_signals, NULL, &now) > 0;
}

/* Waits for the run to end: 0 when it did, else why it did not. */
static const char *wait_for(struct runner *r, struct store *st, int64_t id, int64_t timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;
	for (;;) {
		int64_t left = deadline - mono_ms();
		if (engine_wait(r->engine, st, id, left < WAIT_SLICE_MS ? (left > 0 ? left : 1) : WAIT_SLICE_MS) == 0)
			return NULL;
		if (stop_requested(r))
			return "interrupted";
		if (mono_ms() >= deadline)
			return "out of time";
	}
}

/* Cancels the run and gives it a moment to end (a second ^C stops waiting). */
static void cancel(struct runner *r, struct store *st, int64_t id, const char *why, int64_t timeout_ms)
{
	if (!strcmp(why, "out of time"))
		ctl_error("run %lld did not end within %lld s (--timeout): cancelling it", (long long)id,
			  (long long)(timeout_ms / 1000));
	else
		ctl_error("interrupted: cancelling run %lld (interrupt again to stop waiting)", (long long)id);
	if (engine_cancel(r->engine, id) < 0) {
		/* Not started yet: make sure no engine starts it later. */
		json_t *run = NULL;
		if (store_run_get(st, id, &run) == STORE_OK &&
		    !strcmp(json_string_value(json_object_get(run, "status")), "queued"))
			store_run_set_status(st, id, "cancelled", now_ms());
		json_decref(run);
		return;
	}
	int64_t until = mono_ms() + CANCEL_GRACE_MS;
	while (engine_wait(r->engine, st, id, WAIT_SLICE_MS) != 0 && mono_ms() < until && !stop_requested(r))
		;
}

int runner_run(struct runner *r, struct store *st, int64_t id, int64_t timeout_ms)
{
	engine_notify(r->engine, id);
	const char *why = wait_for(r, st, id, timeout_ms);
	if (why)
		cancel(r, st, id, why, timeout_ms);
	json_t *run = NULL;
	int rc = store_run_get(st, id, &run);
	if (rc != STORE_OK)
		return ctl_store_failed(st, rc, "read the run");
	json_object_del(run, "definition");
	ctl_print_json(stdout, run);
	fflush(stdout);
	const char *status = json_string_value(json_object_get(run, "status"));
	const char *error = json_string_value(json_object_get(run, "error"));
	int exit_status = CTL_RUN_STOPPED;
	if (!strcmp(status, "succeeded")) {
		exit_status = CTL_RUN_SUCCEEDED;
	} else if (!strcmp(status, "failed")) {
		ctl_error("run %lld failed: %s", (long long)id, error ? error : "(no message)");
		exit_status = CTL_RUN_FAILED;
	} else if (!strcmp(status, "cancelled")) {
		ctl_error("run %lld was cancelled", (long long)id);
	} else {
		ctl_error("run %lld is still %s: it stays so in the database, and axond goes on with it at its next "
			  "start",
			  (long long)id, status);
	}
	json_decref(run);
	return exit_status;
}
