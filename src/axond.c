/* axond: the Axon daemon. Reads its configuration, prepares the data
 * directory, opens the FastCGI socket, starts the request threads and then
 * waits for signals: SIGTERM/SIGINT stop it, SIGHUP reopens logs and reloads
 * templates. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "engine/engine.h"
#include "engine/events_relay.h"
#include "engine/scheduler.h"
#include "keyring.h"
#include "log.h"
#include "ratelimit.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "web/app.h"
#include "web/server.h"

static void usage(FILE *f)
{
	fputs("usage: axond [-c FILE] [-f|--foreground] [-d|--daemon] [--listen ADDR] [--data-dir DIR]\n"
	      "             [--template-dir DIR] [--plugin-dirs DIRS] [--threads N] [--pid-file FILE]\n"
	      "             [--log DEST] [--check-config] [--list-blocks] [--version] [--help]\n"
	      "See axond(8) and axon.conf(5).\n",
	      f);
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("axond: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* Options that set a configuration key, as if it were written in the file. */
static const struct { const char *option, *key; } key_options[] = {
	{ "listen", "listen" },          { "data-dir", "data_dir" },   { "template-dir", "template_dir" },
	{ "plugin-dirs", "plugin_dirs" }, { "threads", "threads" },    { "pid-file", "pid_file" },
	{ "log", "log" },
};
#define N_KEY_OPTIONS (sizeof key_options / sizeof key_options[0])

enum action { RUN, CHECK_CONFIG, LIST_BLOCKS };

static void parse_args(int argc, char **argv, struct config *cfg, enum action *action)
{
	enum { O_KEY = 256, O_CHECK, O_LIST, O_VERSION };
	struct option opts[N_KEY_OPTIONS + 8] = {
		{ "config", required_argument, 0, 'c' }, { "foreground", no_argument, 0, 'f' },
		{ "daemon", no_argument, 0, 'd' },       { "check-config", no_argument, 0, O_CHECK },
		{ "list-blocks", no_argument, 0, O_LIST }, { "version", no_argument, 0, O_VERSION },
		{ "help", no_argument, 0, 'h' },
	};
	const int first_key = 7;
	for (size_t i = 0; i < N_KEY_OPTIONS; i++)
		opts[first_key + i] = (struct option){ key_options[i].option, required_argument, 0, O_KEY };

	const char *file = NULL;
	/* The file first, so that options given on the command line win. */
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config"))
			file = argv[i + 1];
	char err[1400];
	if (file && config_load(cfg, file, err, sizeof err) < 0)
		die("%s", err);
	int c, index = 0;
	while ((c = getopt_long(argc, argv, "c:fdh", opts, &index)) != -1) {
		switch (c) {
		case 'c': break;
		case 'f': cfg->daemonize = false; break;
		case 'd': cfg->daemonize = true; break;
		case 'h': usage(stdout); exit(0);
		case O_CHECK: *action = CHECK_CONFIG; break;
		case O_LIST: *action = LIST_BLOCKS; break;
		case O_VERSION: puts("axond " PACKAGE_VERSION); exit(0);
		case O_KEY: {
			char where[64];
			snprintf(where, sizeof where, "option --%s", opts[index].name);
			if (config_set(cfg, key_options[index - first_key].key, optarg, where, err, sizeof err) < 0)
				die("%s", err);
			break;
		}
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see axond --help)", argv[optind]);
	if (config_finish(cfg, err, sizeof err) < 0)
		die("%s: %s", file ? file : "the options", err);
}

static void write_pid_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot write the pid file %s: %s", path, strerror(errno));
	dprintf(fd, "%ld\n", (long)getpid());
	close(fd);
}

