# Shared helpers at the top of src/, and the daemon itself.
src_libaxon_a_SOURCES += \
	src/strbuf.c src/strbuf.h \
	src/clock.c src/clock.h \
	src/thread_slot.c src/thread_slot.h \
	src/log.c src/log.h \
	src/config.c src/config.h \
	src/crypto.c src/crypto.h \
	src/cidr.c src/cidr.h \
	src/envelope.c src/envelope.h \
	src/keyring.c src/keyring.h \
	src/credential_types.c src/credential_types.h \
	src/credential_edit.c src/credential_edit.h \
	src/binary.c src/binary.h \
	src/totp.c src/totp.h \
	src/ratelimit.c src/ratelimit.h

sbin_PROGRAMS += axond
axond_SOURCES = src/axond.c
axond_LDADD = $(AXON_LIBS)

# axonctl: the command-line tool for operators and scripts (users, workflows,
# runs, dead letters), on the same library as axond. src/ctl/ holds one file per area.
bin_PROGRAMS += axonctl
axonctl_SOURCES = src/axonctl.c src/ctl/ctl.h src/ctl/common.c src/ctl/runner.c \
	src/ctl/user.c src/ctl/workflow.c src/ctl/run.c src/ctl/runs.c src/ctl/credentials.c src/ctl/backup.c \
	src/ctl/migrate.c
axonctl_LDADD = $(AXON_LIBS)
