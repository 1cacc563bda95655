/* The router against the real route table and a small one of its own. */
#include <stdlib.h>

#include "../testlib.h"
#include "web/router.h"

static void h(struct request *r) { (void)r; }

static const struct route table[] = {
	{ "GET", "/a", ROLE_NONE, h, 0 },
	{ "GET", "/w/new", ROLE_NONE, h, 0 },
	{ "GET", "/w/:id", ROLE_VIEWER, h, 0 },
	{ "POST", "/w/:id", ROLE_EDITOR, h, 0 },
	{ "POST", "/w/:id/v/:v/restore", ROLE_EDITOR, h, 0 },
};
#define N (sizeof table / sizeof table[0])

static const struct route *find(const char *method, const char *path, const char **params, struct strbuf *allow)
{
	static char scratch[256];
	sb_reset(allow);
	return router_match(table, N, method, path, params, scratch, allow);
}

int main(void)
{
	const char *p[ROUTE_MAX_PARAMS];
	struct strbuf allow = STRBUF_INIT;

	CHECK(find("GET", "/a", p, &allow) == &table[0]);
	CHECK(find("HEAD", "/a", p, &allow) == &table[0]);
	CHECK(find("GET", "/w/new", p, &allow) == &table[1]);       /* a fixed segment wins when listed first */
	CHECK(find("GET", "/w/42", p, &allow) == &table[2]);
	CHECK_STR(p[0], "42");
	CHECK(find("POST", "/w/7/v/3/restore", p, &allow) == &table[4]);
	CHECK_STR(p[0], "7");
	CHECK_STR(p[1], "3");

	/* Unknown paths, trailing slashes and empty segments are not routes. */
	CHECK(find("GET", "/nope", p, &allow) == NULL && allow.len == 0);
	CHECK(find("GET", "/w/", p, &allow) == NULL && allow.len == 0);
	CHECK(find("GET", "/w//v", p, &allow) == NULL);
	CHECK(find("GET", "/a/", p, &allow) == NULL);
	CHECK(find("GET", "", p, &allow) == NULL);

	/* A known path with another method lists what it allows (for 405). */
	CHECK(find("DELETE", "/w/1", p, &allow) == NULL);
	CHECK_STR(allow.data, "GET, HEAD, POST");
	CHECK(find("POST", "/a", p, &allow) == NULL);
	CHECK_STR(allow.data, "GET, HEAD");

	/* The real table: every pattern starts with '/' and has a handler. */
	for (size_t i = 0; i < routes_count; i++) {
		CHECK(routes[i].pattern[0] == '/');
		CHECK(routes[i].handler != NULL);
	}
	static char scratch[256];
	sb_reset(&allow);
	const struct route *r = router_match(routes, routes_count, "GET", "/workflows/new", p, scratch, &allow);
	CHECK(r && r->role == ROLE_EDITOR);
	sb_reset(&allow);
	r = router_match(routes, routes_count, "POST", "/users/3/disable", p, scratch, &allow);
	CHECK(r && r->role == ROLE_OWNER);
	CHECK_STR(p[0], "3");
	sb_free(&allow);
	return t_done("router");
}
