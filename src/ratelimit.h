/* Token buckets in memory, keyed by a string ("user:3", "hook:12"), shared by
 * every request thread. A bucket holds at most `burst` tokens and gains
 * `per_minute` a minute; each event takes one. Buckets are forgotten once
 * they are full again (an idle key costs nothing), so the table stays as
 * small as the set of keys busy in the last minute or so. */
#ifndef AXON_RATELIMIT_H
#define AXON_RATELIMIT_H
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(void);
void ratelimit_free(struct ratelimit *rl);
/* Takes a token from key's bucket at now_ms (monotonic). Returns 0 when one
 * was there, else the whole seconds (at least 1) until one will be: what
 * Retry-After says. per_minute 0 means no limit. burst 0 means per_minute. */
long ratelimit_take(struct ratelimit *rl, const char *key, long per_minute, long burst, int64_t now_ms);
/* How many keys have a bucket now (for tests). */
long ratelimit_size(struct ratelimit *rl);

#endif
