#include "web/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "web/auth.h"
#include "web/router.h"

static int wants_json(struct request *r)
{
	const char *accept = req_param(r, "HTTP_ACCEPT");
	const char *ctype = req_param(r, "CONTENT_TYPE");
	return strstr(accept, "application/json") != NULL || strncmp(ctype, "application/json", 16) == 0;
}

/* Reads the body if it fits in max_body; a larger one is refused unread. */
static int read_body(struct request *r)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");
	if (!*cl)
		return 0;
	char *end;
	unsigned long long len = strtoull(cl, &end, 10);
	if (*end || strspn(cl, "0123456789") != strlen(cl)) {
		reply_error(r, 400, "The Content-Length header is not a number.", NULL);
		return -1;
	}
	if (len > r->app->cfg.max_body) {
		char msg[160];
		snprintf(msg, sizeof msg, "The request body is larger than this server accepts (%zu bytes at most).",
			 r->app->cfg.max_body);
		reply_error(r, 413, msg, NULL);
		return -1;
	}
	r->raw_body = xmalloc(len + 1);
	int got = len ? FCGX_GetStr(r->raw_body, (int)len, r->fcgx->in) : 0;
	if (got < 0 || (unsigned long long)got != len) {
		reply_error(r, 400, "The request body ended before its Content-Length.", NULL);
		return -1;
	}
	r->raw_body[len] = '\0';
	r->raw_body_len = len;
	return 0;
}

static int parse_body(struct request *r)
{
	if (read_body(r) < 0)
		return -1;
	if (!r->raw_body_len)
		return 0;
	const char *ctype = req_param(r, "CONTENT_TYPE");
	char err[256];
	int rc;
	if (strncmp(ctype, "application/x-www-form-urlencoded", 33) == 0)
		rc = form_parse_urlencoded(&r->body, r->raw_body, r->raw_body_len, err, sizeof err);
	else if (strncmp(ctype, "multipart/form-data", 19) == 0)
		rc = form_parse_multipart(&r->body, ctype, r->raw_body, r->raw_body_len, err, sizeof err);
	else if (strncmp(ctype, "application/json", 16) == 0)
		rc = form_parse_json(&r->body, r->raw_body, r->raw_body_len, err, sizeof err);
	else {
		reply_error(r, 400, "Send the body as application/x-www-form-urlencoded, multipart/form-data "
				    "or application/json.", NULL);
		return -1;
	}
	if (rc < 0) {
		char msg[320];
		snprintf(msg, sizeof msg, "The request body could not be read: %s", err);
		reply_error(r, 400, msg, NULL);
		return -1;
	}
	return 0;
}

static int parse_head(struct request *r)
{
	char err[256], msg[320];
	const char *qs = req_param(r, "QUERY_STRING");
	if (form_parse_urlencoded(&r->query, qs, strlen(qs), err, sizeof err) < 0) {
		snprintf(msg, sizeof msg, "The query string could not be read: %s", err);
		reply_error(r, 400, msg, NULL);
		return -1;
	}
	/* Cookies one at a time: a bad cookie set by another application on the
	 * same host (ports share cookies) must not lock the visitor out of Axon. */
	const char *cookie = req_param(r, "HTTP_COOKIE");
	while (*cookie) {
		size_t len = strcspn(cookie, ";");
		char *one = xstrndup(cookie, len);
		if (form_parse_cookies(&r->cookies, one, err, sizeof err) < 0)
			log_debug("req=%lu a cookie was ignored: %s", r->id, err);
		free(one);
		cookie += len + (cookie[len] == ';');
	}
	return 0;
}

static void deny_anonymous(struct request *r)
{
	if (r->json) {
		reply_error(r, 401, "Sign in first, or send an API token as Authorization: Bearer.", NULL);
		return;
	}
	struct strbuf loc = STRBUF_INIT;
	sb_adds(&loc, "/login?next=");
	sb_add_urlenc(&loc, r->path);
	reply_redirect(r, loc.data);
	sb_free(&loc);
}

void dispatch(struct request *r)
{
	r->json = wants_json(r);
	char *scratch = xmalloc(strlen(r->path) + 1);
	struct strbuf allow = STRBUF_INIT;
	const struct route *route = router_match(routes, routes_count, r->method, r->path, r->params, scratch, &allow);

	if (!r->st) {
		/* The database could not be opened: say why on every page, lose nothing. */
		req_add_header(r, "Retry-After: 5");
		reply_error(r, 503, r->store_error, NULL);
		goto out;
	}
	r->route = route ? route->pattern : NULL;
	if (parse_head(r) < 0 || (!(route && route->flags & ROUTE_OWN_AUTH) && auth_identify(r) < 0))
		goto out;
	if (!route) {
		if (allow.len) {
			req_add_header(r, "Allow: %s", allow.data);
			reply_error(r, 405, "This address does not answer that method.", NULL);
		} else {
			reply_error(r, 404, "There is nothing at this address.", NULL);
		}
		goto out;
	}
	if (route->flags & ROUTE_RAW) {
		if (read_body(r) < 0)
			goto out;
	} else if (strcmp(r->method, "POST") == 0) {
		if (parse_body(r) < 0)
			goto out;
		if (!auth_csrf_ok(r)) {
			reply_error(r, 403, "The form's security token is missing or stale: reload the page and "
					    "send the form again.", NULL);
			goto out;
		}
	}
	if (route->role != ROLE_NONE && !r->signed_in) {
		deny_anonymous(r);
		goto out;
	}
	if (r->signed_in && r->user.role < route->role) {
		char msg[160];
		snprintf(msg, sizeof msg, "This needs the %s role; you are %s.", role_name(route->role),
			 role_name(r->user.role));
		reply_error(r, 403, msg, NULL);
		goto out;
	}
	route->handler(r);
	if (!r->answered) {
		log_error("req=%lu handler for %s %s gave no answer", r->id, r->method, route->pattern);
		reply_error(r, 500, "The server gave no answer; the log says more.", NULL);
	}
out:
	free(scratch);
	sb_free(&allow);
}
