/* Fair use: the rate limits of axon.conf applied to requests, with 429 and
 * Retry-After, and the count of refusals for /metrics. */
#ifndef AXON_LIMITS_H
#define AXON_LIMITS_H
#include <stdint.h>

#include "web/request.h"

enum limit_kind {
	LIMIT_API_USER,  /* JSON API requests of a signed-in user */
	LIMIT_API_TOKEN, /* requests with one API token */
	LIMIT_RUNS,      /* runs started by a user (by hand, API, replay) */
	LIMIT_WEBHOOK,   /* deliveries to one workflow's webhook */
	LIMIT_KINDS
};

/* Takes one from the bucket of (kind, id) at per_minute (0: no limit).
 * Returns 0 when within the limit; else answers 429 with Retry-After and a
 * sentence naming the limit, counts the refusal, and returns -1. */
int limit_take(struct request *r, enum limit_kind kind, int64_t id, long per_minute);

/* The API limits of a signed-in request that asks for JSON or comes with a
 * token: its token's, then its user's. 0, or -1 after answering 429. */
int limit_api(struct request *r);

/* Refusals since start, by kind and in all: plain counters /metrics reads
 * (as axon_rate_limited_total{limit="..."}). */
uint64_t ratelimit_refused(enum limit_kind kind);
uint64_t ratelimit_refused_total(void);
/* "api_user", "api_token", "runs", "webhook": a label value. */
const char *limit_kind_name(enum limit_kind kind);

#endif
