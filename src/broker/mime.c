#include "broker/mime.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "binary.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	g_mime_init();
}

/* s as a JSON string: invalid UTF-8 replaced, never dropped. */
static json_t *text(const char *s)
{
	gchar *valid = g_utf8_make_valid(s ? s : "", -1);
	json_t *v = json_string(valid);
	g_free(valid);
	return v;
}

static void set_text(json_t *obj, const char *key, const char *s)
{
	if (s)
		json_object_set_new(obj, key, text(s));
}

/* s with its CRLF line ends (as mail carries text) made LF, in place. */
static char *unix_lines(char *s)
{
	char *w = s;
	for (const char *r = s; r && *r; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	if (w)
		*w = '\0';
	return s;
}

/* Each address of list, as "Name <addr@example.org>". */
static json_t *addresses(InternetAddressList *list)
{
	json_t *out = json_array();
	for (int i = 0; list && i < internet_address_list_length(list); i++) {
		char *s = internet_address_to_string(internet_address_list_get_address(list, i), NULL, FALSE);
		json_array_append_new(out, text(s));
		g_free(s);
	}
	return out;
}

/* The bare address of the first mailbox in list, or NULL. */
static const char *first_address(InternetAddressList *list)
{
	InternetAddress *a = list && internet_address_list_length(list) ? internet_address_list_get_address(list, 0) : NULL;
	return a && INTERNET_ADDRESS_IS_MAILBOX(a) ? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)) : NULL;
}

static void add_attachment(json_t *list, GMimeObject *part, GMimeStream *bytes, const char *filename)
{
	GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(bytes));
	char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
	gchar *name = filename ? g_utf8_make_valid(filename, -1) : NULL;
	json_array_append_new(list, binary_new(a->data, a->len, type, name));
	g_free(name);
	g_free(type);
}

/* One leaf of the body: the first text/plain and text/html parts that are
 * not attachments are the text and HTML; every other leaf is an attachment. */
static void visit(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	json_t *out = arg;
	(void)parent;
	if (GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		GMimeStream *bytes = g_mime_stream_mem_new();
		if (inner)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, bytes);
		add_attachment(json_object_get(out, "attachments"), part, bytes,
			       g_mime_object_get_content_disposition_parameter(part, "filename"));
		g_object_unref(bytes);
		return;
	}
	if (!GMIME_IS_PART(part))
		return; /* a multipart: its parts come next */
	GMimePart *leaf = GMIME_PART(part);
	const char *filename = g_mime_part_get_filename(leaf);
	if (GMIME_IS_TEXT_PART(part) && !filename && !g_mime_part_is_attachment(leaf)) {
		GMimeContentType *ct = g_mime_object_get_content_type(part);
		const char *key = g_mime_content_type_is_type(ct, "text", "plain") ? "text"
			: g_mime_content_type_is_type(ct, "text", "html") ? "html" : NULL;
		if (key && !json_string_length(json_object_get(out, key))) {
			char *s = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
			json_object_set_new(out, key, text(unix_lines(s)));
			g_free(s);
			return;
		}
	}
	GMimeStream *bytes = g_mime_stream_mem_new();
	GMimeDataWrapper *content = g_mime_part_get_content(leaf);
	if (content)
		g_mime_data_wrapper_write_to_stream(content, bytes); /* decodes base64 and quoted-printable */
	add_attachment(json_object_get(out, "attachments"), part, bytes, filename);
	g_object_unref(bytes);
}

json_t *mime_message(const void *data, size_t len, char *err, size_t errlen)
{
	pthread_once(&once, init);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (!m) {
		snprintf(err, errlen, "the server sent %zu bytes that are not a mail message", len);
		return NULL;
	}
	json_t *out = json_pack("{s:s, s:s, s:[]}", "text", "", "html", "", "attachments");
	set_text(out, "message_id", g_mime_message_get_message_id(m));
	set_text(out, "subject", g_mime_message_get_subject(m));
	InternetAddressList *from = g_mime_message_get_from(m);
	if (from && internet_address_list_length(from)) {
		char *s = internet_address_list_to_string(from, NULL, FALSE);
		set_text(out, "from", s);
		g_free(s);
		set_text(out, "from_address", first_address(from));
	}
	json_object_set_new(out, "to", addresses(g_mime_message_get_to(m)));
	json_object_set_new(out, "cc", addresses(g_mime_message_get_cc(m)));
	InternetAddressList *reply_to = g_mime_message_get_reply_to(m);
	if (reply_to && internet_address_list_length(reply_to)) {
		char *s = internet_address_list_to_string(reply_to, NULL, FALSE);
		set_text(out, "reply_to", s);
		g_free(s);
	}
	GDateTime *date = g_mime_message_get_date(m);
	if (date) {
		GDateTime *utc = g_date_time_to_utc(date);
		gchar *iso = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;
		set_text(out, "date", iso);
		g_free(iso);
		if (utc)
			g_date_time_unref(utc);
	}
	g_mime_message_foreach(m, visit, out);
	g_object_unref(m);
	return out;
}
