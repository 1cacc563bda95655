/* axonctl run: runs a workflow file, or a stored workflow, in this process
 * and prints the run. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "engine/workflow.h"
#include "store/store.h"

#define DEFAULT_TIMEOUT_MS (3600LL * 1000)

const char ctl_help_run[] =
	"usage: axonctl run FILE.json [--input JSON] [--timeout DURATION]\n"
	"       axonctl run --workflow ID|NAME [--input JSON] [--timeout DURATION]\n"
	"\n"
	"Runs a workflow here, with its own sandbox and engine, waits for the run to end\n"
	"and prints it as JSON (its steps with their inputs, outputs and logs). The run\n"
	"is recorded in the database like any other (trigger \"manual\").\n"
	"\n"
	"  FILE.json              a workflow definition (docs/workflow-format.md), or a\n"
	"                         file that 'axonctl workflow export' wrote; - for stdin\n"
	"  --workflow ID|NAME     a stored workflow, by number or exact name (its current version)\n"
	"  --input JSON           the trigger data, {{ trigger }} (default {}); @FILE reads it from FILE\n"
	"  --timeout DURATION     cancel the run after this long: 90, 90s, 15m, 2h (default 1h)\n"
	"\n"
	"A workflow with problems is refused before it runs, with every problem listed.\n"
	"Exit status: 0 succeeded, 1 failed, 2 cancelled or out of time (also on ^C),\n"
	"64 command line, 65 the workflow or the input is wrong, 66 unreadable file, 70 internal error.\n";

/* The definition in a file: a definition, or the one inside an export
 * document. 0, or an exit status after saying what is wrong. */
static int load_definition(const char *path, json_t **out)
{
	size_t len;
	char *text = ctl_read_file(path, &len);
	if (!text)
		return EX_NOINPUT;
	char err[400];
	json_t *doc = workflow_parse(text, len, err, sizeof err);
	free(text);
	if (!doc) {
		ctl_error("%s: %s", ctl_file_name(path), err);
		return EX_DATAERR;
	}
	json_t *def = json_object_get(doc, "axon_workflow") ? json_object_get(doc, "definition") : doc;
	if (!json_is_object(def)) {
		ctl_error("%s holds no workflow definition: a definition is a JSON object {\"format\": 1, \"trigger\": "
			  "..., \"blocks\": [...]} (see docs/workflow-format.md)",
			  ctl_file_name(path));
		json_decref(doc);
		return EX_DATAERR;
	}
	*out = json_incref(def);
	json_decref(doc);
	return 0;
}

struct run_args {
	const char *file, *workflow;
	json_t *input;
	int64_t timeout_ms;
};

/* 0, or an exit status after saying what is wrong. */
static int parse(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "workflow", required_argument, 0, 'w' }, { "input", required_argument, 0, 'i' },
		{ "timeout", required_argument, 0, 't' },  { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	a->timeout_ms = DEFAULT_TIMEOUT_MS;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': a->workflow = optarg; break;
		case 'i':
			json_decref(a->input);
			if (!(a->input = ctl_json_arg("--input", optarg)))
				return EX_DATAERR;
			break;
		case 't':
			if ((a->timeout_ms = ctl_duration_arg("run", "--timeout", optarg)) < 0)
				return EX_USAGE;
			break;
		case 'h': fputs(ctl_help_run, stdout); exit(0);
		default: return ctl_bad_option("run", ch, argv);
		}
	}
	if (optind < argc)
		a->file = argv[optind++];
	if (optind < argc)
		return ctl_usage("run", "unexpected argument '%s': run takes one workflow file", argv[optind]);
	if (!a->file == !a->workflow)
		return ctl_usage("run", a->file ? "give a workflow file or --workflow, not both"
						: "which workflow? Give a workflow file (FILE.json) or --workflow ID|NAME");
	return 0;
}

/* The stored workflow's definition and version. */
static int load_stored(struct store *st, const char *ref, int64_t *id, int *version, json_t **def)
{
	int rc = ctl_find_workflow(st, ref, id);
	if (rc)
		return rc;
	json_t *wf = NULL;
	int src = store_workflow_get(st, *id, 0, &wf);
	if (src != STORE_OK)
		return ctl_store_failed(st, src, "read the workflow");
	*version = (int)json_integer_value(json_object_get(wf, "version"));
	*def = json_incref(json_object_get(wf, "definition"));
	json_decref(wf);
	return 0;
}

int cmd_run(struct ctl *c, int argc, char **argv)
{
	struct run_args a = { 0 };
	json_t *def = NULL;
	int rc = parse(argc, argv, &a);
	if (!rc && a.file)
		rc = load_definition(a.file, &def);
	struct runner *r = rc ? NULL : runner_start(c); /* the sandbox first: no database handle open yet */
	if (!rc && !r)
		rc = EX_SOFTWARE;
	struct store *st = NULL;
	if (!rc)
		rc = ctl_open_store(c, &st);
	int64_t workflow_id = 0, run_id = 0;
	int version = 0;
	if (!rc && a.workflow)
		rc = load_stored(st, a.workflow, &workflow_id, &version, &def);
	if (!rc) {
		char where[300];
		snprintf(where, sizeof where, "%s", a.file ? ctl_file_name(a.file) : a.workflow);
		size_t n = runner_check(r, def, where);
		if (n) {
			ctl_error("%zu problem%s above: the workflow was not run. %s", n, n == 1 ? " is listed" : "s are listed",
				  a.file ? "Fix the file and run it again." : "Fix it in its editor, or import a fixed version.");
			rc = EX_DATAERR;
		}
	}
	if (!rc) {
		struct run_new n = { .workflow_id = workflow_id, .version = version, .definition = workflow_id ? NULL : def,
				     .trigger = "manual", .input = a.input };
		int src = store_run_create(st, &n, &run_id);
		if (src != STORE_OK)
			rc = ctl_store_failed(st, src, "record the run");
	}
	if (!rc)
		rc = runner_run(r, st, run_id, a.timeout_ms);
	runner_stop(r);
	store_close(st);
	json_decref(def);
	json_decref(a.input);
	return rc;
}
