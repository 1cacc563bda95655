/* axon-block: the block author's tool. Runs blocks in exactly the sandbox
 * axond uses (the same zygote, confinement, policy and broker from
 * libaxon), prints descriptors, runs fixture files as TAP, and scaffolds a new
 * plugin. See axon-block(1). */
#include "build-config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <axon/block.h>

#include "config.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "scaffold.h"
#include "strbuf.h"

#define EXIT_USAGE 64
#define EXIT_SANDBOX 70

struct options {
	struct config cfg;
	json_t *config;
	json_t *inputs;
	struct run_limits limits;
};

static void usage(FILE *f)
{
	fputs("usage: axon-block new NAME\n"
	      "       axon-block info PLUGIN.so\n"
	      "       axon-block run PLUGIN.so BLOCK [--config JSON] [--input PORT=JSON]... [OPTIONS]\n"
	      "       axon-block test PLUGIN.so FIXTURES.json [OPTIONS]\n"
	      "options: --timeout MS  --cpu MS  --memory MIB  --allow-loopback  --allow-private  --secrets FILE\n"
	      "run exits with 0 for ok, 1 error, 2 violation, 3 timeout, 4 cpu_limit, 5 memory_limit,\n"
	      "6 crash, 7 output_too_large, 8 bad_output; 64 for a usage error, 70 if the plugin or the\n"
	      "sandbox could not start. See axon-block(1).\n", f);
}

static json_t *parse_json_arg(const char *what, const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	if (!v)
		fprintf(stderr, "axon-block: %s is not JSON: %s (quote it for the shell: '{\"key\": \"value\"}')\n", what, je.text);
	return v;
}

/* A positive whole number, or -1 after saying what the option wants. */
static long long positive(const char *option, const char *v, const char *unit)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n <= 0 || n > UINT32_MAX) {
		fprintf(stderr, "axon-block: %s wants a positive number of %s, not '%s'\n", option, unit, v);
		return -1;
	}
	return n;
}

/* Options shared by run and test; returns the index of the first unused
 * argument or -1. */
static int parse_options(int argc, char **argv, int i, struct options *o, int allow_run_args)
{
	char err[600];
	for (; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--allow-loopback")) {
			o->cfg.egress_allow_loopback = true;
		} else if (!strcmp(a, "--allow-private")) {
			o->cfg.egress_allow_private = true;
		} else if (!v) {
			fprintf(stderr, "axon-block: unknown option %s, or it needs a value\n", a);
			return -1;
		} else if (!strcmp(a, "--timeout") || !strcmp(a, "--cpu") || !strcmp(a, "--memory")) {
			long long n = positive(a, v, strcmp(a, "--memory") ? "milliseconds" : "MiB");
			if (n < 0)
				return -1;
			if (!strcmp(a, "--timeout"))
				o->limits.wall_ms = (uint32_t)n;
			else if (!strcmp(a, "--cpu"))
				o->limits.cpu_ms = (uint32_t)n;
			else
				o->limits.memory_bytes = (uint64_t)n << 20;
			i++;
		} else if (!strcmp(a, "--secrets")) {
			if (config_set(&o->cfg, "secrets_file", v, "--secrets", err, sizeof err)) {
				fprintf(stderr, "axon-block: %s\n", err);
				return -1;
			}
			i++;
		} else if (allow_run_args && !strcmp(a, "--config")) {
			json_decref(o->config);
			if (!(o->config = parse_json_arg("--config", v)))
				return -1;
			i++;
		} else if (allow_run_args && !strcmp(a, "--input")) {
			const char *eq = strchr(v, '=');
			if (!eq || eq == v) {
				fprintf(stderr, "axon-block: --input wants PORT=JSON, e.g. --input 'in={\"name\": \"Ada\"}'\n");
				return -1;
			}
			json_t *val = parse_json_arg("--input", eq + 1);
			if (!val)
				return -1;
			char *port = xstrndup(v, (size_t)(eq - v));
			json_object_set_new(o->inputs, port, val);
			free(port);
			i++;
		} else {
			fprintf(stderr, "axon-block: unknown option %s\n", a);
			return -1;
		}
	}
	return i;
}

/* The sandbox with one plugin, or NULL after saying why. */
static struct sandbox *start(struct options *o, const char *plugin)
{
	char err[600], real[PATH_MAX];
	if (!realpath(plugin, real)) {
		fprintf(stderr, "axon-block: %s: %s\n", plugin, strerror(errno));
		return NULL;
	}
	if (strlen(real) >= sizeof o->cfg.plugin_dirs) {
		fprintf(stderr, "axon-block: %s: the path is too long\n", plugin);
		return NULL;
	}
	memcpy(o->cfg.plugin_dirs, real, strlen(real) + 1);
	struct sandbox *sb = sandbox_start(&o->cfg, err, sizeof err);
	if (!sb) {
		fprintf(stderr, "axon-block: %s\n", err);
		return NULL;
	}
	json_t *reg = sandbox_registry(sb);
	json_t *skipped = json_array_get(json_object_get(reg, "skipped"), 0);
	if (skipped) {
		fprintf(stderr, "axon-block: %s: %s\n", plugin, json_string_value(json_object_get(skipped, "error")));
		json_decref(reg);
		sandbox_stop(sb);
		return NULL;
	}
	json_decref(reg);
	return sb;
}

