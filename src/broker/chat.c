#include "broker/chat.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/egress.h"
#include "strbuf.h"

#define SLACK_API "https://slack.com"
#define TELEGRAM_API "https://api.telegram.org"

/* A provider: what its account holds, how a message becomes its request,
 * and how its answer says the message was taken. */
struct provider {
	const char *name;
	const char *secret;       /* "token" or "url": the account's secret field */
	bool channel;             /* a channel is needed (and allowed) */
	json_t *(*request)(const struct egress_policy *p, const char *secret, const json_t *m);
	int (*answer)(const json_t *resp, const json_t *body, json_t *out, char *err, size_t errlen);
};

/* base + path, base being replaced by egress_test_base_url in tests. */
static char *api_url(const struct egress_policy *p, const char *base, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s%s", p->test_base_url[0] ? p->test_base_url : base, path);
	return sb_detach(&sb);
}

static json_t *post_json(char *url, json_t *body, const char *bearer)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_t *req = json_pack("{s:s, s:s, s:{s:s}, s:s, s:{s:i}}", "url", url, "method", "POST", "headers",
				"Content-Type", "application/json; charset=utf-8", "body", text ? text : "{}", "retry",
				"max", 2);
	if (bearer) {
		struct strbuf auth = STRBUF_INIT;
		sb_printf(&auth, "Bearer %s", bearer);
		json_object_set_new(json_object_get(req, "headers"), "Authorization", json_string(sb_str(&auth)));
		sb_free(&auth);
	}
	free(text);
	free(url);
	json_decref(body);
	return req;
}

static void set_if(json_t *o, const char *key, const json_t *v)
{
	if (v && !json_is_null(v))
		json_object_set(o, key, (json_t *)v);
}

static json_t *slack_request(const struct egress_policy *p, const char *token, const json_t *m)
{
	json_t *body = json_pack("{s:O, s:O}", "channel", json_object_get(m, "channel"), "text", json_object_get(m, "text"));
	set_if(body, "thread_ts", json_object_get(m, "thread"));
	return post_json(api_url(p, SLACK_API, "/api/chat.postMessage"), body, token);
}

static int slack_answer(const json_t *resp, const json_t *body, json_t *out, char *err, size_t errlen)
{
	(void)resp;
	if (!json_is_true(json_object_get(body, "ok"))) {
		snprintf(err, errlen, "Slack refused the message: %s",
			 json_string_value(json_object_get(body, "error")) ?: "no reason given");
		return -1;
	}
	set_if(out, "id", json_object_get(body, "ts"));
	set_if(out, "channel", json_object_get(body, "channel"));
	return 0;
}

/* Incoming webhooks of Slack and Mattermost: {"text"} to the account's address. */
static json_t *webhook_request(const struct egress_policy *p, const char *url, const json_t *m)
{
	(void)p;
	json_t *body = json_pack("{s:O}", "text", json_object_get(m, "text"));
	set_if(body, "channel", json_object_get(m, "channel"));
	set_if(body, "username", json_object_get(m, "username"));
	return post_json(strdup(url), body, NULL);
}

static json_t *discord_request(const struct egress_policy *p, const char *url, const json_t *m)
{
	(void)p;
	json_t *body = json_pack("{s:O}", "content", json_object_get(m, "text"));
	set_if(body, "username", json_object_get(m, "username"));
	json_t *req = post_json(strdup(url), body, NULL);
	json_object_set_new(req, "query", json_pack("{s:s}", "wait", "true")); /* answers with the message */
	return req;
}

static int discord_answer(const json_t *resp, const json_t *body, json_t *out, char *err, size_t errlen)
{
	(void)resp, (void)err, (void)errlen;
	set_if(out, "id", json_object_get(body, "id"));
	set_if(out, "channel", json_object_get(body, "channel_id"));
	return 0;
}

static int status_answer(const json_t *resp, const json_t *body, json_t *out, char *err, size_t errlen)
{
	(void)resp, (void)body, (void)out, (void)err, (void)errlen;
	return 0;
}

static json_t *telegram_request(const struct egress_policy *p, const char *token, const json_t *m)
{
	struct strbuf path = STRBUF_INIT;
	sb_printf(&path, "/bot%s/sendMessage", token);
	json_t *body = json_pack("{s:O, s:O}", "chat_id", json_object_get(m, "channel"), "text", json_object_get(m, "text"));
	set_if(body, "parse_mode", json_object_get(m, "format"));
	set_if(body, "reply_to_message_id", json_object_get(m, "thread"));
	json_t *req = post_json(api_url(p, TELEGRAM_API, sb_str(&path)), body, NULL);
	sb_free(&path);
	return req;
}

