/* axonctl workflow: list, export and import, in the web's export format
 * (workflow_to_export and workflow_from_export, with the same checks on the
 * name, description, tags and definition as the web's import page). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "credential_edit.h"
#include "ctl/ctl.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "web/pages/workflow_input.h"

#define PAGE 100

const char ctl_help_workflow[] =
	"usage: axonctl workflow list [--json] [--search TEXT] [--tag TAG]\n"
	"       axonctl workflow export ID|NAME [-o FILE]\n"
	"       axonctl workflow import FILE [--name NAME]\n"
	"\n"
	"list     the workflows, most recently saved first, as a table or one JSON object\n"
	"         a line (--json); --search keeps names containing TEXT, --tag those with TAG\n"
	"export   writes a workflow's current version in the web's export format\n"
	"         (name, description, tags, definition; the credentials it names by name\n"
	"         and type only) to standard output or FILE\n"
	"import   stores the workflow of an export file (- for stdin) as a new workflow\n"
	"         and prints its number; its name, tags and description are checked as\n"
	"         the web's import checks them. Names are unique: --name imports it under\n"
	"         NAME; a name in use gets the first free \"NAME (2)\", \"NAME (3)\"... and\n"
	"         says so. 'axonctl run' runs a definition file without storing it.\n";

static void print_row(const json_t *wf)
{
	char when[32], tags[160], name[400];
	json_t *t;
	size_t i;
	size_t n = 0;
	tags[0] = '\0';
	json_array_foreach(json_object_get(wf, "tags"), i, t) {
		if (n + 1 >= sizeof tags)
			break;
		int w = snprintf(tags + n, sizeof tags - n, "%s%s", i ? "," : "", json_string_value(t));
		n = w < 0 ? n : n + (size_t)w < sizeof tags ? n + (size_t)w : sizeof tags - 1;
	}
	char cut[64];
	printf("%6lld  %7lld  %-19s  %-20s  %s\n", (long long)json_integer_value(json_object_get(wf, "id")),
	       (long long)json_integer_value(json_object_get(wf, "version")),
	       ctl_time(json_integer_value(json_object_get(wf, "updated_at")) * 1000, when),
	       ctl_cell(tags[0] ? tags : "-", 20, cut, sizeof cut),
	       ctl_cell(json_string_value(json_object_get(wf, "name")), 100, name, sizeof name));
}

static int list(struct ctl *c, bool json, const char *search, const char *tag)
{
	struct store *st;
	int rc = ctl_open_store(c, &st);
	if (rc)
		return rc;
	struct wf_query q = { search, tag, 1, PAGE };
	int64_t total = 0, shown = 0;
	if (!json)
		printf("%6s  %7s  %-19s  %-20s  %s\n", "ID", "VERSION", "UPDATED", "TAGS", "NAME");
	do {
		json_t *items = NULL;
		int src = store_workflow_list(st, &q, &items, &total);
		if (src != STORE_OK) {
			rc = ctl_store_failed(st, src, "list the workflows");
			break;
		}
		size_t i;
		json_t *wf;
		json_array_foreach(items, i, wf) {
			if (json)
				ctl_print_json_line(stdout, wf);
			else
				print_row(wf);
		}
		size_t got = json_array_size(items);
		json_decref(items);
		shown += (int64_t)got;
		q.page++;
		if (!got)
			break;
	} while (shown < total);
	if (!rc && !json && !total)
		puts(search || tag ? "No workflow matches." : "No workflows yet: import one with 'axonctl workflow import FILE'.");
	store_close(st);
	return rc;
}

/* The blocks' registry, described by the sandbox's confined workers: which
 * config fields name credentials. NULL after saying why. */
static json_t *registry_of(struct ctl *c)
{
	char err[1400];
	struct sandbox *sb = sandbox_start(&c->cfg, err, sizeof err);
	if (!sb) {
		ctl_error("cannot start the sandbox that describes the blocks: %s", err);
		return NULL;
	}
	json_t *reg = sandbox_registry(sb);
	sandbox_stop(sb);
	return reg;
}

