/* Your sessions: where and when each was last used, signing one out, and
 * signing out everywhere else. */
#include "web/pages/decorate.h"
#include "web/pages/pages.h"
#include "web/stream.h"

void sessions_list(struct request *r)
{
	json_t *sessions = NULL;
	int rc = store_session_list(r->st, r->user.id, r->now, r->session_hash, &sessions);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	size_t i;
	json_t *s;
	json_array_foreach(sessions, i, s) {
		json_t *id = json_object_get(s, "id");
		json_object_set_new(s, "end_url", json_sprintf("/account/sessions/%s/end", json_string_value(id)));
		add_time(s, "created_at", "created");
		add_time(s, "last_used_at", "last_used");
	}
	json_t *m = page_model(r, "Your sessions");
	json_object_set_new(m, "sessions", sessions);
	reply_view(r, 200, "account/sessions", m);
}

void session_end(struct request *r)
{
	int rc = store_session_end(r->st, r->user.id, r->params[0]);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such session among yours: it may have ended already.");
		return;
	}
	streams_recheck(r->app->streams); /* its live streams close */
	reply_done(r, 200, "/account/sessions", json_pack("{s:b}", "signed_out", 1));
}

void sessions_end_others(struct request *r)
{
	int64_t ended = 0;
	int rc = store_session_end_others(r->st, r->user.id, r->session_hash[0] ? r->session_hash : NULL, &ended);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	streams_recheck(r->app->streams);
	reply_done(r, 200, "/account/sessions", json_pack("{s:I}", "signed_out", (json_int_t)ended));
}
