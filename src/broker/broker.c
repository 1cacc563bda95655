#include "broker/broker.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "metrics/metrics.h"
#include "sandbox/channel.h"
#include "broker/account.h"
#include "broker/chat.h"
#include "broker/credential_apply.h"
#include "broker/credentials.h"
#include "broker/egress.h"
#include "broker/knowledge.h"
#include "broker/llm.h"
#include "broker/oauth2.h"
#include "broker/postgres.h"
#include "broker/secrets.h"
#include "broker/smtp.h"
#include "broker/imap.h"
#include "broker/sqlite_query.h"
#include "sandbox/protocol.h"
#include "store/store.h"
#include "strbuf.h"

static void stop(struct broker_run *b, enum run_outcome why, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void stop(struct broker_run *b, enum run_outcome why, const char *fmt, ...)
{
	if (b->stopped >= 0)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	b->stopped = (int)why;
	free(b->message);
	b->message = sb_detach(&sb);
}

static int declared(const json_t *ports, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(ports, i, p)
		if (!strcmp(json_string_value(json_object_get(p, "name")), name))
			return 1;
	return 0;
}

static void port_list(const json_t *ports, struct strbuf *sb)
{
	size_t i;
	json_t *p;
	json_array_foreach(ports, i, p)
		sb_printf(sb, "%s%s", i ? ", " : "", json_string_value(json_object_get(p, "name")));
	if (!json_array_size(ports))
		sb_adds(sb, "none");
}

static int count_output(struct broker_run *b, size_t n)
{
	b->output_bytes += n;
	if (b->output_bytes <= b->output_max)
		return 0;
	stop(b, RUN_OUTPUT_TOO_LARGE, "the block's output went over its limit of %llu bytes",
	     (unsigned long long)b->output_max);
	return -1;
}

static void on_emit(struct broker_run *b, json_t *m, size_t frame_len)
{
	const char *port = json_string_value(json_object_get(m, "port"));
	json_t *value = json_object_get(m, "value");
	if (!port || !value) {
		stop(b, RUN_BAD_OUTPUT, "the block sent an emit without a port or a value");
		return;
	}
	if (!declared(b->declared, port)) {
		struct strbuf ports = STRBUF_INIT;
		port_list(b->declared, &ports);
		stop(b, RUN_BAD_OUTPUT, "the block emitted on port '%.64s', which it does not declare (its outputs: %s)", port, sb_str(&ports));
		sb_free(&ports);
		return;
	}
	if (json_object_get(b->res->outputs, port)) {
		stop(b, RUN_BAD_OUTPUT, "the block emitted twice on port '%s' (a port carries one value per run)", port);
		return;
	}
	if (count_output(b, frame_len) == 0)
		json_object_set_new(b->res->outputs, port, secrets_mask_json(b->secrets, value));
}

/* stream: the message is a piece of a language model's answer as it is
 * written ("stream": true), which the run page adds up. */
static void add_log(struct broker_run *b, const char *kind, json_t *kind_value, const char *message, bool stream)
{
	json_t *entry = json_pack("{s:I, s:o}", "ms", (json_int_t)(mono_ms() - b->started), kind, kind_value);
	if (stream)
		json_object_set_new(entry, "stream", json_true());
	if (message) {
		char *masked = secrets_mask(b->secrets, message);
		json_object_set_new(entry, "message", json_string(masked));
		free(masked);
	}
	json_array_append_new(b->res->logs, entry);
	if (b->on_log)
		b->on_log(b->log_arg, entry);
}

static void on_log(struct broker_run *b, json_t *m, size_t frame_len)
{
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	const char *level = json_string_value(json_object_get(m, "level"));
	const char *message = json_string_value(json_object_get(m, "message"));
	size_t i = 0;
	while (level && i < 4 && strcmp(level, levels[i]))
		i++;
	if (!level || i == 4 || !message) {
		stop(b, RUN_BAD_OUTPUT, "the block sent a log line without a known level or a message");
		return;
	}
	if (count_output(b, frame_len) == 0)
		add_log(b, "level", json_string(level), message, false);
}

/* The one way progress is recorded: the block's own reports, and the text
 * of a language model's answer while it streams (on_llm). */
static void record_progress(struct broker_run *b, double fraction, const char *message, size_t frame_len, bool stream)
{
	if (count_output(b, frame_len) == 0)
		add_log(b, "progress", json_real(fraction < 0 ? 0 : fraction > 1 ? 1 : fraction), message, stream);
}

static void on_progress(struct broker_run *b, json_t *m, size_t frame_len)
{
	json_t *f = json_object_get(m, "fraction");
	json_t *msg = json_object_get(m, "message");
	if (!json_is_number(f) || (msg && !json_is_null(msg) && !json_is_string(msg))) {
		stop(b, RUN_BAD_OUTPUT, "the block sent a progress report without a fraction");
		return;
	}
	record_progress(b, json_number_value(f), json_string_value(msg), frame_len, false);
}

static void answer(struct strbuf *out, json_t *reply)
{
	chan_append_json(out, reply);
	json_decref(reply);
}

/* A service's answer: its response (taken; masked already unless mask), or
 * the reason it failed, masked, since an error may quote what a server said
 * and a block holds no secret even then. */
static void answer_service(struct broker_run *b, struct strbuf *out, json_t *resp, bool mask, const char *err)
{
	if (resp) {
		json_t *shown = mask ? secrets_mask_json(b->secrets, resp) : json_incref(resp);
		json_decref(resp);
		answer(out, json_pack("{s:o}", "response", shown));
		return;
	}
	char *masked = secrets_mask(b->secrets, err);
	answer(out, json_pack("{s:s}", "error", masked));
	free(masked);
}

/* How long the network may take for the block: the answer must come early
 * enough for the block to act on its failure before its own wall clock runs
 * out, even on a busy machine; a quarter of what is left, at most half a
 * second, is kept for that. */
static int64_t answer_time(const struct broker_run *b)
{
	int64_t left = b->deadline - mono_ms();
	return left - (left / 4 < 500 ? left / 4 : 500);
}

/* req sent with the credential ref applied; an OAuth 2.0 token the API
 * refuses (401) is fetched again once. */
static json_t *request_with_credential(struct broker_run *b, const struct egress_policy *p, const json_t *req,
				       const char *ref, char *err, size_t errlen)
{
	struct egress_credential cred = { ref, NULL, NULL };
	int64_t id = 0;
	json_t *fields = broker_block_credential(b, ref, &cred.type, &id, err, errlen), *resp = NULL;
	cred.fields = fields;
	for (int fresh = 0; fields && fresh < 2; fresh++) {
		json_decref(resp);
		resp = NULL;
		if (oauth2_access_token(b, p, ref, id, cred.type, fields, fresh, err, errlen) < 0 ||
		    !(resp = egress_request(p, b->secrets, &cred, req, err, errlen)) || !json_object_get(cred.type, "oauth2") ||
		    json_integer_value(json_object_get(resp, "status")) != 401)
			break;
		json_object_del(fields, "access_token");
	}
	broker_credential_free(fields);
	return resp;
}

/* The egress policy for one request now: its time limit shortened to answer_time(). */
static struct egress_policy policy_now(const struct broker_run *b)
{
	struct egress_policy p = *b->egress;
	int64_t left = answer_time(b);
	if (left < p.timeout_ms)
		p.timeout_ms = left > 1 ? (long)left : 1;
	return p;
}

static void on_http(struct broker_run *b, json_t *m, struct strbuf *out)
{
	char err[600];
	json_t *req = json_object_get(m, "request");
	struct egress_policy p = policy_now(b);
	json_t *credv = json_object_get(req, "credential");
	json_t *resp = NULL;
	if (!json_is_object(req))
		snprintf(err, sizeof err, "the request must be a JSON object");
	else if (credv && !json_is_string(credv))
		snprintf(err, sizeof err, "\"credential\" must be the id or name of a credential");
	else if (credv)
		resp = request_with_credential(b, &p, req, json_string_value(credv), err, sizeof err);
	else
		resp = egress_request(&p, b->secrets, NULL, req, err, sizeof err);
	answer_service(b, out, resp, false, err); /* egress masked the response */
}

/* "mail": {"credential": ..., "message": ...} sent by SMTP (smtp.h). */
static json_t *call_mail(struct broker_run *b, const struct egress_policy *p, const json_t *req, char *err,
			 size_t errlen)
{
	json_t *account = broker_account(b, req, "mail", err, errlen);
	if (!account)
		return NULL;
	json_t *sent = smtp_send(p, account, json_object_get(req, "message"), err, errlen);
	broker_credential_free(account);
	return sent;
}

/* "imap": {"credential": ..., "mailbox", "max_messages"}: the newest messages of a mailbox (imap.h). */
static json_t *call_imap(struct broker_run *b, const struct egress_policy *p, const json_t *req, char *err,
			 size_t errlen)
{
	json_t *account = broker_account(b, req, "imap", err, errlen);
	if (!account)
		return NULL;
	json_t *read = imap_read(p, account, req, err, errlen);
	broker_credential_free(account);
	return read;
}

/* "chat": {"credential": ..., "message": ...} posted to a chat (chat.h). */
static json_t *call_chat(struct broker_run *b, const struct egress_policy *p, const json_t *req, char *err,
			 size_t errlen)
{
	json_t *account = broker_account(b, req, "chat", err, errlen);
	if (!account)
		return NULL;
	json_t *posted = chat_post(p, b->secrets, account, json_object_get(req, "message"), err, errlen);
	broker_credential_free(account);
	return posted;
}

/* "db": {"credential": ..., "statement", "params", "max_rows", "timeout_ms"} against PostgreSQL (postgres.h),
 * or {"sqlite": PATH, ...} against a SQLite file axon.conf allows (sqlite_query.h). */
static json_t *call_db(struct broker_run *b, const struct egress_policy *p, const json_t *req, char *err,
		       size_t errlen)
{
	/* An empty setting is one not given (the editor saves a cleared field as ""). */
	bool sqlite = json_string_length(json_object_get(req, "sqlite")) > 0;
	if (sqlite && json_string_length(json_object_get(req, "credential"))) {
		snprintf(err, errlen, "a query goes to a PostgreSQL credential or a SQLite file, not both: leave one out");
		return NULL;
	}
	if (sqlite)
		return sqlite_query(p, req, err, errlen);
	json_t *account = broker_account(b, req, "db", err, errlen);
	if (!account)
		return NULL;
	json_t *result = pg_query(p, account, req, err, errlen);
	broker_credential_free(account);
	return result;
}

/* "workflow": {"op": "describe" | "run", "workflow": NAME, "input": ...}:
 * another workflow, described, or run as a called run of this one (the
 * engine's flow.call path), within the block's time. */
static json_t *call_workflow(struct broker_run *b, const struct egress_policy *p, const json_t *req, char *err,
			     size_t errlen)
{
	(void)p;
	if (!b->call_workflow) {
		snprintf(err, errlen, "a workflow can be called only in a run (of axond or axonctl), not here");
		return NULL;
	}
	return b->call_workflow(b->call_arg, req, mono_ms() + answer_time(b), err, errlen);
}

/* The services a block reaches with host->call, each in its own file. */
static const struct service {
	const char *name;
	json_t *(*serve)(struct broker_run *b, const struct egress_policy *p, const json_t *req, char *err, size_t errlen);
} services[] = {
	{ "mail", call_mail },
	{ "imap", call_imap },
	{ "chat", call_chat },
	{ "db", call_db },
	{ "workflow", call_workflow },
};

static void on_call(struct broker_run *b, json_t *m, struct strbuf *out)
{
	char err[1000] = "";
	const char *name = json_string_value(json_object_get(m, "service"));
	json_t *req = json_object_get(m, "request");
	const struct service *s = NULL;
	for (size_t i = 0; name && i < sizeof services / sizeof services[0]; i++)
		if (!strcmp(name, services[i].name))
			s = &services[i];
	struct egress_policy p = policy_now(b);
	json_t *resp = s && json_is_object(req) ? s->serve(b, &p, req, err, sizeof err) : NULL;
	if (!s)
		snprintf(err, sizeof err, "there is no service '%.64s' (the services: mail, imap, chat, db, workflow)", name ? name : "");
	else if (!json_is_object(req))
		snprintf(err, sizeof err, "the request must be a JSON object");
	answer_service(b, out, resp, true, err);
}

/* The provider a language model request names: {"protocol": "openai" |
 * "ollama", "credential": NAME, "base_url": URL}. The credential, of type
 * "llm" and chosen in the block's config, gives the base URL, the key, the
 * default model, the timeout and the limits; opened here, it never reaches
 * the block. Without one, base_url names a server that asks for no key (a
 * local Ollama); with one, a base_url of the block's own would send the key
 * elsewhere, and is refused. */
static int llm_provider_of(struct broker_run *b, const json_t *req, struct llm_provider *prov, char *err, size_t errlen)
{
	const json_t *p = json_object_get(req, "provider");
	const char *protocol = json_string_value(json_object_get(p, "protocol"));
	const char *base_url = json_string_value(json_object_get(p, "base_url"));
	const char *ref = json_string_value(json_object_get(p, "credential"));
	if (!json_is_object(p) || llm_protocol_named(protocol) < 0) {
		snprintf(err, errlen, "the request needs \"provider\": {\"protocol\": \"openai\" or \"ollama\", \"credential\": NAME}");
		return -1;
	}
	prov->protocol = (enum llm_protocol)llm_protocol_named(protocol);
	if (!ref || !*ref) {
		if (!base_url || !*base_url) {
			snprintf(err, errlen, "no provider: choose a credential of type LLM provider in the block's settings (or give "
			         "the base URL of a server that asks for no key)");
			return -1;
		}
		prov->base_url = xstrdup(base_url);
		return 0;
	}
	if (base_url && *base_url) {
		snprintf(err, errlen, "the block names credential '%.100s' and a base URL of its own: the base URL is the "
		         "credential's (its key goes there only), so leave the block's empty", ref);
		return -1;
	}
	const json_t *type = NULL;
	int64_t id = 0;
	json_t *fields = broker_block_credential(b, ref, &type, &id, err, errlen);
	if (!fields)
		return -1;
	int rc = llm_provider_from_credential(prov, ref, id, json_string_value(json_object_get(type, "name")), fields, err, errlen);
	broker_credential_free(fields);
	return rc;
}

/* A model's text shown as progress while it streams. A piece is recorded up
 * to its last blank only, the rest held for the next: a secret's value that
 * the model writes across two pieces is then masked whole (unless it holds a
 * blank itself). A long run without blanks is shown as it is. */
#define LLM_HELD_MAX 256

struct llm_progress {
	struct broker_run *b;
	json_int_t max_tokens;
	double fraction;
	struct strbuf held;
};

static void show_held(struct llm_progress *lp, size_t n)
{
	char *piece = xstrndup(lp->held.data, n);
	record_progress(lp->b, lp->fraction, piece, n + 64, true);
	free(piece);
	memmove(lp->held.data, lp->held.data + n, lp->held.len - n);
	lp->held.len -= n;
}

static void on_llm_text(void *arg, const char *text, size_t len, long deltas)
{
	struct llm_progress *lp = arg;
	double fraction = lp->max_tokens > 0 ? (double)deltas / (double)lp->max_tokens : 0;
	lp->fraction = fraction > 0.99 ? 0.99 : fraction;
	sb_add(&lp->held, text, len);
	size_t cut = lp->held.len;
	while (cut && !strchr(" \t\r\n", lp->held.data[cut - 1]))
		cut--;
	if (!cut && lp->held.len > LLM_HELD_MAX)
		cut = lp->held.len; /* pieces are whole UTF-8 text: so is their sum */
	if (cut)
		show_held(lp, cut);
}

/* The tokens of one call, as a line of the step's log (the run page adds
 * them up), and in /metrics by the provider's origin. */
static void record_usage(struct broker_run *b, const struct llm_provider *prov, const json_t *answer)
{
	char *origin = prov->base_url ? egress_origin(prov->base_url) : NULL;
	metrics_llm_tokens(origin ? origin : "unknown",
			   json_integer_value(json_object_get(json_object_get(answer, "usage"), "tokens_in")),
			   json_integer_value(json_object_get(json_object_get(answer, "usage"), "tokens_out")));
	free(origin);
	json_t *usage = json_deep_copy(json_object_get(answer, "usage"));
	json_object_set(usage, "model", json_object_get(answer, "model"));
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s: ", json_string_value(json_object_get(answer, "model")));
	if (json_object_get(usage, "tokens_in") || json_object_get(usage, "tokens_out"))
		sb_printf(&sb, "%lld tokens in, %lld out", (long long)json_integer_value(json_object_get(usage, "tokens_in")),
		          (long long)json_integer_value(json_object_get(usage, "tokens_out")));
	else
		sb_adds(&sb, "the provider did not say how many tokens");
	sb_printf(&sb, ", %lld ms", (long long)json_integer_value(json_object_get(answer, "duration_ms")));
	if (count_output(b, sb.len + 128) == 0)
		add_log(b, "usage", usage, sb_str(&sb), false);
	else
		json_decref(usage);
	sb_free(&sb);
}

static void on_llm(struct broker_run *b, json_t *m, struct strbuf *out)
{
	char err[800];
	json_t *req = json_object_get(m, "request"), *resp = NULL;
	struct llm_provider prov = { 0 };
	if (!json_is_object(req)) {
		snprintf(err, sizeof err, "the request must be a JSON object");
	} else if (llm_provider_of(b, req, &prov, err, sizeof err) == 0) {
		struct llm_progress lp = { b, json_integer_value(json_object_get(req, "max_tokens")), 0, STRBUF_INIT };
		struct llm_hooks h = { json_is_false(json_object_get(req, "stream")) ? NULL : on_llm_text, &lp, b->cancel,
		                       mono_ms() + answer_time(b) };
		resp = llm_call(b->egress, &prov, req, &h, err, sizeof err);
		if (lp.held.len)
			show_held(&lp, lp.held.len);
		sb_free(&lp.held);
	}
	if (resp)
		record_usage(b, &prov, resp);
	answer_service(b, out, resp, true, err);
	llm_provider_free(&prov);
}

static void on_knowledge(struct broker_run *b, json_t *m, struct strbuf *out)
{
	char err[800];
	json_t *req = json_object_get(m, "request"), *resp = NULL;
	struct llm_provider prov = { 0 };
	int64_t started = mono_ms();
	if (!json_is_object(req)) {
		snprintf(err, sizeof err, "the request must be a JSON object");
	} else if (llm_provider_of(b, req, &prov, err, sizeof err) == 0) {
		struct llm_hooks h = { NULL, NULL, b->cancel, mono_ms() + answer_time(b) };
		resp = knowledge_request(b->database, b->egress, &prov, req, &h, err, sizeof err);
	}
	if (resp) {
		json_object_set_new(resp, "duration_ms", json_integer(mono_ms() - started));
		record_usage(b, &prov, resp);
	}
	answer_service(b, out, resp, true, err);
	llm_provider_free(&prov);
}

static void on_secret(struct broker_run *b, json_t *m, struct strbuf *out)
{
	char err[400];
	const char *name = json_string_value(json_object_get(m, "name"));
	int64_t id = 0;
	char *v = NULL;
	if (!name)
		snprintf(err, sizeof err, "no secret name");
	else if (b->store && store_credential_find(b->store, name, &id) == STORE_OK)
		snprintf(err, sizeof err, "'%.100s' is a credential, and a block never holds a credential: choose it in a "
			 "credential field of the block's settings, and the daemon applies it to the request", name);
	else
		v = secrets_get(b->secrets, name, err, sizeof err);
	if (v) {
		answer(out, json_pack("{s:s}", "value", v));
		free(v);
	} else {
		answer(out, json_pack("{s:s}", "error", err));
	}
}

/* The broker waits for the network: the execution counts as slow. */
static void waits_for_network(struct broker_run *b)
{
	if (b->on_slow) {
		b->on_slow(b->slow_arg);
		b->on_slow = NULL;
	}
}

static void on_frame(struct broker_run *b, const char *data, size_t len, struct strbuf *out)
{
	json_t *m = chan_parse(data, len);
	const char *t = json_string_value(json_object_get(m, "t"));
	if (!t) {
		stop(b, RUN_BAD_OUTPUT, "the block wrote something that is not a message on its channel (%zu bytes that are not a JSON object with \"t\")", len);
	} else if (b->finished && strcmp(t, "violation") && strcmp(t, "signal")) {
		stop(b, RUN_BAD_OUTPUT, "the block sent '%.32s' after it had finished", t);
	} else if (!strcmp(t, "emit")) {
		on_emit(b, m, len);
	} else if (!strcmp(t, "log")) {
		on_log(b, m, len);
	} else if (!strcmp(t, "progress")) {
		on_progress(b, m, len);
	} else if (!strcmp(t, "http")) {
		waits_for_network(b);
		on_http(b, m, out);
	} else if (!strcmp(t, "call")) {
		waits_for_network(b); /* or for a called workflow */
		on_call(b, m, out);
	} else if (!strcmp(t, "llm")) {
		waits_for_network(b);
		on_llm(b, m, out);
	} else if (!strcmp(t, "knowledge")) {
		waits_for_network(b);
		on_knowledge(b, m, out);
	} else if (!strcmp(t, "secret")) {
		on_secret(b, m, out);
	} else if (!strcmp(t, "keep") && json_object_get(m, "value")) {
		/* what check() made of the config (sandbox_check() keeps it only from a passing check) */
		json_decref(b->res->artifact);
		b->res->artifact = json_incref(json_object_get(m, "value"));
	} else if (!strcmp(t, "done") || !strcmp(t, "fail")) {
		const char *msg = json_string_value(json_object_get(m, "message"));
		b->finished = !strcmp(t, "done") ? 1 : 2;
		if (b->finished == 2) {
			free(b->message);
			b->message = secrets_mask(b->secrets, msg ? msg : "the block failed without a message");
		}
	} else if (!strcmp(t, "abi") && json_is_integer(json_object_get(m, "arch"))) {
		b->abi = (long)json_integer_value(json_object_get(m, "arch"));
		if (!b->abi)
			b->abi = -1;
	} else if ((!strcmp(t, "load") || !strcmp(t, "changed")) && json_is_string(json_object_get(m, "message"))) {
		free(b->load_error);
		b->load_error = xstrdup(json_string_value(json_object_get(m, "message")));
		b->changed = !strcmp(t, "changed");
	} else if (!strcmp(t, "violation") && json_is_integer(json_object_get(m, "syscall"))) {
		b->violation = (long)json_integer_value(json_object_get(m, "syscall"));
	} else if (!strcmp(t, "signal") && json_is_integer(json_object_get(m, "signal"))) {
		b->signal = (int)json_integer_value(json_object_get(m, "signal"));
	} else if (!strcmp(t, "memory")) {
		b->memory = 1;
	} else if (!strcmp(t, "stack")) {
		b->stack = 1;
	} else if (!strcmp(t, "confine") && json_is_string(json_object_get(m, "message"))) {
		free(b->confine_error);
		b->confine_error = xstrdup(json_string_value(json_object_get(m, "message")));
	} else {
		stop(b, RUN_BAD_OUTPUT, "the block sent a message of unknown type '%.32s'", t);
	}
	json_decref(m);
}

/* Reads what is there; 0 at end of file, 1 otherwise. */
static int read_some(struct broker_run *b, struct strbuf *in, struct strbuf *out)
{
	char buf[65536];
	ssize_t n = recv(b->chan, buf, sizeof buf, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : 0;
	if (n == 0)
		return 0;
	sb_add(in, buf, (size_t)n);
	const char *payload;
	size_t len;
	int rc;
	size_t max = b->output_max + FRAME_OVERHEAD;
	while (b->stopped < 0 && (rc = frame_peek(in, max, &payload, &len)) != 0) {
		if (rc < 0 && len > FRAME_SANE_MAX) {
			stop(b, RUN_BAD_OUTPUT, "the block wrote garbage on its channel (a message header claiming %zu bytes)", len);
			break;
		}
		if (rc < 0) {
			stop(b, RUN_OUTPUT_TOO_LARGE, "the block sent a message larger than its output limit of %llu bytes",
			     (unsigned long long)b->output_max);
			break;
		}
		on_frame(b, payload, len, out);
		frame_consume(in, len);
	}
	return 1;
}

/* Sends what the socket takes of out now, without waiting. */
static void send_some(int chan, struct strbuf *out)
{
	ssize_t w = send(chan, out->data, out->len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w > 0) {
		memmove(out->data, out->data + w, out->len - (size_t)w);
		out->len -= (size_t)w;
	}
}

void broker_serve(struct broker_run *b, const json_t *run_frame)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	chan_append_json(&out, run_frame);
	b->stopped = -1;
	b->violation = -1;
	/* The run frame usually fits in the socket's buffer: sent before any wait. */
	send_some(b->chan, &out);
	bool quiet = false; /* the last wait saw nothing: the block computes or waits */
	for (unsigned turn = 1; b->stopped < 0 && !b->finished; turn++) {
		int64_t left = b->deadline - mono_ms();
		if (left <= 0) {
			stop(b, RUN_TIMEOUT, "the block ran longer than its wall-clock limit and was killed");
			break;
		}
		if (b->cancel && *b->cancel) {
			stop(b, RUN_ERROR, "the run was cancelled, and the block was stopped");
			break;
		}
		/* The kernel holds the CPU limit (RLIMIT_CPU); this is its backstop,
		 * read after a quiet wait or every 16 turns, since the clock of
		 * another process costs a system call. */
		struct timespec cpu;
		if (b->cpu_deadline_ns && (quiet || turn % 16 == 0) && clock_gettime(b->cpu_clock, &cpu) == 0 &&
		    (int64_t)cpu.tv_sec * 1000000000LL + cpu.tv_nsec > b->cpu_deadline_ns) {
			stop(b, RUN_CPU_LIMIT, "the block used more than its CPU time limit and was killed");
			break;
		}
		if (b->on_slow && mono_ms() >= b->slow_at) {
			b->on_slow(b->slow_arg);
			b->on_slow = NULL;
		}
		if (b->on_slow && b->slow_at - mono_ms() < left)
			left = b->slow_at - mono_ms() > 0 ? b->slow_at - mono_ms() : 1;
		struct pollfd p = { b->chan, (short)(POLLIN | (out.len ? POLLOUT : 0)), 0 };
		int n = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (n < 0 && errno != EINTR)
			break;
		quiet = n == 0;
		if (n <= 0)
			continue;
		if ((p.revents & POLLOUT) && out.len)
			send_some(b->chan, &out);
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && !read_some(b, &in, &out))
			break;
		if (out.len) /* answers to what it asked: sent before the next wait */
			send_some(b->chan, &out);
	}
	if (b->stopped < 0 && in.len && !b->finished)
		stop(b, RUN_BAD_OUTPUT, "the block left %zu bytes of an unfinished message on its channel", in.len);
	b->leftover = in.len > 0;
	sb_free(&in);
	sb_free(&out);
}

void broker_free(struct broker_run *b)
{
	free(b->message);
	free(b->confine_error);
	free(b->load_error);
}
