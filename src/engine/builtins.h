/* The blocks the engine runs itself, with no sandbox: flow.call (queues a run
 * of another workflow and waits for it) and flow.wait (a durable timer: a
 * waiting run holds no worker and no process, and survives a restart). */
#ifndef AXON_ENGINE_BUILTINS_H
#define AXON_ENGINE_BUILTINS_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Their entries in the block registry (new reference). */
json_t *builtin_blocks(void);

/* flow.wait: how many ms are left to wait (0: done) for a block with this
 * (evaluated) config that first started at started_at (wall ms, kept in the
 * store, so a restart waits only for what is left); -1 with the reason in err. */
int64_t wait_left_ms(const json_t *config, int64_t started_at, int64_t wall_now, char *err, size_t errlen);

/* "90", "90s", "5m", "1h30m", "2d" (or a number of seconds) in ms; -1 if not a duration. */
int64_t parse_duration_ms(const json_t *v);
/* "2026-12-02T10:00:00Z", "...+01:00", with optional fractions of a second,
 * or epoch milliseconds as a number; -1 if not such a time. */
int64_t parse_time_ms(const json_t *v);

#endif
