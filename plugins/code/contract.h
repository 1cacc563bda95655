/* The contract shared by code.lua, data.jq and code.js (docs/blocks/code.md):
 * the code gets the value on "in" and the config's "vars", returns what goes
 * on "out", may emit on the other declared ports once each, log, report
 * progress and fail; it runs under a memory cap and a time limit of its own
 * where the interpreter has the hooks for them, on top of the sandbox's. */
#ifndef AXON_CODE_CONTRACT_H
#define AXON_CODE_CONTRACT_H
#include <axon/block.h>
#include <stdint.h>

#define CODE_PORTS 4 /* out, out2, out3, error */

struct code_run {
	struct axon_ctx *ctx;
	const json_t *input;   /* the value on "in", or NULL */
	const json_t *vars;    /* config "vars" */
	const char *code;      /* config "code" */
	size_t memory_cap;     /* bytes the interpreter may hold (config memory_mb) */
	size_t memory_used;
	int64_t time_limit_ms; /* config time_limit_ms */
	int64_t deadline_ms;   /* on code_now_ms()'s clock */
	int emitted[CODE_PORTS];
};

extern const struct axon_port code_outputs[];
extern const struct axon_port code_inputs[];

/* Fills run from the block's inputs and config, and starts the clock. */
void code_run_init(struct code_run *run, struct axon_ctx *ctx, const json_t *inputs, const json_t *config);

/* Emits value (taking the reference) on port, which must be a declared
 * output not emitted yet in this run. 0, or -1 with the reason in err. */
int code_emit(struct code_run *run, const char *port, json_t *value, char *err, size_t errlen);

/* Whether port already has its value. */
int code_emitted(const struct code_run *run, const char *port);

/* A monotonic clock in milliseconds (the vDSO: no system call). */
int64_t code_now_ms(void);

/* 1 once the run's time is up. */
int code_past_deadline(const struct code_run *run);

/* Counts a block of the interpreter's going from old_size bytes to new_size
 * (0 for none) against the cap: 1 if it fits, 0 if refused (nothing counted).
 * Shrinking always fits. */
int code_memory_take(struct code_run *run, size_t old_size, size_t new_size);

/* The failure messages of the two limits, the same in every language. */
int code_fail_timeout(struct code_run *run, long line);
int code_fail_memory(struct code_run *run, long line);

/* 1 if v is an integer beyond +-2^53, which the languages whose numbers are
 * doubles (JavaScript, jq) cannot hold exactly: they get it as a string. */
int code_integer_too_wide(const json_t *v);

/* The schema fields of the code blocks besides their "code": the variables,
 * and the interpreter's own limits (where it has the hooks for them). */
#define CODE_VARS_SCHEMA \
	"\"vars\": {\"type\": \"object\", \"title\": \"Variables\", \"description\": \"values the code reads as vars, " \
	"e.g. {\\\"trigger\\\": \\\"{{ trigger }}\\\"} for the workflow's trigger data\", \"default\": {}}"
#define CODE_MEMORY_SCHEMA \
	"\"memory_mb\": {\"type\": \"integer\", \"title\": \"Memory (MiB)\", \"description\": \"what the interpreter " \
	"may hold, 1 to 192; more ends the run with memory_limit\", \"default\": 64}"
#define CODE_TIME_SCHEMA \
	"\"time_limit_ms\": {\"type\": \"integer\", \"title\": \"Time limit (ms)\", \"description\": \"how long the code " \
	"may run, 1 to 600000; longer ends the run with timeout\", \"default\": 5000}"

/* Checks the limits in config, those it has: AXON_OK, or the failure. */
int code_check_config(struct axon_ctx *ctx, const json_t *config);

#endif
