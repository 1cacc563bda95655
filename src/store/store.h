/* The store: Axon's data in one SQLite file, in WAL mode, with foreign keys,
 * a busy timeout and migrations by PRAGMA user_version applied at open in one
 * transaction. One struct store per thread (a connection is never shared).
 * Every write is one transaction: a failed write leaves the database as it was.
 * Only parameterized SQL. Nothing here knows about the web. */
#ifndef AXON_STORE_H
#define AXON_STORE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND = 1,  /* no such row (or not visible to this caller) */
	STORE_CONFLICT = 2,  /* a unique name is taken, or setup already done */
	STORE_NOT_HELD = 3,  /* another node took the run over: this one stops its copy */
	STORE_ERROR = -1,    /* anything else; store_errmsg() says what */
	STORE_BUSY = -2,     /* locked longer than the busy timeout */
	STORE_READONLY = -3, /* file or directory not writable */
	STORE_FULL = -4,     /* disk full */
	STORE_CORRUPT = -5,  /* not a database, or damaged */
};

enum role { ROLE_NONE = 0, ROLE_VIEWER = 1, ROLE_EDITOR = 2, ROLE_OWNER = 3 };
const char *role_name(enum role r);            /* "viewer", "editor", "owner" */
int role_parse(const char *s, enum role *out); /* -1 if unknown */

struct user {
	int64_t id;
	char username[65];
	enum role role;
	int disabled;
	int64_t created_at; /* unix seconds */
};

struct store;

/* Opens (creating if needed) and migrates. On failure returns a negative
 * store_rc and a sentence for a person in err (naming the file and what to do). */
int store_open(const char *path, struct store **out, char *err, size_t errlen);
void store_close(struct store *st);
/* The last error as a sentence for a person; never contains a secret. */
const char *store_errmsg(struct store *st);
int store_schema_version(struct store *st);
/* Whether st is a PostgreSQL database (several axond may share it) rather
 * than a SQLite file. */
int store_is_postgresql(struct store *st);
/* This process's node (axon.conf's node_name), for every store it opens
 * after: written with each step, and the holder of the runs it claims. Call
 * once at start, before the threads. */
void store_set_node(const char *node);
/* Whether axon.conf's database names a PostgreSQL database (a URI
 * postgresql://... or a libpq connection string) rather than a file. */
int store_path_is_postgresql(const char *database);
/* LISTEN/NOTIFY between the axond sharing a PostgreSQL database (notify.c).
 * A listener has a connection of its own, made at its first
 * store_listener_next and made again (LISTEN again) when lost, with a
 * doubling pause; NULL with why in err when database is not PostgreSQL. */
struct store_listener;
struct store_listener *store_listen(const char *database, const char *channel, char *err, size_t errlen);
/* Its socket, to poll for input; -1 while it is not listening (call
 * store_listener_next again after a pause: it reconnects when it may). */
int store_listener_fd(struct store_listener *l);
/* 1 with a notification's payload in *payload (the caller frees it), 0 when
 * none is pending, <0 when the connection is lost (or not back yet). */
int store_listener_next(struct store_listener *l, char **payload);
void store_listener_close(struct store_listener *l);
/* PostgreSQL takes a NOTIFY payload of fewer bytes than this. */
#define STORE_NOTIFY_MAX 8000
/* Sends payload to the listeners of channel (on its commit: at once outside
 * a transaction). STORE_OK doing nothing on SQLite, which has no listeners. */
int store_notify(struct store *st, const char *channel, const char *payload);
/* The schema version this build creates and understands. */
#define STORE_SCHEMA_VERSION 17

/* Limits, for operators and tests: how long a write waits for another
 * process's lock before STORE_BUSY (default 5000 ms), and a cap on the file
 * size beyond which writes fail with STORE_FULL (as a full disk does). */
void store_set_busy_timeout(struct store *st, int ms);
int store_set_max_size(struct store *st, int64_t bytes);
/* Names the data this connection sees now (PRAGMA data_version, the
 * connection's own changes, the connection). Two equal stamps mean that
 * nothing was committed in between, by any connection or process: what was
 * read after the first is still true. For caches of derived data. */
