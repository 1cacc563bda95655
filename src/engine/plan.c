#include "engine/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/schema.h"
#include "strbuf.h"

#define BACKOFF_CAP_MS (5 * 60 * 1000)
#define DEFAULT_RETRY_DELAY_MS 1000
#define UNLIMITED 1024

/* The state of one for_each element. */
enum { ITEM_NEW, ITEM_RUNNING, ITEM_RETRY, ITEM_DONE };

const char *step_state_name(enum step_state s)
{
	static const char *const names[] = { "pending", "running", "waiting", "ok", "failed", "skipped" };
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static bool ended(enum step_state s)
{
	return s == STEP_OK || s == STEP_FAILED || s == STEP_SKIPPED;
}

long plan_find(const struct plan *p, const char *id)
{
	for (size_t i = 0; i < p->nblocks; i++)
		if (!strcmp(p->blocks[i].id, id))
			return (long)i;
	return -1;
}

static long find_n(const struct plan *p, const char *id, size_t len)
{
	for (size_t i = 0; i < p->nblocks; i++)
		if (strlen(p->blocks[i].id) == len && !strncmp(p->blocks[i].id, id, len))
			return (long)i;
	return -1;
}

/* The registry's entry of a block type, or NULL. */
static const json_t *registry_entry(const json_t *registry, const char *type)
{
	json_t *b;
	size_t i;
	json_array_foreach(json_object_get(registry, "blocks"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")) ?: "", type))
			return b;
	return NULL;
}

/* The port names of kind ("inputs", "outputs") of a typed block (schema_block_type). */
static json_t *port_names(const json_t *typed, const char *kind)
{
	json_t *names = json_array(), *port;
	size_t i;
	json_array_foreach(json_object_get(typed, kind), i, port)
		json_array_append(names, json_object_get(port, "name"));
	return names;
}

static bool has_name(const json_t *names, const char *name)
{
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n) if (!strcmp(json_string_value(n) ?: "", name)) return true;
	return false;
}

static int read_block(struct plan_block *b, const json_t *def, const json_t *registry)
{
	const json_t *s = json_object_get(def, "settings");
	b->id = json_string_value(json_object_get(def, "id"));
	b->type = json_string_value(json_object_get(def, "type"));
	if (!b->id || !b->type)
		return -1;
	b->config = json_object_get(def, "config");
	/* The type once, with the output ports its config names. */
	const json_t *entry = registry_entry(registry, b->type);
	json_t *typed = entry ? schema_block_type(entry, b->config) : NULL;
	b->output_ports = port_names(typed, "outputs");
	b->field_formats = entry ? schema_field_formats(json_object_get(entry, "config_schema")) : json_object();
	json_t *inputs = port_names(typed, "inputs");
	b->has_in_port = has_name(inputs, "in");
	json_decref(inputs);
	json_decref(typed);
	b->timeout_ms = (uint32_t)json_integer_value(json_object_get(s, "timeout_ms"));
	b->retries = (int)json_integer_value(json_object_get(s, "retries"));
	b->retry_delay_ms = json_integer_value(json_object_get(s, "retry_delay_ms"));
	if (b->retry_delay_ms <= 0)
		b->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
	b->for_each = json_string_value(json_object_get(s, "for_each"));
	b->concurrency = (int)json_integer_value(json_object_get(s, "concurrency"));
	if (b->concurrency <= 0)
		b->concurrency = UNLIMITED;
	b->continue_on_error = json_is_true(json_object_get(s, "continue_on_error"));
	b->logs = json_array();
	return 0;
}

/* "block.port" split at its first dot. */
static int read_end(const struct plan *p, const char *text, size_t *block, const char **port)
{
	const char *dot = text ? strchr(text, '.') : NULL;
	long b = dot ? find_n(p, text, (size_t)(dot - text)) : -1;
	if (b < 0)
		return -1;
	*block = (size_t)b;
	*port = dot + 1;
	return 0;
}

struct plan *plan_new(const json_t *def, const json_t *registry, const json_t *trigger, char *err, size_t errlen)
{
	static const json_t *empty;
	if (!empty)
		empty = json_object(); /* never freed: a shared, read-only {} */
	const json_t *blocks = json_object_get(def, "blocks"), *edges = json_object_get(def, "edges");
	struct plan *p = xcalloc(1, sizeof *p);
	p->def = json_incref((json_t *)def);
	p->nblocks = json_array_size(blocks);
	p->blocks = xcalloc(p->nblocks ? p->nblocks : 1, sizeof *p->blocks);
	for (size_t i = 0; i < p->nblocks; i++) {
		if (read_block(&p->blocks[i], json_array_get(blocks, i), registry) < 0) {
			snprintf(err, errlen, "blocks[%zu] has no id or type", i);
			plan_free(p);
			return NULL;
		}
		if (!json_is_object(p->blocks[i].config))
			p->blocks[i].config = empty;
	}
	p->nedges = json_array_size(edges);
	p->edges = xcalloc(p->nedges ? p->nedges : 1, sizeof *p->edges);
	for (size_t i = 0; i < p->nedges; i++) {
		const json_t *e = json_array_get(edges, i);
		struct plan_edge *pe = &p->edges[i];
		if (read_end(p, json_string_value(json_object_get(e, "from")), &pe->from, &pe->from_port) < 0 ||
		    read_end(p, json_string_value(json_object_get(e, "to")), &pe->to, &pe->to_port) < 0) {
			snprintf(err, errlen, "edges[%zu] does not join two blocks", i);
			plan_free(p);
			return NULL;
		}
	}
	p->concurrency = (int)json_integer_value(json_object_get(json_object_get(def, "settings"), "concurrency"));
	if (p->concurrency <= 0)
		p->concurrency = UNLIMITED;
	p->scope = json_pack("{s:O}", "trigger", trigger ? trigger : empty);
	return p;
}

static void block_free(struct plan_block *b)
{
	json_decref(b->output_ports);
	json_decref(b->field_formats);
	json_decref(b->inputs);
	json_decref(b->outputs);
	json_decref(b->logs);
	json_decref(b->item_outputs);
	free(b->outcome);
	free(b->error);
	free(b->item_attempts);
	free(b->item_not_before);
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nblocks; i++)
		block_free(&p->blocks[i]);
	free(p->blocks);
	free(p->edges);
	json_decref(p->def);
	json_decref(p->scope);
	free(p->error);
	free(p);
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

static void succeed(struct plan *p, struct plan_block *b, json_t *outputs, int64_t wall_now)
{
	b->state = STEP_OK;
	json_decref(b->outputs);
	b->outputs = outputs ? outputs : json_object();
	json_object_set(p->scope, b->id, b->outputs);
	set_str(&b->outcome, "ok");
	set_str(&b->error, NULL);
	b->finished_at = wall_now;
}

static void fail(struct plan *p, struct plan_block *b, const char *message, int64_t wall_now)
{
	b->state = STEP_FAILED;
	set_str(&b->error, message);
	b->finished_at = wall_now;
	if (b->continue_on_error || p->failed)
		return;
	p->failed = true;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "block '%s' failed: %s", b->id, message ? message : "no reason given");
	free(p->error);
	p->error = sb_detach(&sb);
	p->failed_block = b->id;
}

void plan_restore(struct plan *p, size_t bi, const json_t *step)
{
	struct plan_block *b = &p->blocks[bi];
	const char *status = json_string_value(json_object_get(step, "status"));
	b->attempts = (int)json_integer_value(json_object_get(step, "attempts"));
	b->started_at = json_integer_value(json_object_get(step, "started_at"));
	b->waited_ms = json_integer_value(json_object_get(step, "waited_ms"));
	if (json_is_array(json_object_get(step, "logs"))) {
		json_decref(b->logs);
		b->logs = json_deep_copy(json_object_get(step, "logs"));
	}
	set_str(&b->outcome, json_string_value(json_object_get(step, "outcome")));
	if (!status)
		return;
	int64_t finished = json_integer_value(json_object_get(step, "finished_at"));
	if (!strcmp(status, "ok")) {
		json_t *out = json_object_get(step, "outputs");
		succeed(p, b, json_is_object(out) ? json_deep_copy(out) : NULL, finished);
	} else if (!strcmp(status, "failed")) {
		fail(p, b, json_string_value(json_object_get(step, "error")), finished);
	} else if (!strcmp(status, "skipped")) {
		b->state = STEP_SKIPPED;
		set_str(&b->error, json_string_value(json_object_get(step, "error")));
	}
	/* running or waiting: it did not end, so it starts again (pending). */
}

json_t *plan_inputs(const struct plan *p, size_t bi)
{
	json_t *in = json_object();
	bool fed = false;
	for (size_t i = 0; i < p->nedges; i++) {
		const struct plan_edge *e = &p->edges[i];
		const struct plan_block *from = &p->blocks[e->from];
		fed |= e->to == bi;
		if (e->to != bi || from->state != STEP_OK || json_object_get(in, e->to_port))
			continue;
		json_t *v = json_object_get(from->outputs, e->from_port);
		if (v)
			json_object_set(in, e->to_port, v);
	}
	if (!fed && p->blocks[bi].has_in_port)
		json_object_set(in, "in", json_object_get(p->scope, "trigger"));
	return in;
}

/* The list a for_each block runs over: its port's value, or a path inside it. */
static const json_t *for_each_list(const struct plan_block *b)
{
	const char *dot = strchr(b->for_each, '.');
	char port[128];
	snprintf(port, sizeof port, "%.*s", dot ? (int)(dot - b->for_each) : (int)strlen(b->for_each), b->for_each);
	const json_t *v = json_object_get(b->inputs, port);
	while (dot && v) {
		const char *key = dot + 1;
		dot = strchr(key, '.');
		char step[128];
		snprintf(step, sizeof step, "%.*s", dot ? (int)(dot - key) : (int)strlen(key), key);
		char *end;
		long index = strtol(step, &end, 10);
		v = json_is_array(v) && *step && !*end ? json_array_get(v, (size_t)index) : json_object_get(v, step);
	}
	return v;
}

/* The input port a for_each element replaces. */
static void for_each_port(const struct plan_block *b, char *port, size_t len)
{
	const char *dot = strchr(b->for_each, '.');
	snprintf(port, len, "%.*s", dot ? (int)(dot - b->for_each) : (int)strlen(b->for_each), b->for_each);
}

/* 1 when every block with an edge into bi has ended; *fed when one delivered. */
static int upstream_ended(const struct plan *p, size_t bi, bool *has_edges)
{
	*has_edges = false;
	for (size_t i = 0; i < p->nedges; i++) {
		if (p->edges[i].to != bi)
			continue;
		*has_edges = true;
		if (!ended(p->blocks[p->edges[i].from].state))
			return 0;
	}
	return 1;
}

/* Pending, and every block upstream has ended. */
static bool plan_ready(const struct plan *p, size_t bi)
{
	bool has_edges;
	return p->blocks[bi].state == STEP_PENDING && upstream_ended(p, bi, &has_edges);
}

/* Why nothing reached block bi, for its step: each block upstream that was
 * skipped, failed, or was silent on the port its edge leaves from. */
static char *skip_reason(const struct plan *p, size_t bi)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "nothing reached its inputs: ");
	size_t head = sb.len;
	for (size_t i = 0; i < p->nedges; i++) {
		const struct plan_edge *e = &p->edges[i];
		if (e->to != bi)
			continue;
		const struct plan_block *from = &p->blocks[e->from];
		if (head != sb.len)
			sb_adds(&sb, ", ");
		if (from->state == STEP_SKIPPED)
			sb_printf(&sb, "%s was skipped", from->id);
		else if (from->state == STEP_FAILED)
			sb_printf(&sb, "%s failed", from->id);
		else
			sb_printf(&sb, "%s.%s was silent", from->id, e->from_port);
	}
	return sb_detach(&sb);
}