static json_t *result_json(const struct run_result *r)
{
	return json_pack("{s:s, s:O, s:O, s:s?, s:I}", "status", run_outcome_name(r->outcome), "outputs", r->outputs,
	                 "logs", r->logs, "error", r->message, "elapsed_ms", (json_int_t)r->elapsed_ms);
}

static int cmd_info(struct options *o, int argc, char **argv)
{
	if (argc != 3) {
		usage(stderr);
		return EXIT_USAGE;
	}
	struct sandbox *sb = start(o, argv[2]);
	if (!sb)
		return EXIT_SANDBOX;
	json_t *reg = sandbox_registry(sb);
	json_dumpf(json_object_get(reg, "blocks"), stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(reg);
	sandbox_stop(sb);
	return 0;
}

static int cmd_run(struct options *o, int argc, char **argv)
{
	if (argc < 4 || parse_options(argc, argv, 4, o, 1) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	struct sandbox *sb = start(o, argv[2]);
	if (!sb)
		return EXIT_SANDBOX;
	struct run_result r;
	sandbox_run(sb, argv[3], o->config, o->inputs, &o->limits, &r);
	json_t *out = result_json(&r);
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	int code = run_outcome_exit_code(r.outcome);
	run_result_free(&r);
	sandbox_stop(sb);
	return code;
}

/* One fixture case: NULL if it passed, else what was wrong (caller frees). */
static char *check_case(const json_t *c, const struct run_result *r)
{
	struct strbuf why = STRBUF_INIT;
	const json_t *expect = json_object_get(c, "expect");
	const char *status = json_string_value(json_object_get(expect, "status"));
	const json_t *outputs = json_object_get(expect, "outputs");
	const char *contains = json_string_value(json_object_get(expect, "error_contains"));
	if (!status)
		status = "ok";
	if (strcmp(status, run_outcome_name(r->outcome)))
		sb_printf(&why, "status: got %s, want %s%s%s\n", run_outcome_name(r->outcome), status,
		          r->message ? ": " : "", r->message ? r->message : "");
	if (outputs && !json_equal(outputs, r->outputs)) {
		char *got = json_dumps(r->outputs, JSON_COMPACT | JSON_SORT_KEYS);
		char *want = json_dumps(outputs, JSON_COMPACT | JSON_SORT_KEYS);
		sb_printf(&why, "outputs: got %s\n  want %s\n", got, want);
		free(got);
		free(want);
	}
	if (contains && (!r->message || !strstr(r->message, contains)))
		sb_printf(&why, "error: got \"%s\", want it to contain \"%s\"\n", r->message ? r->message : "", contains);
	return why.len ? sb_detach(&why) : NULL;
}

static int cmd_test(struct options *o, int argc, char **argv)
{
	if (argc < 4 || parse_options(argc, argv, 4, o, 0) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	json_error_t je;
	json_t *fx = json_load_file(argv[3], JSON_REJECT_DUPLICATES, &je);
	json_t *cases = json_object_get(fx, "cases");
	if (!json_is_array(cases)) {
		fprintf(stderr, "axon-block: %s: %s\n", argv[3], fx ? "wants {\"block\": NAME, \"cases\": [...]} (see axon-block(1))" : je.text);
		json_decref(fx);
		return EXIT_USAGE;
	}
	struct sandbox *sb = start(o, argv[2]);
	if (!sb) {
		json_decref(fx);
		return EXIT_SANDBOX;
	}
	printf("1..%zu\n", json_array_size(cases));
	int failed = 0;
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *block = json_string_value(json_object_get(c, "block"));
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *limits = json_object_get(c, "limits");
		struct run_limits lim = o->limits;
		if (!block)
			block = json_string_value(json_object_get(fx, "block"));
		if (json_integer_value(json_object_get(limits, "wall_ms")))
			lim.wall_ms = (uint32_t)json_integer_value(json_object_get(limits, "wall_ms"));
		struct run_result r;
		if (json_is_true(json_object_get(c, "check")))
			sandbox_check(sb, block ? block : "(no block named)", json_object_get(c, "config"), &r);
		else
			sandbox_run(sb, block ? block : "(no block named)", json_object_get(c, "config"), json_object_get(c, "inputs"),
			            &lim, &r);
		char *why = check_case(c, &r);
		printf("%sok %zu - %s\n", why ? "not " : "", i + 1, name ? name : block ? block : "case");
		if (why) {
			failed++;
			for (char *line = strtok(why, "\n"); line; line = strtok(NULL, "\n"))
				printf("# %s\n", line);
		}
		free(why);
		run_result_free(&r);
	}
	sandbox_stop(sb);
	json_decref(fx);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct options o = { .inputs = json_object() };
	config_defaults(&o.cfg);
	log_open("stderr", LOG_LVL_WARN);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("axon-block %s (block ABI %d.%d)\n", PACKAGE_VERSION, AXON_ABI_MAJOR, AXON_ABI_MINOR);
		return 0;
	}
	int rc;
	if (!strcmp(argv[1], "new"))
		rc = argc == 3 ? scaffold_new(argv[2], stderr) : (usage(stderr), EXIT_USAGE);
	else if (!strcmp(argv[1], "info"))
		rc = cmd_info(&o, argc, argv);
	else if (!strcmp(argv[1], "run"))
		rc = cmd_run(&o, argc, argv);
	else if (!strcmp(argv[1], "test"))
		rc = cmd_test(&o, argc, argv);
	else {
		fprintf(stderr, "axon-block: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = EXIT_USAGE;
	}
	json_decref(o.config);
	json_decref(o.inputs);
	return rc;
}
