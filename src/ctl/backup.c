/* axonctl backup and restore. A backup is a directory, made whole or not at
 * all (written as NAME.partial, renamed at the end): the database copied
 * with SQLite's online backup API while axond runs, the key files without
 * which its secrets are unreadable (secret.key; the credential key file,
 * credential_key_file, when it exists), and manifest.json with each
 * file's SHA-256 and where it goes back. A directory rather than an archive:
 * every part opens with the usual tools (sqlite3, sha256sum), nothing of our
 * own has to be parsed to get data back, and tar makes one file of it for
 * the trip elsewhere. restore checks the copy, refuses while the database is
 * open, and keeps every file it replaces beside it. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "ctl/ctl.h"
#include "store/store.h"
#include "strbuf.h"

const char ctl_help_backup[] =
	"usage: axonctl backup DIR\n"
	"\n"
	"Writes a backup of the running instance into the new directory DIR: the\n"
	"database (a consistent copy taken while axond goes on; no stop needed),\n"
	"secret.key and, when the configuration has one, the credential key file,\n"
	"with manifest.json naming each file's SHA-256. DIR must not exist: a backup\n"
	"never writes over anything. Keep it as safe as the keys in it.\n"
	"    axonctl backup /var/lib/axon-backups/axon-$(date +%Y%m%d-%H%M%S)\n";

const char ctl_help_restore[] =
	"usage: axonctl restore DIR\n"
	"\n"
	"Puts the backup in DIR back, into a stopped instance (systemctl stop axond\n"
	"first). Each file is checked against the manifest, the database with PRAGMA\n"
	"integrity_check and for a schema version this axonctl knows; then the\n"
	"database and key files in place are renamed NAME.before-restore-TIME, kept\n"
	"beside the restored ones, never deleted.\n";

#define MANIFEST "manifest.json"
#define BACKUP_FORMAT 1

/* The files of a backup: name in the directory, and where each goes back. */
struct part {
	const char *name;
	char target[1100];
};

/* The parts in the order they are written and restored. */
static size_t parts_of(struct ctl *c, struct part parts[3])
{
	parts[0] = (struct part){ "axon.db", "" };
	snprintf(parts[0].target, sizeof parts[0].target, "%s", c->cfg.database);
	parts[1] = (struct part){ "secret.key", "" };
	snprintf(parts[1].target, sizeof parts[1].target, "%s", c->cfg.secret_key_file);
	parts[2] = (struct part){ "credential.key", "" };
	snprintf(parts[2].target, sizeof parts[2].target, "%s", c->cfg.credential_key_file);
	return 3;
}

static char *path_in(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/%s", dir, name);
	return sb_detach(&sb);
}

/* Copies src to the new file dst (mode 0600), synced. -1 after saying why. */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		ctl_error("cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		ctl_error("cannot create %s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t n = 0;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				n = -1;
				break;
			}
			off += w;
		}
		if (n < 0)
			break;
	}
	int rc = n < 0 || fsync(out) < 0 ? -1 : 0;
	if (rc < 0)
		ctl_error("cannot copy %s to %s: %s", src, dst, strerror(errno));
	close(in);
	if (close(out) < 0 && rc == 0) {
		ctl_error("cannot write %s: %s", dst, strerror(errno));
		rc = -1;
	}
	return rc;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Removes a partial backup directory and what is in it (files only). */
static void remove_partial(const char *dir, const struct part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *p = path_in(dir, parts[i].name);
		unlink(p);
		free(p);
	}
	char *m = path_in(dir, MANIFEST);
	unlink(m);
	free(m);
	rmdir(dir);
}

/* Writes the parts into dir and the manifest; 0 or an exit status. */
static int write_parts(struct ctl *c, const char *dir, const struct part *parts, size_t n, json_t *files, int *version)
{
	int rc = ctl_check_owner(c->cfg.database);
	if (rc)
		return rc;
	char *db = path_in(dir, parts[0].name), err[1400];
	int src = store_backup(c->cfg.database, db, version, err, sizeof err);
	free(db);
	if (src != STORE_OK) {
		ctl_error("cannot back up the database: %s", err);
		return src == STORE_BUSY ? EX_TEMPFAIL : EX_IOERR;
	}
	for (size_t i = 0; i < n; i++) {
		char *p = path_in(dir, parts[i].name), sum[65];
		if (i > 0 && access(parts[i].target, F_OK) == 0 && copy_file(parts[i].target, p) < 0) {
			free(p);
			return EX_IOERR;
		}
		if (access(p, F_OK) == 0) {
			if (crypto_sha256_file(p, sum) < 0) {
				ctl_error("cannot read %s: %s", p, strerror(errno));
				free(p);
				return EX_IOERR;
			}
			json_object_set_new(files, parts[i].name, json_pack("{s:s, s:s}", "sha256", sum, "from", parts[i].target));
		}
		free(p);
	}
	return 0;
}

