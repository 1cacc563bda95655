# src/broker: the daemon's outside world on behalf of a block. broker.c serves
# one execution's requests; egress.c is the HTTP service and its egress policy;
# secrets.c the secrets the broker applies so that a block never holds one, and
# masks; credentials.c opens a credential from the store for a service,
# credential_apply.c applies one to an HTTP request, oauth2.c keeps tokens
# fresh; account.c the account a service uses; smtp.c mail (host->call
# "mail"), imap.c a mailbox read (host->call "imap") with mime.c, chat.c chats (host->call "chat"), postgres.c and sqlite_query.c SQL
# (host->call "db"), db_request.c what both check in a query;
# llm.c the language model providers, llm_stream.c their streamed answers,
# llm_limit.c the requests at once and per minute an llm credential allows;
# knowledge.c the knowledge bases, embedded by a provider, kept in the store.
src_libaxon_a_SOURCES += \
	src/broker/broker.c src/broker/broker.h \
	src/broker/egress.c src/broker/egress.h \
	src/broker/http_encode.c src/broker/http_encode.h \
	src/broker/secrets.c src/broker/secrets.h \
	src/broker/credentials.c src/broker/credentials.h \
	src/broker/credential_apply.c src/broker/credential_apply.h \
	src/broker/oauth2.c src/broker/oauth2.h \
	src/broker/account.c src/broker/account.h \
	src/broker/smtp.c src/broker/smtp.h \
	src/broker/imap.c src/broker/imap.h \
	src/broker/mime.c src/broker/mime.h \
	src/broker/chat.c src/broker/chat.h \
	src/broker/postgres.c src/broker/postgres.h \
	src/broker/llm.c src/broker/llm.h \
	src/broker/llm_limit.c src/broker/llm_limit.h \
	src/broker/llm_stream.c src/broker/llm_stream.h \
	src/broker/knowledge.c src/broker/knowledge.h \
	src/broker/db_request.c src/broker/db_request.h \
	src/broker/sqlite_query.c src/broker/sqlite_query.h
