/* What several pages share: validation replies, username and password rules,
 * the home redirect, health and static files. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "sandbox/sandbox.h"
#include "web/pages/pages.h"
#include "web/stream.h"

void reply_invalid_status(struct request *r, int status, const char *template, json_t *model, json_t *errors)
{
	if (r->json) {
		json_decref(model);
		reply_error(r, status, "Some fields need attention.", errors);
		return;
	}
	json_object_set_new(model, "errors", errors);
	json_object_set_new(model, "error", json_string("Some fields need attention."));
	reply_view(r, status, template, model);
}

void reply_invalid(struct request *r, const char *template, json_t *model, json_t *errors)
{
	reply_invalid_status(r, 400, template, model, errors);
}

const char *check_username(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return "Choose a username.";
	if (n > 64 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return "A username has 1 to 64 letters, digits, dots, dashes or underscores.";
	return NULL;
}

const char *check_new_password(const char *pw, const char *confirm)
{
	size_t n = pw ? strlen(pw) : 0;
	if (n < 8)
		return "A password has at least 8 characters.";
	if (n > 1024)
		return "A password has at most 1024 characters.";
	if (!confirm || strcmp(pw, confirm) != 0)
		return "The two passwords differ.";
	return NULL;
}

json_t *account_errors(const char *username, const char *password, const char *confirm)
{
	json_t *errors = json_object();
	const char *e;
	if ((e = check_username(username)))
		json_object_set_new(errors, "username", json_string(e));
	if ((e = check_new_password(password, confirm)))
		json_object_set_new(errors, "password", json_string(e));
	return errors;
}

char *hash_password_or_reply(struct request *r, const char *password)
{
	char *hash = password_hash(password);
	if (!hash)
		reply_error(r, 500, "The password could not be hashed.", NULL);
	return hash;
}

void home_get(struct request *r)
{
	if (r->signed_in) {
		reply_redirect(r, "/workflows");
		return;
	}
	int64_t n = 0;
	int rc = store_user_count(r->st, &n);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	reply_redirect(r, n ? "/login" : "/setup");
}

/* 200 while blocks can run (also while a dead zygote is being replaced, a
 * matter of milliseconds); 503 when the sandbox keeps failing. */
void health_get(struct request *r)
{
	json_t *sandbox = sandbox_health(r->app->sandbox);
	const char *state = json_string_value(json_object_get(sandbox, "state"));
	int ok = strcmp(state, "failing") != 0;
	if (r->json) {
		json_t *h = json_pack("{s:s, s:O, s:{s:i, s:i, s:i}, s:i}", "status", ok ? "ok" : "sandbox failing",
				      "sandbox", sandbox, "streams", "open", streams_open(r->app->streams, 0), "max",
				      r->app->cfg.max_streams, "per_user", r->app->cfg.max_streams_per_user, "request_threads", r->app->cfg.threads);
		char *s = json_dumps(h, JSON_COMPACT);
		reply_raw(r, ok ? 200 : 503, "application/json", s, strlen(s));
		free(s);
		json_decref(h);
	} else {
		char text[64];
		int n = snprintf(text, sizeof text, "%s\n", !strcmp(state, "ok") ? "ok" : !ok ? "sandbox failing" : "ok (sandbox restarting)");
		reply_raw(r, ok ? 200 : 503, "text/plain; charset=utf-8", text, (size_t)n);
	}
	json_decref(sandbox);
}

static const char *content_type_of(const char *name)
{
	static const char *const types[][2] = {
		{ ".css", "text/css; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },           { ".png", "image/png" },
		{ ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return NULL;
}

/* A file or folder name under static/: no dot first (no "..", no hidden file). */
static bool static_name_ok(const char *name)
{
	return name[0] != '.' && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(name);
}

/* /static/FILE, or /static/DIR/FILE (the editor's script modules). */
void static_get(struct request *r)
{
	const char *dir = r->params[1] ? r->params[0] : NULL, *name = r->params[1] ? r->params[1] : r->params[0];
	const char *type = content_type_of(name);
	if (!type || !static_name_ok(name) || (dir && !static_name_ok(dir))) {
		reply_error(r, 404, "There is no such file.", NULL);
		return;
	}
	char path[1200];
	snprintf(path, sizeof path, "%s/static/%s%s%s", r->app->cfg.template_dir, dir ? dir : "", dir ? "/" : "", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > (1 << 20)) {
		if (fd >= 0)
			close(fd);
		reply_error(r, 404, "There is no such file.", NULL);
		return;
	}
	struct strbuf body = STRBUF_INIT;
	sb_grow(&body, (size_t)sb.st_size);
	ssize_t n = read(fd, body.data, (size_t)sb.st_size);
	close(fd);
	if (n != sb.st_size) {
		sb_free(&body);
		reply_error(r, 500, "The file could not be read.", NULL);
		return;
	}
	body.len = (size_t)n;
	req_add_header(r, "Cache-Control: public, max-age=3600");
	reply_raw(r, 200, type, body.data, body.len);
	sb_free(&body);
}

const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strpbrk(next, "\r\n"))
		return "/workflows";
	return next;
}
