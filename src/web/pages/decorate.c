#include "web/pages/decorate.h"

#include <stdio.h>
#include <time.h>

#include "strbuf.h"

void add_time(json_t *obj, const char *from, const char *to)
{
	json_t *v = json_object_get(obj, from);
	if (!json_is_integer(v)) {
		json_object_set_new(obj, to, json_string("never"));
		return;
	}
	time_t t = (time_t)json_integer_value(v);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
	json_object_set_new(obj, to, json_string(buf));
}

static void set_url(json_t *obj, const char *key, const char *base, long long id, const char *suffix)
{
	char url[128];
	snprintf(url, sizeof url, "%s/%lld%s", base, id, suffix);
	json_object_set_new(obj, key, json_string(url));
}

/* What a row of the list needs: its link, its time, its tags' links. */
static void decorate_row(json_t *wf)
{
	set_url(wf, "url", "/workflows", json_integer_value(json_object_get(wf, "id")), "");
	add_time(wf, "updated_at", "updated");
	json_t *links = json_array(), *t;
	size_t i;
	json_array_foreach(json_object_get(wf, "tags"), i, t) {
		struct strbuf url = STRBUF_INIT;
		sb_adds(&url, "/workflows?tag=");
		sb_add_urlenc(&url, json_string_value(t));
		json_array_append_new(links, json_pack("{s:O,s:s}", "name", t, "url", url.data));
		sb_free(&url);
	}
	json_object_set_new(wf, "tag_links", links);
}

void decorate_workflow(json_t *wf)
{
	long long id = json_integer_value(json_object_get(wf, "id"));
	decorate_row(wf);
	set_url(wf, "edit_url", "/workflows", id, "/edit");
	set_url(wf, "versions_url", "/workflows", id, "/versions");
	set_url(wf, "export_url", "/workflows", id, "/export");
	set_url(wf, "delete_url", "/workflows", id, "/delete");
	if (json_object_get(wf, "version")) {
		char suffix[48];
		snprintf(suffix, sizeof suffix, "/versions/%lld/restore",
			 (long long)json_integer_value(json_object_get(wf, "version")));
		set_url(wf, "restore_url", "/workflows", id, suffix);
	}
	add_time(wf, "created_at", "created");
}

void decorate_workflows(json_t *list)
{
	size_t i;
	json_t *wf;
	json_array_foreach(list, i, wf) decorate_row(wf);
}

void decorate_versions(json_t *versions, int64_t workflow_id)
{
	size_t i;
	json_t *v;
	json_array_foreach(versions, i, v) {
		char suffix[32];
		snprintf(suffix, sizeof suffix, "/versions/%lld", (long long)json_integer_value(json_object_get(v, "version")));
		set_url(v, "url", "/workflows", (long long)workflow_id, suffix);
		add_time(v, "created_at", "created");
	}
}

void decorate_users(json_t *users, int64_t me)
{
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		long long id = json_integer_value(json_object_get(u, "id"));
		set_url(u, "disable_url", "/users", id, "/disable");
		set_url(u, "enable_url", "/users", id, "/enable");
		json_object_set_new(u, "can_disable", json_boolean(id != me && !json_is_true(json_object_get(u, "disabled")) &&
								    json_integer_value(json_object_get(u, "disabled")) == 0));
		add_time(u, "created_at", "created");
	}
}

void decorate_tokens(json_t *tokens)
{
	size_t i;
	json_t *t;
	json_array_foreach(tokens, i, t) {
		set_url(t, "revoke_url", "/tokens", (long long)json_integer_value(json_object_get(t, "id")), "/revoke");
		add_time(t, "created_at", "created");
		add_time(t, "last_used_at", "last_used");
	}
}