size_t plan_decide(struct plan *p, json_t *skipped)
{
	size_t ready;
	bool changed = true;
	while (changed) {
		changed = false;
		ready = 0;
		for (size_t i = 0; i < p->nblocks; i++) {
			bool has_edges;
			if (p->blocks[i].state != STEP_PENDING || !upstream_ended(p, i, &has_edges))
				continue;
			json_t *in = plan_inputs(p, i);
			if (has_edges && !json_object_size(in)) {
				p->blocks[i].state = STEP_SKIPPED;
				free(p->blocks[i].error);
				p->blocks[i].error = skip_reason(p, i);
				if (skipped)
					json_array_append_new(skipped, json_integer((json_int_t)i));
				changed = true;
			} else {
				ready++;
			}
			json_decref(in);
		}
	}
	return ready;
}

/* Starts a pending block: gathers its inputs; a for_each block gets its
 * elements (or fails, or ends at once on an empty array). 1 when a
 * unit of it can be handed out now. */
static int start_block(struct plan *p, struct plan_block *b, int64_t wall_now)
{
	json_decref(b->inputs);
	b->inputs = plan_inputs(p, (size_t)(b - p->blocks));
	/* A flow.wait found waiting at load keeps its first start: its
	 * duration counts from there, not from the restart. */
	if (!b->started_at || strcmp(b->type, "flow.wait"))
		b->started_at = wall_now;
	if (!b->for_each) {
		b->state = STEP_RUNNING;
		return 1;
	}
	const json_t *list = for_each_list(b);
	if (!json_is_array(list)) {
		char msg[200];
		snprintf(msg, sizeof msg, "for_each: the input '%s' is %s, not an array", b->for_each,
			 list ? "not a list" : "missing");
		fail(p, b, msg, wall_now);
		return 0;
	}
	b->items = json_array_size(list);
	b->next_item = b->items_running = b->items_done = 0;
	json_decref(b->item_outputs);
	b->item_outputs = json_array();
	free(b->item_attempts);
	free(b->item_not_before);
	b->item_attempts = xcalloc(b->items + 1, sizeof *b->item_attempts);
	b->item_not_before = xcalloc(b->items + 1, sizeof *b->item_not_before);
	for (size_t i = 0; i < b->items; i++)
		json_array_append_new(b->item_outputs, json_null());
	if (!b->items) {
		json_t *out = json_object(), *port;
		size_t i;
		json_array_foreach(b->output_ports, i, port) json_object_set_new(out, json_string_value(port), json_array());
		succeed(p, b, out, wall_now);
		return 0;
	}
	b->state = STEP_RUNNING;
	return 1;
}

