#include "web/limits.h"

#include <stdatomic.h>
#include <stdio.h>

#include "clock.h"
#include "log.h"
#include "ratelimit.h"

static atomic_uint_fast64_t refused[LIMIT_KINDS];

static const struct {
	const char *name, *key, *what;
} kinds[LIMIT_KINDS] = {
	[LIMIT_API_USER] = { "api_user", "user", "API requests a minute for your user" },
	[LIMIT_API_TOKEN] = { "api_token", "token", "API requests a minute with this token" },
	[LIMIT_RUNS] = { "runs", "runs", "runs started a minute by your user" },
	[LIMIT_WEBHOOK] = { "webhook", "hook", "deliveries a minute to this webhook" },
};

const char *limit_kind_name(enum limit_kind kind)
{
	return kinds[kind].name;
}

uint64_t ratelimit_refused(enum limit_kind kind)
{
	return atomic_load(&refused[kind]);
}

uint64_t ratelimit_refused_total(void)
{
	uint64_t n = 0;
	for (int k = 0; k < LIMIT_KINDS; k++)
		n += atomic_load(&refused[k]);
	return n;
}

int limit_take(struct request *r, enum limit_kind kind, int64_t id, long per_minute)
{
	if (!r->app->limits) /* an app without buckets (tools, tests) limits nothing */
		return 0;
	char key[48];
	snprintf(key, sizeof key, "%s:%lld", kinds[kind].key, (long long)id);
	long wait = ratelimit_take(r->app->limits, key, per_minute, 0, mono_ms());
	if (!wait)
		return 0;
	atomic_fetch_add(&refused[kind], 1);
	log_debug("req=%lu rate limit %s reached", r->id, key);
	char msg[200];
	snprintf(msg, sizeof msg, "Too many requests: at most %ld %s. Try again in %ld second%s.", per_minute,
		 kinds[kind].what, wait, wait == 1 ? "" : "s");
	req_add_header(r, "Retry-After: %ld", wait);
	reply_error(r, 429, msg, NULL);
	return -1;
}

int limit_api(struct request *r)
{
	if (!r->signed_in || !(r->json || r->via_token))
		return 0;
	if (r->via_token && limit_take(r, LIMIT_API_TOKEN, r->token.id,
				       r->token.rate_per_minute ? r->token.rate_per_minute : r->app->cfg.rate_api_per_token) < 0)
		return -1;
	return limit_take(r, LIMIT_API_USER, r->user.id, r->app->cfg.rate_api_per_user);
}
