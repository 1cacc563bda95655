/* Chat for blocks: a message posted to Slack (chat.postMessage with a bot
 * token, or an incoming webhook), Discord or Mattermost (webhooks) or
 * Telegram (sendMessage with a bot token), by HTTP through egress.c, with
 * the account the broker applied. The token or the webhook's address is
 * the account's secret: the block never sees it, and a message never goes
 * anywhere but the provider's own address (or the webhook's). */
#ifndef AXON_BROKER_CHAT_H
#define AXON_BROKER_CHAT_H
#include <stddef.h>

#include <jansson.h>

struct egress_policy;
struct secrets;

/* account: a chat credential's fields, "provider" set by its type
 * (broker/account.c): {"provider": "slack" | "slack_webhook" | "discord" |
 * "mattermost" | "telegram", "token" or "url"}; message: {"text",
 * "channel", "username", "thread", "format"}. Returns {"provider", "id",
 * "channel"} (id and channel where the provider tells them), or NULL with
 * the reason in err. */
json_t *chat_post(const struct egress_policy *p, struct secrets *secrets, const json_t *account,
		  const json_t *message, char *err, size_t errlen);

#endif
