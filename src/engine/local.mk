# src/engine: the workflow model (format, validation, templates); planner and executor follow.
src_libaxon_a_SOURCES += \
	src/engine/placeholder.c src/engine/placeholder.h \
	src/engine/workflow.c src/engine/workflow.h
EXTRA_DIST += docs/workflow-format.md
