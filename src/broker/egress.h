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

#include <curl/curl.h>
#include <jansson.h>

struct secrets;

struct egress_policy {
	bool allow_loopback;
	bool allow_private;   /* RFC 1918, CGNAT, ULA and link-local */
	long timeout_ms;
	size_t max_bytes;     /* of the response body */
};

/* Checks one address; 0 if allowed, else -1 with the reason in err. */
int egress_check_address(const struct egress_policy *p, const struct sockaddr *sa, char *err, size_t errlen);

/* A libcurl handle's connections under the policy: http and https only, no
 * proxy, and every address it connects to, first or after a redirect,
 * checked; a refused one ends the transfer with the reason in refused. The
 * guard must outlive the transfer. */
struct egress_guard {
	const struct egress_policy *policy;
	char refused[768];
};
void egress_guard_apply(CURL *c, struct egress_guard *g);

/* Performs request (see axon/block.h, host->http) and returns the response
 * object, or NULL with the reason in err. Secret values in the response are
 * masked. Thread-safe. */
json_t *egress_request(const struct egress_policy *p, struct secrets *secrets, const json_t *request,
                       char *err, size_t errlen);

#endif
