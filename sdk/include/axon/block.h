/* axon/block.h: the only header an Axon block needs.
 *
 * A plugin is a shared object that exports one function, axon_plugin(),
 * returning its descriptor (write AXON_PLUGIN(...) once in one file). The
 * descriptor names the ABI it was built for, its own size and the blocks it
 * provides. Axon refuses a plugin whose ABI major differs from its own or whose
 * minor is newer, with a message naming both versions.
 *
 * A block runs in a forked child confined by seccomp: it computes on jansson
 * values and does no I/O of its own. Everything else (emitting outputs,
 * failing, logging, progress, HTTP, secrets) goes through the host function
 * table reached from ctx->host. A call to open(), socket(), fork() or any other
 * I/O system call ends the run with the outcome "violation".
 *
 * Build:  cc -shared -fPIC -o my.so my.c $(pkg-config --cflags --libs axon-block)
 * The full reference is axon_block(3); the changelog is ABI-CHANGES.md. */
#ifndef AXON_BLOCK_H
#define AXON_BLOCK_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The major changes when an existing field or function changes meaning or
 * place; the minor when something is appended. */
#define AXON_ABI_MAJOR 1
#define AXON_ABI_MINOR 5

/* What run() returns. */
#define AXON_OK 0
#define AXON_FAIL (-1)

#define AXON_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum axon_log_level { AXON_LOG_DEBUG, AXON_LOG_INFO, AXON_LOG_WARN, AXON_LOG_ERROR };

struct axon_ctx;

/* The host function table. Append-only: new functions go at the end and raise
 * AXON_ABI_MINOR; before calling one newer than your build, compare
 * offsetof(struct axon_host, fn) with size. Every function is safe to call
 * only from the thread that called run(), while run() has not returned. */
struct axon_host {
	uint32_t size; /* sizeof(struct axon_host) in the host */
	uint32_t reserved;

	/* Emits value on the output port named port. Takes the reference to value
	 * (like json_object_set_new). A port must be one the block declares and may
	 * be emitted at most once per run; ports not emitted stay silent, and what
	 * hangs off a silent port is skipped. Returns 0, or -1 if value is NULL or
	 * the host could not send it. */
	int (*emit)(struct axon_ctx *ctx, const char *port, json_t *value);

	/* Records the message that ends this run with the outcome "error" (it is
	 * shown to people verbatim) and returns AXON_FAIL, so a block can write
	 * return ctx->host->fail(ctx, "no field '%s' in the input", name); */
	int (*fail)(struct axon_ctx *ctx, const char *fmt, ...) AXON_PRINTF(2, 3);

	/* A line in the run's log. Secret values are masked by the host. */
	void (*log)(struct axon_ctx *ctx, enum axon_log_level level, const char *fmt, ...) AXON_PRINTF(3, 4);

	/* Progress between 0 and 1, with an optional message (NULL for none). */
	void (*progress)(struct axon_ctx *ctx, double fraction, const char *message);

	/* An HTTP request made by the daemon under its egress policy. request:
	 *   {"method": "GET", "url": "https://...", "headers": {"Name": "value"},
	 *    "body": "text", "secret_headers": {"Authorization":
	 *    {"secret": "github", "prefix": "Bearer "}}}
	 * Only url is required. Optional too: "query": {"q": "a b", "tag": ["x",
	 * "y"]} appended to the url, encoded; instead of "body", "form": {...}
	 * sent urlencoded or "multipart": {...} whose binary data values
	 * ({"base64", "content_type", "filename"}) are files; "retry": {"max": N,
	 * "max_wait_ms": M}: a 429 or 503 is tried again up to N times (10 at
	 * most) after its Retry-After, when that is at most M (default 60 s) and
	 * within the time limit. A secret header is filled by the daemon: the block
	 * never sees the value, and it goes to the url's origin only (a redirect
	 * to another scheme, host or port fails the request). Returns a new
	 * reference to
	 *   {"status": 200, "headers": {"content-type": "..."}, "body": "text"}
	 * ("body_base64" instead of "body" when the body is not UTF-8; "retries":
	 * N when the request was tried again), or NULL with
	 * the reason in err (a refused address, a timeout, a body too large...). */
	json_t *(*http)(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen);

