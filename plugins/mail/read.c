/* mail.read: the newest messages of an IMAP mailbox, fetched and read by the
 * daemon with the account it applies (host->call "imap"); the block never
 * holds the password. As a poll trigger ("items": "mail.messages", "key":
 * "key"), each new message starts one run. */
#include "mail/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	char err[1000];
	if (!axon_has(ctx, call))
		return axon_fail(ctx, "this daemon is older than mail.read (it has no services for blocks): upgrade Axon");
	json_t *req = json_pack("{s:O, s:O?, s:O?, s:O?}", "credential", json_object_get(config, "credential"), "mailbox",
				json_object_get(config, "mailbox"), "max_messages", json_object_get(config, "max_messages"),
				"known", json_object_get(inputs, "known"));
	json_t *read = axon_call(ctx, "imap", req, err, sizeof err);
	json_decref(req);
	if (!read)
		return axon_fail(ctx, "%s", err);
	axon_log(ctx, AXON_LOG_INFO, "%s: %zu messages", json_string_value(json_object_get(read, "mailbox")),
		 json_array_size(json_object_get(read, "messages")));
	return axon_emit(ctx, "mail", read) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "known", "optional: keys of messages already seen (a poll trigger gives those of its last round): they are listed as {\"key\", \"uid\", \"uidvalidity\", \"known\": true}, not fetched again" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "mail", "{\"mailbox\", \"uidvalidity\", \"messages\": [{\"key\", \"uid\", \"message_id\", \"subject\", \"from\", \"from_address\", \"to\", \"cc\", \"reply_to\", \"date\", \"text\", \"html\", \"attachments\"}]}, newest first" },
	{ NULL, NULL },
};

const struct axon_block mail_read_block = {
	.name = "mail.read",
	.version = "1.0.0",
	.title = "Read mail",
	.description = "Reads the newest messages of an IMAP mailbox (TLS or STARTTLS): subject, sender, recipients, date, text and HTML bodies and attachments as binary data. As a poll trigger, each new message starts a run. The daemon connects to the account chosen as a credential, unseen by the block.",
	.category = "network",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"credential\": {\"type\": \"string\", \"title\": \"IMAP mailbox\", \"format\": \"credential\", \"credential_type\": \"imap\", \"description\": \"The mail server and its login, kept as a credential\"},"
		"\"mailbox\": {\"type\": \"string\", \"title\": \"Folder\", \"description\": \"Such as INBOX or Archive/2026\", \"default\": \"INBOX\"},"
		"\"max_messages\": {\"type\": \"integer\", \"title\": \"Messages at most\", \"description\": \"The newest ones, 1 to 200: as a poll trigger, more new messages than this between two polls are not all seen\", \"default\": 20}},"
		"\"required\": [\"credential\"]}",
	.run = run,
};
