# src/broker: the daemon's outside world on behalf of a block. broker.c serves
# one execution's requests; egress.c is the HTTP service and its egress policy;
# secrets.c the secrets the broker applies so that a block never holds one;
# llm.c the language model providers, llm_stream.c their streamed answers;
# knowledge.c the knowledge bases, embedded by a provider, kept in the store.
src_libaxon_a_SOURCES += \
	src/broker/broker.c src/broker/broker.h \
	src/broker/egress.c src/broker/egress.h \
	src/broker/secrets.c src/broker/secrets.h \
	src/broker/llm.c src/broker/llm.h \
	src/broker/llm_stream.c src/broker/llm_stream.h \
	src/broker/knowledge.c src/broker/knowledge.h
