/* axonctl runs and axonctl dead-letters: the run history, the failed runs
 * waiting for a person, and retrying one of them here. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "store/store.h"

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 10000
#define DEFAULT_TIMEOUT_MS (3600LL * 1000)

const char ctl_help_runs[] =
	"usage: axonctl runs [--workflow ID|NAME] [--status STATUS] [--limit N] [--json]\n"
	"\n"
	"Lists runs, newest first: a table, or with --json one JSON object a line (the\n"
	"run without its input, reply and steps; 'axonctl run' prints a whole run).\n"
	"\n"
	"  --workflow ID|NAME  runs of that workflow only\n"
	"  --status STATUS     queued, running, succeeded, failed or cancelled\n"
	"  --limit N           at most N runs (default 20)\n";

const char ctl_help_dead_letters[] =
	"usage: axonctl dead-letters [--json]\n"
	"       axonctl dead-letters retry ID [--timeout DURATION]\n"
	"\n"
	"Dead letters are runs that failed after every retry, kept for a person.\n"
	"Without a command they are listed (a table, or one JSON object a line).\n"
	"\n"
	"retry closes dead letter ID, queues its run again (it goes on from its failed\n"
	"step) and runs it here at once, as 'axonctl run' does: it prints the run as\n"
	"JSON and exits 0 when it succeeded, 1 when it failed again, 2 when it was\n"
	"cancelled or ran out of time (--timeout, default 1h).\n";

static const char *const statuses[] = { "queued", "running", "succeeded", "failed", "cancelled" };

static const char *duration(const json_t *run, char buf[32])
{
	int64_t start = json_integer_value(json_object_get(run, "started_at"));
	int64_t end = json_integer_value(json_object_get(run, "finished_at"));
	if (!start || !end)
		return "-";
	int64_t ms = end - start;
	if (ms < 1000)
		snprintf(buf, 32, "%lldms", (long long)ms);
	else if (ms < 60000)
		snprintf(buf, 32, "%.1fs", (double)ms / 1000);
	else
		snprintf(buf, 32, "%lldm%02llds", (long long)(ms / 60000), (long long)(ms / 1000 % 60));
	return buf;
}

/* "#12 Name" for a stored workflow, "file: Name" for a run of a file. */
static const char *workflow_cell(const json_t *row, char *buf, size_t len)
{
	const char *name = json_string_value(json_object_get(row, "workflow_name"));
	int64_t wid = json_integer_value(json_object_get(row, "workflow_id"));
	char full[300];
	if (wid)
		snprintf(full, sizeof full, "#%lld %s", (long long)wid, name ? name : "");
	else
		snprintf(full, sizeof full, "file: %s", name ? name : "(no name)");
	return ctl_cell(full, 30, buf, len);
}

static void print_run(const json_t *run)
{
	char when[32], took[32], wf[128], error[256];
	const char *err = json_string_value(json_object_get(run, "error"));
	printf("%6lld  %-9s  %-8s  %-19s  %7s  %-30s  %s\n", (long long)json_integer_value(json_object_get(run, "id")),
	       json_string_value(json_object_get(run, "status")), json_string_value(json_object_get(run, "trigger")),
	       ctl_time(json_integer_value(json_object_get(run, "created_at")), when), duration(run, took),
	       workflow_cell(run, wf, sizeof wf), err ? ctl_cell(err, 60, error, sizeof error) : "");
}

int cmd_runs(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workflow", required_argument, 0, 'w' }, { "status", required_argument, 0, 's' },
		{ "limit", required_argument, 0, 'l' },    { "json", no_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' },           { 0, 0, 0, 0 },
	};
	const char *workflow = NULL, *status = NULL;
	long limit = DEFAULT_LIMIT;
	bool json = false;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': workflow = optarg; break;
		case 's': status = optarg; break;
		case 'l':
			if ((limit = ctl_number_arg("runs", "--limit", optarg, MAX_LIMIT)) < 0)
				return EX_USAGE;
			break;
		case 'j': json = true; break;
		case 'h': fputs(ctl_help_runs, stdout); exit(0);
		default: return ctl_bad_option("runs", ch, argv);
		}
	}
	if (optind < argc)
		return ctl_usage("runs", "unexpected argument '%s' (a workflow is chosen with --workflow)", argv[optind]);
	bool known = !status;
	for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++)
		known |= !strcmp(status, statuses[i]);
	if (!known)
		return ctl_usage("runs", "there is no status '%s': the statuses are queued, running, succeeded, failed "
					 "and cancelled", status);
	struct store *st;
	int rc = ctl_open_store(c, &st);
	if (rc)
		return rc;
	struct run_query q = { .status = status, .page = 1, .per_page = (int)limit };
	if (workflow)
		rc = ctl_find_workflow(st, workflow, &q.workflow_id);
	json_t *items = NULL;
	int64_t total = 0;
	int src = rc ? STORE_OK : store_run_list(st, &q, &items, &total);
	if (src != STORE_OK)
		rc = ctl_store_failed(st, src, "list the runs");
	store_close(st);
	if (rc)
		return rc;
	if (!json)
		printf("%6s  %-9s  %-8s  %-19s  %7s  %-30s  %s\n", "ID", "STATUS", "TRIGGER", "CREATED", "TOOK",
		       "WORKFLOW", "ERROR");
	size_t i;
	json_t *run;
	json_array_foreach(items, i, run) {
		if (json)
			ctl_print_json_line(stdout, run);
		else
			print_run(run);
	}
	if (!json && !total)
		puts("No runs match.");
	else if (!json && total > (int64_t)json_array_size(items))
		printf("(%zu of %lld runs; --limit N shows more)\n", json_array_size(items), (long long)total);
	json_decref(items);
	return 0;
}

