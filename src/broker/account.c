#include "broker/account.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "broker/credentials.h"

/* The credential types each service takes (src/credential_types.c), and for
 * chat the provider (broker/chat.h) each one is. */
static const struct {
	const char *type, *service, *provider;
} kinds[] = {
	{ "smtp", "mail", NULL },
	{ "imap", "imap", NULL },
	{ "postgres", "db", NULL },
	{ "slack_bot", "chat", "slack" },
	{ "slack_webhook", "chat", "slack_webhook" },
	{ "discord_webhook", "chat", "discord" },
	{ "mattermost_webhook", "chat", "mattermost" },
	{ "telegram_bot", "chat", "telegram" },
};

json_t *broker_account(struct broker_run *b, const json_t *req, const char *service, char *err, size_t errlen)
{
	const char *ref = json_string_value(json_object_get(req, "credential"));
	const json_t *type = NULL;
	int64_t id;
	if (json_object_get(req, "account")) {
		/* The host of an account written in a workflow would be the workflow's choice. */
		snprintf(err, errlen, "an account is no longer written in the block's settings: make a credential of it "
			 "(Credentials, or axonctl credentials add) and choose it in the block's \"credential\"");
		return NULL;
	}
	if (!ref) {
		snprintf(err, errlen, "no credential was named: choose one in the block's settings");
		return NULL;
	}
	json_t *fields = broker_block_credential(b, ref, &type, &id, err, errlen);
	if (!fields)
		return NULL;
	const char *name = json_string_value(json_object_get(type, "name"));
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(name, kinds[i].type) && !strcmp(service, kinds[i].service)) {
			if (kinds[i].provider)
				json_object_set_new(fields, "provider", json_string(kinds[i].provider));
			return fields;
		}
	snprintf(err, errlen, "credential '%s' is of type '%s', which the %s service cannot use", ref, name, service);
	broker_credential_free(fields);
	return NULL;
}

int account_server_url(const json_t *account, const struct account_protocol *proto, char *url, size_t urllen,
		       int *starttls, char *err, size_t errlen)
{
	const char *host = json_string_value(json_object_get(account, "host"));
	const char *security = json_string_value(json_object_get(account, "security"));
	json_int_t port = json_integer_value(json_object_get(account, "port"));
	if (!security)
		security = proto->security;
	bool tls = !strcmp(security, "tls");
	*starttls = !strcmp(security, "starttls");
	if (!tls && !*starttls && strcmp(security, "none")) {
		snprintf(err, errlen, "the account's \"security\" must be \"starttls\" (port %d), \"tls\" (port %d) or "
			 "\"none\" (no password then)", proto->starttls_port, proto->tls_port);
		return -1;
	}
	if (!host || !*host || strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host)) {
		snprintf(err, errlen, "the account's \"host\" must be a host name or address, such as mail.example.org");
		return -1;
	}
	if (port < 0 || port > 65535) {
		snprintf(err, errlen, "the account's \"port\" must be a port number");
		return -1;
	}
	if (!tls && !*starttls && (json_object_get(account, "username") || json_object_get(account, "password"))) {
		snprintf(err, errlen, "a password is never sent unencrypted: set the account's \"security\" to "
			 "\"starttls\" or \"tls\"");
		return -1;
	}
	if (!port)
		port = tls ? proto->tls_port : *starttls ? proto->starttls_port : proto->port;
	snprintf(url, urllen, "%s://%s:%lld", tls ? proto->tls_scheme : proto->scheme, host, (long long)port);
	return 0;
}
