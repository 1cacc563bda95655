/* HTTP for blocks, made by the daemon with libcurl under the egress policy:
 * http and https only; loopback, private and link-local addresses refused
 * unless axon.conf allows them; every address actually connected is checked,
 * so redirects and DNS answers cannot get round the policy; time and size
 * limits; secrets placed into headers by name, and a request that carries
 * them never sent to another origin (scheme, host, port) than its own: a
 * redirect elsewhere is refused. */
#ifndef AXON_SANDBOX_EGRESS_H
#define AXON_SANDBOX_EGRESS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <jansson.h>

struct egress_credential;
struct secrets;

struct egress_policy {
	bool allow_loopback;
	bool allow_private;   /* RFC 1918, CGNAT, ULA and link-local */
	long timeout_ms;
	size_t max_bytes;     /* of the response body */
};

/* Checks one address; 0 if allowed, else -1 with the reason in err. */
int egress_check_address(const struct egress_policy *p, const struct sockaddr *sa, char *err, size_t errlen);

/* Performs request (see axon/block.h, host->http) with the credential cred
 * applied (NULL: none), and returns the response object, or NULL with the
 * reason in err. Secret values in the response are masked. Thread-safe. */
json_t *egress_request(const struct egress_policy *p, struct secrets *secrets, const struct egress_credential *cred,
		       const json_t *request, char *err, size_t errlen);
/* "scheme://host:port" of a URL, lower-case, the port explicit (the scheme
 * guessed as libcurl does when there is none); NULL if libcurl cannot parse
 * it. Caller frees. */
char *egress_origin(const char *url);

#endif
