#include "web/server.h"

#include <errno.h>
#include <stdlib.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "log.h"
#include "metrics/metrics.h"
#include "web/dispatch.h"
#include "web/stream.h"

static pthread_t *threads;
static int nthreads;
static atomic_ulong next_request_id;

int server_listen(struct app *app, char *err, size_t errlen)
{
	const char *addr = app->cfg.listen;
	int is_unix = strncmp(addr, "unix:", 5) == 0;
	if (is_unix)
		addr += 5;
	else if (!strchr(addr, ':')) {
		snprintf(err, errlen, "listen address '%s' is neither unix:/path nor host:port", addr);
		return -1;
	}
	if (FCGX_Init() != 0) {
		snprintf(err, errlen, "FCGX_Init failed");
		return -1;
	}
	struct stat sb;
	if (is_unix && lstat(addr, &sb) == 0 && S_ISSOCK(sb.st_mode))
		unlink(addr); /* left by a daemon that did not stop cleanly */
	mode_t old = umask(is_unix ? 0777 & ~app->cfg.socket_mode : 022);
	int fd = FCGX_OpenSocket(addr, 128);
	umask(old);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", app->cfg.listen, strerror(errno));
		return -1;
	}
	if (is_unix && chmod(addr, app->cfg.socket_mode) < 0) {
		snprintf(err, errlen, "chmod %s: %s", addr, strerror(errno));
		close(fd);
		return -1;
	}
	app->listen_fd = fd;
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Serves one request; true when its connection went to the stream thread. */
static bool serve_one(struct app *app, struct store *st, const char *store_error, FCGX_Request *fcgx)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct request r = { .app = app, .fcgx = fcgx, .st = st, .store_error = store_error };
	r.id = atomic_fetch_add(&next_request_id, 1) + 1;
	r.now = (int64_t)time(NULL);
	r.method = req_param(&r, "REQUEST_METHOD");
	const char *uri = req_param(&r, "REQUEST_URI");
	r.path = xstrndup(uri, strcspn(uri, "?"));
	if (!r.path[0]) {
		free(r.path);
		r.path = xstrdup("/");
	}
	r.remote_addr = req_param(&r, "REMOTE_ADDR");
	r.https = strcmp(req_param(&r, "HTTPS"), "on") == 0 || app->cfg.secure_cookies == 1;
	if (app->cfg.secure_cookies == 0)
		r.https = false;

	dispatch(&r);

	double ms = ms_since(&t0);
	metrics_http_request(r.method, r.route, r.status, ms / 1e3);
	log_info("req=%lu %s %s %d %.2fms", r.id, r.method, r.path, r.status, ms);
	form_free(&r.query);
	form_free(&r.cookies);
	form_free(&r.body);
	sb_free(&r.headers);
	free(r.raw_body);
	free(r.new_csrf_cookie);
	free(r.path);
	return r.handed_off;
}

static void *request_thread(void *arg)
{
	pthread_setname_np(pthread_self(), "axon-request"); /* as top -H and /proc show it */
	struct app *app = arg;
	struct store *st = NULL;
	char err[512] = "";
	FCGX_Request fcgx;
	FCGX_InitRequest(&fcgx, app->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
	int unix_socket = strncmp(app->cfg.listen, "unix:", 5) == 0;
	while (!app->stopping) {
		if (FCGX_Accept_r(&fcgx) < 0)
			break; /* the socket was shut down: we are stopping */
		/* Opened at the first request, and again after a failure: once a
		 * person fixes the file, the next request works without a restart. */
		if (!st && store_open(app->cfg.database, &st, err, sizeof err) != STORE_OK) {
			st = NULL;
			log_error("database: %s", err);
		}
		if (serve_one(app, st, err, &fcgx)) {
			/* The stream thread writes to the connection and closes it:
			 * forget it here without a word, and accept the next one. */
			FCGX_Free(&fcgx, 0);
			fcgx.ipcFd = -1;
		} else {
			/* On a unix socket, once the request was read to its end, a
			 * plain close: libfcgi's lingering close (shut down, then wait
			 * for the server to close first) costs each request a wait for
			 * nginx and a thread switch. It stays for a request with unread
			 * input (a body refused early), whose close would reset the
			 * connection before nginx read the answer. */
			fcgx.detached = unix_socket && FCGX_GetChar(fcgx.in) == EOF && FCGX_HasSeenEOF(fcgx.in);
			FCGX_Finish_r(&fcgx);
		}
	}
	FCGX_Free(&fcgx, 1);
	store_close(st);
	return NULL;
}

int server_start(struct app *app, char *err, size_t errlen)
{
	app->streams = streams_start(engine_events(app->engine), app->cfg.max_streams,
				     app->cfg.max_streams_per_user, app->cfg.database, err, errlen);
	if (!app->streams)
		return -1;
	nthreads = app->cfg.threads;
	threads = xcalloc((size_t)nthreads, sizeof *threads);
	for (int i = 0; i < nthreads; i++) {
		int rc = pthread_create(&threads[i], NULL, request_thread, app);
		if (rc) {
			snprintf(err, errlen, "pthread_create: %s", strerror(rc));
			nthreads = i;
			server_stop(app);
			return -1;
		}
	}
	return 0;
}

void server_stop(struct app *app)
{
	app->stopping = 1;
	FCGX_ShutdownPending();
	/* Wakes every thread blocked in accept(); requests in flight go on. */
	shutdown(app->listen_fd, SHUT_RDWR);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	threads = NULL;
	nthreads = 0;
	streams_stop(app->streams);
	app->streams = NULL;
	close(app->listen_fd);
}
