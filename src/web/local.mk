# web/: FastCGI, routing, parsing what clients send, sessions, templates, pages.
src_libaxon_a_SOURCES += \
	src/web/template.c src/web/template.h \
	src/web/form.c src/web/form.h