struct store_stamp {
	uint64_t conn;
	int64_t version, changes;
};
int store_stamp(struct store *st, struct store_stamp *out);
static inline int store_stamp_equal(const struct store_stamp *a, const struct store_stamp *b)
{
	return a->conn == b->conn && a->version == b->version && a->changes == b->changes;
}

/* Users. Usernames: 1-64 characters of [A-Za-z0-9._-] (the caller validates). */
int store_setup_owner(struct store *st, const char *username, const char *password_hash, int64_t *id);
int store_user_count(struct store *st, int64_t *n);
int store_user_create(struct store *st, int64_t actor, const char *username, const char *password_hash,
		      enum role role, int64_t *id);
/* password_hash may be NULL; else *password_hash is set (caller frees). */
int store_user_by_name(struct store *st, const char *username, struct user *u, char **password_hash);
int store_user_by_id(struct store *st, int64_t id, struct user *u, char **password_hash);
int store_user_list(struct store *st, json_t **out); /* [{id, username, role, disabled, created_at, two_factor}] */
int store_user_set_disabled(struct store *st, int64_t actor, int64_t id, int disabled);
int store_user_set_role(struct store *st, int64_t actor, int64_t id, enum role role);
/* Also ends every session of the user but keep_token_hash (may be NULL). */
int store_user_set_password(struct store *st, int64_t actor, int64_t id, const char *password_hash,
			    const char *keep_token_hash);

/* Sessions: only SHA-256 hashes of tokens are stored. A disabled user or an
 * expired session gives STORE_NOTFOUND. */
int store_session_create(struct store *st, const char *token_hash, int64_t user_id, int64_t expires_at);
int store_session_user(struct store *st, const char *token_hash, int64_t now, struct user *u);
int store_session_delete(struct store *st, const char *token_hash);
/* Notes that a session was used now from addr with agent (the browser's
 * User-Agent); writes only when a minute passed or either changed. */
int store_session_touch(struct store *st, const char *token_hash, int64_t now, const char *addr, const char *agent);
/* The user's signed-in sessions, most recently used first: [{id, created_at,
 * expires_at, last_used_at, last_addr, last_agent, current}]; id is a short
 * public name of the session (never its token), current marks current_hash's. */
int store_session_list(struct store *st, int64_t user_id, int64_t now, const char *current_hash, json_t **out);
/* Ends the user's session named id (from the list): NOTFOUND when it is not theirs. */
int store_session_end(struct store *st, int64_t user_id, const char *id);
/* Ends every session of the user but keep_hash's (may be NULL); *ended says how many. */
int store_session_end_others(struct store *st, int64_t user_id, const char *keep_hash, int64_t *ended);
/* A session waiting for the second factor: store_session_user does not see
 * it; store_session_pending_user does (and nothing else). */
int store_session_create_pending(struct store *st, const char *token_hash, int64_t user_id, int64_t expires_at);
int store_session_pending_user(struct store *st, const char *token_hash, int64_t now, struct user *u);

/* API tokens, also stored hashed. store_token_user updates last_used_at. */
int store_token_create(struct store *st, int64_t user_id, const char *name, const char *token_hash, int64_t *id);
/* The same with a rate limit of its own: requests a minute (0: its user's alone). */
int store_token_create_limited(struct store *st, int64_t user_id, const char *name, const char *token_hash,
			       int rate_per_minute, int64_t *id);
int store_token_user(struct store *st, const char *token_hash, int64_t now, struct user *u);
/* The same, also telling which token it is and its own rate limit (0: none). */
struct token_use {
	int64_t id;
	int rate_per_minute;
};
int store_token_use(struct store *st, const char *token_hash, int64_t now, struct user *u, struct token_use *tok);
int store_token_list(struct store *st, int64_t user_id, json_t **out); /* [{id, name, created_at, last_used_at, revoked, rate_per_minute}] */
int store_token_revoke(struct store *st, int64_t user_id, int64_t token_id); /* NOTFOUND if not the user's */

