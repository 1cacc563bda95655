# web/: FastCGI, routing, parsing what clients send, sessions, templates, pages.
# A request goes: server.c (accept) -> dispatch.c (parse, route, identify,
# CSRF, role) -> pages/*.c (handler) -> reply.c (template or JSON).
src_libaxon_a_SOURCES += \
	src/web/app.c src/web/app.h \
	src/web/server.c src/web/server.h \
	src/web/stream.c src/web/stream.h \
	src/web/request.c src/web/request.h \
	src/web/dispatch.c src/web/dispatch.h \
	src/web/router.c src/web/router.h \
	src/web/routes.c \
	src/web/auth.c src/web/auth.h \
	src/web/limits.c src/web/limits.h \
	src/web/reply.c src/web/status.c \
	src/web/template.h src/web/template_tree.h \
	src/web/template_load.c src/web/template_render.c \
	src/web/form.c src/web/form.h \
	src/web/form_urlencoded.c src/web/form_multipart.c \
	src/web/form_cookie.c src/web/form_json.c \
	src/web/hook_body.c src/web/hook_body.h \
	src/web/pages/pages.h \
	src/web/pages/common.c \
	src/web/pages/metrics.c \
	src/web/pages/dashboard.c \
	src/web/chart/chart.h src/web/chart/bars.c \
	src/web/pages/decorate.c src/web/pages/decorate.h \
	src/web/pages/signin.c \
	src/web/pages/two_factor.c \
	src/web/pages/sessions.c \
	src/web/pages/qr.c src/web/pages/qr.h \
	src/web/pages/workflows.c \
	src/web/pages/pager.c \
	src/web/pages/triggers.c \
	src/web/pages/workflow_input.c src/web/pages/workflow_input.h \
	src/web/pages/schedule_view.c src/web/pages/schedule_view.h \
	src/web/pages/versions.c \
	src/web/pages/runs.c src/web/pages/run_events.c \
	src/web/pages/transfer.c \
	src/web/pages/users.c \
	src/web/pages/tokens.c \
	src/web/pages/credentials.c \
	src/web/pages/blocks.c src/web/pages/block_examples.c src/web/pages/block_examples.h \
	src/web/pages/editor.c src/web/pages/editor.h src/web/pages/editor_test.c \
	src/web/pages/placeholder_paths.c src/web/pages/placeholder_paths.h \
	src/web/pages/blocks.c src/web/pages/gallery.c src/web/pages/knowledge.c src/web/pages/knowledge_add.c \
	src/web/pages/editor.c src/web/pages/editor.h \
	src/web/pages/block_settings.c src/web/pages/editor_script.c src/web/pages/editor_paste.c \
	src/web/graph/graph.h \
	src/web/graph/layout.c src/web/graph/layout.h \
	src/web/graph/svg.c src/web/graph/outline.c