static int list_letters(struct ctl *c, bool json)
{
	struct store *st;
	int rc = ctl_open_store(c, &st);
	if (rc)
		return rc;
	json_t *letters = NULL;
	int src = store_dead_letter_list(st, &letters);
	if (src != STORE_OK)
		rc = ctl_store_failed(st, src, "list the dead letters");
	store_close(st);
	if (rc)
		return rc;
	if (!json)
		printf("%6s  %6s  %-19s  %-30s  %-16s  %s\n", "ID", "RUN", "CREATED", "WORKFLOW", "BLOCK", "ERROR");
	size_t i;
	json_t *d;
	json_array_foreach(letters, i, d) {
		char when[32], wf[128], block[80], error[256];
		if (json) {
			ctl_print_json_line(stdout, d);
			continue;
		}
		const char *b = json_string_value(json_object_get(d, "block"));
		printf("%6lld  %6lld  %-19s  %-30s  %-16s  %s\n", (long long)json_integer_value(json_object_get(d, "id")),
		       (long long)json_integer_value(json_object_get(d, "run_id")),
		       ctl_time(json_integer_value(json_object_get(d, "created_at")), when),
		       workflow_cell(d, wf, sizeof wf), ctl_cell(b ? b : "-", 16, block, sizeof block),
		       ctl_cell(json_string_value(json_object_get(d, "error")), 60, error, sizeof error));
	}
	if (!json && !json_array_size(letters))
		puts("No dead letters.");
	else if (!json)
		puts("(Retry one with 'axonctl dead-letters retry ID'.)");
	json_decref(letters);
	return 0;
}

static int retry(struct ctl *c, int64_t letter, int64_t timeout_ms)
{
	struct runner *r = runner_start(c); /* the sandbox first: no database handle open yet */
	if (!r)
		return EX_SOFTWARE;
	struct store *st = NULL;
	int64_t run_id = 0;
	int rc = ctl_open_store(c, &st);
	int src = rc ? STORE_OK : store_dead_letter_retry(st, 0, letter, &run_id);
	if (src == STORE_NOTFOUND) {
		ctl_error("there is no open dead letter %lld (retried already?): see 'axonctl dead-letters'",
			  (long long)letter);
		rc = EX_DATAERR;
	} else if (src != STORE_OK) {
		rc = ctl_store_failed(st, src, "retry the dead letter");
	}
	if (!rc)
		rc = runner_run(r, st, run_id, timeout_ms);
	runner_stop(r);
	store_close(st);
	return rc;
}

int cmd_dead_letters(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, 0, 'j' },
		{ "timeout", required_argument, 0, 't' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	bool json = false;
	int64_t timeout_ms = 0;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 't':
			if ((timeout_ms = ctl_duration_arg("dead-letters", "--timeout", optarg)) < 0)
				return EX_USAGE;
			break;
		case 'h': fputs(ctl_help_dead_letters, stdout); exit(0);
		default: return ctl_bad_option("dead-letters", ch, argv);
		}
	}
	const char *sub = optind < argc ? argv[optind++] : NULL;
	if (!sub || !strcmp(sub, "list")) {
		if (optind < argc || timeout_ms)
			return ctl_usage("dead-letters", "listing takes only --json");
		return list_letters(c, json);
	}
	if (strcmp(sub, "retry"))
		return ctl_usage("dead-letters", "there is no command 'dead-letters %s': list them with 'axonctl "
						 "dead-letters', retry one with 'axonctl dead-letters retry ID'", sub);
	if (optind >= argc)
		return ctl_usage("dead-letters", "which dead letter? Give its ID (the first column of 'axonctl dead-letters')");
	long id = ctl_number_arg("dead-letters", "retry", argv[optind++], 0x7fffffffL);
	if (id < 0)
		return EX_USAGE;
	if (optind < argc)
		return ctl_usage("dead-letters", "unexpected argument '%s': retry one dead letter at a time", argv[optind]);
	if (json)
		return ctl_usage("dead-letters", "--json is for the list; retry always prints the run as JSON");
	return retry(c, id, timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS);
}