/* Workflows. A workflow object as stored and returned:
 *   {"id", "name", "description", "tags": [..], "definition": {..}, "version",
 *    "created_at", "updated_at", "created_by": "username", "versions": N}
 * Every save is a new row in workflow_versions holding name, description,
 * tags and definition: nothing is overwritten. Restore makes a new version
 * copying an old one. Names are unique whatever their case: a create, save
 * or restore that would give a workflow another's name is STORE_CONFLICT
 * with a sentence naming it. An inactive workflow's webhook and schedule
 * do not fire (runs by hand, flow.call and error_workflow still do). */
struct wf_query {
	const char *q;   /* substring of the name, case-insensitive; NULL for all */
	const char *tag; /* exact tag; NULL for all */
	int page;        /* from 1 */
	int per_page;
};
/* items: array of {id, name, description, tags, version, updated_at, active,
 * trigger (the current version's trigger type, or null), last_run: {id, status,
 * created_at} or null}, newest first */
int store_workflow_list(struct store *st, const struct wf_query *q, json_t **items, int64_t *total);
/* wf: {name, description, tags, definition} as validated by the caller */
int store_workflow_create(struct store *st, int64_t actor, const json_t *wf, int64_t *id);
int store_workflow_get(struct store *st, int64_t id, int version /* 0: current */, json_t **out);
int store_workflow_save(struct store *st, int64_t actor, int64_t id, const json_t *wf, int *version);
/* What the blocks' check() kept for a version (block_artifacts.c): *out is
 * {block id: {"key": K, "artifact": A}}, empty when none. */
int store_block_artifacts(struct store *st, int64_t id, int version, json_t **out);
/* Keeps artifacts (the same shape) with version, replacing those of the
 * same blocks. */
int store_block_artifacts_keep(struct store *st, int64_t id, int version, const json_t *artifacts);
/* The same when version base is still the newest; STORE_CONFLICT (and nothing
 * written) when someone saved since: an edit made from base would undo theirs. */
int store_workflow_save_over(struct store *st, int64_t actor, int64_t id, const json_t *wf, int base, int *version);
/* [{id, name, definition}] of every workflow's current version, by name. */
int store_workflow_current_definitions(struct store *st, json_t **out);
int store_workflow_versions(struct store *st, int64_t id, json_t **out); /* [{version, name, created_at, created_by, note}] newest first */
int store_workflow_restore(struct store *st, int64_t actor, int64_t id, int version, int *new_version);
int store_workflow_delete(struct store *st, int64_t actor, int64_t id);
/* Switches a workflow on or off (audited). */
int store_workflow_set_active(struct store *st, int64_t actor, int64_t id, bool active);
/* name when no workflow has it (in any case), else the first free of
 * "name (2)", "name (3)"...: what an import of a name in use becomes. Caller frees. */
int store_workflow_free_name(struct store *st, const char *name, char **out);
int store_tag_list(struct store *st, json_t **out); /* ["tag", ...] in use, sorted */
/* The workflow named ref: its number ("12") or its exact name (names are unique). */
int store_workflow_find(struct store *st, const char *ref, int64_t *id);

/* Audit log: who changed what. Written by every write above, in the same transaction. */
int store_audit_list(struct store *st, int limit, json_t **out); /* [{at, user, action, target, detail}] newest first */

/* Two-factor sign-in (second_factor.c). The secret is stored as the caller
 * sealed it. A user has none, one waiting for confirmation, or a confirmed one. */
#define RECOVERY_CODES 10
/* *sealed (caller frees) and whether it is confirmed; NOTFOUND when the user has none. */
int store_2fa_get(struct store *st, int64_t user_id, char **sealed, int *confirmed);
/* {enabled, recovery_codes_left} for the account page. */
int store_2fa_status(struct store *st, int64_t user_id, json_t **out);
/* A new secret waiting for confirmation, in place of any unconfirmed one;
 * STORE_CONFLICT when a confirmed one exists. */
int store_2fa_begin(struct store *st, int64_t user_id, const char *sealed);
/* Confirms it with the step of the code given (which is thereby used) and
 * replaces the recovery codes with these RECOVERY_CODES hashes; audited. */