	/* The value of the secret called name, as a new string reference, or NULL
	 * with the reason in err. Prefer secret_headers: a value the block holds
	 * is masked in its outputs and logs but still in its hands. */
	json_t *(*secret)(struct axon_ctx *ctx, const char *name, char *err, size_t errlen);

	/* ABI 1.2. A request to one of the daemon's services, which does for the
	 * block what a confined process cannot: "mail" sends a message by SMTP
	 * (docs/blocks/mail.md), "chat" posts to a chat (docs/blocks/chat.md), "db" runs SQL (docs/blocks/db.md), "workflow" describes or runs another workflow as a called run (docs/blocks/ai.md, ai.agent). request is the service's JSON; the daemon
	 * applies the account or credential it names, which the block never
	 * sees. Returns a new reference to the service's answer, or NULL with
	 * the reason in err (an unknown service among them). A daemon older
	 * than 1.2 has no call: check with axon_has(ctx, call). */
	json_t *(*call)(struct axon_ctx *ctx, const char *service, const json_t *request, char *err, size_t errlen);

	/* ABI 1.4. A language model, asked by the daemon under its egress policy.
	 * request:
	 *   {"provider": {"protocol": "openai" | "ollama", "credential": NAME
	 *        (of type llm, named in a credential field of the block's
	 *        config: base URL, key, default model, timeout, limits), or
	 *        "base_url": URL of a server that asks for no key},
	 *    "model": "gpt-4o-mini", "messages": [{"role": "system" | "user" |
	 *        "assistant" | "tool", "content": "...", "images": ["https://...",
	 *        "data:image/png;base64,...", or base64 text] (vision models;
	 *        Ollama takes no address)}],
	 *    "temperature": 0.2, "max_tokens": 500, "json": true (JSON mode) or
	 *    "schema": {JSON Schema} (structured output), "tools": [{"name",
	 *    "description", "parameters": {JSON Schema}}], "stream": false}
	 * provider and messages are required; for embeddings, give "embed":
	 * ["text", ...] (at most 256) instead of messages, and get {"vectors":
	 * [[numbers] per text], "usage": {"tokens_in"}, "model", "duration_ms",
	 * "attempts"} (not streamed). The credential is opened by the
	 * daemon: the block never sees it. While the answer streams, its
	 * text is recorded as the block's progress (each message the new text,
	 * up to its last blank; "stream": false for none). 429 and 5xx answers are
	 * retried after the pause the provider asks for. Returns a new reference
	 * to
	 *   {"text": "...", "tool_calls": [{"id", "name", "arguments"}],
	 *    "finish_reason": "stop", "model": "...", "usage": {"tokens_in": N,
	 *    "tokens_out": N}, "duration_ms": N, "attempts": N}
	 * or NULL with the reason in err. The usage is also recorded in the
	 * step's log. A daemon older than 1.4 has none: check with
	 * axon_has(ctx, llm). */
	json_t *(*llm)(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen);

	/* ABI 1.4. Knowledge bases, kept by the daemon in its database: a
	 * document's text cut into chunks (chunk_size bytes, default 1000, each
	 * repeating overlap bytes of the one before, default 150) and embedded
	 * by the provider and model given as for llm; a query embedded the same
	 * way finds the k closest chunks (cosine similarity). request:
	 *   {"op": "add", "kb": NAME, "provider": {...}, "model": "nomic-embed-text",
	 *    "document": NAME, "source": "where it came from", "text": "...",
	 *    "chunk_size": 1000, "overlap": 150}
	 *     -> {"document_id", "chunks", "usage", "model", "duration_ms"}
	 *        (a base is made with its first document)
	 *   {"op": "search", "kb": NAME, "provider": {...}, "model": M,
	 *    "query": "...", "k": 5}
	 *     -> {"hits": [{"id", "document", "source", "seq", "text", "score"}],
	 *         "usage", "model", "duration_ms"}, best first
	 * or NULL with the reason in err. Check with axon_has(ctx, knowledge). */
	json_t *(*knowledge)(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen);

