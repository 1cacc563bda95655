/* Logging to stderr, a file (reopened on SIGHUP) or syslog. Thread-safe.
 * Never pass a secret to these functions: logs are read by people. */
#ifndef AXON_LOG_H
#define AXON_LOG_H

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* dest: "stderr", "syslog" or a file path. Returns 0, or -1 with errno set. */
int log_open(const char *dest, enum log_level level);
int log_reopen(void);
void log_close(void);
int log_level_parse(const char *s, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)

#endif
