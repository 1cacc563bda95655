/* axonctl credentials: list, add, import the old secrets_file, rotate the
 * key-encryption key, verify that every credential opens. Fields are checked
 * and sealed by credential_edit.c, as the web does. */
#include <getopt.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "credential_edit.h"
#include "credential_types.h"
#include "ctl/ctl.h"
#include "keyring.h"
#include "store/store.h"

const char ctl_help_credentials[] =
	"usage: axonctl credentials list [--json]\n"
	"       axonctl credentials types\n"
	"       axonctl credentials add NAME --type TYPE --fields JSON|@FILE [--owner USER]\n"
	"       axonctl credentials import [--type TYPE] [--owner USER]\n"
	"       axonctl credentials rotate-key\n"
	"       axonctl credentials verify\n"
	"\n"
	"list        the credentials: type, owner, last use, workflows using it (never a value)\n"
	"types       the credential types and their fields (secret ones marked)\n"
	"add         stores a credential; its fields as a JSON object, best from a file\n"
	"            (@FILE, or @- for standard input) so that no secret is in the command line\n"
	"import      stores each secret of secrets_file as a credential of TYPE (default\n"
	"            bearer) under the same name, its value in the type's secret field; names\n"
	"            taken already are skipped. The file itself is left alone.\n"
	"rotate-key  a new key-encryption key: every credential's data key is rewrapped under\n"
	"            it in one transaction, and the old key is kept as credential_key_file.KEYID\n"
	"            until you remove it. Stopped at any point, every credential stays readable;\n"
	"            run it again to finish.\n"
	"verify      opens every credential with the key files, and says which do not open\n"
	"\n"
	"The owner (default: the first owner account) is who may use and share a credential.\n";

/* For the rotation test only: AXON_TEST_CRASH_AT=NAME kills axonctl at the
 * point called NAME, as a power cut would. */
static void crash_point(const char *name)
{
	const char *at = getenv("AXON_TEST_CRASH_AT");
	if (at && !strcmp(at, name))
		raise(SIGKILL);
}

static int owner_id(struct store *st, const char *name, int64_t *id)
{
	struct user u;
	json_t *users = NULL, *v;
	size_t i;
	if (name) {
		int rc = store_user_by_name(st, name, &u, NULL);
		if (rc == STORE_NOTFOUND) {
			ctl_error("there is no user '%s' (see 'axonctl user list')", name);
			return EX_DATAERR;
		}
		*id = u.id;
		return rc == STORE_OK ? 0 : ctl_store_failed(st, rc, "look up the owner");
	}
	int rc = store_user_list(st, &users);
	if (rc != STORE_OK)
		return ctl_store_failed(st, rc, "list the users");
	*id = 0;
	json_array_foreach(users, i, v)
		if (!*id && !strcmp(json_string_value(json_object_get(v, "role")), "owner"))
			*id = json_integer_value(json_object_get(v, "id"));
	json_decref(users);
	if (!*id) {
		ctl_error("there is no owner account yet: make one first (axonctl user create NAME --role owner)");
		return EX_DATAERR;
	}
	return 0;
}

static int list(struct ctl *c, bool json)
{
	struct store *st;
	json_t *all = NULL, *v;
	size_t i;
	int rc = ctl_open_store(c, &st);
	if (rc)
		return rc;
	if ((rc = store_credential_list(st, &all)) != STORE_OK) {
		rc = ctl_store_failed(st, rc, "list the credentials");
		store_close(st);
		return rc;
	}
	if (!json)
		printf("%6s  %-14s  %-12s  %-19s  %9s  %s\n", "ID", "TYPE", "OWNER", "LAST USED", "WORKFLOWS", "NAME");
	json_array_foreach(all, i, v) {
		char when[32], name[400];
		if (json) {
			ctl_print_json_line(stdout, v);
			continue;
		}
		printf("%6lld  %-14s  %-12s  %-19s  %9lld  %s\n", (long long)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "type")), json_string_value(json_object_get(v, "owner")) ?: "-",
		       ctl_time(json_integer_value(json_object_get(v, "last_used_at")) * 1000, when),
		       (long long)json_array_size(json_object_get(v, "used_by")),
		       ctl_cell(json_string_value(json_object_get(v, "name")), 100, name, sizeof name));
	}
	json_decref(all);
	store_close(st);
	return 0;
}

