#include "web/limits.h"

#include <stdio.h>

#include "clock.h"
#include "log.h"

static const struct {
	const char *key, *what;
} kinds[RATELIMIT_KINDS] = {
	[RATELIMIT_API_USER] = { "user", "API requests a minute for your user" },
	[RATELIMIT_API_TOKEN] = { "token", "API requests a minute with this token" },
	[RATELIMIT_RUNS] = { "runs", "runs started a minute by your user" },
	[RATELIMIT_WEBHOOK] = { "hook", "deliveries a minute to this webhook" },
};

int limit_take(struct request *r, enum ratelimit_kind kind, int64_t id, long per_minute)
{
	if (!r->app->limits) /* an app without buckets (tools, tests) limits nothing */
		return 0;
	char key[48];
	snprintf(key, sizeof key, "%s:%lld", kinds[kind].key, (long long)id);
	long wait = ratelimit_take(r->app->limits, key, per_minute, 0, mono_ms());
	if (!wait)
		return 0;
	ratelimit_count_refused(kind);
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
	if (r->via_token && limit_take(r, RATELIMIT_API_TOKEN, r->token.id,
				       r->token.rate_per_minute ? r->token.rate_per_minute : r->app->cfg.rate_api_per_token) < 0)
		return -1;
	return limit_take(r, RATELIMIT_API_USER, r->user.id, r->app->cfg.rate_api_per_user);
}
