# The page templates and static files, installed under $(pkgdatadir)/templates.
tpldir = $(pkgdatadir)/templates
dist_tpl_DATA = templates/layout.html templates/error.html templates/setup.html \
	templates/login.html templates/account.html templates/pager.html \
	templates/login_code.html
tplworkflowsdir = $(tpldir)/workflows
dist_tplworkflows_DATA = templates/workflows/list.html templates/workflows/form.html \
	templates/workflows/show.html templates/workflows/versions.html templates/workflows/version.html \
	templates/workflows/import.html templates/workflows/delete.html \
	templates/workflows/webhook.html templates/workflows/webhook_created.html \
	templates/workflows/editor.html templates/workflows/graph.html templates/workflows/block.html \
	templates/workflows/block_form.html templates/workflows/block_panel.html \
	templates/workflows/gallery.html templates/workflows/template.html
tplaccountdir = $(tpldir)/account
dist_tplaccount_DATA = templates/account/two_factor.html templates/account/qr.html \
	templates/account/recovery_codes.html templates/account/sessions.html
tplusersdir = $(tpldir)/users
dist_tplusers_DATA = templates/users/list.html templates/users/audit.html
tpltokensdir = $(tpldir)/tokens
dist_tpltokens_DATA = templates/tokens/list.html
tplcredentialsdir = $(tpldir)/credentials
dist_tplcredentials_DATA = templates/credentials/list.html templates/credentials/new.html \
	templates/credentials/show.html templates/credentials/delete.html templates/credentials/fields.html
tplblocksdir = $(tpldir)/blocks
dist_tplblocks_DATA = templates/blocks/list.html templates/blocks/show.html
tplrunsdir = $(tpldir)/runs
dist_tplruns_DATA = templates/runs/list.html templates/runs/show.html templates/runs/dead_letters.html
tplstaticdir = $(tpldir)/static
dist_tplstatic_DATA = templates/static/axon.css templates/static/favicon.svg templates/static/editor.css \
	templates/static/live.js templates/static/run-page.js
# The editor's script: ES modules loaded by workflows/editor.html, no build step.
tpleditorjsdir = $(tplstaticdir)/editor
dist_tpleditorjs_DATA = templates/static/editor/main.js templates/static/editor/server.js \
	templates/static/editor/canvas.js templates/static/editor/view.js templates/static/editor/history.js \
	templates/static/editor/picker.js templates/static/editor/code-field.js templates/static/editor/test-run.js templates/static/editor/placeholders.js templates/static/editor/clipboard.js \
	templates/static/editor/panel.js \
	templates/static/editor/editor.css

# The template gallery (/templates): workflows ready to use, one JSON file each.
tplgallerydir = $(tpldir)/gallery
dist_tplgallery_DATA = templates/gallery/summarise-web-page.json templates/gallery/flashcards-from-chapter.json \
	templates/gallery/quiz-from-notes.json templates/gallery/add-to-course-base.json \
	templates/gallery/ask-course-documents.json templates/gallery/rss-daily-digest.json \
	templates/gallery/mail-triage.json
tplknowledgedir = $(tpldir)/knowledge
dist_tplknowledge_DATA = templates/knowledge/list.html templates/knowledge/show.html
dist_tpl_DATA += templates/dashboard.html
tpldashboarddir = $(tpldir)/dashboard
dist_tpldashboard_DATA = templates/dashboard/figures.html
tplchartsdir = $(tpldir)/charts
dist_tplcharts_DATA = templates/charts/stacked_bars.html
