/* axonctl user: create an account (the first one becomes the owner, as
 * /setup does), list accounts. The username and password rules are the web's
 * own functions (check_username, check_new_password in web/pages/common.c),
 * linked from libaxon.a, so that both say the same. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crypto.h"
#include "ctl/ctl.h"
#include "store/store.h"
#include "web/pages/pages.h"

#define PASSWORD_MAX 1024

const char ctl_help_user[] =
	"usage: axonctl user create NAME --role owner|editor|viewer\n"
	"       axonctl user list [--json]\n"
	"\n"
	"create makes an account. The password is read from a terminal (twice, without\n"
	"echo) or else as one line on standard input:\n"
	"    printf '%s\\n' \"$PASSWORD\" | axonctl user create ada --role editor\n"
	"The first account must be the owner (as the web's /setup makes it).\n"
	"Usernames have 1 to 64 letters, digits, dots, dashes or underscores;\n"
	"passwords 8 to 1024 characters.\n"
	"\n"
	"list prints the accounts as a table, or one JSON object a line with --json.\n";

static struct termios saved_tty;

/* ^C at a password prompt must not leave the terminal without echo. */
static void restore_tty(int sig)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from stdin, without its newline, into buf; -1 at end of input or when too long. */
static int read_line(char *buf, size_t len)
{
	if (!fgets(buf, (int)len, stdin))
		return -1;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin))
		return -2; /* longer than buf */
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int prompt_hidden(const char *prompt, char *buf, size_t len)
{
	struct termios quiet;
	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return read_line(buf, len);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	signal(SIGINT, restore_tty);
	signal(SIGTERM, restore_tty);
	fputs(prompt, stderr);
	fflush(stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	int rc = read_line(buf, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return rc;
}

/* The new password, checked as the web checks it; an exit status when it is refused. */
static int read_password(const char *user, char *pw, char *again, size_t len)
{
	int rc;
	if (isatty(STDIN_FILENO)) {
		char prompt[120];
		snprintf(prompt, sizeof prompt, "Password for %s: ", user);
		rc = prompt_hidden(prompt, pw, len);
		if (!rc)
			rc = prompt_hidden("The same password again: ", again, len);
	} else {
		rc = read_line(pw, len);
		if (!rc)
			memcpy(again, pw, len);
	}
	if (rc == -1) {
		ctl_error("no password was given: type it at the prompt, or give it as one line on standard input");
		return EX_DATAERR;
	}
	const char *why = rc == -2 ? "A password has at most 1024 characters." : check_new_password(pw, again);
	if (why) {
		ctl_error("%s The account was not created.", why);
		return EX_DATAERR;
	}
	return 0;
}

static int create(struct ctl *c, const char *name, enum role role)
{
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
	int rc = read_password(name, pw, again, sizeof pw);
	explicit_bzero(again, sizeof again);
	char *hash = rc ? NULL : password_hash(pw);
	explicit_bzero(pw, sizeof pw);
	if (!rc && !hash) {
		ctl_error("the password could not be hashed (OpenSSL's scrypt failed); the account was not created");
		rc = EX_SOFTWARE;
	}
	struct store *st = NULL;
	if (!rc)
		rc = ctl_open_store(c, &st);
	int64_t users = 0, id = 0;
	int src = rc ? STORE_OK : store_user_count(st, &users);
	if (!rc && src != STORE_OK)
		rc = ctl_store_failed(st, src, "count the accounts");
	if (!rc && !users && role != ROLE_OWNER) {
		ctl_error("there is no account yet, and the first one must be the owner: create it with --role owner");
		rc = EX_DATAERR;
	}
	if (!rc) {
		src = users ? store_user_create(st, 0, name, hash, role, &id) : store_setup_owner(st, name, hash, &id);
		if (src == STORE_CONFLICT && users)
			ctl_error("there is already an account named '%s': choose another name", name);
		else if (src == STORE_CONFLICT)
			ctl_error("the owner was created by someone else meanwhile: run the command again");
		if (src == STORE_CONFLICT)
			rc = EX_DATAERR;
		else if (src != STORE_OK)
			rc = ctl_store_failed(st, src, "create the account");
	}
	if (!rc)
		printf("Created the account %s (%s), number %lld.\n", name, role_name(role), (long long)id);
	free(hash);
	store_close(st);
	return rc;
}

static int list(struct ctl *c, bool json)
{
	struct store *st;
	int rc = ctl_open_store(c, &st);
	if (rc)
		return rc;
	json_t *users = NULL;
	int src = store_user_list(st, &users);
	if (src != STORE_OK) {
		rc = ctl_store_failed(st, src, "list the accounts");
		store_close(st);
		return rc;
	}
	store_close(st);
	size_t i;
	json_t *u;
	if (!json)
		printf("%6s  %-24s  %-7s  %-8s  %s\n", "ID", "USERNAME", "ROLE", "STATE", "CREATED");
	json_array_foreach(users, i, u) {
		char when[32];
		if (json) {
			ctl_print_json_line(stdout, u);
			continue;
		}
		printf("%6lld  %-24s  %-7s  %-8s  %s\n", (long long)json_integer_value(json_object_get(u, "id")),
		       json_string_value(json_object_get(u, "username")),
		       json_string_value(json_object_get(u, "role")),
		       json_is_true(json_object_get(u, "disabled")) || json_integer_value(json_object_get(u, "disabled"))
			       ? "disabled" : "active",
		       ctl_time(json_integer_value(json_object_get(u, "created_at")) * 1000, when));
	}
	if (!json && !json_array_size(users))
		puts("No accounts yet: create the owner with 'axonctl user create NAME --role owner'.");
	json_decref(users);
	return 0;
}

int cmd_user(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, 0, 'r' },
		{ "json", no_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *role_text = NULL;
	bool json = false;
	int ch;
	optind = 0;
	opterr = 0;
	/* Options may come after the arguments: "user create ada --role editor". */
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': role_text = optarg; break;
		case 'j': json = true; break;
		case 'h': fputs(ctl_help_user, stdout); exit(0);
		default: return ctl_bad_option("user", ch, argv);
		}
	}
	const char *sub = optind < argc ? argv[optind++] : NULL;
	if (!sub)
		return ctl_usage("user", "what about users? 'axonctl user create NAME --role ROLE' or 'axonctl user list'");
	if (!strcmp(sub, "list")) {
		if (optind < argc || role_text)
			return ctl_usage("user", "'user list' takes only --json");
		return list(c, json);
	}
	if (strcmp(sub, "create"))
		return ctl_usage("user", "there is no command 'user %s': the commands are 'user create' and 'user list'",
				 sub);
	if (optind >= argc)
		return ctl_usage("user", "whose account? Give the username: axonctl user create NAME --role ROLE");
	const char *name = argv[optind++];
	if (optind < argc)
		return ctl_usage("user", "unexpected argument '%s' after the username", argv[optind]);
	enum role role;
	if (!role_text)
		return ctl_usage("user", "give the account's role: --role owner, --role editor or --role viewer");
	if (role_parse(role_text, &role) < 0)
		return ctl_usage("user", "there is no role '%s': the roles are owner, editor and viewer", role_text);
	const char *why = check_username(name);
	if (why) {
		ctl_error("'%s' cannot be a username: %s", name, why);
		return EX_DATAERR;
	}
	return create(c, name, role);
}
