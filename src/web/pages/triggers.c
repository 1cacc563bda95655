/* What starts a run from the web: the Run button (and its API twin), the
 * webhook's settings and its deliveries, and /hooks/<token> itself. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "clock.h"
#include "crypto.h"
#include "engine/engine.h"
#include "engine/signature.h"
#include "log.h"
#include "strbuf.h"
#include "web/hook_body.h"
#include "web/limits.h"
#include "web/pages/editor.h"
#include "web/pages/pages.h"

#define SYNC_WAIT_DEFAULT_MS 30000
#define DELIVERIES_SHOWN 50

/* The problems that keep a workflow (as store_workflow_get gives it) from running, as a sentence, or NULL. */
static char *run_problems(struct request *r, const json_t *wf, json_t **problems)
{
	*problems = engine_problems(r->app->engine, r->st, json_integer_value(json_object_get(wf, "id")),
				    (int)json_integer_value(json_object_get(wf, "version")), json_object_get(wf, "definition"));
	if (!json_array_size(*problems))
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *p;
	sb_adds(&sb, "This workflow cannot run until its definition is fixed: ");
	json_array_foreach(*problems, i, p) {
		const char *block = json_string_value(json_object_get(p, "block"));
		sb_printf(&sb, "%s%s%s%s", i ? "; " : "", block ? block : "", block ? ": " : "",
			  json_string_value(json_object_get(p, "message")));
	}
	return sb_detach(&sb);
}

/* Creates run n of wf (its id, version and actor filled in here), without
 * telling the engine; answers 422/409/503 itself and returns 0 when it cannot.
 * With born, a run this thread runs itself (engine_run_here) is not written
 * yet when the engine can take it so: its first write writes it, and
 * born->id is its id (0: written here). A run with a dedup_key is written
 * now, since its key is checked against the runs written. */
static int64_t create_run(struct request *r, const json_t *wf, struct run_new *n, int64_t *existing,
			  struct run_born *born)
{
	json_t *problems;
	char *why = run_problems(r, wf, &problems);
	if (why) {
		reply_error(r, 422, why, json_pack("{s:o}", "problems", problems));
		free(why);
		return 0;
	}
	json_decref(problems);
	/* A webhook's runs count against its hook (hook_receive), not whoever sent it. */
	if (strcmp(n->trigger, "webhook") && r->signed_in &&
	    limit_take(r, RATELIMIT_RUNS, r->user.id, r->app->cfg.rate_runs_per_user) < 0)
		return 0;
	n->workflow_id = json_integer_value(json_object_get(wf, "id"));
	n->version = (int)json_integer_value(json_object_get(wf, "version"));
	n->actor = r->signed_in ? r->user.id : 0;
	if (born && !n->dedup_key && (born->id = engine_new_run_id(r->app->engine, r->st))) {
		born->run = *n;
		born->created_at = now_ms();
		return born->id;
	}
	int64_t id = 0;
	int rc = store_run_create(r->st, n, &id);
	if (rc == STORE_CONFLICT && existing) {
		*existing = id;
		return 0;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return 0;
	}
	return id;
}

/* create_run, and the engine told to run it. */
static int64_t queue_run(struct request *r, const json_t *wf, struct run_new *n, int64_t *existing)
{
	int64_t id = create_run(r, wf, n, existing, NULL);
	if (id)
		engine_notify_priority(r->app->engine, id, workflow_priority(json_object_get(wf, "definition")));
	return id;
}

int64_t start_run(struct request *r, const json_t *wf, const char *trigger, const json_t *input,
		  const char *dedup_key, int64_t *existing)
{
	struct run_new n = { .trigger = trigger, .input = input, .dedup_key = dedup_key };
	return queue_run(r, wf, &n, existing);
}

int64_t start_run_with_steps(struct request *r, const json_t *wf, const json_t *input, const json_t *steps)
{
	struct run_new n = { .trigger = "manual", .input = input, .steps = steps };
	return queue_run(r, wf, &n, NULL);
}