	/* ABI 1.5. What check() made of a config, kept for run(): in check(),
	 * keep(ctx, value) hands the daemon a JSON value (at most 4 MiB as text;
	 * e.g. the code compiled), which it stores with the workflow's version
	 * when the check passes, and gives back to each run of that block in
	 * that version through kept(ctx) (borrowed, valid while run() runs). A
	 * run may get NULL (a version saved by an older daemon, a plugin file
	 * changed since, axon-block run): run() must then do the work itself.
	 * keep() outside check() returns -1 and keeps nothing. Both may be
	 * absent in an older daemon: check with axon_has(ctx, keep). */
	int (*keep)(struct axon_ctx *ctx, const json_t *value);
	const json_t *(*kept)(struct axon_ctx *ctx);
};

/* What run() gets. Only host is public. */
struct axon_ctx {
	const struct axon_host *host;
};

/* A port: name is [a-z0-9_]+, at most 63 characters. */
struct axon_port {
	const char *name;
	const char *description;
};

/* What a block asks for; 0 means "the daemon's default". The daemon may
 * lower these for a run. */
struct axon_limits {
	uint32_t wall_ms;      /* wall clock */
	uint32_t cpu_ms;       /* CPU time, enforced in whole seconds (rounded up) */
	uint64_t memory_bytes; /* address space */
};

struct axon_block {
	const char *name;        /* namespaced: "text.template", "acme.invoice_parse" */
	const char *version;     /* semver: "1.2.0" */
	const char *title;       /* "Fill a template" */
	const char *description; /* one or two sentences for the block list */
	const char *category;    /* "text", "data", "flow", "network", ... */
	const struct axon_port *inputs;  /* ended by { NULL, NULL } */
	const struct axon_port *outputs; /* ended by { NULL, NULL } */
	/* The config schema, as JSON text, a subset of JSON Schema:
	 *   {"type": "object",
	 *    "properties": {"NAME": {"type": "string" | "number" | "integer" |
	 *        "boolean" | "object" | "array" (absent: any value), "title": "...",
	 *        "description": "...", "default": VALUE, "enum": [VALUES],
	 *        "format": "template" (a string the block fills itself from its
	 *        inputs, "{{ in.name }}": in a workflow the engine fills only the
	 *        placeholders that name run data, and leaves the others), or
	 *        "format": "ports" on an array (its names, [a-z0-9_], are more
	 *        output ports of the block, after outputs: ai.classify's
	 *        categories; the block may emit on each)}},
	 *    "required": ["NAME", ...]}
	 * The host fills defaults and refuses a config with a missing required
	 * field, an unknown field, a wrong type or a value outside enum before
	 * run() is called. NULL means the block takes no config. */
	const char *config_schema;
	struct axon_limits limits;
	/* inputs: an object with one member per connected input port; config:
	 * the checked config with defaults filled in. Both are borrowed. Returns
	 * AXON_OK, or AXON_FAIL after ctx->host->fail(). */
	int (*run)(struct axon_ctx *ctx, const json_t *inputs, const json_t *config);

	/* ---- ABI 1.3 ---- */
	/* Optional (NULL: none). Judges a config when a workflow is saved, before
	 * any run: e.g. compiles the code in it. Runs in the sandbox like run(),
	 * with a short time limit and no inputs; only fail(), log() and (ABI 1.5)
	 * keep() are meaningful (what it emits is dropped). Returns AXON_OK when the config
	 * is fine, or AXON_FAIL after ctx->host->fail() with a sentence that names
	 * the place ("line 3, column 5") and what to write instead; the workflow
	 * is then refused with that message on the block. Its answer is kept per
	 * plugin and config, so it must depend on nothing else. */
	int (*check)(struct axon_ctx *ctx, const json_t *config);
};

