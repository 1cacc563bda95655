/* axonctl: Axon from the command line, for operators and scripts. It reads
 * axond's configuration the way axond does, works on the same database
 * through the store, and runs workflows in-process with its own sandbox and
 * engine (src/ctl/runner.c). One file per area in src/ctl/. See axonctl(1). */
#include "build-config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctl/ctl.h"
#include "log.h"
#include "store/store.h"

#define DEFAULT_CONFIG AXON_SYSCONFDIR "/axon.conf"

static const char help[] =
	"usage: axonctl [-c FILE] [--database FILE] [--plugin-dirs DIRS] [-v] COMMAND [ARGS...]\n"
	"\n"
	"Commands:\n"
	"  user create NAME --role ROLE     create an account (password from the terminal or stdin)\n"
	"  user list                        list the accounts\n"
	"  workflow list                    list the workflows\n"
	"  workflow export ID|NAME [-o F]   write a workflow in the export format\n"
	"  workflow import FILE             store an exported workflow as a new one\n"
	"  run FILE.json [--input JSON]     run a workflow file here, print the run as JSON\n"
	"  run --workflow ID|NAME           run a stored workflow here\n"
	"  runs                             list runs (--workflow, --status, --limit, --json)\n"
	"  dead-letters                     list the runs that failed for good\n"
	"  dead-letters retry ID            run one of them again, here\n"
	"  credentials list|add|import      the credentials (never their values)\n"
	"  credentials rotate-key|verify    a new key-encryption key; check that all open\n"
	"  backup DIR                       copy the database and its keys, axond running\n"
	"  restore DIR                      put a backup back, axond stopped\n"
	"  migrate --to DATABASE            copy the SQLite database into an empty PostgreSQL one\n"
	"  help [COMMAND]                   this help, or a command's\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE     axond's configuration (default " DEFAULT_CONFIG " when it exists)\n"
	"  --database FILE       the database, over the configuration's\n"
	"  --plugin-dirs DIRS    the plugin directories (':'-separated), over the configuration's\n"
	"  -v, --verbose         the engine's log on stderr (-vv for debug)\n"
	"  --version, --help\n"
	"\n"
	"Run it as the user axond runs as. See axonctl(1).\n";

static const struct command {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "user", cmd_user, ctl_help_user },
	{ "workflow", cmd_workflow, ctl_help_workflow },
	{ "run", cmd_run, ctl_help_run },
	{ "runs", cmd_runs, ctl_help_runs },
	{ "dead-letters", cmd_dead_letters, ctl_help_dead_letters },
	{ "credentials", cmd_credentials, ctl_help_credentials },
	{ "backup", cmd_backup, ctl_help_backup },
	{ "restore", cmd_restore, ctl_help_restore },
	{ "migrate", cmd_migrate, ctl_help_migrate },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	if (!strcmp(name, "users") || !strcmp(name, "workflows"))
		return find_command(name[0] == 'u' ? "user" : "workflow");
	if (!strcmp(name, "dead-letter"))
		return find_command("dead-letters");
	return NULL;
}

static int unknown_command(const char *name)
{
	return ctl_usage(NULL, "there is no command '%s': the commands are user, workflow, run, runs, dead-letters, "
			 "credentials, backup, restore and migrate",
			 name);
}

/* The configuration as axond reads it: the file, then the options over it. 0 or an exit status. */
static int configure(struct ctl *c, const char *file, const char *database, const char *plugin_dirs)
{
	char err[1400];
	config_defaults(&c->cfg);
	if (!file && access(DEFAULT_CONFIG, R_OK) == 0)
		file = DEFAULT_CONFIG;
	if (file && config_load(&c->cfg, file, err, sizeof err) < 0) {
		ctl_error("%s", err);
		return EX_CONFIG;
	}
	c->config_file = file;
	if ((database && config_set(&c->cfg, "database", database, "option --database", err, sizeof err) < 0) ||
	    (plugin_dirs && config_set(&c->cfg, "plugin_dirs", plugin_dirs, "option --plugin-dirs", err, sizeof err) < 0)) {
		ctl_error("%s", err);
		return EX_USAGE;
	}
	if (config_finish(&c->cfg, err, sizeof err) < 0) {
		ctl_error("%s", err);
		return EX_USAGE;
	}
	store_set_node(c->cfg.node_name);
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_DATABASE = 256, O_PLUGIN_DIRS, O_VERSION };
	static const struct option opts[] = {
		{ "config", required_argument, 0, 'c' },
		{ "database", required_argument, 0, O_DATABASE },
		{ "plugin-dirs", required_argument, 0, O_PLUGIN_DIRS },
		{ "verbose", no_argument, 0, 'v' },
		{ "version", no_argument, 0, O_VERSION },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	static struct ctl c;
	const char *file = NULL, *database = NULL, *plugin_dirs = NULL;
	int ch;
	opterr = 0;
	/* '+': options stop at the command; what follows is the command's. */
	while ((ch = getopt_long(argc, argv, "+:c:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case O_DATABASE: database = optarg; break;
		case O_PLUGIN_DIRS: plugin_dirs = optarg; break;
		case 'v': c.verbose++; break;
		case O_VERSION: puts("axonctl " PACKAGE_VERSION); return 0;
		case 'h': fputs(help, stdout); return 0;
		default: return ctl_bad_option(NULL, ch, argv);
		}
	}
	if (optind >= argc)
		return ctl_usage(NULL, "give a command, such as 'axonctl workflow list'");
	const char *name = argv[optind];
	if (!strcmp(name, "help")) {
		if (optind + 1 >= argc) {
			fputs(help, stdout);
			return 0;
		}
		const struct command *cmd = find_command(argv[optind + 1]);
		if (!cmd)
			return unknown_command(argv[optind + 1]);
		fputs(cmd->help, stdout);
		return 0;
	}
	const struct command *cmd = find_command(name);
	if (!cmd)
		return unknown_command(name);
	int rc = configure(&c, file, database, plugin_dirs);
	if (rc)
		return rc;
	/* The engine and the sandbox log what goes wrong; people see warnings unless -v. */
	log_open("stderr", c.verbose > 1 ? LOG_LVL_DEBUG : c.verbose ? LOG_LVL_INFO : LOG_LVL_WARN);
	rc = cmd->run(&c, argc - optind, argv + optind);
	log_close();
	return rc;
}
