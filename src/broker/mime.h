/* A mail message (RFC 5322 with MIME) read into one JSON shape with GMime:
 * headers decoded (RFC 2047 encoded words, any charset to UTF-8), the first
 * text/plain and text/html parts of the body decoded from quoted-printable or
 * base64 and converted to UTF-8, every other leaf part an attachment as
 * binary data (binary.h). A message is untrusted input: GMime is a kept
 * library that parses whatever arrives and never fails on a malformed one;
 * what cannot be read is left out. */
#ifndef AXON_BROKER_MIME_H
#define AXON_BROKER_MIME_H
#include <stddef.h>

#include <jansson.h>

/* {"message_id", "subject", "from", "from_address", "to": [..], "cc": [..],
 * "reply_to", "date" (ISO 8601 UTC), "text", "html", "attachments": [binary
 * data with "filename" when it has one]}; absent headers are left out,
 * "text" and "html" are "" when the message has no such part. NULL with
 * err set when the bytes are not a message at all. Thread-safe. */
json_t *mime_message(const void *data, size_t len, char *err, size_t errlen);

#endif
