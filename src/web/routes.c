/* Every address axond answers, in one table: method, path, least role, handler. */
#include "web/pages/pages.h"
#include "web/router.h"

const struct route routes[] = {
	{ "GET", "/", ROLE_NONE, home_get },
	{ "GET", "/healthz", ROLE_NONE, health_get },
	{ "GET", "/static/:file", ROLE_NONE, static_get },

	{ "GET", "/setup", ROLE_NONE, setup_get },
	{ "POST", "/setup", ROLE_NONE, setup_post },
	{ "GET", "/login", ROLE_NONE, login_get },
	{ "POST", "/login", ROLE_NONE, login_post },
	{ "POST", "/logout", ROLE_VIEWER, logout_post },
	{ "GET", "/account", ROLE_VIEWER, account_get },
	{ "POST", "/account/password", ROLE_VIEWER, account_password_post },

	{ "GET", "/workflows", ROLE_VIEWER, workflows_list },
	{ "POST", "/workflows", ROLE_EDITOR, workflow_create },
	{ "GET", "/workflows/new", ROLE_EDITOR, workflow_new },
	{ "GET", "/workflows/import", ROLE_EDITOR, workflow_import_get },
	{ "POST", "/workflows/import", ROLE_EDITOR, workflow_import_post },
	{ "GET", "/workflows/:id", ROLE_VIEWER, workflow_show },
	{ "POST", "/workflows/:id", ROLE_EDITOR, workflow_save },
	{ "GET", "/workflows/:id/edit", ROLE_EDITOR, workflow_edit },
	{ "GET", "/workflows/:id/delete", ROLE_EDITOR, workflow_delete_confirm },
	{ "POST", "/workflows/:id/delete", ROLE_EDITOR, workflow_delete },
	{ "GET", "/workflows/:id/versions", ROLE_VIEWER, workflow_versions },
	{ "GET", "/workflows/:id/versions/:v", ROLE_VIEWER, workflow_version_show },
	{ "POST", "/workflows/:id/versions/:v/restore", ROLE_EDITOR, workflow_version_restore },
	{ "GET", "/workflows/:id/export", ROLE_VIEWER, workflow_export },

	{ "GET", "/users", ROLE_OWNER, users_list },
	{ "GET", "/audit", ROLE_OWNER, audit_list },
	{ "POST", "/users", ROLE_OWNER, user_create },
	{ "POST", "/users/:id/disable", ROLE_OWNER, user_disable },
	{ "POST", "/users/:id/enable", ROLE_OWNER, user_enable },

	{ "GET", "/blocks", ROLE_VIEWER, blocks_list },

	{ "GET", "/tokens", ROLE_VIEWER, tokens_list },
	{ "POST", "/tokens", ROLE_VIEWER, token_create },
	{ "POST", "/tokens/:id/revoke", ROLE_VIEWER, token_revoke },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
