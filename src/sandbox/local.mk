# src/sandbox: the zygote, the warm workers' pool, the worker's confinement
# (Landlock, seccomp policies) and the framed channel. The broker that serves
# each execution lives in src/broker/.
src_libaxon_a_SOURCES += \
	src/sandbox/sandbox.c src/sandbox/sandbox.h \
	src/sandbox/protocol.h \
	src/sandbox/zygote.c src/sandbox/zygote.h \
	src/sandbox/child.c src/sandbox/child.h \
	src/sandbox/pool.c src/sandbox/pool.h \
	src/sandbox/landlock.c src/sandbox/landlock.h \
	src/sandbox/confine.c src/sandbox/confine.h \
	src/sandbox/policy.c src/sandbox/policy.h \
	src/sandbox/channel.c src/sandbox/channel.h