/* The next element of a running for_each block that may start, or -1. */
static long next_item(struct plan_block *b, int64_t now)
{
	if ((int)b->items_running >= b->concurrency)
		return -1;
	for (size_t i = 0; i < b->next_item; i++)
		if (b->item_attempts[i] < 0 && b->item_not_before[i] <= now)
			return (long)i;
	return b->next_item < b->items ? (long)b->next_item++ : -1;
}

static int hand_out(struct plan *p, struct plan_block *b, long item, struct plan_unit *u, int64_t now)
{
	if (p->idle) {
		p->waited_ms += now - p->idle_since;
		p->idle = false;
	}
	u->block = (size_t)(b - p->blocks);
	u->item = item;
	if (item >= 0) {
		/* A negative count marks an element waiting for its retry. */
		if (b->item_attempts[item] < 0)
			b->item_attempts[item] = -b->item_attempts[item];
		b->item_attempts[item]++;
		b->items_running++;
	}
	b->attempts++;
	p->running++;
	return 1;
}

int plan_next_unit(struct plan *p, int64_t now, int64_t wall_now, struct plan_unit *u)
{
	if (p->failed || p->running >= p->concurrency)
		return 0;
	plan_decide(p, NULL);
	for (size_t i = 0; i < p->nblocks; i++) {
		struct plan_block *b = &p->blocks[i];
		if (b->state == STEP_PENDING && plan_ready(p, i)) {
			if (!start_block(p, b, wall_now)) {
				if (p->failed)
					return 0;
				plan_decide(p, NULL);
				continue;
			}
			if (!b->for_each)
				return hand_out(p, b, -1, u, now);
		} else if (b->state == STEP_WAITING && !b->child_run && !b->for_each && b->not_before <= now) {
			b->state = STEP_RUNNING;
			return hand_out(p, b, -1, u, now);
		}
		if (b->state == STEP_RUNNING && b->for_each) {
			long item = next_item(b, now);
			if (item >= 0)
				return hand_out(p, b, item, u, now);
		}
	}
	return 0;
}

