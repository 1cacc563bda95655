/* Routes: method + path pattern ("/workflows/:id/versions/:v") + the least
 * role allowed + handler. The table itself is in web/routes.c. */
#ifndef AXON_ROUTER_H
#define AXON_ROUTER_H
#include <stddef.h>

#include "web/request.h"

typedef void (*handler_fn)(struct request *r);

struct route {
	const char *method;
	const char *pattern;
	enum role role; /* ROLE_NONE: open to anyone */
	handler_fn handler;
	unsigned flags;
};
/* The body is handed over as it came (r->raw_body), with no form parsing and
 * no CSRF check: for /hooks/<token>, which other programs call. */
#define ROUTE_RAW 1u
/* No session and no API token is looked at, and no pre-session cookie is
 * set: the handler decides who may call it (/metrics: an allowed address or
 * the metrics token; /hooks/<token>: its token). */
#define ROUTE_OWN_AUTH 2u

extern const struct route routes[];
extern const size_t routes_count;

/* Finds the route for method and path and fills params (pointing into
 * scratch, which must hold strlen(path)+1 bytes). When the path is known but
 * not the method, returns NULL and lists the allowed methods in allow. */
const struct route *router_match(const struct route *table, size_t n, const char *method, const char *path,
				 const char *params[ROUTE_MAX_PARAMS], char *scratch, struct strbuf *allow);

#endif