int store_2fa_confirm(struct store *st, int64_t user_id, uint64_t step, const char *const code_hashes[RECOVERY_CODES]);
/* Uses time step (it must be later than the last used): STORE_CONFLICT for a replayed code. */
int store_2fa_use_step(struct store *st, int64_t user_id, uint64_t step);
/* Uses a recovery code once: STORE_NOTFOUND when unknown or used; audited. */
int store_2fa_use_recovery(struct store *st, int64_t user_id, const char *code_hash);
/* Removes the second factor and recovery codes (actor: the user, or an owner
 * resetting it); STORE_NOTFOUND when there was none; audited. */
int store_2fa_remove(struct store *st, int64_t actor, int64_t user_id);

/* Login throttling, keyed by a string such as "user:NAME" or "ip:ADDR". */
int store_login_failures(struct store *st, const char *key, int64_t since, int *count);
int store_login_failure_add(struct store *st, const char *key, int64_t now);
int store_login_failures_clear(struct store *st, const char *key);

/* Runs (runs.c). Times in runs and steps are unix milliseconds. A run:
 *   {"id", "workflow_id", "workflow_name", "version", "trigger", "input", "status", "error",
 *    "failed_block", "parent_run_id", "parent_block", "depth", "created_at", "started_at",
 *    "finished_at", "reply"}
 * status: "queued", "running", "succeeded", "failed", "cancelled". A run of a workflow file
 * (axonctl run FILE) has no workflow_id and keeps its own definition. */
struct run_new {
	int64_t workflow_id;     /* 0 for a definition given inline */
	int version;             /* 0: the workflow's current version */
	const json_t *definition; /* for workflow_id 0 */
	const char *trigger;     /* "manual", "webhook", "schedule", "call", "error", "replay" */
	const json_t *input;     /* the trigger's data; NULL for {} */
	const char *dedup_key;   /* NULL, or a key a second delivery of the same event repeats */
	int64_t parent_run_id;   /* flow.call: the calling run and block */
	const char *parent_block;
	int depth;
	int64_t actor;           /* the user who started it; 0 for the system */
	const json_t *steps;     /* NULL, or steps it starts with (store_step_put's fields), written with
				  * it: the engine takes those ended as done, as after a restart */
};
/* Creates a queued run. A dedup_key seen before for the same workflow gives
 * STORE_CONFLICT with *id set to the run it started. */
int store_run_create(struct store *st, const struct run_new *n, int64_t *id);
/* A run that is not written yet: a quick run is written once, by its first
 * write (store_run_record, or store_run_finish as it ends), under an id
 * reserved beforehand (store_run_ids). run has version set; its dedup_key
 * and steps are not used. */
struct run_born {
	int64_t id;
	struct run_new run;
	int64_t created_at;
};
/* Reserves count run ids, *first to *first + count - 1, that no run created
 * by anyone else will take (SQLite only: STORE_ERROR on PostgreSQL). */
int store_run_ids(struct store *st, int count, int64_t *first);
/* The run with its "definition" and "steps" (see store_step_list). */
int store_run_get(struct store *st, int64_t id, json_t **out);
struct run_query {
	int64_t workflow_id; /* 0: all */
	const char *status;  /* NULL: all */
	int64_t since, until;/* created_at range in ms; 0: open */
	int page, per_page;
};
/* items: runs without input, reply or definition, newest first. */
int store_run_list(struct store *st, const struct run_query *q, json_t **items, int64_t *total);
/* Ids of runs that are queued or running (to resume after a restart), oldest first. */
int store_run_unfinished(struct store *st, json_t **ids);
/* Several nodes on one database (docs/scale-out.md). A node works on a run
 * only while it holds it: store_run_claim takes run id for this connection's
 * node until lease_until (unix ms) when no node holds it, this one does, or
 * its holder's lease ended before now; STORE_CONFLICT when another node holds
 * it, STORE_NOTFOUND when it has ended. store_run_renew extends the leases of
 * every unfinished run this node holds. store_run_take_orphans claims up to
 * max unfinished runs that nobody works on (offered, or never claimed and
 * created before orphan_before, or their holder's lease ended) and gives
 * their ids. store_run_offer, by a front node that executes no run
 * (execute_runs = no), leaves queued run id to whichever node takes it
 * first, and tells them on STORE_RUNS_CHANNEL. */
