/* axonctl migrate: the SQLite database of the configuration copied whole
 * into an empty PostgreSQL database (store_copy, src/store/copy.c), one line
 * per table, then what is left to do by hand. The target is only ever
 * printed without its password. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "store/store.h"

const char ctl_help_migrate[] =
	"usage: axonctl migrate --to DATABASE\n"
	"\n"
	"Copies the whole SQLite database of the configuration into DATABASE, an\n"
	"empty PostgreSQL database: a URI postgresql://USER@HOST:PORT/NAME?passfile=FILE\n"
	"or a libpq connection string (host=... dbname=...). It makes the schema,\n"
	"copies every table in one transaction, counts each table's rows on both\n"
	"sides and keeps nothing unless every count matches. Stop axond first\n"
	"(systemctl stop axond): the copy reads one snapshot, and what axond wrote\n"
	"after it would be left behind. Keep the password in a password file\n"
	"(passfile=), not on the command line.\n"
	"\n"
	"Credentials are copied sealed: secret.key, credential.key and secrets.json\n"
	"from data_dir must go to every node. Then set `database` in axon.conf.\n"
	"Exit status 65 when DATABASE holds data or a count differs, 69 when it\n"
	"cannot be reached.\n"
	"    axonctl migrate --to 'postgresql://axon@db.internal/axon?passfile=/etc/axon/pgpass'\n";

struct totals {
	int64_t rows;
	int tables;
};

static void progress(const char *table, int64_t rows, void *arg)
{
	struct totals *t = arg;
	printf("%-20s %" PRId64 "\n", table, rows);
	fflush(stdout);
	t->rows += rows;
	t->tables++;
}

static int copy_into(struct ctl *c, struct store *from, const char *target)
{
	struct store *to;
	char err[1400];
	if (store_open(target, &to, err, sizeof err) != STORE_OK) {
		ctl_error("%s", err);
		return EX_UNAVAILABLE;
	}
	struct totals t = { 0, 0 };
	int rc = store_copy(from, to, progress, &t);
	if (rc != STORE_OK) {
		ctl_error("nothing was copied: %s", store_errmsg(to));
		store_close(to);
		return rc == STORE_CONFLICT || rc == STORE_CORRUPT || rc == STORE_NOTFOUND ? EX_DATAERR : EX_SOFTWARE;
	}
	store_close(to);
	char *shown = store_path_public(target);
	printf("copied %" PRId64 " rows in %d tables; counts checked\n", t.rows, t.tables);
	printf("next: set `database = %s` in axon.conf, and copy %s, %s and %s (they open the credentials, "
	       "copied sealed) to every node running axond\n",
	       shown, c->cfg.secret_key_file, c->cfg.credential_key_file, c->cfg.secrets_file);
	free(shown);
	return 0;
}

int cmd_migrate(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, 0, 't' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *target = NULL;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 't': target = optarg; break;
		case 'h': fputs(ctl_help_migrate, stdout); return 0;
		default: return ctl_bad_option("migrate", ch, argv);
		}
	}
	if (optind < argc)
		return ctl_usage("migrate", "unexpected argument '%s' (the target is given with --to)", argv[optind]);
	if (!target)
		return ctl_usage("migrate", "give the PostgreSQL database to copy into: axonctl migrate --to DATABASE");
	if (!store_path_is_postgresql(target))
		return ctl_usage("migrate", "--to wants a PostgreSQL database (postgresql://USER@HOST/NAME or "
				 "host=... dbname=...), not a file name");
	if (store_path_is_postgresql(c->cfg.database)) {
		ctl_error("this Axon keeps its data in PostgreSQL already: migrate copies a SQLite file (to move "
			  "between PostgreSQL databases, use pg_dump and pg_restore)");
		return EX_USAGE;
	}
	struct store *from;
	int rc = ctl_open_store(c, &from);
	if (rc)
		return rc;
	rc = copy_into(c, from, target);
	store_close(from);
	return rc;
}