json_t *plan_unit_scope(const struct plan *p, const struct plan_unit *u)
{
	json_t *scope = json_copy(p->scope);
	if (u->item >= 0) {
		const struct plan_block *b = &p->blocks[u->block];
		json_object_set(scope, "item", json_array_get(for_each_list(b), (size_t)u->item));
		json_object_set_new(scope, "index", json_integer(u->item));
	}
	return scope;
}

json_t *plan_unit_inputs(const struct plan *p, const struct plan_unit *u)
{
	const struct plan_block *b = &p->blocks[u->block];
	json_t *in = json_copy(b->inputs);
	if (u->item >= 0) {
		char port[128];
		for_each_port(b, port, sizeof port);
		json_object_set(in, port, json_array_get(for_each_list(b), (size_t)u->item));
	}
	return in;
}

int plan_unit_attempt(const struct plan *p, const struct plan_unit *u)
{
	const struct plan_block *b = &p->blocks[u->block];
	return u->item >= 0 ? b->item_attempts[u->item] : b->attempts;
}

int64_t plan_backoff_ms(int64_t base, int attempt, double jitter)
{
	int64_t d = base;
	for (int i = 1; i < attempt && d < BACKOFF_CAP_MS; i++)
		d *= 2;
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	if (jitter < 0.5)
		jitter = 0.5;
	if (jitter > 1)
		jitter = 1;
	return (int64_t)((double)d * jitter);
}

