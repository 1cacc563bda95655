# src/sandbox: the zygote, the child's confinement and seccomp policy, the
# framed channel, and the broker that serves each run in the daemon.
src_libaxon_a_SOURCES += \
	src/sandbox/sandbox.c src/sandbox/sandbox.h \
	src/sandbox/protocol.h \
	src/sandbox/zygote.c src/sandbox/zygote.h \
	src/sandbox/child.c src/sandbox/child.h \
	src/sandbox/confine.c src/sandbox/confine.h \
	src/sandbox/policy.c src/sandbox/policy.h \
	src/sandbox/channel.c src/sandbox/channel.h \
	src/sandbox/broker.c src/sandbox/broker.h \
	src/sandbox/egress.c src/sandbox/egress.h \
	src/sandbox/secrets.c src/sandbox/secrets.h
