/* How the broker applies a credential to an outgoing HTTP request, as its
 * type's "apply" says (credential_types.h): headers with the fields filled
 * in, query parameters, Basic authorization, or a TLS client certificate; and only towards the origins
 * the credential allows. The one place a credential meets a request. */
#ifndef AXON_BROKER_CREDENTIAL_APPLY_H
#define AXON_BROKER_CREDENTIAL_APPLY_H
#include <stddef.h>

#include <jansson.h>

struct secrets;

/* A credential opened for one request. */
struct egress_credential {
	const char *name;     /* as the block named it, for messages */
	const json_t *type;   /* its credential type */
	const json_t *fields; /* decrypted: plain and secret */
};

/* What c adds to a request for url: {"headers": {name: value}, "query":
 * {name: value}, and for a client certificate "tls": {"certificate", "key",
 * "ca"} (PEM texts; "ca" only when given)} (new reference), or NULL with a sentence in err: a type
 * that applies to no HTTP request, or an origin the credential does not
 * allow. Composed values (a Basic authorization) are masked from now on. */
json_t *credential_http_parts(const struct egress_credential *c, const char *url, struct secrets *secrets, char *err,
			      size_t errlen);

#endif