static void add_logs(struct plan_block *b, const json_t *logs, long item, int attempt)
{
	size_t i;
	json_t *line;
	json_array_foreach(logs, i, line) {
		json_t *copy = json_copy(line);
		json_object_set_new(copy, "attempt", json_integer(attempt));
		if (item >= 0)
			json_object_set_new(copy, "item", json_integer(item));
		json_array_append_new(b->logs, copy);
	}
}

void plan_block_log(struct plan *p, size_t bi, const json_t *logs)
{
	struct plan_block *b = &p->blocks[bi];
	add_logs(b, logs, -1, b->attempts);
}

/* Every element ended well: the outputs are, per output port, the list of
 * what each element emitted there (null where it emitted nothing). */
static void gather(struct plan *p, struct plan_block *b, int64_t wall_now)
{
	json_t *out = json_object(), *port;
	size_t i;
	json_array_foreach(b->output_ports, i, port) {
		json_t *list = json_array(), *one;
		size_t j;
		json_array_foreach(b->item_outputs, j, one) {
			json_t *v = json_object_get(one, json_string_value(port));
			json_array_append_new(list, v ? json_incref(v) : json_null());
		}
		json_object_set_new(out, json_string_value(port), list);
	}
	succeed(p, b, out, wall_now);
}

static int unit_done(struct plan *p, const struct plan_unit *u, bool ok, json_t *outputs, const char *outcome,
		     const char *message, const json_t *logs, int64_t now, int64_t wall_now, double jitter)
{
	struct plan_block *b = &p->blocks[u->block];
	int attempt = plan_unit_attempt(p, u);
	p->running--;
	add_logs(b, logs, u->item, attempt);
	set_str(&b->outcome, outcome ? outcome : ok ? "ok" : "error");
	if (u->item < 0) {
		if (ok) {
			succeed(p, b, outputs, wall_now);
			return 0;
		}
		json_decref(outputs);
		set_str(&b->error, message);
		if (attempt <= b->retries && !p->failed) {
			int64_t delay = plan_backoff_ms(b->retry_delay_ms, attempt, jitter);
			b->state = STEP_WAITING;
			b->not_before = now + delay;
			b->waited_ms += delay;
			return 1;
		}
		fail(p, b, message, wall_now);
		return 0;
	}
	b->items_running--;
	if (b->state != STEP_RUNNING) { /* the block failed already through another element */
		json_decref(outputs);
		return 0;
	}
	if (ok) {
		json_array_set_new(b->item_outputs, (size_t)u->item, outputs ? outputs : json_object());
		b->item_attempts[u->item] = attempt;
		if (++b->items_done == b->items)
			gather(p, b, wall_now);
		return 0;
	}
	json_decref(outputs);
	if (attempt <= b->retries && !p->failed) {
		b->item_attempts[u->item] = -attempt;
		b->item_not_before[u->item] = now + plan_backoff_ms(b->retry_delay_ms, attempt, jitter);
		return 1;
	}
	char msg[1200];
	snprintf(msg, sizeof msg, "element %ld: %s", u->item, message ? message : "failed");
	fail(p, b, msg, wall_now);
	return 0;
}