static int write_manifest(const char *dir, json_t *files, int version)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_t *m = json_pack("{s:i, s:s, s:s, s:i, s:O}", "format", BACKUP_FORMAT, "created_at", when, "axon",
			      PACKAGE_VERSION, "schema_version", version, "files", files);
	char *p = path_in(dir, MANIFEST);
	int rc = json_dump_file(m, p, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (rc < 0)
		ctl_error("cannot write %s", p);
	free(p);
	json_decref(m);
	return rc < 0 ? EX_IOERR : 0;
}

int cmd_backup(struct ctl *c, int argc, char **argv)
{
	if (store_path_is_postgresql(c->cfg.database)) {
		ctl_error("axonctl %s copies a SQLite file; this Axon keeps its data in PostgreSQL: use pg_dump and "
			  "pg_restore (the keys in the data directory too)", argv[0]);
		return EX_USAGE;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(ctl_help_backup, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-')
		return ctl_usage("backup", "give the backup's directory, a new name: axonctl backup DIR");
	const char *dir = argv[1];
	struct stat sb;
	if (lstat(dir, &sb) == 0) {
		ctl_error("%s exists already: a backup never writes over anything; give a new name", dir);
		return EX_CANTCREAT;
	}
	struct strbuf partial = STRBUF_INIT;
	sb_printf(&partial, "%s.partial", dir);
	if (mkdir(partial.data, 0700) < 0) {
		ctl_error("cannot create %s: %s%s", partial.data, strerror(errno),
			  errno == EEXIST ? " (a backup that was interrupted: remove it)" : "");
		sb_free(&partial);
		return EX_CANTCREAT;
	}
	struct part parts[3];
	size_t n = parts_of(c, parts);
	json_t *files = json_object();
	int version = 0;
	int rc = write_parts(c, partial.data, parts, n, files, &version);
	if (!rc)
		rc = write_manifest(partial.data, files, version);
	if (!rc) {
		sync_dir(partial.data);
		/* Whole or not at all, and still never over anything that appeared meanwhile. */
		if (renameat2(AT_FDCWD, partial.data, AT_FDCWD, dir, RENAME_NOREPLACE) < 0) {
			ctl_error("cannot rename %s to %s: %s", partial.data, dir, strerror(errno));
			rc = EX_CANTCREAT;
		}
	}
	if (rc) {
		remove_partial(partial.data, parts, n);
	} else {
		const char *name;
		json_t *f;
		printf("backup written to %s (schema version %d):", dir, version);
		json_object_foreach(files, name, f) printf(" %s", name);
		putchar('\n');
	}
	json_decref(files);
	sb_free(&partial);
	return rc;
}

/* Checks every file the manifest names against its SHA-256; 0 or an exit status. */
static int check_manifest(const char *dir, const struct part *parts, size_t n, json_t **files)
{
	char *p = path_in(dir, MANIFEST);
	json_error_t jerr;
	json_t *m = json_load_file(p, 0, &jerr);
	free(p);
	if (!m || json_integer_value(json_object_get(m, "format")) != BACKUP_FORMAT ||
	    !json_is_object(json_object_get(m, "files"))) {
		ctl_error("%s is not an Axon backup: its %s is missing or not one this axonctl reads%s%s", dir, MANIFEST,
			  m ? "" : ": ", m ? "" : jerr.text);
		json_decref(m);
		return EX_DATAERR;
	}
	*files = json_incref(json_object_get(m, "files"));
	json_decref(m);
	if (!json_object_get(*files, parts[0].name)) {
		ctl_error("%s holds no database (%s)", dir, parts[0].name);
		return EX_DATAERR;
	}
	const char *name;
	json_t *f;
	json_object_foreach(*files, name, f) {
		size_t i = 0;
		while (i < n && strcmp(parts[i].name, name))
			i++;
		if (i == n) {
			ctl_error("%s names a file this axonctl does not know: %s", MANIFEST, name);
			return EX_DATAERR;
		}
		char sum[65];
		p = path_in(dir, name);
		int ok = crypto_sha256_file(p, sum) == 0;
		free(p);
		if (!ok || !json_is_string(json_object_get(f, "sha256")) ||
		    strcmp(sum, json_string_value(json_object_get(f, "sha256")))) {
			ctl_error("%s/%s is %s: the backup is damaged", dir, name, ok ? "not what the manifest says" : "unreadable");
			return EX_DATAERR;
		}
	}
	return 0;
}

/* Puts target aside as target.before-restore-STAMP (if it exists). 0, or -1 after saying why. */
static int put_aside(const char *target, const char *stamp, struct strbuf *said)
{
	if (access(target, F_OK) != 0)
		return 0;
	struct strbuf aside = STRBUF_INIT;
	sb_printf(&aside, "%s.before-restore-%s", target, stamp);
	int rc = renameat2(AT_FDCWD, target, AT_FDCWD, aside.data, RENAME_NOREPLACE);
	if (rc < 0)
		ctl_error("cannot rename %s to %s: %s", target, aside.data, strerror(errno));
	else
		sb_printf(said, "  %s\n", aside.data);
	sb_free(&aside);
	return rc;
}

int cmd_restore(struct ctl *c, int argc, char **argv)
{
	if (store_path_is_postgresql(c->cfg.database)) {
		ctl_error("axonctl %s copies a SQLite file; this Axon keeps its data in PostgreSQL: use pg_dump and "
			  "pg_restore (the keys in the data directory too)", argv[0]);
		return EX_USAGE;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(ctl_help_restore, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-')
		return ctl_usage("restore", "give the backup's directory: axonctl restore DIR");
	const char *dir = argv[1];
	struct part parts[3];
	size_t n = parts_of(c, parts);
	json_t *files = NULL;
	int rc = check_manifest(dir, parts, n, &files);
	char err[1400];
	int version = 0;
	char *db = path_in(dir, parts[0].name);
	if (!rc && store_check_copy(db, &version, err, sizeof err) != STORE_OK) {
		ctl_error("%s", err);
		rc = EX_DATAERR;
	}
	free(db);
	if (!rc && access(parts[0].target, F_OK) == 0 && store_check_unused(parts[0].target, err, sizeof err) != STORE_OK) {
		ctl_error("%s", err);
		rc = EX_TEMPFAIL;
	}
	/* First every file beside its target (nothing changed if one fails), then the swap. */
	size_t copied = 0;
	for (; !rc && copied < n; copied++) {
		if (!json_object_get(files, parts[copied].name))
			continue;
		char *src = path_in(dir, parts[copied].name);
		struct strbuf tmp = STRBUF_INIT;
		sb_printf(&tmp, "%s.restoring", parts[copied].target);
		unlink(tmp.data);
		if (copy_file(src, tmp.data) < 0)
			rc = EX_CANTCREAT;
		free(src);
		sb_free(&tmp);
	}
	char stamp[32];
	time_t now = time(NULL);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
	struct strbuf said = STRBUF_INIT;
	for (size_t i = 0; !rc && i < n; i++) {
		if (!json_object_get(files, parts[i].name))
			continue;
		struct strbuf tmp = STRBUF_INIT;
		sb_printf(&tmp, "%s.restoring", parts[i].target);
		if (put_aside(parts[i].target, stamp, &said) < 0) {
			rc = EX_CANTCREAT;
		} else if (i == 0) {
			/* The database's own side files go with it, should any be left. */
			static const char *const sides[] = { "-wal", "-shm", "-journal" };
			for (size_t s = 0; s < 3 && !rc; s++) {
				struct strbuf side = STRBUF_INIT;
				sb_printf(&side, "%s%s", parts[0].target, sides[s]);
				if (put_aside(side.data, stamp, &said) < 0)
					rc = EX_CANTCREAT;
				sb_free(&side);
			}
		}
		if (!rc && rename(tmp.data, parts[i].target) < 0) {
			ctl_error("cannot rename %s to %s: %s", tmp.data, parts[i].target, strerror(errno));
			rc = EX_CANTCREAT;
		}
		sb_free(&tmp);
	}
	if (!rc) {
		printf("restored %s (schema version %d) into %s\n", dir, version, parts[0].target);
		if (said.len)
			printf("kept what was there before:\n%s", said.data);
	} else if (said.len) {
		fprintf(stderr, "Files were already put aside; rename them back to undo:\n%s", said.data);
	}
	for (size_t i = 0; i < copied && rc; i++) {
		struct strbuf tmp = STRBUF_INIT;
		sb_printf(&tmp, "%s.restoring", parts[i].target);
		unlink(tmp.data);
		sb_free(&tmp);
	}
	sb_free(&said);
	json_decref(files);
	return rc;
}
