# docs/: man pages (installed) and the documents shipped in the tarball.
dist_man_MANS += docs/man/axon.conf.5 docs/man/axond.8 docs/man/axonctl.1
EXTRA_DIST += docs/api.md docs/credentials.md docs/templates.md docs/performance.md docs/screenshot.png docs/security.md \
	docs/blocks/README.md docs/blocks/flow.md docs/blocks/data.md docs/blocks/text.md docs/blocks/date.md \
	docs/blocks/crypto.md docs/blocks/net.md docs/blocks/mail.md docs/blocks/chat.md docs/blocks/db.md docs/editor.png docs/live-events.md docs/scale-out.md
