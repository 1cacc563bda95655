#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;      /* NULL means stderr */
static char log_path[4096]; /* empty unless logging to a file */
static int log_syslog;
static enum log_level log_min = LOG_LVL_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int log_open(const char *dest, enum log_level level)
{
	pthread_mutex_lock(&log_lock);
	log_min = level;
	log_syslog = 0;
	log_path[0] = '\0';
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	int rc = 0;
	if (strcmp(dest, "syslog") == 0) {
		openlog("axond", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_syslog = 1;
	} else if (strcmp(dest, "stderr") != 0) {
		snprintf(log_path, sizeof log_path, "%s", dest);
		log_file = fopen(log_path, "ae");
		if (!log_file)
			rc = -1;
		else
			setvbuf(log_file, NULL, _IOLBF, 0);
	}
	pthread_mutex_unlock(&log_lock);
	return rc;
}

int log_reopen(void)
{
	int rc = 0;
	pthread_mutex_lock(&log_lock);
	if (log_path[0]) {
		FILE *f = fopen(log_path, "ae");
		if (f) {
			setvbuf(f, NULL, _IOLBF, 0);
			fclose(log_file);
			log_file = f;
		} else {
			rc = -1;
		}
	} else if (log_syslog) {
		closelog();
		openlog("axond", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
	pthread_mutex_unlock(&log_lock);
	return rc;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	if (log_syslog)
		closelog();
	log_syslog = 0;
	pthread_mutex_unlock(&log_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < log_min)
		return;
	int saved = errno;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* One line per entry: a newline in a message could forge a log line. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	pthread_mutex_lock(&log_lock);
	if (log_syslog) {
		static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
		syslog(prio[level], "%s", msg);
	} else {
		char stamp[32];
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(log_file ? log_file : stderr, "%s.%03ldZ %s %s\n", stamp, ts.tv_nsec / 1000000,
			level_names[level], msg);
	}
	pthread_mutex_unlock(&log_lock);
	errno = saved;
}
