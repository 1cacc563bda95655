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

struct egress_credential;
struct secrets;

struct egress_policy {
	bool allow_loopback;
	bool allow_private;   /* RFC 1918, CGNAT, ULA and link-local */
	long timeout_ms;
	size_t max_bytes;     /* of the response body */
	char ca_file[1024];   /* certificates trusted besides the system's (egress_ca_file), or "" */
	char test_base_url[256]; /* egress_test_base_url: tests reach stand-ins of fixed APIs there, or "" */
	char sqlite_allow[2048]; /* db_sqlite_allow: the SQLite files the db service may read (sqlite_query.h) */
	char sqlite_write[2048]; /* db_sqlite_write: those it may change */
};

struct config;
/* The policy axon.conf sets. */
struct egress_policy egress_policy_from_config(const struct config *c);

/* Checks one address; 0 if allowed, else -1 with the reason in err. */
int egress_check_address(const struct egress_policy *p, const struct sockaddr *sa, char *err, size_t errlen);

/* Every connection the broker makes, whatever its protocol (HTTP, SMTP...),
 * goes through a guard: the address it resolved is checked against the
 * policy before the socket is opened, no proxy, the time limit, the CA file. */
struct egress_guard {
	const struct egress_policy *policy;
	char refused[768];    /* why a connection was refused, or "" */
};

/* Sets the guard g (whose policy is set) on c. */
void egress_guard(CURL *c, struct egress_guard *g);
/* The reason of a failed transfer: the guard's refusal, a timeout, or libcurl's words. */
void egress_failure(const struct egress_guard *g, CURLcode rc, const char *what, char *err, size_t errlen);

/* The most retries a request may ask for (after a 429 or 503). */
#define EGRESS_MAX_RETRIES 10

/* Performs request (see axon/block.h, host->http) with the credential cred
 * applied (NULL: none), and returns the response object, or NULL with the
 * reason in err. Secret values in the response are masked. A 429 or 503 is tried again as the request's "retry" asks, after
 * the answer's Retry-After, within max_wait_ms and the time limit; a wait
 * beyond either gives that answer back. Thread-safe. */
json_t *egress_request(const struct egress_policy *p, struct secrets *secrets, const struct egress_credential *cred,
		       const json_t *request, char *err, size_t errlen);
/* "scheme://host:port" of a URL, lower-case, the port explicit (the scheme
 * guessed as libcurl does when there is none); NULL if libcurl cannot parse
 * it. Caller frees. */
char *egress_origin(const char *url);

#endif
