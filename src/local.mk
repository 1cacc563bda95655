# Shared helpers at the top of src/, and the daemon itself.
src_libaxon_a_SOURCES += \
	src/strbuf.c src/strbuf.h \
	src/clock.c src/clock.h \
	src/log.c src/log.h \
	src/config.c src/config.h \
	src/crypto.c src/crypto.h

sbin_PROGRAMS += axond
axond_SOURCES = src/axond.c
axond_LDADD = $(AXON_LIBS)
