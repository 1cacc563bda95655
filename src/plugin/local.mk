# src/plugin: loading block plugins (dlopen, ABI check, config schema) and the registry.
src_libaxon_a_SOURCES += \
	src/plugin/registry.c src/plugin/registry.h \
	src/plugin/loader.c \
	src/plugin/registry_check.c \
	src/plugin/schema.c src/plugin/schema.h
