/* The scheduler thread: fires schedule triggers (a missed tick after
 * downtime runs once, not once per missed tick), runs the rounds of poll
 * triggers (poll.h), and prunes old runs. */
#ifndef AXON_ENGINE_SCHEDULER_H
#define AXON_ENGINE_SCHEDULER_H
#include <stddef.h>
#include <stdint.h>

struct engine;
struct sandbox;
struct scheduler;

struct scheduler_options {
	const char *database;
	struct sandbox *sandbox;  /* where poll triggers run their block */
	int64_t keep_runs_for_ms; /* 0: forever */
	int64_t keep_runs;        /* per workflow; 0: no limit */
};

struct scheduler *scheduler_start(const struct scheduler_options *o, struct engine *e, char *err, size_t errlen);
void scheduler_stop(struct scheduler *s);

#endif