#define STORE_RUNS_CHANNEL "axon_runs"
int store_run_claim(struct store *st, int64_t id, int64_t now, int64_t lease_until);
int store_run_renew(struct store *st, int64_t lease_until, int64_t *renewed);
int store_run_take_orphans(struct store *st, int64_t now, int64_t orphan_before, int64_t lease_until, int max,
			   json_t **ids);
int store_run_offer(struct store *st, int64_t id);
/* A poll trigger's round, taken by one node: moves last_fire from the value
 * this node read to now; STORE_CONFLICT when another node moved it first. */
int store_schedule_claim(struct store *st, int64_t workflow_id, int64_t last_fire, int64_t now);
int store_run_set_status(struct store *st, int64_t id, const char *status, int64_t at);
/* Ends a run in one transaction: its steps as they ended (store_step_put
 * each; may be NULL), status, error (NULL when it succeeded), the block
 * that failed, a webhook reply; and a dead letter when dead_letter is set. */
struct run_end {
	const char *status, *error, *failed_block;
	const json_t *reply, *steps;
	int dead_letter;
	int64_t at;
	int64_t waited_ms; /* the time it only waited for retries */
	int64_t started_at; /* wall ms when it started, kept if the store has one already; 0: none */
	/* NULL, or the caller's own writes in the same transaction (with the
	 * store_*_in functions), undone alone when it fails. */
	int (*also)(struct store *st, void *arg);
	void *also_arg;
	const struct run_born *born; /* NULL, or the run, not written yet: written now */
};
int store_run_finish(struct store *st, int64_t id, const struct run_end *end);
/* Steps of a run in the order they started: [{"block", "status", "outcome", "attempts",
 *  "started_at", "finished_at", "waited_ms", "inputs", "outputs", "logs", "error"}]. status: "running",
 * "waiting" (for a retry or a called workflow), "ok", "failed", "skipped". */
int store_step_list(struct store *st, int64_t run_id, json_t **out);
/* {"run_id", "error"} of block when it failed in the workflow's last
 * finished run; STORE_NOTFOUND when it did not (or there is none). */
int store_block_last_error(struct store *st, int64_t workflow_id, const char *block, json_t **out);
/* Writes a step whole (insert or replace); step holds the fields above (missing ones NULL). */
int store_step_put(struct store *st, int64_t run_id, const json_t *step);
/* What a run did so far, in one transaction: "running" since started_at
 * (unless 0, or the run is no longer queued) and each step of steps
 * written whole (store_step_put); born: NULL, or the run, written first. */
int store_run_record(struct store *st, int64_t run_id, int64_t started_at, const json_t *steps,
		     const struct run_born *born);
/* Makes a failed run ready to go on from its failed steps: those steps and the
 * ones skipped after them are forgotten, the run is queued again. */
int store_run_requeue(struct store *st, int64_t actor, int64_t id);
/* The workflow ids of run id and of the runs that called it, nearest first
 * (flow.call's loop guard): [workflow_id, ...]. */
int store_run_ancestors(struct store *st, int64_t id, json_t **workflow_ids);
/* What a caller waiting for a run needs: {status, error, reply}. */
int store_run_result(struct store *st, int64_t id, json_t **out);
/* The child run that flow.call started from run_id's block, if any. */
int store_run_child(struct store *st, int64_t run_id, const char *block, int64_t *child_id);

/* Dead letters: runs that failed after every retry, for a person to retry. */
int store_dead_letter_list(struct store *st, json_t **out); /* [{id, run_id, workflow_id, workflow_name, block, error, created_at}] open ones, newest first */
/* Closes the dead letter and queues its run again (store_run_requeue); *run_id gets the run. */
int store_dead_letter_retry(struct store *st, int64_t actor, int64_t id, int64_t *run_id);

/* Webhooks: one per workflow with a webhook trigger. The token is the URL's
 * last part; the signing secret, when set, is never shown again. */
int store_webhook_get(struct store *st, int64_t workflow_id, json_t **out); /* {token, signed, created_at} */
/* The workflow a hook's token starts, as one read for a delivery: *workflow
 * gets {id, version (current), definition, active}, *secret the signing
 * secret or NULL. */