static void reply_run(struct request *r, int64_t id, int status)
{
	json_t *run = NULL;
	int rc = store_run_get(r->st, id, &run);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	json_object_del(run, "definition");
	char loc[48];
	snprintf(loc, sizeof loc, "/runs/%lld", (long long)id);
	json_object_set_new(run, "url", json_string(loc));
	reply_done(r, status, loc, json_pack("{s:o}", "run", run));
}

/* POST /workflows/:id/run: input (JSON text, default {}); wait=N seconds to answer when it ends (API). */
void workflow_run(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	const char *text = req_field(r, "input");
	json_t *input = NULL;
	if (text && *text) {
		json_error_t je;
		input = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
		if (!input) {
			char msg[300];
			snprintf(msg, sizeof msg, "The input is not JSON: %s (line %d, column %d).", je.text, je.line,
				 je.column);
			if (r->json) {
				reply_error(r, 400, msg, json_pack("{s:s}", "input", msg));
				json_decref(wf);
				return;
			}
			/* The page again, with what was typed and where it goes wrong. */
			json_t *m = workflow_page_model(r, wf);
			json_object_set_new(m, "run_input", json_string(text));
			json_object_set_new(m, "errors", json_pack("{s:s}", "input", msg));
			reply_view(r, 400, "workflows/show", m);
			return;
		}
	}
	int64_t id = start_run(r, wf, "manual", input, NULL, NULL);
	json_decref(input);
	json_decref(wf);
	if (!id)
		return;
	const char *wait = req_query(r, "wait");
	long secs = wait ? strtol(wait, NULL, 10) : 0;
	if (secs > 0)
		engine_wait(r->app->engine, r->st, id, (secs > 600 ? 600 : secs) * 1000LL);
	reply_run(r, id, 201);
}

/* ---- /hooks/<token> ---- */

/* {"content-type": ..., ...} from the FastCGI HTTP_* parameters; cookies and
 * credentials are left out, so that they are never stored with a run. */
static json_t *request_headers(struct request *r)
{
	json_t *h = json_object();
	for (char **e = r->fcgx->envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || strncmp(*e, "HTTP_", 5))
			continue;
		char name[128];
		size_t n = 0;
		for (const char *p = *e + 5; p < eq && n + 1 < sizeof name; p++)
			name[n++] = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
		name[n] = '\0';
		if (!strcmp(name, "cookie") || !strcmp(name, "authorization"))
			continue;
		json_object_set_new(h, name, json_string(eq + 1));
	}
	const char *ctype = req_param(r, "CONTENT_TYPE");
	if (*ctype)
		json_object_set_new(h, "content-type", json_string(ctype));
	return h;
}

/* {method, query, headers, body: null}: the body is parsed once the delivery is accepted. */
static json_t *hook_input(struct request *r)
{
	json_t *query = json_object();
	for (size_t i = 0; i < r->query.n; i++)
		json_object_set_new(query, r->query.fields[i].name, json_string(r->query.fields[i].value));
	return json_pack("{s:s, s:o, s:o, s:n}", "method", r->method, "query", query, "headers", request_headers(r),
			 "body");
}

static int header_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64 || !strcasecmp(s, "set-cookie") || !strcasecmp(s, "content-length") ||
	    !strcasecmp(s, "transfer-encoding") || !strcasecmp(s, "connection") || !strcasecmp(s, "status"))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

/* Answers with what the reply output holds: {"status", "headers", "body"} as
 * an HTTP answer, a string as text, anything else as JSON. The answer cannot
 * run script on our origin (CSP sandbox) nor set our cookies. */
static bool is_http_answer(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "body") &&
	       (json_object_get(v, "status") || json_object_get(v, "headers"));
}

/* The status reply_hook_value answers with. */
static int hook_value_status(const json_t *v)
{
	json_int_t s = is_http_answer(v) ? json_integer_value(json_object_get(v, "status")) : 200;
	return s >= 200 && s <= 599 ? (int)s : 200;
}

