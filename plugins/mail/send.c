/* mail.send: a message by SMTP, sent by the daemon with the account it
 * applies (host->call "mail"); the block never holds the password. */
#include "mail/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	static const char *const fields[] = { "to", "cc", "bcc", "reply_to", "subject", "text", "html" };
	char err[1000];
	if (!axon_has(ctx, call))
		return axon_fail(ctx, "this daemon is older than mail.send (it has no services for blocks): upgrade Axon");
	json_t *message = json_object();
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (json_object_get(config, fields[i]))
			json_object_set(message, fields[i], json_object_get(config, fields[i]));
	const json_t *files = json_object_get(inputs, "attachments");
	if (!files)
		files = json_object_get(config, "attachments");
	if (json_is_object(files)) /* one file alone */
		json_object_set_new(message, "attachments", json_pack("[O]", files));
	else if (files)
		json_object_set(message, "attachments", (json_t *)files);
	json_t *req = json_pack("{s:O, s:o}", "credential", json_object_get(config, "credential"), "message", message);
	json_t *sent = axon_call(ctx, "mail", req, err, sizeof err);
	json_decref(req);
	if (!sent)
		return axon_fail(ctx, "%s", err);
	axon_log(ctx, AXON_LOG_INFO, "sent to %zu recipients as %s", json_array_size(json_object_get(sent, "accepted")),
		 json_string_value(json_object_get(sent, "message_id")));
	return axon_emit(ctx, "sent", sent) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "attachments", "optional: binary data with a filename, or a list of them (such as a file uploaded to a webhook)" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "sent", "{\"accepted\": [addresses], \"message_id\"}" },
	{ NULL, NULL },
};

const struct axon_block mail_send_block = {
	.name = "mail.send",
	.version = "1.0.0",
	.title = "Send a mail",
	.description = "Sends a mail by SMTP (STARTTLS or TLS) with a text or HTML body, or both, and attachments; the daemon connects to the server of the account chosen as a credential and applies its password, unseen by the block.",
	.category = "network",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"credential\": {\"type\": \"string\", \"title\": \"SMTP account\", \"format\": \"credential\", \"credential_type\": \"smtp\", \"description\": \"The mail server, its login and the sender address, kept as a credential: the daemon connects there, and nowhere a workflow says\"},"
		"\"to\": {\"type\": \"array\", \"title\": \"To\", \"description\": \"Addresses, such as [\\\"Ada <ada@example.org>\\\"]\", \"default\": []},"
		"\"cc\": {\"type\": \"array\", \"title\": \"Cc\", \"description\": \"Addresses shown as copied\", \"default\": []},"
		"\"bcc\": {\"type\": \"array\", \"title\": \"Bcc\", \"description\": \"Addresses that receive the mail without being shown\", \"default\": []},"
		"\"reply_to\": {\"type\": \"string\", \"title\": \"Reply to\", \"description\": \"Where answers go, when not to the sender\"},"
		"\"subject\": {\"type\": \"string\", \"title\": \"Subject\", \"description\": \"One line; any language\", \"default\": \"\"},"
		"\"text\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"The plain text body\"},"
		"\"html\": {\"type\": \"string\", \"title\": \"HTML\", \"description\": \"The HTML body, sent beside the text as its alternative\"},"
		"\"attachments\": {\"type\": \"array\", \"title\": \"Attachments\", \"description\": \"Binary data with a filename, such as {{ trigger.body.file }}; the input port attachments takes them too\"}},"
		"\"required\": [\"credential\"]}",
	.run = run,
};