int store_webhook_target(struct store *st, const char *token, json_t **workflow, char **secret);
/* Creates or replaces the hook (new token; secret NULL for unsigned). */
int store_webhook_set(struct store *st, int64_t actor, int64_t workflow_id, const char *token, const char *secret);
/* Every delivery is kept: {id, workflow_id, received_at, method, input, status, message, run_id}. */
int store_delivery_add(struct store *st, int64_t workflow_id, const char *method, const json_t *input, int status,
		       const char *message, int64_t run_id, int64_t at, int64_t *id);
/* The same inside a transaction the caller holds (run_end.also). */
int store_delivery_add_in(struct store *st, int64_t workflow_id, const char *method, const json_t *input, int status,
			  const char *message, int64_t run_id, int64_t at);
int store_delivery_list(struct store *st, int64_t workflow_id, int limit, json_t **out);
int store_delivery_get(struct store *st, int64_t id, json_t **out);
/* Replay protection for signed deliveries: STORE_CONFLICT when key was seen. Keys older than `before` are dropped. */
int store_replay_claim(struct store *st, const char *key, int64_t at, int64_t before);

/* Schedules: workflows whose current version has a schedule or a poll
 * trigger, with the last tick fired: [{workflow_id, cron, timezone,
 * last_fire, trigger}] (seconds; trigger the whole trigger object). */
int store_schedule_list(struct store *st, json_t **out);
/* A schedule fired for tick, or a poll trigger's round ran at tick: error is
 * why the round failed, NULL when it went well. */
int store_schedule_fired(struct store *st, int64_t workflow_id, int64_t tick, const char *error);
/* {"last_fire", "error"} of a workflow's schedule or poll trigger; {} when it never fired. */
int store_schedule_state(struct store *st, int64_t workflow_id, json_t **out);
/* A poll trigger saw key at now (unix seconds): *is_new is 1 the first time.
 * Keys not seen since forget_before are forgotten (store_poll_forget). */
int store_poll_seen(struct store *st, int64_t workflow_id, const char *key, int64_t now, int *is_new);
int store_poll_forget(struct store *st, int64_t workflow_id, int64_t forget_before);
/* The keys a poll trigger saw in its latest round that saw any, at most max. */
int store_poll_known(struct store *st, int64_t workflow_id, int max, json_t **keys);

/* axonctl migrate (copy.c): copies every table of the SQLite database from
 * into the empty PostgreSQL database to (both opened, so migrated), in one
 * transaction on to and one snapshot of from, then counts every table's rows
 * on both sides; nothing is kept unless all match. progress (may be NULL)
 * is called after each table with its rows. On failure store_errmsg(to)
 * says why: STORE_CONFLICT when to holds data already, STORE_CORRUPT when a
 * count differs, else what the engines said. Credentials are copied sealed. */
typedef void store_copy_progress(const char *table, int64_t rows, void *arg);
int store_copy(struct store *from, struct store *to, store_copy_progress *progress, void *arg);
/* A database as axon.conf names it, without its password (a URI's
 * user:password@ and password= parameter, a connection string's
 * password=...), for messages. Caller frees. */
char *store_path_public(const char *path);

/* Backups (backup.c). store_backup copies the database path, as one
 * snapshot, into the new file dest (never over an existing one) while others
 * go on writing, and gives its schema version; it migrates nothing. A
 * store_rc, with a sentence in err. */
int store_backup(const char *path, const char *dest, int *version, char *err, size_t errlen);
/* Checks a copy before it is restored: it opens, PRAGMA integrity_check says
 * ok, it is Axon's, and its schema version (in *version) is not newer than
 * STORE_SCHEMA_VERSION. Else a store_rc and a sentence in err. */
int store_check_copy(const char *path, int *version, char *err, size_t errlen);
/* STORE_OK when no process has the database path open (axond is stopped),
 * STORE_BUSY when one has; its WAL is checkpointed into the file. */
int store_check_unused(const char *path, char *err, size_t errlen);

/* Retention: deletes finished runs older than max_age_ms or beyond the newest
 * keep_count of each workflow (0: no limit), then gives the space back. */
