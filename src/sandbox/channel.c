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

static int add_text(const char *text, size_t size, void *buf)
{
	sb_add(buf, text, size);
	return 0;
}

int chan_append_json(struct strbuf *buf, const json_t *v)
{
	size_t at = buf->len;
	sb_add(buf, "\0\0\0\0", FRAME_HEADER); /* its length, once known */
	int rc = json_dump_callback(v, add_text, buf, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = buf->len - at - FRAME_HEADER;
	if (rc < 0 || len > UINT32_MAX) {
		buf->len = at;
		buf->data[at] = '\0';
		errno = rc < 0 ? ENOMEM : EMSGSIZE;
		return -1;
	}
	put_length((unsigned char *)buf->data + at, len);
	return 0;
}

int chan_write_frames(int fd, const struct strbuf *frames)
{
	return frames->len ? write_all(fd, frames->data, frames->len) : 0;
}

int chan_write_json(int fd, const json_t *v)
{
	struct strbuf frame = STRBUF_INIT;
	int rc = chan_append_json(&frame, v) < 0 ? -1 : chan_write_frames(fd, &frame);
	sb_free(&frame);
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
