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

/* What axond limits (web/limits.c applies them), and the refusals of each
 * since start: plain counters that /metrics reads, as
 * axon_rate_limited_total{limit="<ratelimit_kind_name>"}. */
enum ratelimit_kind {
	RATELIMIT_API_USER,  /* JSON API requests of a signed-in user */
	RATELIMIT_API_TOKEN, /* requests with one API token */
	RATELIMIT_RUNS,      /* runs started by a user (by hand, API, replay) */
	RATELIMIT_WEBHOOK,   /* deliveries to one workflow's webhook */
	RATELIMIT_KINDS
};
void ratelimit_count_refused(enum ratelimit_kind kind);
uint64_t ratelimit_refused(enum ratelimit_kind kind);
uint64_t ratelimit_refused_total(void);
/* "api_user", "api_token", "runs", "webhook": a label value. */
const char *ratelimit_kind_name(enum ratelimit_kind kind);

#endif
