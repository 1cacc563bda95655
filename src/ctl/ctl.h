/* axonctl's pieces: what every command shares (common.c), the in-process
 * engine that runs a queued run (runner.c), and one file per command area.
 * Messages go to stderr as "axonctl: what is wrong: what to do"; results go to
 * stdout. Exit statuses follow sysexits(3), with 0/1/2 for how a run ended. */
#ifndef AXON_CTL_H
#define AXON_CTL_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include <jansson.h>

#include "config.h"

struct store;

/* How a run ended, as axonctl run and dead-letters retry exit. */
#define CTL_RUN_SUCCEEDED 0
#define CTL_RUN_FAILED 1
#define CTL_RUN_STOPPED 2 /* cancelled, or still going when the time was up */

struct ctl {
	struct config cfg;
	const char *config_file; /* NULL when none was read */
	int verbose;             /* -v: the engine's log on stderr at info, -vv debug */
};

/* "axonctl: ..." on stderr. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A command line mistake: the message, then where the help is. Returns EX_USAGE. */
int ctl_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* After getopt_long (optstring "+:..." with opterr 0) gave '?' or ':': says
 * which option was wrong. Returns EX_USAGE. */
int ctl_bad_option(const char *command, int ch, char **argv);

/* Run as root on a file another user owns: says why not and returns EX_NOPERM; else 0. */
int ctl_check_owner(const char *path);
/* Opens the configured database; on failure says why and returns an exit status. */
int ctl_open_store(struct ctl *c, struct store **st);
/* Says what could not be done and why (what the store said); returns the exit status. */
int ctl_store_failed(struct store *st, int rc, const char *what);

/* The workflow named ref (number or exact name); says so when there is none. 0 or an exit status. */
int ctl_find_workflow(struct store *st, const char *ref, int64_t *id);

/* How a file is named in messages: "standard input" for "-". */
const char *ctl_file_name(const char *path);
/* Reads a whole file ("-": stdin), NUL-terminated, at most 64 MiB. NULL after saying why. */
char *ctl_read_file(const char *path, size_t *len);
/* JSON text given on the command line, or @FILE. NULL after saying why. */
json_t *ctl_json_arg(const char *option, const char *text);
/* A positive whole number for option, at most max; -1 after saying why. */
long ctl_number_arg(const char *command, const char *option, const char *text, long max);
/* "90", "90s", "15m", "2h", "1d": a duration in milliseconds; -1 after saying why. */
int64_t ctl_duration_arg(const char *command, const char *option, const char *text);

/* Prints v as indented JSON and a newline. */
void ctl_print_json(FILE *f, const json_t *v);
/* Prints v as one line of JSON. */
void ctl_print_json_line(FILE *f, const json_t *v);
/* "2026-11-22 14:03:07" in local time, from unix milliseconds; "-" for 0. */
const char *ctl_time(int64_t ms, char buf[32]);
/* text cut to at most width characters (UTF-8 aware), with "…" when cut; one line. */
const char *ctl_cell(const char *text, size_t width, char *buf, size_t buflen);

/* The engine of one axonctl process (runner.c): the sandbox, then the engine
 * with resume off, so that it runs only the runs it is told about. */
struct runner;
/* Starts the sandbox (before any thread) and the engine. NULL after saying why. */
struct runner *runner_start(struct ctl *c);
/* The problems of a definition against the loaded blocks, printed as
 * "where: block: message" lines on stderr. Returns the number of problems. */
size_t runner_check(struct runner *r, const json_t *def, const char *where);
/* Runs the queued run id until it ends or timeout_ms passes (SIGINT/SIGTERM
 * cancel it), prints it as JSON on stdout and returns CTL_RUN_* or an exit status. */
int runner_run(struct runner *r, struct store *st, int64_t id, int64_t timeout_ms);
void runner_stop(struct runner *r);

/* The commands; argv[0] is the command's name. */
int cmd_user(struct ctl *c, int argc, char **argv);
int cmd_workflow(struct ctl *c, int argc, char **argv);
int cmd_run(struct ctl *c, int argc, char **argv);
int cmd_runs(struct ctl *c, int argc, char **argv);
int cmd_dead_letters(struct ctl *c, int argc, char **argv);
int cmd_credentials(struct ctl *c, int argc, char **argv);
int cmd_backup(struct ctl *c, int argc, char **argv);
int cmd_restore(struct ctl *c, int argc, char **argv);
int cmd_migrate(struct ctl *c, int argc, char **argv);

/* Each command's help, for "axonctl help COMMAND" and "COMMAND --help". */
extern const char ctl_help_user[], ctl_help_workflow[], ctl_help_run[], ctl_help_runs[], ctl_help_dead_letters[],
	ctl_help_credentials[];
extern const char ctl_help_backup[], ctl_help_restore[], ctl_help_migrate[];

#endif