static int export(struct ctl *c, const char *ref, const char *out)
{
	struct store *st;
	/* Before the database is opened, as the sandbox wants. */
	json_t *registry = registry_of(c);
	int rc = registry ? ctl_open_store(c, &st) : EX_SOFTWARE;
	if (rc) {
		json_decref(registry);
		return rc;
	}
	int64_t id;
	json_t *wf = NULL, *doc = NULL;
	rc = ctl_find_workflow(st, ref, &id);
	int src = rc ? STORE_OK : store_workflow_get(st, id, 0, &wf);
	if (src != STORE_OK)
		rc = ctl_store_failed(st, src, "read the workflow");
	if (!rc) {
		doc = workflow_to_export(wf);
		credential_export_names(st, registry, doc);
	}
	store_close(st);
	json_decref(registry);
	if (rc)
		return rc;
	json_decref(wf);
	FILE *f = out && strcmp(out, "-") ? fopen(out, "w") : stdout;
	if (!f) {
		ctl_error("cannot write %s: %s", out, strerror(errno));
		json_decref(doc);
		return EX_CANTCREAT;
	}
	ctl_print_json(f, doc);
	json_decref(doc);
	if ((f == stdout ? fflush(f) : fclose(f)) != 0) {
		ctl_error("cannot write %s: %s", f == stdout ? "the export" : out, strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

/* A definition given where an export is wanted: say what to do with it. */
static void hint_definition(const char *text, size_t len)
{
	json_t *doc = json_loadb(text, len, 0, NULL);
	if (json_is_object(doc) && json_object_get(doc, "blocks") && !json_object_get(doc, "axon_workflow"))
		fputs("(This is a workflow definition, not an export: run it with 'axonctl run FILE', or import it\n"
		      "wrapped as {\"axon_workflow\": 1, \"name\": \"...\", \"definition\": ...}.)\n",
		      stderr);
	json_decref(doc);
}

/* Stores wf; a name in use is given the first free "NAME (N)", said on stderr. */
static int store_with_free_name(struct store *st, json_t *wf, int64_t *id)
{
	int rc = store_workflow_create(st, 0, wf, id);
	if (rc != STORE_CONFLICT)
		return rc;
	char *free_name = NULL;
	const char *taken = json_string_value(json_object_get(wf, "name"));
	rc = store_workflow_free_name(st, taken, &free_name);
	if (rc != STORE_OK)
		return rc;
	fprintf(stderr, "axonctl: a workflow named '%s' exists already: importing this one as '%s' "
		"(--name chooses another)\n", taken, free_name);
	json_object_set_new(wf, "name", json_string(free_name));
	free(free_name);
	return store_workflow_create(st, 0, wf, id);
}

static int import(struct ctl *c, const char *path, const char *name)
{
	size_t len;
	char *text = ctl_read_file(path, &len);
	if (!text)
		return EX_NOINPUT;
	json_t *errors = NULL;
	json_t *wf = workflow_from_export(text, len, name, &errors);
	if (!wf) {
		const char *field;
		json_t *msg;
		json_object_foreach(errors, field, msg)
			fprintf(stderr, "%s: %s: %s\n", ctl_file_name(path), field, json_string_value(msg));
		ctl_error("%s was not imported: fix what is listed above and import it again", ctl_file_name(path));
		hint_definition(text, len);
		json_decref(errors);
		free(text);
		return EX_DATAERR;
	}
	free(text);
	struct store *st;
	int rc = ctl_open_store(c, &st);
	int64_t id = 0;
	int src = rc ? STORE_OK : store_with_free_name(st, wf, &id);
	if (src != STORE_OK)
		rc = ctl_store_failed(st, src, "store the workflow");
	if (!rc)
		printf("Imported workflow %lld: %s\n", (long long)id, json_string_value(json_object_get(wf, "name")));
	json_decref(wf);
	store_close(st);
	return rc;
}

int cmd_workflow(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, 0, 'o' }, { "json", no_argument, 0, 'j' },
		{ "search", required_argument, 0, 's' }, { "tag", required_argument, 0, 't' },
		{ "name", required_argument, 0, 'n' },   { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *search = NULL, *tag = NULL, *name = NULL;
	bool json = false;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'j': json = true; break;
		case 's': search = optarg; break;
		case 't': tag = optarg; break;
		case 'n': name = optarg; break;
		case 'h': fputs(ctl_help_workflow, stdout); exit(0);
		default: return ctl_bad_option("workflow", ch, argv);
		}
	}
	const char *sub = optind < argc ? argv[optind++] : NULL;
	const char *arg = optind < argc ? argv[optind++] : NULL;
	if (optind < argc)
		return ctl_usage("workflow", "unexpected argument '%s'", argv[optind]);
	if (!sub)
		return ctl_usage("workflow", "what about workflows? 'list', 'export ID|NAME' or 'import FILE'");
	if (!strcmp(sub, "list")) {
		if (arg || out)
			return ctl_usage("workflow", "'workflow list' takes only --json, --search and --tag");
		return list(c, json, search, tag);
	}
	if (json || search || tag)
		return ctl_usage("workflow", "--json, --search and --tag are for 'workflow list'");
	if (name && strcmp(sub, "import"))
		return ctl_usage("workflow", "--name is for 'workflow import'");
	if (!strcmp(sub, "export")) {
		if (!arg)
			return ctl_usage("workflow", "which workflow? axonctl workflow export ID|NAME [-o FILE]");
		return export(c, arg, out);
	}
	if (!strcmp(sub, "import")) {
		if (!arg)
			return ctl_usage("workflow", "which file? axonctl workflow import FILE (- for stdin)");
		if (out)
			return ctl_usage("workflow", "-o is for 'workflow export'");
		return import(c, arg, name);
	}
	return ctl_usage("workflow", "there is no command 'workflow %s': the commands are list, export and import",
			 sub);
}