static int types(void)
{
	size_t i;
	json_t *t, *all = credential_type_list();
	json_array_foreach(all, i, t) {
		const char *key;
		json_t *p;
		printf("%-14s %s:", json_string_value(json_object_get(t, "name")), json_string_value(json_object_get(t, "title")));
		json_object_foreach(json_object_get(json_object_get(t, "schema"), "properties"), key, p)
			printf(" %s%s", key, json_is_true(json_object_get(p, "secret")) ? " (secret)" : "");
		putchar('\n');
	}
	json_decref(all);
	return 0;
}

/* The keyring, its key file made if this is the first use. NULL after saying why. */
static struct keyring *open_keyring(struct ctl *c)
{
	char err[1200];
	if (keyring_create_if_missing(c->cfg.credential_key_file, err, sizeof err) < 0) {
		ctl_error("%s", err);
		return NULL;
	}
	return keyring_new(c->cfg.credential_key_file);
}

static int add(struct ctl *c, const char *name, const char *type, const char *fields_arg, const char *owner)
{
	char err[1200];
	if (!type || !fields_arg)
		return ctl_usage("credentials", "add needs --type TYPE and --fields JSON|@FILE");
	json_t *fields = ctl_json_arg("--fields", fields_arg);
	if (!fields)
		return EX_DATAERR;
	struct store *st;
	struct keyring *kr = open_keyring(c);
	int64_t who = 0, id = 0;
	int rc = kr ? ctl_open_store(c, &st) : EX_SOFTWARE;
	if (rc) {
		keyring_free(kr);
		json_decref(fields);
		return rc;
	}
	rc = owner_id(st, owner, &who);
	if (!rc && credential_create(st, kr, who, name, type, fields, &id, err, sizeof err) != STORE_OK) {
		ctl_error("cannot store the credential: %s", err);
		rc = EX_DATAERR;
	}
	if (!rc)
		printf("%lld\n", (long long)id);
	json_decref(fields);
	keyring_free(kr);
	store_close(st);
	return rc;
}

/* The first secret field of type: where an imported value goes. */
static const char *secret_field(const json_t *type)
{
	const char *key;
	json_t *p;
	json_object_foreach(json_object_get(json_object_get(type, "schema"), "properties"), key, p)
		if (json_is_true(json_object_get(p, "secret")))
			return key;
	return NULL;
}

static int import(struct ctl *c, const char *type, const char *owner)
{
	char err[1200];
	const json_t *t = credential_type_get(type);
	const char *field = secret_field(t);
	if (!field)
		return ctl_usage("credentials", "--type must name a credential type with a secret field (see 'axonctl credentials types')");
	json_error_t je;
	json_t *file = json_load_file(c->cfg.secrets_file, JSON_REJECT_DUPLICATES, &je), *v;
	const char *name;
	if (!json_is_object(file)) {
		ctl_error("cannot read the secrets file %s: %s", c->cfg.secrets_file, file ? "it is not a JSON object" : je.text);
		json_decref(file);
		return EX_DATAERR;
	}
	struct store *st;
	struct keyring *kr = open_keyring(c);
	int64_t who = 0, id, found;
	int imported = 0, skipped = 0;
	int rc = kr ? ctl_open_store(c, &st) : EX_SOFTWARE;
	if (!rc && !(rc = owner_id(st, owner, &who))) {
		json_object_foreach(file, name, v) {
			json_t *fields = json_pack("{s:O}", field, v);
			if (store_credential_find(st, name, &found) == STORE_OK) {
				fprintf(stderr, "skipped '%s': a credential of that name exists\n", name);
				skipped++;
			} else if (credential_create(st, kr, who, name, type, fields, &id, err, sizeof err) != STORE_OK) {
				ctl_error("cannot import '%s': %s", name, err);
				rc = EX_DATAERR;
			} else {
				imported++;
			}
			json_decref(fields);
		}
		printf("imported %d, skipped %d\n", imported, skipped);
	}
	if (kr && rc != EX_SOFTWARE)
		store_close(st);
	keyring_free(kr);
	json_decref(file);
	return rc;
}

struct rotation {
	struct keyring *kr;
	struct envelope_key next;
	int done;
};

