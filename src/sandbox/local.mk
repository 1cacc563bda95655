# src/sandbox: the zygote, the warm workers' pool, the worker's confinement
# (Landlock, seccomp policies), the framed channel, and the broker that serves
# each execution in the daemon.
src_libaxon_a_SOURCES += \
	src/sandbox/sandbox.c src/sandbox/sandbox.h \
	src/sandbox/protocol.h \
	src/sandbox/zygote.c src/sandbox/zygote.h \
	src/sandbox/child.c src/sandbox/child.h \
	src/sandbox/pool.c src/sandbox/pool.h \
	src/sandbox/landlock.c src/sandbox/landlock.h \
	src/sandbox/confine.c src/sandbox/confine.h \
	src/sandbox/policy.c src/sandbox/policy.h \
	src/sandbox/channel.c src/sandbox/channel.h \
	src/sandbox/broker.c src/sandbox/broker.h \
	src/sandbox/egress.c src/sandbox/egress.h \
	src/sandbox/secrets.c src/sandbox/secrets.h
