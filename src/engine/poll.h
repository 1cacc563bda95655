/* Poll triggers: a block (feed.read, ...) run on a timer in the sandbox,
 * whose items start one run each when they are new. What was seen is kept
 * in the store, so a restart starts no run twice; the first round of a new
 * poll only learns what is there. */
#ifndef AXON_ENGINE_POLL_H
#define AXON_ENGINE_POLL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct engine;
struct sandbox;
struct store;

#define POLL_EVERY_DEFAULT_S 300
#define POLL_FORGET_S (30 * 86400) /* an item gone from the source this long is forgotten */
#define POLL_KNOWN_MAX 1000        /* keys of the last round given back to the block, at most */

/* One round of workflow_id's poll trigger at now (unix seconds); first: only
 * learn what is there. The block may use the credentials its settings name,
 * acting for who saved the workflow's current version; its input "known"
 * is the keys of the items it gave in the last round, which it must list
 * again (or they would be forgotten in time) but need not fetch whole. 0, or -1 after
 * logging why the round failed, which err gets too (secrets masked). */
int poll_round(struct sandbox *sb, struct engine *e, struct store *st, int64_t workflow_id, const json_t *trigger,
	       bool first, int64_t now, char *err, size_t errlen);

#endif