static void reply_hook_value(struct request *r, const json_t *v)
{
	int status = hook_value_status(v);
	const json_t *body = v;
	const char *ctype = NULL;
	if (is_http_answer(v)) {
		body = json_object_get(v, "body");
		const char *k;
		json_t *hv;
		json_object_foreach((json_t *)json_object_get(v, "headers"), k, hv) {
			const char *val = json_string_value(hv);
			if (!val || !header_name_ok(k) || strpbrk(val, "\r\n") || strlen(val) > 2000)
				continue;
			if (!strcasecmp(k, "content-type"))
				ctype = val;
			else
				req_add_header(r, "%s: %s", k, val);
		}
	}
	req_add_header(r, "Content-Security-Policy: sandbox");
	if (json_is_string(body)) {
		reply_raw(r, status, ctype ? ctype : "text/plain; charset=utf-8", json_string_value(body),
			  json_string_length(body));
		return;
	}
	char *text = json_dumps(body ? body : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
	reply_raw(r, status, ctype ? ctype : "application/json", text ? text : "null", text ? strlen(text) : 4);
	free(text);
}

/* The value a synchronous hook answers with for a run's outcome ({status,
 * error, reply}), or NULL when the run gave none (then why is in msg). */
static const json_t *sync_reply(const json_t *run, int64_t id, char *msg, size_t msglen)
{
	const char *status = json_string_value(json_object_get(run, "status"));
	const json_t *reply = json_object_get(run, "reply");
	if (strcmp(status, "succeeded"))
		snprintf(msg, msglen, "The run %s: %s (see /runs/%lld).", status,
			 json_string_value(json_object_get(run, "error")) ?: "no reason recorded", (long long)id);
	else if (!reply || json_is_null(reply))
		snprintf(msg, msglen, "The run ended without a value on the webhook's reply output.");
	else
		return reply;
	return NULL;
}

/* A synchronous delivery's record, written in the transaction of its run's
 * end (one commit for both), once the outcome says what the caller gets. */
struct sync_delivery {
	struct request *r;
	int64_t workflow_id, run_id;
	const json_t *input;
	char *msg;
	size_t msglen;
	bool written;
};

static int record_sync_delivery(struct store *st, const json_t *outcome, void *arg)
{
	struct sync_delivery *d = arg;
	const json_t *reply = sync_reply(outcome, d->run_id, d->msg, d->msglen);
	int rc = store_delivery_add_in(st, d->workflow_id, d->r->method, d->input, reply ? hook_value_status(reply) : 502,
				       reply ? NULL : d->msg, d->run_id, d->r->now * 1000);
	d->written = rc == STORE_OK;
	return rc;
}

/* Runs the run on this thread (engine_run_here) and answers with its reply;
 * why a run gave no reply goes to msg too. *delivered when the delivery was
 * recorded with the run's end. */
static void answer_sync(struct request *r, const json_t *wf, int64_t id, const json_t *input,
			const struct run_born *born, char *msg, size_t msglen, bool *delivered)
{
	const json_t *def = json_object_get(wf, "definition");
	int64_t t = json_integer_value(json_object_get(json_object_get(def, "settings"), "timeout_ms"));
	int64_t timeout_ms = t > 0 && t < SYNC_WAIT_DEFAULT_MS ? t + 1000 : SYNC_WAIT_DEFAULT_MS;
	struct sync_delivery d = { r, json_integer_value(json_object_get(wf, "id")), id, input, msg, msglen, false };
	struct engine_run er = { id, d.workflow_id, (int)json_integer_value(json_object_get(wf, "version")), def, input,
				 "webhook", record_sync_delivery, &d, born };
	json_t *run = NULL;
	int ended = engine_run_here(r->app->engine, r->st, &er, timeout_ms, &run);
	*delivered = d.written;
	if (ended < 0) {
		snprintf(msg, msglen, "The run did not end within %lld s; it goes on at /runs/%lld.",
			 (long long)(timeout_ms / 1000), (long long)id);
		reply_error(r, 504, msg, json_pack("{s:I}", "run_id", (json_int_t)id));
		return;
	}
	int rc = run ? STORE_OK : store_run_result(r->st, id, &run);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	const json_t *reply = sync_reply(run, id, msg, msglen);
	if (reply)
		reply_hook_value(r, reply);
	else
		reply_error(r, 502, msg, json_pack("{s:I}", "run_id", (json_int_t)id));
	json_decref(run);
}

/* Checks the signature of a signed hook; answers 401/409 itself and returns -1 on refusal. */
static int check_signature(struct request *r, const json_t *trigger, const char *secret, char *msg, size_t msglen,
			   int *status)
{
	if (!json_is_true(json_object_get(trigger, "signed")))
		return 0;
	if (!secret) {
		snprintf(msg, msglen, "This webhook must be signed but has no secret yet: create one on its page.");
		*status = 503;
		return -1;
	}
	int window = (int)json_integer_value(json_object_get(trigger, "replay_window_s"));
	const char *ts = req_param(r, "HTTP_X_AXON_TIMESTAMP"), *sig = req_param(r, "HTTP_X_AXON_SIGNATURE");
	enum sig_result res = signature_check(secret, strlen(secret), *ts ? ts : NULL, *sig ? sig : NULL, r->raw_body,
					      r->raw_body_len, r->now, window, msg, msglen);
	if (res != SIG_OK) {
		*status = res == SIG_UNAVAILABLE ? 503 : 401;
		return -1;
	}
	char key[SIGNATURE_KEY_SIZE];
	signature_replay_key(ts, sig, key);
	int64_t w = window > 0 ? window : SIGNATURE_WINDOW_DEFAULT;
	int rc = store_replay_claim(r->st, key, r->now, r->now - 2 * w);
	if (rc != STORE_OK) {
		snprintf(msg, msglen, "%s", store_errmsg(r->st));
		*status = rc == STORE_CONFLICT ? 409 : 503;
		return -1;
	}
	return 0;
}

/* A delivery from an address outside the hook's allow_from ranges: 403. */
static int refuse_address(struct request *r, const json_t *trigger, char *msg, size_t msglen)
{
	const json_t *ranges = json_object_get(trigger, "allow_from");
	const char *client = req_param(r, "REMOTE_ADDR");
	size_t i;
	json_t *v;
	if (!ranges)
		return 0;
	json_array_foreach(ranges, i, v) {
		struct cidr range;
		char err[200];
		if (cidr_parse_list(json_string_value(v) ?: "", &range, 1, err, sizeof err) == 1 &&
		    cidr_match(&range, 1, client))
			return 0;
	}
	snprintf(msg, msglen, "This webhook takes deliveries from the addresses in its \"allow_from\" only, and %.64s "
		 "is not one of them.", *client ? client : "an unknown address");
	return -1;
}

/* A body over the hook's own max_body_bytes: 413. */
static int refuse_size(struct request *r, const json_t *trigger, char *msg, size_t msglen)
{
	json_int_t max = json_integer_value(json_object_get(trigger, "max_body_bytes"));
	if (!max || r->raw_body_len <= (size_t)max)
		return 0;
	snprintf(msg, msglen, "The body has %zu bytes; this webhook takes %lld at most (its \"max_body_bytes\").",
		 r->raw_body_len, (long long)max);
	return -1;
}

/* Refusals before any run starts; answers nothing, says why in msg and the status to answer. */
static int refuse_delivery(struct request *r, const json_t *wf, const char *secret, char *msg, size_t msglen,
			   int *status)
{
	const json_t *trigger = json_object_get(json_object_get(wf, "definition"), "trigger");
	if (strcmp(json_string_value(json_object_get(trigger, "type")) ?: "", "webhook")) {
		snprintf(msg, msglen, "This workflow is not started by a webhook any more: its trigger is not \"webhook\".");
		*status = 404;
	} else if (!json_is_true(json_object_get(wf, "active"))) {
		snprintf(msg, msglen, "This workflow is switched off: its webhook starts no run until it is switched "
			 "on again (on the workflows list).");
		*status = 404;
	} else if (refuse_address(r, trigger, msg, msglen) < 0) {
		*status = 403;
	} else if (refuse_size(r, trigger, msg, msglen) < 0) {
		*status = 413;
	} else if (check_signature(r, trigger, secret, msg, msglen, status) < 0) {
		return -1;
	} else {
		return 0;
	}
	return -1;
}

/* A delivery is logged once answered, with the status its caller really got.
 * A delivery refused before it reached a run (a bad body, a wrong address,
 * a bad signature) is answered and logged, and is nobody's dead letter. */
void hook_receive(struct request *r)
{
	int64_t id = 0, existing = 0;
	struct run_born born = { 0 };
	bool delivered = false;
	char *secret = NULL;
	json_t *wf = NULL;
	int rc = store_webhook_target(r->st, r->params[0], &wf, &secret);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "No webhook has this address (the workflow or its hook was deleted).");
		return;
	}
	int64_t wid = json_integer_value(json_object_get(wf, "id"));
	/* A flood is refused before it costs a run or a row: not recorded as a delivery. */
	if (limit_take(r, RATELIMIT_WEBHOOK, wid, r->app->cfg.rate_webhook_per_hook) < 0) {
		free(secret);
		json_decref(wf);
		return;
	}
	const json_t *trigger = json_object_get(json_object_get(wf, "definition"), "trigger");
	json_t *input = hook_input(r);
	char msg[1200] = "";
	r->json = true; /* a caller is a program: refusals in JSON, whatever it sent */
	int status = 0;
	if (refuse_delivery(r, wf, secret, msg, sizeof msg, &status) == 0) {
		json_t *body = hook_body_parse(req_param(r, "CONTENT_TYPE"), r->raw_body, r->raw_body_len, msg, sizeof msg);
		if (body) {
			json_object_set_new(input, "body", body);
			const char *dedup = req_param(r, "HTTP_X_AXON_DELIVERY");
			if (!*dedup)
				dedup = req_param(r, "HTTP_IDEMPOTENCY_KEY");
			struct run_new n = { .trigger = "webhook", .input = input, .dedup_key = *dedup ? dedup : NULL };
			/* A synchronous hook's run is run by this thread, which waits for it anyway. */
			id = json_object_get(trigger, "reply") ? create_run(r, wf, &n, &existing, &born)
							       : queue_run(r, wf, &n, &existing);
			if (existing)
				snprintf(msg, sizeof msg, "a repeated delivery: run %lld was started by the first one",
					 (long long)existing);
		} else {
			/* Kept as text when it is, for the person reading the log. */
			json_object_set_new(input, "body", json_stringn(r->raw_body, r->raw_body_len) ?: json_null());
			status = 400;
		}
	}
	free(secret);
	if (!id && !existing) {
		if (!r->answered)
			reply_error(r, status, msg, NULL);
	} else if (existing) {
		reply_run(r, existing, 200);
	} else if (json_object_get(trigger, "reply")) {
		answer_sync(r, wf, id, input, born.id ? &born : NULL, msg, sizeof msg, &delivered);
	} else {
		reply_run(r, id, 202);
	}
	if (!delivered && store_delivery_add(r->st, wid, r->method, input, r->status, *msg ? msg : NULL, id ? id : existing,
			       r->now * 1000, NULL) != STORE_OK)
		log_error("req=%lu webhook delivery not recorded: %s", r->id, store_errmsg(r->st));
	json_decref(input);
	json_decref(wf);
}

