/* The handlers behind each route of web/routes.c, one file per area. */
#ifndef AXON_PAGES_H
#define AXON_PAGES_H
#include "web/request.h"

/* A form that failed validation: 400 with the form again (HTML) or the field errors (JSON). */
void reply_invalid(struct request *r, const char *template, json_t *model, json_t *errors);
/* The same with another status (409 for a name in use). */
void reply_invalid_status(struct request *r, int status, const char *template, json_t *model, json_t *errors);
/* The checks every username and password goes through. */
const char *check_username(const char *s);
const char *check_new_password(const char *pw, const char *confirm);
/* A new account's field errors as an object (empty when all is well). */
json_t *account_errors(const char *username, const char *password, const char *confirm);
/* The scrypt hash of password (caller frees), or NULL after answering 500. */
char *hash_password_or_reply(struct request *r, const char *password);
/* next when it is a local path, never another site ("//evil", "/\evil"); else "/workflows". */
const char *safe_next(const char *next);
/* A sign-in page's model (the password's, the second factor's): its title
 * and where to go after, from ?next= or the form's next, made safe. */
json_t *next_page_model(struct request *r, const char *title);
/* After store_workflow_create gave rc and id: the new workflow (201, or 303
 * to its page), or the store's error. */
void reply_workflow_created(struct request *r, int rc, int64_t id);

/* ?page= of a list: 1 when absent, or 0 after answering 400 (pager.c). */
long req_page(struct request *r);
/* Sets page, pages, total, empty, prev_url and next_url in m for total items,
 * per_page a page. The links are PATH?page=N followed by params (name, value
 * pairs ended by NULL; empty values left out), URL-encoded. */
void set_pager(json_t *m, const char *path, long page, int64_t total, int per_page, const char *const *params);

/* The model of a workflow's page (taking wf): its problems, definition and Run form. */
json_t *workflow_page_model(struct request *r, json_t *wf);
/* The workflow named by the route's :id (version 0: current), or NULL after answering 404/503. */
/* Queues a run of workflow wf (its version) with input and tells the
 * engine: its id, or 0 after answering (422 when the workflow has problems).
 * With dedup_key, a delivery seen before gives 0 and its run in *existing. */
int64_t start_run(struct request *r, const json_t *wf, const char *trigger, const json_t *input,
		  const char *dedup_key, int64_t *existing);
/* A manual run that starts with steps already there (store.h's run_new.steps). */
int64_t start_run_with_steps(struct request *r, const json_t *wf, const json_t *input, const json_t *steps);
json_t *load_workflow(struct request *r, int version);

void home_get(struct request *r);
void health_get(struct request *r);
void metrics_get(struct request *r);
void dashboard_get(struct request *r);
/* The dashboard's figures for one workflow; NULL, after answering, when the store failed. */
json_t *workflow_figures(struct request *r, int64_t workflow_id);
void static_get(struct request *r);

void setup_get(struct request *r);
void setup_post(struct request *r);
void login_get(struct request *r);
void login_post(struct request *r);
void logout_post(struct request *r);
void account_get(struct request *r);
void account_password_post(struct request *r);

/* Your sessions (sessions.c). */
void sessions_list(struct request *r);
void session_end(struct request *r);
void sessions_end_others(struct request *r);

/* Two-factor sign-in (two_factor.c). */
void two_factor_get(struct request *r);
void two_factor_start(struct request *r);
void two_factor_confirm(struct request *r);
void two_factor_disable(struct request *r);
void user_two_factor_reset(struct request *r);
void login_code_get(struct request *r);
void login_code_post(struct request *r);
/* Whether user_id signs in with a second factor; *rc says if the store answered. */
bool two_factor_enabled(struct request *r, int64_t user_id, int *rc);

void workflows_list(struct request *r);
void workflow_new(struct request *r);
void workflow_create(struct request *r);
void workflow_show(struct request *r);
void workflow_edit(struct request *r);
void workflow_save(struct request *r);
void workflow_delete_confirm(struct request *r);
void workflow_delete(struct request *r);
void workflow_set_active(struct request *r);
void workflow_versions(struct request *r);
void workflow_version_show(struct request *r);
void workflow_version_restore(struct request *r);
void workflow_export(struct request *r);
void workflow_import_get(struct request *r);
void workflow_import_post(struct request *r);

/* Runs (runs.c): the history, one run with its steps, cancel, retry, dead letters. */
void runs_list(struct request *r);
void run_show(struct request *r);
void run_step_outputs(struct request *r);
void run_cancel(struct request *r);
void run_events(struct request *r);
void run_retry(struct request *r);
void dead_letters_list(struct request *r);
void dead_letter_retry(struct request *r);

/* Triggers (triggers.c): the Run button, the webhook settings, deliveries, /hooks/<token>. */
void workflow_run(struct request *r);
void webhook_get(struct request *r);
void webhook_post(struct request *r);
void webhook_settings(struct request *r);
void delivery_replay(struct request *r);
void hook_receive(struct request *r);

void users_list(struct request *r);
void audit_list(struct request *r);
void user_create(struct request *r);
void user_disable(struct request *r);
void user_enable(struct request *r);

void blocks_list(struct request *r);
void gallery_list(struct request *r);
void gallery_show(struct request *r);
void knowledge_list(struct request *r);
void knowledge_show(struct request *r);
void knowledge_create(struct request *r);
void knowledge_document_add(struct request *r);
void knowledge_document_delete(struct request *r);
void block_show(struct request *r);

/* The visual editor (editor.c) and a block's settings form (block_settings.c). */
void editor_test_run(struct request *r);
void editor_block_test(struct request *r);
void editor_sample_from_delivery(struct request *r);
void editor_get(struct request *r);
void editor_block_add(struct request *r);
void editor_connect(struct request *r);
void editor_disconnect(struct request *r);
void editor_block_rename(struct request *r);
void editor_block_delete(struct request *r);
void editor_paste(struct request *r);
void editor_tidy(struct request *r);
void editor_trigger(struct request *r);
/* The editor script's own edits (editor_script.c): a block's position, undo. */
void editor_block_position(struct request *r);
void editor_revert(struct request *r);
void editor_draft(struct request *r);
void editor_save(struct request *r);
void block_settings_get(struct request *r);
void block_settings_post(struct request *r);
/* The form alone for the editor's settings panel, of the block in the posted draft. */
void block_settings_panel(struct request *r);

void tokens_list(struct request *r);
void token_create(struct request *r);
void token_revoke(struct request *r);

/* Credentials (credentials.c). */
void credentials_list(struct request *r);
void credential_new(struct request *r);
void credential_create_post(struct request *r);
void credential_show(struct request *r);
void credential_update_post(struct request *r);
void credential_test_post(struct request *r);
void credential_share_post(struct request *r);
void credential_delete_get(struct request *r);
void credential_delete_post(struct request *r);
/* OAuth 2.0 accounts: Connect (a link: a form's post may not end at another
 * site under our Content-Security-Policy) sends the browser to the provider
 * with a state and a PKCE challenge bound to the session; the callback,
 * which only that session can complete, takes the tokens. */
void credential_connect(struct request *r);
void credential_oauth_callback(struct request *r);
/* For a block setting with "format": "credential": f gets is_credential,
 * "options" (the credentials the signed-in user may use whose type the
 * setting accepts; the one f's "value" names selected) and "create_url". */
void credential_choices(struct request *r, const json_t *prop, json_t *f);

#endif
