/* GET /runs/ID/events: a run's live events as Server-Sent Events, or as JSON.
 *
 * The stream starts after the event id the reader names (Last-Event-ID when
 * the browser reconnects, else ?after= from the page, which was drawn from
 * the store up to that event), so nothing is told twice or missed. The
 * request thread checks the run and the reader's bounds and sends nothing
 * itself: the stream thread (web/stream.c) takes the connection over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/events.h"
#include "web/pages/pages.h"
#include "web/stream.h"

#define JSON_EVENTS_MAX EVENTS_PER_RUN

static bool ended_status(const char *s)
{
	return s && strcmp(s, "queued") && strcmp(s, "running");
}

/* The events after `after` as JSON: the twin of the stream, for scripts that poll. */
static void reply_events_json(struct request *r, struct events *hub, int64_t run, uint64_t after, bool stale,
			      const json_t *stored)
{
	struct event *buf = xcalloc(JSON_EVENTS_MAX, sizeof *buf);
	bool lost = stale, ended = false;
	size_t n = stale ? 0 : events_read(hub, run, after, buf, JSON_EVENTS_MAX, &lost, &ended);
	json_t *list = json_array();
	char id[48];
	int64_t epoch = events_epoch(hub);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%lld-%llu", (long long)epoch, (unsigned long long)buf[i].id);
		json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "id", id, "type", buf[i].type, "data",
						      json_loads(buf[i].data, 0, NULL)));
		after = buf[i].id;
		event_clear(&buf[i]);
	}
	free(buf);
	snprintf(id, sizeof id, "%lld-%llu", (long long)epoch, (unsigned long long)after);
	const char *status = json_string_value(json_object_get(stored, "status"));
	reply_view(r, 200, NULL,
		   json_pack("{s:o, s:s, s:b, s:b, s:s}", "events", list, "last_event_id", id, "lost", lost,
			     "ended", ended || (!n && ended_status(status)), "status", status ? status : ""));
}

/* A run that ended before this daemon's hub saw it (or long enough ago
 * that its events are gone): one "end" event from the store, and the end. */
static void reply_stored_end(struct request *r, int64_t epoch, uint64_t after, const json_t *run)
{
	json_t *data = json_pack("{s:O, s:O?, s:O?, s:O?}", "status", json_object_get(run, "status"), "error",
				 json_object_get(run, "error"), "failed_block", json_object_get(run, "failed_block"),
				 "finished_at", json_object_get(run, "finished_at"));
	char *text = json_dumps(data, JSON_COMPACT);
	struct strbuf sb = STRBUF_INIT;
	stream_format_event(&sb, epoch, after, "end", text);
	reply_raw(r, 200, "text/event-stream; charset=utf-8", sb_str(&sb), sb.len);
	sb_free(&sb);
	free(text);
	json_decref(data);
}

void run_events(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	json_t *run = NULL;
	int rc = id ? store_run_get(r->st, id, &run) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such run.");
		return;
	}
	struct events *hub = engine_events(r->app->engine);
	const char *last = req_param(r, "HTTP_LAST_EVENT_ID");
	if (!*last && !(last = req_query(r, "after")))
		last = "";
	uint64_t after = 0;
	int which = *last ? stream_parse_event_id(last, events_epoch(hub), &after) : 0;
	if (which < 0) {
		reply_error(r, 400, "The last event id (Last-Event-ID, or ?after=) is not one of ours: it looks like "
				    "EPOCH-NUMBER, as the stream's \"id:\" lines give it. Leave it out to start afresh.",
			    NULL);
		json_decref(run);
		return;
	}
	bool stale = which == 1; /* an id from an earlier daemon */
	/* EventSource asks for the stream; a script (an API token answers in
	 * JSON by default) gets the JSON twin unless it asks so too. */
	if (r->json && !strstr(req_param(r, "HTTP_ACCEPT"), "text/event-stream")) {
		reply_events_json(r, hub, id, after, stale, run);
		json_decref(run);
		return;
	}
	if (stale) {
		static const char reload[] = "event: reload\ndata: {\"why\":\"axond restarted since this page was drawn\"}\n\n";
		reply_raw(r, 200, "text/event-stream; charset=utf-8", reload, sizeof reload - 1);
		json_decref(run);
		return;
	}
	if (ended_status(json_string_value(json_object_get(run, "status"))) && !events_last_id(hub, id)) {
		reply_stored_end(r, events_epoch(hub), after, run);
		json_decref(run);
		return;
	}
	json_decref(run);

	struct strbuf head = STRBUF_INIT;
	reply_stream_head(r, &head);
	/* The first bytes carry the headers through the web server at once,
	 * and tell the browser how soon to reconnect. */
	sb_printf(&head, "retry: 2000\n: events of run %lld\n\n", (long long)id);
	struct stream_start st = { r->fcgx->ipcFd, r->fcgx->requestId, id, r->user.id,
				   r->session_hash[0] ? r->session_hash : NULL, after, &head };
	enum stream_refusal why = streams_adopt(r->app->streams, &st);
	sb_free(&head);
	if (why == STREAM_TAKEN) {
		r->handed_off = true;
		return;
	}
	r->answered = false;
	req_add_header(r, "Retry-After: 10");
	char msg[300];
	if (why == STREAM_USER_FULL)
		snprintf(msg, sizeof msg, "You have %d live streams open, the most one person may have: close a run "
			 "page or an editor you no longer watch, or reload this page without its live updates.",
			 r->app->cfg.max_streams_per_user);
	else
		snprintf(msg, sizeof msg, "axond has %d live streams open, as many as it serves at once: try again in "
			 "a moment.", r->app->cfg.max_streams);
	reply_error(r, 429, msg, NULL);
}
