/* The framed channel between a block's child and the daemon, also used
 * between the daemon and the zygote: each frame is a 4-byte big-endian length
 * followed by that many bytes of JSON. Whoever reads a frame trusts nothing in
 * it: the length is checked against a limit before anything is allocated, and
 * the JSON is parsed and type-checked by the reader. */
#ifndef AXON_SANDBOX_CHANNEL_H
#define AXON_SANDBOX_CHANNEL_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "strbuf.h"

#define FRAME_HEADER 4

/* Appends v, serialized compactly, as one frame (header and payload) to buf:
 * frames built in one buffer go in one write, and so usually wake the reader
 * once. 0, or -1 with errno set and buf as it was. */
int chan_append_json(struct strbuf *buf, const json_t *v);
/* Blocking write of the frames in buf; retries on EINTR. 0, or -1 with errno set. */
int chan_write_frames(int fd, const struct strbuf *frames);
/* chan_append_json and chan_write_frames of one frame. */
int chan_write_json(int fd, const json_t *v);
/* Blocking read of one frame of at most max bytes into out (reset first).
 * Returns 1 for a frame, 0 for end of file before any byte, -1 for an error,
 * a torn frame or a frame over max (errno EMSGSIZE). */
int chan_read(int fd, size_t max, struct strbuf *out);
/* Parses a frame as a JSON object; NULL if it is not one. */
json_t *chan_parse(const char *data, size_t len);

/* For non-blocking readers: takes the first complete frame out of the bytes
 * in buf. Returns 1 and sets *payload and *len (pointing into buf, valid until
 * frame_consume), 0 if more bytes are needed, -1 if the frame is over max
 * (*len is then the length it claims). */
int frame_peek(const struct strbuf *buf, size_t max, const char **payload, size_t *len);
void frame_consume(struct strbuf *buf, size_t payload_len);

#endif
