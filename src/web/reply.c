/* Every answer leaves through here, with the security headers. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "thread_slot.h"
#include "web/request.h"

/* No inline script or style anywhere: the pages load /static/ files only. */
static const char security_headers[] =
	"Content-Security-Policy: default-src 'self'; img-src 'self' data:; object-src 'none'; "
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"X-Frame-Options: DENY\r\n"
	"Referrer-Policy: same-origin\r\n";

/* Each request thread keeps its buffers for the headers and the body between
 * requests: building a page then takes no fresh, growing buffer (whose large
 * reallocations make glibc consolidate the heap) each time. */
struct reply_bufs {
	struct strbuf head, body;
};
#define KEEP_BYTES (256u << 10) /* a larger body is freed after its request */

static void bufs_free(void *p)
{
	struct reply_bufs *b = p;
	sb_free(&b->head);
	sb_free(&b->body);
	free(b);
}

static struct thread_slot bufs_slot = THREAD_SLOT(bufs_free);

static struct reply_bufs *thread_bufs(void)
{
	return thread_slot_get(&bufs_slot, sizeof(struct reply_bufs));
}

static void trim(struct strbuf *sb)
{
	if (sb->cap > KEEP_BYTES)
		sb_free(sb);
	else
		sb_reset(sb);
}

/* The header lines after the Status and Content-* ones, and the blank line. */
static void end_head(struct request *r, struct strbuf *h)
{
	sb_adds(h, security_headers);
	if (r->new_csrf_cookie) { /* once, though a refused stream's head was built before its error */
		req_set_cookie(r, "axon_csrf", r->new_csrf_cookie, 86400L * 365);
		free(r->new_csrf_cookie);
		r->new_csrf_cookie = NULL;
	}
	if (!strstr(sb_str(&r->headers), "Cache-Control:"))
		sb_adds(h, "Cache-Control: no-store\r\n");
	sb_add(h, sb_str(&r->headers), r->headers.len);
	sb_adds(h, "\r\n");
}

void reply_stream_head(struct request *r, struct strbuf *h)
{
	r->answered = true;
	r->status = 200;
	sb_printf(h, "Status: 200 %s\r\nContent-Type: text/event-stream; charset=utf-8\r\n", status_text(200));
	/* nginx passes the stream on unbuffered whatever its configuration. */
	sb_adds(h, "X-Accel-Buffering: no\r\n");
	end_head(r, h);
}

void reply_raw(struct request *r, int status, const char *content_type, const char *body, size_t len)
{
	if (r->answered)
		return;
	r->answered = true;
	r->status = status;
	struct strbuf *hp = &thread_bufs()->head, h = *hp;
	sb_reset(&h);
	sb_printf(&h, "Status: %d %s\r\n", status, status_text(status));
	if (content_type)
		sb_printf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, len);
	end_head(r, &h);
	FCGX_PutStr(h.data, (int)h.len, r->fcgx->out);
	if (len && strcmp(r->method, "HEAD") != 0)
		FCGX_PutStr(body, (int)len, r->fcgx->out);
	trim(&h);
	*hp = h;
}

static int dump_to_strbuf(const char *buffer, size_t size, void *data)
{
	sb_add(data, buffer, size);
	return 0;
}

static void reply_json(struct request *r, int status, json_t *model)
{
	struct reply_bufs *b = thread_bufs();
	sb_reset(&b->body);
	int rc = json_dump_callback(model, dump_to_strbuf, &b->body, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(model);
	if (rc < 0) {
		static const char oops[] = "{\"error\":{\"status\":500,\"message\":\"could not encode the answer\"}}";
		reply_raw(r, 500, "application/json", oops, sizeof oops - 1);
	} else {
		reply_raw(r, status, "application/json", sb_str(&b->body), b->body.len);
	}
	trim(&b->body);
}

static void reply_html(struct request *r, int status, const char *template, json_t *model)
{
	struct strbuf *out_keep = &thread_bufs()->body, out = *out_keep;
	sb_reset(&out);
	char err[512];
	pthread_rwlock_rdlock(&r->app->templates_lock);
	int rc = template_render(r->app->templates, template, model, &out, err, sizeof err);
	pthread_rwlock_unlock(&r->app->templates_lock);
	json_decref(model);
	if (rc < 0) {
		log_error("req=%lu template %s: %s", r->id, template, err);
		static const char oops[] = "<!DOCTYPE html><title>500 Internal Server Error</title>"
					   "<h1>Internal Server Error</h1><p>The page could not be rendered; "
					   "the server log says why.</p>";
		reply_raw(r, 500, "text/html; charset=utf-8", oops, sizeof oops - 1);
	} else {
		reply_raw(r, status, "text/html; charset=utf-8", sb_str(&out), out.len);
	}
	trim(&out);
	*out_keep = out;
}

void reply_view(struct request *r, int status, const char *template, json_t *model)
{
	if (r->json)
		reply_json(r, status, model);
	else
		reply_html(r, status, template, model);
}

void reply_redirect(struct request *r, const char *location)
{
	req_add_header(r, "Location: %s", location);
	reply_raw(r, 303, "text/plain; charset=utf-8", "", 0);
}

void reply_done(struct request *r, int json_status, const char *location, json_t *model)
{
	if (r->json) {
		reply_json(r, json_status, model);
	} else {
		json_decref(model);
		reply_redirect(r, location);
	}
}

void reply_error(struct request *r, int status, const char *message, json_t *fields)
{
	if (r->json) {
		json_t *e = json_pack("{s:i,s:s}", "status", status, "message", message);
		if (fields)
			json_object_set_new(e, "fields", fields);
		reply_json(r, status, json_pack("{s:o}", "error", e));
		return;
	}
	json_t *m = page_model(r, status_text(status));
	json_object_set_new(m, "status", json_integer(status));
	json_object_set_new(m, "message", json_string(message));
	if (fields) {
		/* The template lists "field: message" lines. */
		json_t *list = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(fields, k, v) {
			struct strbuf line = STRBUF_INIT;
			sb_printf(&line, "%s: %s", k, json_string_value(v) ? json_string_value(v) : "");
			json_array_append_new(list, json_string(line.data));
			sb_free(&line);
		}
		json_object_set_new(m, "fields_list", list);
		json_object_set_new(m, "fields", fields);
	}
	reply_html(r, status, "error", m);
}

void reply_store_error(struct request *r, int rc, const char *what)
{
	if (rc == STORE_NOTFOUND) {
		reply_error(r, 404, what ? what : "Not found.", NULL);
		return;
	}
	if (rc == STORE_CONFLICT) {
		reply_error(r, 409, what ? what : "That conflicts with what is already there.", NULL);
		return;
	}
	const char *msg = store_errmsg(r->st);
	log_error("req=%lu store: %s", r->id, msg);
	req_add_header(r, "Retry-After: 5");
	reply_error(r, 503, msg, NULL);
}

json_t *page_model(struct request *r, const char *title)
{
	json_t *m = json_pack("{s:s,s:s}", "title", title, "csrf", r->csrf);
	if (r->signed_in) {
		json_object_set_new(m, "me", json_pack("{s:I,s:s,s:s,s:b,s:b}", "id", (json_int_t)r->user.id,
						       "username", r->user.username, "role", role_name(r->user.role),
						       "is_editor", r->user.role >= ROLE_EDITOR,
						       "is_owner", r->user.role >= ROLE_OWNER));
	}
	return m;
}
