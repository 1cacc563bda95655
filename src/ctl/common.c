/* What every axonctl command shares: messages, the database, files, option
 * values and output. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "store/store.h"
#include "strbuf.h"

#define MAX_FILE (64u << 20)

__attribute__((format(printf, 1, 0))) static void verror(const char *fmt, va_list ap)
{
	fputs("axonctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ctl_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

int ctl_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, "See 'axonctl %s --help'.\n", command);
	else
		fputs("See 'axonctl --help'.\n", stderr);
	return EX_USAGE;
}

int ctl_bad_option(const char *command, int ch, char **argv)
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *name = ch != ':' && optopt && optopt < 256 ? shortopt : argv[optind - 1];
	if (ch == ':')
		return ctl_usage(command, "the option %s needs a value", name);
	return ctl_usage(command, "there is no option %s%s%s", name, command ? " for " : "", command ? command : "");
}

/* Files SQLite creates next to the database (-wal, -shm) belong to whoever
 * creates them: root's would lock axond out of its own database. */
int ctl_check_owner(const char *path)
{
	struct stat sb;
	if (geteuid() != 0 || stat(path, &sb) < 0 || sb.st_uid == 0)
		return 0;
	const struct passwd *pw = getpwuid(sb.st_uid);
	char who[64];
	if (pw)
		snprintf(who, sizeof who, "%s", pw->pw_name);
	else
		snprintf(who, sizeof who, "#%ld", (long)sb.st_uid);
	ctl_error("the database %s belongs to the user %s, and files that root creates beside it would keep axond "
		  "from writing it: run axonctl as that user (sudo -u %s axonctl ...)",
		  path, who, who);
	return EX_NOPERM;
}

int ctl_open_store(struct ctl *c, struct store **st)
{
	char err[1400];
	int rc = ctl_check_owner(c->cfg.database);
	if (rc)
		return rc;
	if (store_open(c->cfg.database, st, err, sizeof err) != STORE_OK) {
		ctl_error("%s", err);
		if (!c->config_file)
			fputs("(No configuration file was read: give axond's with -c FILE, or the database with "
			      "--database FILE.)\n",
			      stderr);
		return EX_SOFTWARE;
	}
	return 0;
}

int ctl_store_failed(struct store *st, int rc, const char *what)
{
	ctl_error("cannot %s: %s", what, store_errmsg(st));
	switch (rc) {
	case STORE_NOTFOUND:
	case STORE_CONFLICT:
		return EX_DATAERR;
	case STORE_BUSY:
		fputs("(Another process holds the database locked; try again in a moment.)\n", stderr);
		return EX_TEMPFAIL;
	default:
		return EX_SOFTWARE;
	}
}

int ctl_find_workflow(struct store *st, const char *ref, int64_t *id)
{
	int rc = store_workflow_find(st, ref, id);
	if (rc == STORE_NOTFOUND) {
		ctl_error("there is no workflow '%s': give its number or its exact name (see 'axonctl workflow list')",
			  ref);
		return EX_DATAERR;
	}
	return rc == STORE_OK ? 0 : ctl_store_failed(st, rc, "look up the workflow");
}

const char *ctl_file_name(const char *path)
{
	return strcmp(path, "-") ? path : "standard input";
}

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		ctl_error("cannot read %s: %s", ctl_file_name(path), strerror(errno));
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0 && sb.len <= MAX_FILE)
		sb_add(&sb, buf, n);
	int failed = ferror(f), saved = errno;
	if (f != stdin)
		fclose(f);
	if (failed || sb.len > MAX_FILE) {
		if (failed)
			ctl_error("cannot read %s: %s", ctl_file_name(path), strerror(saved));
		else
			ctl_error("%s is larger than %u MiB: that is not a workflow file", ctl_file_name(path), MAX_FILE >> 20);
		sb_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return sb_detach(&sb);
}

json_t *ctl_json_arg(const char *option, const char *text)
{
	char *file = NULL;
	size_t len = strlen(text);
	if (text[0] == '@' && !(file = ctl_read_file(text + 1, &len)))
		return NULL;
	json_error_t je;
	json_t *v = json_loadb(file ? file : text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!v)
		ctl_error("%s%s%s is not JSON: %s (line %d, column %d); quote it for the shell, as in %s '{\"name\": "
			  "\"Ada\"}', or give @FILE",
			  option, file ? " " : "", file ? text : "", je.text, je.line, je.column, option);
	free(file);
	return v;
}

long ctl_number_arg(const char *command, const char *option, const char *text, long max)
{
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (errno || end == text || *end || n < 1 || n > max) {
		ctl_usage(command, "%s wants a whole number from 1 to %ld, not '%s'", option, max, text);
		return -1;
	}
	return n;
}

int64_t ctl_duration_arg(const char *command, const char *option, const char *text)
{
	char *end;
	errno = 0;
	long long n = strtoll(text, &end, 10);
	long long unit = !strcmp(end, "") || !strcmp(end, "s") ? 1000
			 : !strcmp(end, "m")			 ? 60000
			 : !strcmp(end, "h")			 ? 3600000
			 : !strcmp(end, "d")			 ? 86400000
							 : 0;
	if (errno || end == text || !unit || n < 1 || n > 365LL * 86400000 / unit) {
		ctl_usage(command, "%s wants a duration such as 90, 90s, 15m, 2h or 1d, not '%s'", option, text);
		return -1;
	}
	return n * unit;
}

void ctl_print_json(FILE *f, const json_t *v)
{
	json_dumpf(v, f, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', f);
}

void ctl_print_json_line(FILE *f, const json_t *v)
{
	json_dumpf(v, f, JSON_COMPACT | JSON_ENCODE_ANY);
	fputc('\n', f);
}

const char *ctl_time(int64_t ms, char buf[32])
{
	if (!ms)
		return "-";
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, 32, "%lld", (long long)ms);
	return buf;
}

const char *ctl_cell(const char *text, size_t width, char *buf, size_t buflen)
{
	size_t chars = 0, n = 0;
	const char *p = text ? text : "";
	for (; *p && n + 4 < buflen; p++) {
		unsigned char ch = (unsigned char)*p;
		bool starts = (ch & 0xC0) != 0x80;
		if (starts && chars == width)
			break;
		chars += starts;
		buf[n++] = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : (char)ch;
	}
	if (*p) { /* cut: the last character gives way to an ellipsis */
		while (n && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			n--;
		if (n)
			n--;
		memcpy(buf + n, "\xe2\x80\xa6", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}
