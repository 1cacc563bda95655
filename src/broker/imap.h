/* Mail for blocks to read: the newest messages of an IMAP mailbox, fetched
 * with libcurl (IMAPS, or IMAP with STARTTLS) under the egress policy with
 * the account the broker applied, and read with broker/mime.h. Each message
 * is named by its UID and the mailbox's UIDVALIDITY, which together never
 * name another message (RFC 3501 2.3.1.1): what a poll trigger remembers. */
#ifndef AXON_BROKER_IMAP_H
#define AXON_BROKER_IMAP_H
#include <stddef.h>

#include <jansson.h>

struct egress_policy;

#define IMAP_MESSAGES_MAX 200

/* account: {"host", "port", "security": "tls" | "starttls" | "none",
 * "username", "password"}; request: {"mailbox" (default "INBOX"),
 * "max_messages" (1 to IMAP_MESSAGES_MAX, default 20), "known": [keys of
 * messages seen before]}. Returns {"mailbox", "uidvalidity", "messages":
 * [mime_message() with "uid", "uidvalidity" and "key": "UIDVALIDITY:UID";
 * for a known key only those and "known": true, not fetched], newest first},
 * or NULL with the reason in err. */
json_t *imap_read(const struct egress_policy *p, const json_t *account, const json_t *request, char *err,
		  size_t errlen);

#endif
