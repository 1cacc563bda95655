/* Mail for blocks: a message sent by SMTP with libcurl, under the egress
 * policy, with the account the broker applied. STARTTLS or implicit TLS
 * whenever a password is sent; the message (headers, text and HTML
 * alternatives, attachments from binary data) is composed here so that
 * nothing a block writes can add a header or a recipient. */
#ifndef AXON_BROKER_SMTP_H
#define AXON_BROKER_SMTP_H
#include <stddef.h>

#include <jansson.h>

struct egress_policy;

/* account: {"host", "port", "security": "starttls" | "tls" | "none",
 * "username", "password", "from"}; message: {"to", "cc", "bcc", "reply_to"
 * (an address or a list), "subject", "text", "html", "attachments": [binary
 * data with a filename]}. Returns {"accepted": [addresses], "message_id"},
 * or NULL with the reason in err. */
json_t *smtp_send(const struct egress_policy *p, const json_t *account, const json_t *message, char *err,
		  size_t errlen);

#endif