/* ---- The webhook's page ---- */

/* The address people send to. */
static void full_url(struct request *r, const char *path, struct strbuf *sb)
{
	req_public_base(r, sb);
	sb_adds(sb, path);
}

/* {url, curl, signed_curl} for the address path: a delivery with curl as a
 * person copies it, and, for a signed address, the same signed with the
 * secret (its value when it is shown, else a placeholder to paste it in). */
static json_t *hook_examples(struct request *r, const char *path, bool sign, const char *secret)
{
	struct strbuf url = STRBUF_INIT, curl = STRBUF_INIT, signed_curl = STRBUF_INIT;
	full_url(r, path, &url);
	sb_printf(&curl, "curl -X POST '%s' \\\n  -H 'Content-Type: application/json' \\\n  --data '{\"name\": \"Ada\"}'",
		  sb_str(&url));
	if (sign)
		sb_printf(&signed_curl,
			  "SECRET='%s'\n"
			  "BODY='{\"name\": \"Ada\"}'\n"
			  "TS=$(date +%%s)\n"
			  "SIG=$(printf '%%s.%%s' \"$TS\" \"$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\" -r | cut -d' ' -f1)\n"
			  "curl -X POST '%s' \\\n  -H 'Content-Type: application/json' \\\n"
			  "  -H \"X-Axon-Timestamp: $TS\" -H \"X-Axon-Signature: sha256=$SIG\" \\\n  --data \"$BODY\"",
			  secret ? secret : "the signing secret, shown once when the address was made", sb_str(&url));
	json_t *examples = json_pack("{s:s, s:s, s:s?}", "url", sb_str(&url), "curl", sb_str(&curl), "signed_curl",
				     sign ? sb_str(&signed_curl) : NULL);
	sb_free(&url);
	sb_free(&curl);
	sb_free(&signed_curl);
	return examples;
}

