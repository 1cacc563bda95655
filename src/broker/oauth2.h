/* OAuth 2.0 for the broker: the access token of a credential whose type
 * says "oauth2": {"grant": ...}. client_credentials: fetched from the token
 * endpoint with the client id and secret (Basic authentication, RFC 6749
 * 4.4), kept in the daemon's memory until shortly before it expires.
 * authorization_code: the tokens Connect got (oauth2_exchange_code), stored
 * sealed in the credential; renewed with the refresh token before they
 * expire, and the credential marked "needs reconnecting", with the
 * provider's message, when that fails. Either is fetched again once when the
 * API answers 401. Never in a child. */
#ifndef AXON_BROKER_OAUTH2_H
#define AXON_BROKER_OAUTH2_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct broker_run;
struct egress_policy;
struct secrets;

/* Sets fields["access_token"] for credential id (called name) of type (a
 * no-op, 0, for a type without "oauth2"). fresh: the token in hand was
 * refused, get another. 0, or -1 with a sentence in err. Thread-safe. */
int oauth2_access_token(struct broker_run *b, const struct egress_policy *p, const char *name, int64_t id,
			const json_t *type, json_t *fields, bool fresh, char *err, size_t errlen);

/* Connect's last step: trades code (and the PKCE verifier) at the
 * credential's token endpoint; sets access_token, refresh_token and
 * expires_at in fields and clears connection_error. 0, or -1 with err set. */
int oauth2_exchange_code(const struct egress_policy *p, struct secrets *secrets, const char *name, json_t *fields,
			 const char *code, const char *redirect_uri, const char *verifier, char *err, size_t errlen);

#endif
