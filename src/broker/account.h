/* The account a broker service uses for a block (an SMTP account, a bot
 * token, a database...): a credential chosen in the block's settings, opened
 * by the broker. The block names it; the broker applies it, its host and
 * port as much as its password, and the block never holds a secret. */
#ifndef AXON_BROKER_ACCOUNT_H
#define AXON_BROKER_ACCOUNT_H
#include <stddef.h>

#include <jansson.h>

struct broker_run;

/* The fields of the credential req's "credential" names, for the service
 * ("mail", "chat", "db") as a new object; for chat with "provider" set from
 * the credential's type. The credential must be given to the block in a
 * credential field of its settings and be of a type the service takes.
 * Its secret values are masked from then on (broker_credential()). NULL
 * with the reason in err. broker_credential_free() it. */
json_t *broker_account(struct broker_run *b, const json_t *req, const char *service, char *err, size_t errlen);

/* A mail protocol's URL schemes and default ports. */
struct account_protocol {
	const char *scheme, *tls_scheme; /* "smtp", "smtps" */
	int port, starttls_port, tls_port;
	const char *security;            /* when the account gives none: "starttls" or "tls" */
};

/* "smtps://host:465", "imap://host:143"... from a mail account's "host",
 * "port" and "security" ("starttls", "tls" or "none"; proto->security when
 * the account gives none); *starttls says whether to ask for STARTTLS. A
 * login ("username" and "password" in the account) is never sent
 * unencrypted: "none" with one is refused. 0, or -1 with a sentence in err. */
int account_server_url(const json_t *account, const struct account_protocol *proto, char *url, size_t urllen,
		       int *starttls, char *err, size_t errlen);

#endif
