/* chat.post: a message to Slack, Discord, Mattermost or Telegram, posted by
 * the daemon with the account it applies (host->call "chat"); the block
 * never holds the token or the webhook's address. */
#include "chat/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	static const char *const fields[] = { "channel", "text", "username", "thread", "format" };
	char err[1000];
	if (!axon_has(ctx, call))
		return axon_fail(ctx, "this daemon is older than chat.post (it has no services for blocks): upgrade Axon");
	json_t *message = json_object();
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (json_object_get(config, fields[i]) && json_string_length(json_object_get(config, fields[i])))
			json_object_set(message, fields[i], json_object_get(config, fields[i]));
	const json_t *text = json_object_get(inputs, "text");
	if (json_is_string(text))
		json_object_set(message, "text", (json_t *)text);
	json_t *req = json_pack("{s:O, s:o}", "credential", json_object_get(config, "credential"), "message", message);
	json_t *posted = axon_call(ctx, "chat", req, err, sizeof err);
	json_decref(req);
	if (!posted)
		return axon_fail(ctx, "%s", err);
	axon_log(ctx, AXON_LOG_INFO, "posted to %s", json_string_value(json_object_get(posted, "provider")));
	return axon_emit(ctx, "posted", posted) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "text", "optional: the message's text, instead of the setting" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "posted", "{\"provider\", \"id\", \"channel\"}: the message's id and channel where the provider tells them" },
	{ NULL, NULL },
};

const struct axon_block chat_post_block = {
	.name = "chat.post",
	.version = "1.0.0",
	.title = "Post to a chat",
	.description = "Posts a message to Slack (bot or incoming webhook), Discord, Mattermost or Telegram; the daemon applies the token or webhook address, unseen by the block.",
	.category = "network",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"credential\": {\"type\": \"string\", \"title\": \"Chat account\", \"format\": \"credential\", \"credential_type\": [\"slack_bot\", \"slack_webhook\", \"discord_webhook\", \"mattermost_webhook\", \"telegram_bot\"], \"description\": \"A bot token or a webhook's address, kept as a credential: its type says the chat\"},"
		"\"channel\": {\"type\": \"string\", \"title\": \"Channel\", \"description\": \"Slack: a channel id or #name; Telegram: the chat_id; Mattermost: another channel than the webhook's\", \"default\": \"\"},"
		"\"text\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"The message; the input port text takes it too\", \"default\": \"\"},"
		"\"username\": {\"type\": \"string\", \"title\": \"Shown as\", \"description\": \"Discord and Mattermost webhooks: the name the message is posted under\", \"default\": \"\"},"
		"\"thread\": {\"type\": \"string\", \"title\": \"Thread\", \"description\": \"Slack: the thread_ts to answer in; Telegram: the message id to reply to\", \"default\": \"\"},"
		"\"format\": {\"type\": \"string\", \"title\": \"Telegram format\", \"description\": \"Telegram's parse_mode: HTML or MarkdownV2; plain text when empty\", \"default\": \"\"}},"
		"\"required\": [\"credential\"]}",
	.run = run,
};