int store_run_prune(struct store *st, int64_t now, int64_t max_age_ms, int64_t keep_count, int64_t *deleted);

/* The database's files and the runs in its queue now (usage.c). free_bytes:
 * pages freed by pruning, given back by the next incremental vacuum. */
struct store_disk {
	int64_t file_bytes, wal_bytes, free_pages, free_bytes;
};
int store_disk_usage(struct store *st, struct store_disk *out);
int store_run_backlog(struct store *st, int64_t *queued, int64_t *running);

/* The dashboard's figures (run_stats.c), from aggregates kept per hour and
 * per day as runs and steps end; workflow_id 0: every workflow. Rows, each list ordered:
 *   hours, days: [{start (unix ms), status, runs}] for the last 24 hours and
 *     the last 30 days (from midnight UTC), periods without runs left out;
 *   day_durations, month_durations: [{workflow_id, workflow_name, le_ms,
 *     runs}] over 24 hours and 30 days, runs per duration bucket (le_ms: its
 *     upper bound, INT64_MAX the last);
 *   bucket_bounds: [le_ms] of every bucket, increasing;
 *   slowest_blocks, failing_blocks: [{workflow_id, workflow_name, block,
 *     steps, failures, mean_ms}] over 30 days, at most limit of each;
 *   recent_failures: [{id, workflow_id, workflow_name, failed_block, error, finished_at}].
 * runs_now: from the runs table; the stored and prunable counts are
 * estimates from run ids (runs created before now - keep_for_ms). */
struct stats_query {
	int64_t workflow_id;
	int64_t now;         /* unix ms */
	int64_t keep_for_ms; /* keep_runs_for; 0: nothing is pruned by age */
	int limit;
};
struct stats_runs_now {
	int64_t queued, running, oldest_queued_at, stored_estimate, prunable_estimate;
};
struct stats {
	json_t *hours, *days, *day_durations, *month_durations, *bucket_bounds, *slowest_blocks, *failing_blocks, *recent_failures;
	struct stats_runs_now runs_now;
	struct store_disk disk;
};
int store_stats(struct store *st, const struct stats_query *q, struct stats *out);
void stats_free(struct stats *s);

/* Credentials (credentials.c, docs/credentials.md). The store keeps what it
 * is given and never sees a decrypted value: "fields" are the fields the
 * credential's type does not call secret (a JSON object), "sealed" the
 * envelope of the secret ones. Names are unique whatever their case. A
 * credential as returned (never with its sealed part):
 *   {"id", "name", "type", "owner", "owner_id", "fields", "created_at",
 *    "updated_at", "last_used_at", "shared_with": [username],
 *    "workflows": [{"id", "name", "last_used_at"}]}   (times in unix seconds) */
struct credential_new {
	const char *name, *type;
	const json_t *fields;
	const char *sealed;
};
int store_credential_create(struct store *st, int64_t actor, const struct credential_new *c, int64_t *id);
/* Changes what is not NULL; audited. */
int store_credential_update(struct store *st, int64_t actor, int64_t id, const char *name, const json_t *fields,
			    const char *sealed);
/* STORE_CONFLICT (nothing deleted) while a workflow uses it, unless force. */
/* Refused (STORE_CONFLICT, saying how many) while workflows use it unless
 * force: those that used it in a run, and those in referring ([workflow
 * id]: whose saved version names it, found by the caller; NULL for none). */
int store_credential_delete(struct store *st, int64_t actor, int64_t id, const json_t *referring, bool force);
/* The credential named ref: its number ("12") or its name. */
int store_credential_find(struct store *st, const char *ref, int64_t *id);
int store_credential_get(struct store *st, int64_t id, json_t **out);
/* Every credential, by name, with "used_by": [the ids of the workflows whose runs used it]. */
int store_credential_list(struct store *st, json_t **out);
/* Whether user may use and see the values of credential id: its owner, or a user it is shared with. */
int store_credential_usable(struct store *st, int64_t id, int64_t user, bool *usable);
int store_credential_share(struct store *st, int64_t actor, int64_t id, int64_t user, bool shared);
/* [{"id", "name", "type"}] of the credentials user may use, by name. */
int store_credential_usable_list(struct store *st, int64_t user, json_t **out);
/* A test by a person: last used, and the audit log with the answer's status (0: none). */
int store_credential_tested(struct store *st, int64_t actor, int64_t id, int status);
/* For the broker: the credential ref of type `type` (NULL: any) as run_id
 * may use it, or when run_id is 0 the poll trigger of workflow_id (acting
 * for who saved its current version), {"id", "name", "type", "fields", "sealed"}; the use is
 * recorded (last used, the workflow, the audit log) in the same
 * transaction. STORE_NOTFOUND with a sentence when there is no such
 * credential or the user the run acts for (who saved the version it runs; axonctl's own runs
 * of a file may use any) may not use it; STORE_CONFLICT when it is of another type. */