void webhook_get(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	int64_t wid = json_integer_value(json_object_get(wf, "id"));
	json_t *hook = NULL, *deliveries = NULL;
	int rc = store_webhook_get(r->st, wid, &hook);
	if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
	if (rc == STORE_OK)
		rc = store_delivery_list(r->st, wid, DELIVERIES_SHOWN, &deliveries);
	if (rc != STORE_OK) {
		json_decref(wf);
		json_decref(hook);
		reply_store_error(r, rc, NULL);
		return;
	}
	size_t i;
	json_t *d;
	json_array_foreach(deliveries, i, d) {
		char url[96];
		snprintf(url, sizeof url, "/workflows/%lld/deliveries/%lld/replay", (long long)wid,
			 (long long)json_integer_value(json_object_get(d, "id")));
		json_object_set_new(d, "replay_url", json_string(url));
		json_int_t run = json_integer_value(json_object_get(d, "run_id"));
		if (run) {
			snprintf(url, sizeof url, "/runs/%lld", (long long)run);
			json_object_set_new(d, "run_url", json_string(url));
		}
		char *text = json_dumps(json_object_get(d, "input"), JSON_INDENT(2));
		json_object_set_new(d, "input_text", json_string(text ? text : ""));
		free(text);
	}
	if (hook) {
		char url[120];
		snprintf(url, sizeof url, "/hooks/%s", json_string_value(json_object_get(hook, "token")));
		json_object_set_new(hook, "path", json_string(url));
		const json_t *sig = json_object_get(hook, "signed"); /* 0 or 1 from the store */
		json_object_update_new(hook, hook_examples(r, url, json_is_true(sig) || json_integer_value(sig), NULL));
	}
	const json_t *trigger = json_object_get(json_object_get(wf, "definition"), "trigger");
	json_t *m = page_model(r, "Webhook");
	json_object_set_new(m, "is_webhook",
			    json_boolean(!strcmp(json_string_value(json_object_get(trigger, "type")) ?: "", "webhook")));
	json_object_set_new(m, "must_sign", json_boolean(json_is_true(json_object_get(trigger, "signed"))));
	json_object_set_new(m, "sync_reply", json_incref(json_object_get(trigger, "reply")) ?: json_null());
	json_object_set_new(m, "allow_from", json_incref(json_object_get(trigger, "allow_from")) ?: json_null());
	struct strbuf ranges = STRBUF_INIT;
	json_array_foreach(json_object_get(trigger, "allow_from"), i, d)
		sb_printf(&ranges, "%s%s", ranges.len ? "\n" : "", json_string_value(d) ?: "");
	json_object_set_new(m, "allow_from_text", json_string(sb_str(&ranges)));
	sb_free(&ranges);
	char settings[96];
	snprintf(settings, sizeof settings, "/workflows/%lld/webhook/settings", (long long)wid);
	json_object_set_new(wf, "webhook_settings_url", json_string(settings));
	json_object_set_new(m, "max_body_bytes", json_incref(json_object_get(trigger, "max_body_bytes")) ?: json_null());
	json_object_set_new(m, "workflow", wf);
	json_object_set_new(m, "hook", hook ? hook : json_null());
	json_object_set_new(m, "deliveries", deliveries);
	reply_view(r, 200, "workflows/webhook", m);
}