/* axond --list-blocks: the registry as the sandbox's workers describe it. */
static int list_blocks(const struct config *c)
{
	char err[600];
	struct sandbox *sb = sandbox_start(c, err, sizeof err);
	if (!sb) {
		fprintf(stderr, "axond: sandbox: %s\n", err);
		return 1;
	}
	json_t *reg = sandbox_registry(sb);
	int rc = json_dumpf(reg, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF && fflush(stdout) == 0;
	json_decref(reg);
	sandbox_stop(sb);
	return rc ? 0 : 1;
}

int main(int argc, char **argv)
{
	static struct app app;
	enum action action = RUN;
	char err[1400];

	config_defaults(&app.cfg);
	parse_args(argc, argv, &app.cfg, &action);
	if (action == CHECK_CONFIG) {
		puts("configuration ok");
		return 0;
	}
	if (action == LIST_BLOCKS) /* described by confined workers: no plugin code runs here */
		return list_blocks(&app.cfg);
	if (log_open(app.cfg.log, app.cfg.log_level) < 0)
		die("cannot open the log %s: %s", app.cfg.log, strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	store_set_node(app.cfg.node_name);

	/* The zygote is a fresh exec of this program and copies nothing of the
	 * daemon; it is started before the database and keys are opened all the
	 * same, and after daemonizing, which changes our pid. */
	if (app.cfg.daemonize && daemon(1, 0) < 0)
		die("daemon: %s", strerror(errno));
	app.sandbox = sandbox_start(&app.cfg, err, sizeof err);
	if (!app.sandbox)
		die("sandbox: %s", err);

	if (mkdir_p(app.cfg.data_dir, 0700) < 0)
		die("cannot create the data directory %s: %s", app.cfg.data_dir, strerror(errno));
	if (app_load_secret(&app, err, sizeof err) < 0)
		die("%s", err);
	if (keyring_create_if_missing(app.cfg.credential_key_file, err, sizeof err) < 0)
		die("%s", err);
	app.keyring = keyring_new(app.cfg.credential_key_file);
	/* Creates and migrates the database; when that fails, axond still starts and
	 * every page says what is wrong (503), so that a person sees it. */
	struct store *st;
	if (store_open(app.cfg.database, &st, err, sizeof err) == STORE_OK)
		store_close(st);
	else
		log_error("database: %s (every page answers 503 until this is fixed)", err);
	pthread_rwlock_init(&app.templates_lock, NULL);
	if (app_reload_templates(&app, err, sizeof err) < 0)
		die("templates: %s", err);
	struct engine_options eo = { app.cfg.database, app.cfg.sandbox_workers, app.cfg.max_call_depth,
				     app.cfg.run_timeout * 1000LL, true, app.cfg.queue_aging * 1000LL, app.cfg.node_name,
				     app.cfg.run_lease * 1000LL, !app.cfg.execute_runs };
	app.engine = engine_start(&eo, app.sandbox, err, sizeof err);
	if (!app.engine)
		die("engine: %s", err);
	/* Nodes sharing a PostgreSQL database pass their runs' live events to
	 * each other: a stream may be on another node than its run. */
	struct events_relay *relay = NULL;
	if (store_path_is_postgresql(app.cfg.database) &&
	    !(relay = events_relay_start(engine_events(app.engine), app.cfg.database, app.cfg.node_name, err,
					 sizeof err)))
		die("%s", err);
	struct scheduler_options so = { app.cfg.database, app.sandbox, app.cfg.keep_runs_for * 1000LL, app.cfg.keep_runs };
	app.scheduler = scheduler_start(&so, app.engine, err, sizeof err);
	if (!app.scheduler)
		die("scheduler: %s", err);
	app.limits = ratelimit_new();
	if (server_listen(&app, err, sizeof err) < 0)
		die("%s", err);
	if (app.cfg.pid_file[0])
		write_pid_file(app.cfg.pid_file);

	/* Signals go to this thread alone, through sigwait; the request threads never see them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (server_start(&app, err, sizeof err) < 0)
		die("%s", err);
	log_info("axond %s listening on %s with %d threads, data in %s", PACKAGE_VERSION, app.cfg.listen,
		 app.cfg.threads, app.cfg.data_dir);

	for (;;) {
		int sig = 0;
		sigwait(&set, &sig);
		if (sig != SIGHUP)
			break;
		log_reopen();
		if (app_reload_templates(&app, err, sizeof err) < 0)
			log_error("SIGHUP: templates not reloaded, the old ones stay in use: %s", err);
		else
			log_info("SIGHUP: logs reopened, templates reloaded");
		if (sandbox_rescan(app.sandbox) < 0)
			log_error("SIGHUP: the plugins could not be scanned again; the old ones stay in use");
	}
	log_info("stopping: finishing the requests in flight");
	server_stop(&app);
	scheduler_stop(app.scheduler);
	events_relay_stop(relay); /* before the engine, whose hub it hooks */
	engine_stop(app.engine);
	sandbox_stop(app.sandbox);
	keyring_free(app.keyring);
	ratelimit_free(app.limits);
	if (strncmp(app.cfg.listen, "unix:", 5) == 0)
		unlink(app.cfg.listen + 5);
	if (app.cfg.pid_file[0])
		unlink(app.cfg.pid_file);
	pthread_rwlock_wrlock(&app.templates_lock);
	templates_free(app.templates);
	pthread_rwlock_unlock(&app.templates_lock);
	log_info("stopped");
	log_close();
	return 0;
}
