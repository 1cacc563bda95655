/* A growable byte buffer, always NUL-terminated. Allocation failure aborts:
 * a daemon that cannot allocate a few bytes has nothing better to do. */
#ifndef AXON_STRBUF_H
#define AXON_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s with & < > " ' replaced by entities: the one HTML escaper. */
void sb_add_html(struct strbuf *sb, const char *s, size_t len);
/* Appends s percent-encoded for a URL query value. */
void sb_add_urlenc(struct strbuf *sb, const char *s);
const char *sb_str(const struct strbuf *sb); /* "" when empty, never NULL */
char *sb_detach(struct strbuf *sb);          /* caller frees; sb is reset */
void sb_reset(struct strbuf *sb);            /* length 0, keeps the memory */
void sb_free(struct strbuf *sb);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* fn is called when one of the above cannot allocate, before the process
 * aborts (a sandboxed block's process reports its memory limit instead). */
void xalloc_on_failure(void (*fn)(void));

#endif
