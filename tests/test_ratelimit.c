/* Token buckets: a burst, then one token per 60/rate seconds; Retry-After's
 * seconds; keys apart; no limit at 0; idle keys forgotten. */
#include <stdio.h>

#include "ratelimit.h"
#include "testlib.h"

int main(void)
{
	struct ratelimit *rl = ratelimit_new();
	int64_t t = 1000000;
	/* 60 a minute, a burst of 3: three at once, then one a second. */
	for (int i = 0; i < 3; i++)
		CHECK(ratelimit_take(rl, "user:1", 60, 3, t) == 0);
	CHECK(ratelimit_take(rl, "user:1", 60, 3, t) == 1);
	CHECK(ratelimit_take(rl, "user:2", 60, 3, t) == 0); /* another key has its own bucket */
	CHECK(ratelimit_take(rl, "user:1", 60, 3, t + 500) == 1);
	CHECK(ratelimit_take(rl, "user:1", 60, 3, t + 1000) == 0);
	CHECK(ratelimit_take(rl, "user:1", 60, 3, t + 1000) == 1);
	/* A long pause fills the bucket up to the burst, not beyond. */
	t += 3600 * 1000;
	int allowed = 0;
	for (int i = 0; i < 10; i++)
		allowed += ratelimit_take(rl, "user:1", 60, 3, t) == 0;
	CHECK(allowed == 3);
	/* 6 a minute without a burst given: six at once, then a wait of 10 s. */
	for (int i = 0; i < 6; i++)
		CHECK(ratelimit_take(rl, "hook:9", 6, 0, t) == 0);
	CHECK(ratelimit_take(rl, "hook:9", 6, 0, t) == 10);
	CHECK(ratelimit_take(rl, "hook:9", 6, 0, t + 4000) == 6);
	/* 0: no limit. */
	for (int i = 0; i < 1000; i++)
		CHECK(ratelimit_take(rl, "free", 0, 0, t) == 0);
	CHECK(ratelimit_size(rl) == 3);

	/* Many keys: the ones idle long enough to be full again are dropped. */
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k:%d", i);
		ratelimit_take(rl, key, 60, 1, t);
	}
	CHECK(ratelimit_size(rl) > 4096);
	ratelimit_take(rl, "late", 60, 1, t + 120000);
	CHECK(ratelimit_size(rl) < 10);
	ratelimit_free(rl);

	/* The refusals /metrics reads, by kind and in all. */
	CHECK(ratelimit_refused_total() == 0);
	ratelimit_count_refused(RATELIMIT_WEBHOOK);
	ratelimit_count_refused(RATELIMIT_WEBHOOK);
	ratelimit_count_refused(RATELIMIT_API_TOKEN);
	CHECK(ratelimit_refused(RATELIMIT_WEBHOOK) == 2 && ratelimit_refused(RATELIMIT_API_TOKEN) == 1);
	CHECK(ratelimit_refused(RATELIMIT_RUNS) == 0 && ratelimit_refused_total() == 3);
	CHECK_STR(ratelimit_kind_name(RATELIMIT_API_USER), "api_user");
	CHECK_STR(ratelimit_kind_name(RATELIMIT_WEBHOOK), "webhook");
	return t_done("ratelimit");
}
