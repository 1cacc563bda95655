#include "sandbox/channel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put_length(unsigned char h[FRAME_HEADER], size_t len)
{
	h[0] = (unsigned char)(len >> 24);
	h[1] = (unsigned char)(len >> 16);
	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
}

static size_t get_length(const unsigned char *h)
{
	return (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1 when len bytes were read, 0 at end of file before any, -1 otherwise. */
static int read_all(int fd, void *data, size_t len)
{
	char *p = data;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPIPE;
			return got ? -1 : 0;
		}
		got += (size_t)n;
	}
	return 1;
}

int chan_write(int fd, const void *data, size_t len)
{
	unsigned char h[FRAME_HEADER];
	if (len > UINT32_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	put_length(h, len);
	return write_all(fd, h, sizeof h) || write_all(fd, data, len) ? -1 : 0;
}

int chan_write_json(int fd, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	int rc = chan_write(fd, s, strlen(s));
	free(s);
	return rc;
}

int chan_read(int fd, size_t max, struct strbuf *out)
{
	unsigned char h[FRAME_HEADER];
	sb_reset(out);
	int rc = read_all(fd, h, sizeof h);
	if (rc <= 0)
		return rc;
	size_t len = get_length(h);
	if (len > max) {
		errno = EMSGSIZE;
		return -1;
	}
	sb_grow(out, len);
	if (len && read_all(fd, out->data, len) != 1)
		return -1;
	out->len = len;
	out->data[len] = '\0';
	return 1;
}

json_t *chan_parse(const char *data, size_t len)
{
	json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
	if (v && !json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

int frame_peek(const struct strbuf *buf, size_t max, const char **payload, size_t *len)
{
	if (buf->len < FRAME_HEADER)
		return 0;
	size_t n = get_length((const unsigned char *)buf->data);
	*len = n;
	if (n > max)
		return -1;
	if (buf->len - FRAME_HEADER < n)
		return 0;
	*payload = buf->data + FRAME_HEADER;
	*len = n;
	return 1;
}

void frame_consume(struct strbuf *buf, size_t payload_len)
{
	size_t n = FRAME_HEADER + payload_len;
	memmove(buf->data, buf->data + n, buf->len - n);
	buf->len -= n;
	buf->data[buf->len] = '\0';
}

void frame_append(struct strbuf *buf, const void *data, size_t len)
{
	unsigned char h[FRAME_HEADER];
	put_length(h, len);
	sb_add(buf, h, sizeof h);
	sb_add(buf, data, len);
}