int store_credential_use(struct store *st, const char *ref, const char *type, int64_t run_id, int64_t workflow_id,
			 json_t **out);
/* Key rotation: every sealed value replaced by reseal(arg, sealed) in one
 * transaction, which a NULL from reseal (err set) rolls back. */
typedef char *(*credential_reseal_fn)(void *arg, const char *sealed, char *err, size_t errlen);
int store_credential_reseal_all(struct store *st, int64_t actor, credential_reseal_fn reseal, void *arg, int *count);
/* The sealed part of credential id (caller frees). */
int store_credential_sealed(struct store *st, int64_t id, char **sealed);
/* [{"id", "name", "sealed"}] of every credential, for checks. */
int store_credential_sealed_list(struct store *st, json_t **out);
/* Knowledge bases (knowledge.c): named collections of documents cut into
 * chunks with overlap, each chunk with the embedding of its text; all of a
 * base's embeddings have the same number of dimensions (its first
 * document's). Names are unique whatever their case. */
/* actor 0: made by a workflow (ai.index), no person. */
int store_kb_create(struct store *st, int64_t actor, const char *name, int64_t now, int64_t *id);
/* [{id, name, dims, created_at, documents, chunks}] by name. */
int store_kb_list(struct store *st, json_t **out);
int store_kb_by_name(struct store *st, const char *name, int64_t *id, int *dims);
/* {id, name, dims, created_at, embedding (or null), documents: [{id, name, source, created_at, chunks}]}; STORE_NOTFOUND. */
int store_kb_get(struct store *st, int64_t kb, json_t **out);
/* What embeds the documents added on the base's page ({"protocol",
 * "credential", "base_url", "model"}), audited. */
int store_kb_set_embedding(struct store *st, int64_t actor, int64_t kb, const json_t *embedding);
/* A document and its chunks ([texts]) with their embeddings (one vector of
 * dims floats per chunk, in order), in one transaction. STORE_CONFLICT when
 * dims is not the base's. */
int store_kb_document_add(struct store *st, int64_t kb, const char *name, const char *source, const json_t *chunks,
			  const float *vectors, int dims, int64_t now, int64_t *id);
/* Removes a document and its chunks; STORE_NOTFOUND when the base has no such document. */
int store_kb_document_delete(struct store *st, int64_t kb, int64_t doc);
/* [{id, document_id, document, seq, text}] in document and chunk order. */
int store_kb_chunks(struct store *st, int64_t kb, json_t **out);
/* The k (1-100) chunks whose embeddings are closest to query by cosine
 * similarity, best first: [{id, document, source, seq, text, score}]. */
int store_kb_search(struct store *st, int64_t kb, const float *query, int dims, int k, json_t **out);
/* text cut into chunks of at most size bytes (16 at least), each beginning
 * up to overlap bytes (half a chunk at most) before the previous one ended,
 * at the start of a word; a chunk ends after the last paragraph break, line
 * break, sentence end or blank of its second half, never inside a UTF-8
 * character. Blank chunks are left out. [texts] (chunking.c) */
json_t *store_kb_chunk_text(const char *text, size_t size, size_t overlap);

/* The tokens a workflow's steps used, per day (UTC), for its runs made since
 * since (ms): [{day: "2026-12-02", tokens_in, tokens_out}], newest first,
 * days without any left out (tokens.c). */
int store_workflow_token_days(struct store *st, int64_t workflow_id, int64_t since, json_t **out);

#endif
