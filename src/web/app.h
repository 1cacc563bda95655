/* What every request thread shares: the configuration, the secret key and
 * the templates (swapped under a lock on SIGHUP). */
#ifndef AXON_APP_H
#define AXON_APP_H
#include <pthread.h>
#include <signal.h>

#include "config.h"
#include "sandbox/sandbox.h"
#include "web/template.h"

struct app {
	struct config cfg;
	unsigned char secret[32];
	pthread_rwlock_t templates_lock;
	struct templates *templates;
	int listen_fd;
	struct sandbox *sandbox; /* runs blocks; started before any thread */
	struct engine *engine;   /* runs workflows */
	struct scheduler *scheduler; /* schedule triggers and retention */
	struct keyring *keyring; /* seals and opens credentials (credential_key_file) */
	struct streams *streams; /* the open live streams (web/stream.c) */
	volatile sig_atomic_t stopping;
};

/* Reads the secret key, creating it (0600) on first start. */
int app_load_secret(struct app *app, char *err, size_t errlen);
/* Loads or reloads templates; on failure keeps the ones in use. */
int app_reload_templates(struct app *app, char *err, size_t errlen);

#endif
