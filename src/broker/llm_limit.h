/* The limits an "llm" credential sets on its provider: requests at once
 * (max_concurrent) and requests per minute (requests_per_minute, spread
 * evenly: one start every 60000 / N ms), counted over every execution of the
 * daemon that uses the credential. A request waits for its turn, never past
 * its deadline or a cancel. */
#ifndef AXON_BROKER_LLM_LIMIT_H
#define AXON_BROKER_LLM_LIMIT_H
#include <stddef.h>
#include <stdint.h>

struct llm_limit {
	int64_t credential_id; /* 0: no credential, no limit */
	char name[128];        /* the credential's, for messages */
	int max_concurrent;    /* 0: no limit */
	int per_minute;        /* 0: no limit */
};

/* Waits for a turn under l; 0, or -1 with the reason in err when the
 * deadline (monotonic ms) came or cancel was set first. Each 0 needs its
 * llm_limit_leave(). */
int llm_limit_enter(const struct llm_limit *l, int64_t deadline, const volatile int *cancel, char *err, size_t errlen);
void llm_limit_leave(const struct llm_limit *l);

#endif
