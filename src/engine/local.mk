# src/engine: the workflow model (format, validation, templates), the planner, the executor, triggers.
src_libaxon_a_SOURCES += \
	src/engine/engine.h src/engine/executor.c src/engine/leases.c src/engine/leases.h \
	src/engine/block_checks.c src/engine/block_checks.h \
	src/engine/builtins.c src/engine/builtins.h \
	src/engine/events.c src/engine/events.h \
	src/engine/events_relay.c src/engine/events_relay.h \
	src/engine/scheduler.c src/engine/scheduler.h \
	src/engine/poll.c src/engine/poll.h \
	src/engine/credential_refs.c src/engine/credential_refs.h \
	src/engine/cron.c src/engine/cron.h \
	src/engine/timezone.c src/engine/timezone.h \
	src/engine/plan.c src/engine/plan.h \
	src/engine/placeholder.c src/engine/placeholder.h \
	src/engine/signature.c src/engine/signature.h \
	src/engine/starters.c src/engine/starters.h \
	src/engine/workflow.c src/engine/workflow.h
EXTRA_DIST += docs/workflow-format.md
