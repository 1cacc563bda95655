# src/broker: the daemon's outside world on behalf of a block. broker.c serves
# one execution's requests; egress.c is the HTTP service and its egress policy;
# secrets.c the secrets the broker applies so that a block never holds one, and
# masks; credentials.c opens a credential from the store for a service.
src_libaxon_a_SOURCES += \
	src/broker/broker.c src/broker/broker.h \
	src/broker/egress.c src/broker/egress.h \
	src/broker/secrets.c src/broker/secrets.h \
	src/broker/credentials.c src/broker/credentials.h \
	src/broker/credential_apply.c src/broker/credential_apply.h \
	src/broker/oauth2.c src/broker/oauth2.h