/* action=create: a new address, unsigned. action=sign: a new address and a
 * new signing secret, shown this once. */
void webhook_post(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	int64_t wid = json_integer_value(json_object_get(wf, "id"));
	const char *action = req_field(r, "action");
	int sign = action && !strcmp(action, "sign");
	if (!action || (!sign && strcmp(action, "create"))) {
		json_decref(wf);
		reply_error(r, 400, "Say what to do: action=create (a new address) or action=sign (a new address and "
				    "signing secret).", NULL);
		return;
	}
	char token[65], secret[65];
	if (crypto_token(token) < 0 || (sign && crypto_token(secret) < 0)) {
		json_decref(wf);
		reply_error(r, 500, "No random numbers could be had for the webhook's address.", NULL);
		return;
	}
	int rc = store_webhook_set(r->st, r->user.id, wid, token, sign ? secret : NULL);
	if (rc != STORE_OK) {
		json_decref(wf);
		reply_store_error(r, rc, NULL);
		return;
	}
	char path[96];
	snprintf(path, sizeof path, "/hooks/%s", token);
	json_t *m = page_model(r, "Webhook");
	json_object_set_new(m, "workflow", wf);
	json_object_set_new(m, "path", json_string(path));
	json_object_set_new(m, "secret", sign ? json_string(secret) : json_null());
	json_object_update_new(m, hook_examples(r, path, sign, sign ? secret : NULL));
	/* Shown once, like an API token: a page, not a redirect. */
	reply_view(r, r->json ? 201 : 200, "workflows/webhook_created", m);
}