int plan_unit_done(struct plan *p, const struct plan_unit *u, bool ok, json_t *outputs, const char *outcome,
		   const char *message, const json_t *logs, int64_t now, int64_t wall_now, double jitter)
{
	int retry = unit_done(p, u, ok, outputs, outcome, message, logs, now, wall_now, jitter);
	if (!p->running && !p->failed && plan_next_wakeup(p) > now) {
		p->idle = true;
		p->idle_since = now;
	}
	return retry;
}

void plan_block_wait(struct plan *p, size_t bi)
{
	p->blocks[bi].state = STEP_WAITING;
	p->running--;
}

void plan_block_end(struct plan *p, size_t bi, bool ok, json_t *outputs, const char *message, int64_t wall_now)
{
	struct plan_block *b = &p->blocks[bi];
	b->child_run = 0;
	set_str(&b->outcome, ok ? "ok" : "error");
	if (ok) {
		succeed(p, b, outputs, wall_now);
	} else {
		json_decref(outputs);
		fail(p, b, message, wall_now);
	}
}

void plan_abort(struct plan *p, const char *message)
{
	if (p->failed)
		return;
	p->failed = true;
	free(p->error);
	p->error = xstrdup(message);
	p->failed_block = NULL;
}

bool plan_may_have_unit(const struct plan *p, int64_t now)
{
	if (p->failed || p->running >= p->concurrency)
		return false;
	for (size_t i = 0; i < p->nblocks; i++) {
		const struct plan_block *b = &p->blocks[i];
		if (plan_ready(p, i) ||
		    (b->state == STEP_WAITING && !b->child_run && !b->for_each && b->not_before <= now))
			return true;
		if (b->state == STEP_RUNNING && b->for_each && (int)b->items_running < b->concurrency) {
			if (b->next_item < b->items)
				return true;
			for (size_t j = 0; j < b->next_item; j++)
				if (b->item_attempts[j] < 0 && b->item_not_before[j] <= now)
					return true;
		}
	}
	return false;
}

int64_t plan_next_wakeup(const struct plan *p)
{
	int64_t t = 0;
	for (size_t i = 0; i < p->nblocks; i++) {
		const struct plan_block *b = &p->blocks[i];
		if (b->state == STEP_WAITING && !b->child_run && (!t || b->not_before < t))
			t = b->not_before;
		if (b->state == STEP_RUNNING && b->for_each)
			for (size_t j = 0; j < b->next_item; j++)
				if (b->item_attempts[j] < 0 && (!t || b->item_not_before[j] < t))
					t = b->item_not_before[j];
	}
	return t;
}

bool plan_finished(const struct plan *p)
{
	if (p->running)
		return false;
	for (size_t i = 0; i < p->nblocks; i++) {
		const struct plan_block *b = &p->blocks[i];
		if (p->failed ? b->child_run != 0 : !ended(b->state))
			return false;
	}
	return true;
}

json_t *plan_step_json(const struct plan *p, size_t bi)
{
	const struct plan_block *b = &p->blocks[bi];
	return json_pack("{s:s, s:s, s:s?, s:i, s:I, s:I, s:I, s:O?, s:O?, s:O, s:s?}", "block", b->id, "status",
			 step_state_name(b->state), "outcome", b->state == STEP_SKIPPED ? NULL : b->outcome,
			 "attempts", b->attempts, "started_at", (json_int_t)b->started_at, "finished_at",
			 (json_int_t)(ended(b->state) ? b->finished_at : 0), "waited_ms", (json_int_t)b->waited_ms,
			 "inputs", b->inputs, "outputs", b->state == STEP_OK ? b->outputs : NULL, "logs", b->logs,
			 "error", b->state == STEP_OK ? NULL : b->error);
}