static char *rewrap(void *arg, const char *sealed, char *err, size_t errlen)
{
	struct rotation *r = arg;
	char kid[ENVELOPE_KID_CHARS + 1];
	struct envelope_key old;
	if (envelope_kid(sealed, kid, err, errlen) < 0)
		return NULL;
	if (++r->done == 2)
		crash_point("in-transaction");
	if (!strcmp(kid, r->next.id))
		return strdup(sealed); /* a rotation stopped earlier got this far */
	if (keyring_find(r->kr, kid, &old, err, errlen) < 0)
		return NULL;
	char *s = envelope_rewrap(&old, &r->next, sealed, err, errlen);
	envelope_key_clear(&old);
	return s;
}

static int rotate(struct ctl *c)
{
	char err[1200];
	struct store *st;
	struct rotation r = { open_keyring(c), { { 0 }, "" }, 0 };
	int count = 0;
	int rc = r.kr ? ctl_open_store(c, &st) : EX_SOFTWARE;
	if (rc) {
		keyring_free(r.kr);
		return rc;
	}
	if (keyring_rotate_begin(r.kr, &r.next, err, sizeof err) < 0) {
		ctl_error("%s", err);
		rc = EX_CANTCREAT;
	}
	crash_point("begun");
	if (!rc && (rc = store_credential_reseal_all(st, 0, rewrap, &r, &count)) != STORE_OK)
		rc = ctl_store_failed(st, rc, "rewrap the credentials (nothing was changed)");
	crash_point("committed");
	if (!rc && keyring_rotate_end(r.kr, err, sizeof err) < 0) {
		ctl_error("%s", err);
		rc = EX_CANTCREAT;
	}
	if (!rc)
		printf("rewrapped %d credential%s under key %s; the old key is kept beside %s, remove it once "
		       "no backup needs it\n", count, count == 1 ? "" : "s", r.next.id, c->cfg.credential_key_file);
	envelope_key_clear(&r.next);
	keyring_free(r.kr);
	store_close(st);
	return rc;
}

static int verify(struct ctl *c)
{
	char err[1200];
	struct store *st;
	json_t *all = NULL, *v;
	size_t i, len;
	int bad = 0;
	int rc = ctl_open_store(c, &st);
	if (rc)
		return rc;
	struct keyring *kr = keyring_new(c->cfg.credential_key_file);
	if ((rc = store_credential_sealed_list(st, &all)) != STORE_OK)
		rc = ctl_store_failed(st, rc, "list the credentials");
	json_array_foreach(all, i, v) {
		char *plain = keyring_unseal(kr, json_string_value(json_object_get(v, "sealed")), &len, err, sizeof err);
		const char *name = json_string_value(json_object_get(v, "name"));
		if (plain) {
			printf("ok      %s\n", name);
			OPENSSL_cleanse(plain, len);
			free(plain);
		} else {
			printf("FAILED  %s: %s\n", name, err);
			bad++;
		}
	}
	json_decref(all);
	keyring_free(kr);
	store_close(st);
	return rc ? rc : bad ? EX_DATAERR : 0;
}

int cmd_credentials(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, 0, 'j' },
		{ "type", required_argument, 0, 't' },
		{ "fields", required_argument, 0, 'f' },
		{ "owner", required_argument, 0, 'o' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *type = NULL, *fields = NULL, *owner = NULL;
	bool json = false;
	int ch;
	optind = 0;
	opterr = 0;
	/* Options may come after the arguments: "credentials add NAME --type bearer". */
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 't': type = optarg; break;
		case 'f': fields = optarg; break;
		case 'o': owner = optarg; break;
		case 'h': fputs(ctl_help_credentials, stdout); exit(0);
		default: return ctl_bad_option("credentials", ch, argv);
		}
	}
	const char *what = optind < argc ? argv[optind++] : NULL;
	if (!what)
		return ctl_usage("credentials", "say what to do: list, types, add, import, rotate-key or verify");
	int rest = argc - optind;
	if (!strcmp(what, "list") && !rest)
		return list(c, json);
	if (!strcmp(what, "types") && !rest)
		return types();
	if (!strcmp(what, "add") && rest == 1)
		return add(c, argv[optind], type, fields, owner);
	if (!strcmp(what, "import") && !rest)
		return import(c, type ? type : "bearer", owner);
	if (!strcmp(what, "rotate-key") && !rest)
		return rotate(c);
	if (!strcmp(what, "verify") && !rest)
		return verify(c);
	return ctl_usage("credentials", "'%s' with %d argument%s is not a credentials command", what, rest, rest == 1 ? "" : "s");
}
