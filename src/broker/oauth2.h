/* OAuth 2.0 for the broker: the access token of a credential whose type
 * says "oauth2": {"grant": "client_credentials"}, fetched from its token
 * endpoint with its client id and secret (Basic authentication, RFC 6749
 * 4.4), kept in the daemon's memory until shortly before it expires, and
 * fetched again when the API answers 401 to it. Never in a child. */
#ifndef AXON_BROKER_OAUTH2_H
#define AXON_BROKER_OAUTH2_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct egress_policy;
struct secrets;

/* Sets fields["access_token"] for a credential of type (a no-op, 0, for a
 * type without "oauth2"). fresh: the cached token was refused, get another.
 * 0, or -1 with a sentence in err. Thread-safe. */
int oauth2_access_token(const struct egress_policy *p, struct secrets *secrets, const char *name,
			const json_t *type, json_t *fields, bool fresh, char *err, size_t errlen);

#endif