/* The hook's address ranges and body limit, from the webhook page: a new
 * version of the workflow, checked like any edit. allow_from: ranges
 * separated by spaces, commas or lines (empty: every address);
 * max_body_bytes: empty for max_body's limit alone. */
void webhook_settings(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	json_t *t = json_object_get(e.def, "trigger");
	const char *ranges = req_field(r, "allow_from") ?: "", *max = req_field(r, "max_body_bytes") ?: "";
	if (strcmp(json_string_value(json_object_get(t, "type")) ?: "", "webhook")) {
		edit_refuse_one(r, &e, "This workflow's trigger is not a webhook: its address ranges and body limit "
				       "would do nothing.");
		edit_free(&e);
		return;
	}
	if (*max && strspn(max, "0123456789") != strlen(max)) {
		edit_refuse_one(r, &e, "The body limit is a number of bytes, such as 65536 (or empty for the server's).");
		edit_free(&e);
		return;
	}
	json_t *list = json_array();
	for (const char *p = ranges; *p;) {
		size_t n = strcspn(p, " \t\r\n,");
		if (n)
			json_array_append_new(list, json_stringn(p, n));
		p += n + (p[n] != '\0');
	}
	if (json_array_size(list))
		json_object_set_new(t, "allow_from", list);
	else {
		json_object_del(t, "allow_from");
		json_decref(list);
	}
	if (*max)
		json_object_set_new(t, "max_body_bytes", json_integer(strtoll(max, NULL, 10)));
	else
		json_object_del(t, "max_body_bytes");
	char location[96];
	snprintf(location, sizeof location, "/workflows/%lld/webhook",
		 (long long)json_integer_value(json_object_get(e.wf, "id")));
	edit_commit(r, &e, NULL, location);
	edit_free(&e);
}

void delivery_replay(struct request *r)
{
	int64_t wid = req_id_param(r, 0), did = req_id_param(r, 1);
	json_t *d = NULL, *wf = NULL;
	int rc = did ? store_delivery_get(r->st, did, &d) : STORE_NOTFOUND;
	if (rc == STORE_OK && json_integer_value(json_object_get(d, "workflow_id")) != wid)
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK)
		rc = store_workflow_get(r->st, wid, 0, &wf);
	if (rc != STORE_OK) {
		json_decref(d);
		reply_store_error(r, rc, "There is no such delivery.");
		return;
	}
	int64_t id = start_run(r, wf, "replay", json_object_get(d, "input"), NULL, NULL);
	json_decref(d);
	json_decref(wf);
	if (id)
		reply_run(r, id, 201);
}
