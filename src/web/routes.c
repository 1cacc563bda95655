/* Every address axond answers, in one table: method, path, least role, handler. */
#include "web/pages/pages.h"
#include "web/router.h"

const struct route routes[] = {
	{ "GET", "/", ROLE_NONE, home_get, 0 },
	{ "GET", "/healthz", ROLE_NONE, health_get, 0 },
	{ "GET", "/static/:file", ROLE_NONE, static_get, 0 },
	{ "GET", "/static/:dir/:file", ROLE_NONE, static_get, 0 },

	{ "GET", "/setup", ROLE_NONE, setup_get, 0 },
	{ "POST", "/setup", ROLE_NONE, setup_post, 0 },
	{ "GET", "/login", ROLE_NONE, login_get, 0 },
	{ "POST", "/login", ROLE_NONE, login_post, 0 },
	{ "POST", "/logout", ROLE_VIEWER, logout_post, 0 },
	{ "GET", "/account", ROLE_VIEWER, account_get, 0 },
	{ "POST", "/account/password", ROLE_VIEWER, account_password_post, 0 },

	{ "GET", "/workflows", ROLE_VIEWER, workflows_list, 0 },
	{ "POST", "/workflows", ROLE_EDITOR, workflow_create, 0 },
	{ "GET", "/workflows/new", ROLE_EDITOR, workflow_new, 0 },
	{ "GET", "/workflows/import", ROLE_EDITOR, workflow_import_get, 0 },
	{ "POST", "/workflows/import", ROLE_EDITOR, workflow_import_post, 0 },
	{ "GET", "/workflows/:id", ROLE_VIEWER, workflow_show, 0 },
	{ "POST", "/workflows/:id", ROLE_EDITOR, workflow_save, 0 },
	{ "GET", "/workflows/:id/json", ROLE_EDITOR, workflow_edit, 0 },
	{ "GET", "/workflows/:id/edit", ROLE_EDITOR, editor_get, 0 },
	{ "POST", "/workflows/:id/edit/blocks", ROLE_EDITOR, editor_block_add, 0 },
	{ "GET", "/workflows/:id/edit/blocks/:block", ROLE_EDITOR, block_settings_get, 0 },
	{ "POST", "/workflows/:id/edit/blocks/:block", ROLE_EDITOR, block_settings_post, 0 },
	{ "POST", "/workflows/:id/edit/blocks/:block/rename", ROLE_EDITOR, editor_block_rename, 0 },
	{ "POST", "/workflows/:id/edit/blocks/:block/delete", ROLE_EDITOR, editor_block_delete, 0 },
	{ "POST", "/workflows/:id/edit/edges", ROLE_EDITOR, editor_connect, 0 },
	{ "POST", "/workflows/:id/edit/edges/delete", ROLE_EDITOR, editor_disconnect, 0 },
	{ "POST", "/workflows/:id/edit/tidy", ROLE_EDITOR, editor_tidy, 0 },
	{ "POST", "/workflows/:id/edit/positions", ROLE_EDITOR, editor_block_position, 0 },
	{ "POST", "/workflows/:id/edit/revert", ROLE_EDITOR, editor_revert, 0 },
	{ "POST", "/workflows/:id/edit/trigger", ROLE_EDITOR, editor_trigger, 0 },
	{ "GET", "/workflows/:id/delete", ROLE_EDITOR, workflow_delete_confirm, 0 },
	{ "POST", "/workflows/:id/delete", ROLE_EDITOR, workflow_delete, 0 },
	{ "POST", "/workflows/:id/active", ROLE_EDITOR, workflow_set_active, 0 },
	{ "GET", "/workflows/:id/versions", ROLE_VIEWER, workflow_versions, 0 },
	{ "GET", "/workflows/:id/versions/:v", ROLE_VIEWER, workflow_version_show, 0 },
	{ "POST", "/workflows/:id/versions/:v/restore", ROLE_EDITOR, workflow_version_restore, 0 },
	{ "GET", "/workflows/:id/export", ROLE_VIEWER, workflow_export, 0 },
	{ "POST", "/workflows/:id/run", ROLE_EDITOR, workflow_run, 0 },
	{ "GET", "/workflows/:id/webhook", ROLE_EDITOR, webhook_get, 0 },
	{ "POST", "/workflows/:id/webhook", ROLE_EDITOR, webhook_post, 0 },
	{ "POST", "/workflows/:id/deliveries/:d/replay", ROLE_EDITOR, delivery_replay, 0 },

	{ "GET", "/hooks/:token", ROLE_NONE, hook_receive, ROUTE_RAW },
	{ "POST", "/hooks/:token", ROLE_NONE, hook_receive, ROUTE_RAW },

	{ "GET", "/runs", ROLE_VIEWER, runs_list, 0 },
	{ "GET", "/runs/:id", ROLE_VIEWER, run_show, 0 },
	{ "GET", "/runs/:id/steps/:block/outputs", ROLE_VIEWER, run_step_outputs, 0 },
	{ "POST", "/runs/:id/cancel", ROLE_EDITOR, run_cancel, 0 },
	{ "POST", "/runs/:id/retry", ROLE_EDITOR, run_retry, 0 },
	{ "GET", "/dead-letters", ROLE_VIEWER, dead_letters_list, 0 },
	{ "POST", "/dead-letters/:id/retry", ROLE_EDITOR, dead_letter_retry, 0 },

	{ "GET", "/users", ROLE_OWNER, users_list, 0 },
	{ "GET", "/audit", ROLE_OWNER, audit_list, 0 },
	{ "POST", "/users", ROLE_OWNER, user_create, 0 },
	{ "POST", "/users/:id/disable", ROLE_OWNER, user_disable, 0 },
	{ "POST", "/users/:id/enable", ROLE_OWNER, user_enable, 0 },

	{ "GET", "/blocks", ROLE_VIEWER, blocks_list, 0 },
	{ "GET", "/blocks/:name", ROLE_VIEWER, block_show, 0 },

	{ "GET", "/templates", ROLE_EDITOR, gallery_list, 0 },
	{ "GET", "/templates/:name", ROLE_EDITOR, gallery_show, 0 },

	{ "GET", "/knowledge", ROLE_VIEWER, knowledge_list, 0 },
	{ "GET", "/knowledge/:id", ROLE_VIEWER, knowledge_show, 0 },
	{ "POST", "/knowledge/:id/documents/:doc/delete", ROLE_EDITOR, knowledge_document_delete, 0 },

	{ "GET", "/tokens", ROLE_VIEWER, tokens_list, 0 },
	{ "POST", "/tokens", ROLE_VIEWER, token_create, 0 },
	{ "POST", "/tokens/:id/revoke", ROLE_VIEWER, token_revoke, 0 },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
