/* Fair use: the rate limits of axon.conf applied to requests, with 429 and
 * Retry-After; the buckets and the count of refusals are in ratelimit.h. */
#ifndef AXON_LIMITS_H
#define AXON_LIMITS_H
#include <stdint.h>

#include "ratelimit.h"
#include "web/request.h"

/* Takes one from the bucket of (kind, id) at per_minute (0: no limit).
 * Returns 0 when within the limit; else answers 429 with Retry-After and a
 * sentence naming the limit, counts the refusal, and returns -1. */
int limit_take(struct request *r, enum ratelimit_kind kind, int64_t id, long per_minute);

/* The API limits of a signed-in request that asks for JSON or comes with a
 * token: its token's, then its user's. 0, or -1 after answering 429. */
int limit_api(struct request *r);

#endif