static int telegram_answer(const json_t *resp, const json_t *body, json_t *out, char *err, size_t errlen)
{
	(void)resp;
	if (!json_is_true(json_object_get(body, "ok"))) {
		snprintf(err, errlen, "Telegram refused the message: %s",
			 json_string_value(json_object_get(body, "description")) ?: "no reason given");
		return -1;
	}
	const json_t *result = json_object_get(body, "result");
	set_if(out, "id", json_object_get(result, "message_id"));
	set_if(out, "channel", json_object_get(json_object_get(result, "chat"), "id"));
	return 0;
}

static const struct provider providers[] = {
	{ "slack", "token", true, slack_request, slack_answer },
	{ "slack_webhook", "url", false, webhook_request, status_answer },
	{ "discord", "url", false, discord_request, discord_answer },
	{ "mattermost", "url", false, webhook_request, status_answer },
	{ "telegram", "token", true, telegram_request, telegram_answer },
};

static const struct provider *find_provider(const char *name)
{
	for (size_t i = 0; name && i < sizeof providers / sizeof providers[0]; i++)
		if (!strcmp(name, providers[i].name))
			return &providers[i];
	return NULL;
}

/* Checks the provider named by the account and the message for it; 0, or -1 with why in err. */
static int chat_check(const json_t *account, const json_t *m, char *err, size_t errlen)
{
	const struct provider *pv = find_provider(json_string_value(json_object_get(account, "provider")));
	if (!pv) {
		snprintf(err, errlen, "the credential's \"provider\" must be slack, slack_webhook, discord, mattermost or telegram");
		return -1;
	}
	const json_t *text = json_object_get(m, "text"), *channel = json_object_get(m, "channel");
	if (!json_is_object(m) || !json_is_string(text) || !json_string_length(text)) {
		snprintf(err, errlen, "the message needs \"text\"");
		return -1;
	}
	if (pv->channel && !json_is_string(channel) && !json_is_integer(channel)) {
		snprintf(err, errlen, "%s needs a \"channel\" (%s)", pv->name,
			 !strcmp(pv->name, "slack") ? "a channel id such as C0123456789, or #name" : "the chat_id");
		return -1;
	}
	if (!pv->channel && channel && strcmp(pv->name, "mattermost")) {
		snprintf(err, errlen, "a %s webhook posts to its own channel: leave \"channel\" out", pv->name);
		return -1;
	}
	return 0;
}

json_t *chat_post(const struct egress_policy *p, struct secrets *secrets, const json_t *account,
		  const json_t *message, char *err, size_t errlen)
{
	const struct provider *pv = find_provider(json_string_value(json_object_get(account, "provider")));
	if (chat_check(account, message, err, errlen) < 0)
		return NULL;
	const char *secret = json_string_value(json_object_get(account, pv->secret));
	if (!secret || !*secret) {
		snprintf(err, errlen, "a %s credential needs its %s (its \"%s\"): enter it on the credential's page",
			 pv->name, !strcmp(pv->secret, "url") ? "webhook's address" : "bot token", pv->secret);
		return NULL;
	}
	json_t *req = pv->request(p, secret, message);
	json_t *resp = egress_request(p, secrets, NULL, req, err, errlen);
	json_decref(req);
	if (!resp)
		return NULL;
	json_int_t status = json_integer_value(json_object_get(resp, "status"));
	const char *text = json_string_value(json_object_get(resp, "body"));
	json_t *body = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	json_t *out = json_pack("{s:s}", "provider", pv->name);
	if (status >= 300 && !json_object_get(body, "ok")) {
		const char *why = json_string_value(json_object_get(body, "message")) ?: json_string_value(json_object_get(body, "description"));
		snprintf(err, errlen, "%s answered with HTTP status %lld: %.200s", pv->name, (long long)status,
			 why ? why : text ? text : "");
		json_decref(out);
		out = NULL;
	} else if (pv->answer(resp, body, out, err, errlen) < 0) {
		json_decref(out);
		out = NULL;
	}
	json_decref(body);
	json_decref(resp);
	return out;
}
