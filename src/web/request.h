/* One HTTP request as FastCGI hands it to us, and the answer we build. */
#ifndef AXON_REQUEST_H
#define AXON_REQUEST_H
#include <fcgiapp.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "strbuf.h"
#include "web/app.h"
#include "web/form.h"

#define ROUTE_MAX_PARAMS 4

struct request {
	struct app *app;
	FCGX_Request *fcgx;
	struct store *st;       /* NULL when the database cannot be opened now */
	const char *store_error; /* why, when st is NULL */
	unsigned long id;
	int64_t now;

	const char *method;
	char *path;            /* REQUEST_URI up to '?' */
	const char *remote_addr;
	bool https;
	bool json;             /* answer in JSON */
	struct form query;
	struct form cookies;
	struct form body;
	char *raw_body;
	size_t raw_body_len;
	const char *params[ROUTE_MAX_PARAMS];
	const char *route;     /* the matched pattern ("/runs/:id"), NULL when none: a label in /metrics */

	bool signed_in;
	bool via_token;        /* Authorization: Bearer */
	struct user user;
	char session_hash[65]; /* of the session cookie, when signed in by cookie */
	char csrf[65];         /* the token this request's forms carry */
	char *new_csrf_cookie; /* set when the visitor had no pre-session cookie */

	int status;
	struct strbuf headers; /* extra response header lines, each ending in \r\n */
	bool answered;
	bool handed_off;       /* the connection went to the stream thread (web/stream.c) */
};

const char *req_param(struct request *r, const char *fcgi_name); /* "" when absent */
const char *req_cookie(struct request *r, const char *name);
const char *req_query(struct request *r, const char *name);
const char *req_field(struct request *r, const char *name);       /* POST body field */
/* Parses a route parameter as a positive id; 0 when it is not one. */
int64_t req_id_param(struct request *r, int i);

void req_add_header(struct request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void req_set_cookie(struct request *r, const char *name, const char *value, long max_age);

/* Answers. Each takes ownership of the model it is given. */
/* A page: HTML from the template, or the model as JSON. */
void reply_view(struct request *r, int status, const char *template, json_t *model);
/* After a successful POST: 303 to location for HTML, the model as JSON (status 200 or 201). */
void reply_done(struct request *r, int json_status, const char *location, json_t *model);
void reply_redirect(struct request *r, const char *location);
/* An error page or {"error":{status,message,fields}}; fields may be NULL. */
void reply_error(struct request *r, int status, const char *message, json_t *fields);
/* A store failure: 404/409 or 503 with the store's sentence. */
void reply_store_error(struct request *r, int rc, const char *what);
void reply_raw(struct request *r, int status, const char *content_type, const char *body, size_t len);
/* The headers of a 200 text/event-stream answer, appended to h (the stream
 * writes them itself); the request counts as answered. */
void reply_stream_head(struct request *r, struct strbuf *h);

/* The model every page starts from: title, csrf, the signed-in user. */
json_t *page_model(struct request *r, const char *title);
/* The reason phrase of an HTTP status ("Unprocessable Content" for 422). */
const char *status_text(int status);

#endif