struct axon_plugin {
	uint32_t size;       /* sizeof(struct axon_plugin) as built */
	uint16_t abi_major;  /* AXON_ABI_MAJOR as built */
	uint16_t abi_minor;  /* AXON_ABI_MINOR as built */
	uint32_t block_size; /* sizeof(struct axon_block) as built: the stride of blocks */
	uint32_t nblocks;
	const struct axon_block *blocks;
	const char *name;    /* the plugin's own name, e.g. "acme-invoices" */
	void *reserved[4];
	/* ABI 1.1: credential types the plugin declares, each as JSON text,
	 * ended by NULL (NULL: none). A type:
	 *   {"name": "acme.api_token" (namespaced like a block), "title": "...",
	 *    "description": "...",
	 *    "schema": a config schema of its fields, where "secret": true marks
	 *        the fields the daemon seals and never shows back,
	 *    "apply": how the daemon applies it to an HTTP request:
	 *        {"headers": {"Name": "Prefix {{ field }}"}, "query": {"name":
	 *        "{{ field }}"}, "basic": {"username": "{{ field }}",
	 *        "password": "{{ field }}"}, "client_certificate":
	 *        {"certificate": "{{ field }}", "key": "{{ field }}", "ca":
	 *        "{{ field }}"} (PEM texts, presented in the TLS handshake)}
	 *        (any of them),
	 *    "test": {"method": "GET", "url": "{{ field }}..."}: what the
	 *        credential's Test button sends}
	 * A block names such a credential in a config field with "format":
	 * "credential" and "credential_type": "acme.api_token"; it never sees
	 * the values. */
	const char *const *credential_types;
};

#define AXON_PLUGIN_SYMBOL "axon_plugin"
typedef const struct axon_plugin *(*axon_plugin_fn)(void);

/* Defines the exported descriptor function; blocks is an array of struct
 * axon_block. Use once per plugin. */
#define AXON_PLUGIN(plugin_name, block_array) \
	__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void); \
	__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void) \
	{ \
		static const struct axon_plugin p = { \
			sizeof(struct axon_plugin), AXON_ABI_MAJOR, AXON_ABI_MINOR, \
			sizeof(struct axon_block), \
			sizeof(block_array) / sizeof((block_array)[0]), (block_array), \
			(plugin_name), { 0 }, NULL }; \
		return &p; \
	}

/* The same, with credential types (a NULL-ended array of JSON texts). */
#define AXON_PLUGIN_WITH_CREDENTIALS(plugin_name, block_array, credential_type_array) \
	__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void); \
	__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void) \
	{ \
		static const struct axon_plugin p = { \
			sizeof(struct axon_plugin), AXON_ABI_MAJOR, AXON_ABI_MINOR, \
			sizeof(struct axon_block), \
			sizeof(block_array) / sizeof((block_array)[0]), (block_array), \
			(plugin_name), { 0 }, (credential_type_array) }; \
		return &p; \
	}

/* Shorthands for the host functions. */
#define axon_emit(ctx, port, value) ((ctx)->host->emit((ctx), (port), (value)))
#define axon_fail(ctx, ...) ((ctx)->host->fail((ctx), __VA_ARGS__))
#define axon_log(ctx, level, ...) ((ctx)->host->log((ctx), (level), __VA_ARGS__))
#define axon_progress(ctx, fraction, message) ((ctx)->host->progress((ctx), (fraction), (message)))
#define axon_http(ctx, request, err, errlen) ((ctx)->host->http((ctx), (request), (err), (errlen)))
#define axon_secret(ctx, name, err, errlen) ((ctx)->host->secret((ctx), (name), (err), (errlen)))
#define axon_call(ctx, service, request, err, errlen) ((ctx)->host->call((ctx), (service), (request), (err), (errlen)))
/* Whether the host has the function fn (one appended after the first ABI). */
#define axon_has(ctx, fn) \
	(offsetof(struct axon_host, fn) + sizeof((ctx)->host->fn) <= (ctx)->host->size && (ctx)->host->fn)
#define axon_llm(ctx, request, err, errlen) ((ctx)->host->llm((ctx), (request), (err), (errlen)))
#define axon_knowledge(ctx, request, err, errlen) ((ctx)->host->knowledge((ctx), (request), (err), (errlen)))
#define axon_keep(ctx, value) ((ctx)->host->keep((ctx), (value)))
#define axon_kept(ctx) ((ctx)->host->kept((ctx)))

#ifdef __cplusplus
}
#endif
#endif
