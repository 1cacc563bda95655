/* Mail messages read by the broker's IMAP service (src/broker/mime.c, on
 * GMime): encoded words in UTF-8 and ISO-8859-1, base64 and Q, adjacent ones
 * joined; nested multiparts with the first text and HTML parts as the body
 * and the rest attachments (an RFC 2231 file name, a text part marked as
 * attachment, an attached message); quoted-printable and base64 bodies
 * converted from their charsets; invalid UTF-8 replaced, never dropped; a
 * message with no headers; CRLF lines made LF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../testlib.h"
#include "binary.h"
#include "broker/mime.h"

static char err[300];

/* text with each "\n" made CRLF, parsed. */
static json_t *parse(const char *text)
{
	size_t n = strlen(text), o = 0;
	char *crlf = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = text[i];
	}
	json_t *m = mime_message(crlf, o, err, sizeof err);
	free(crlf);
	return m;
}

static const char *field(const json_t *m, const char *key)
{
	return json_string_value(json_object_get(m, key));
}

/* The bytes of attachment i of m, NUL-terminated (freed by the next call). */
static const char *attachment(const json_t *m, size_t i, size_t *len)
{
	static unsigned char *data;
	free(data);
	data = NULL;
	char why[200];
	if (binary_decode(json_array_get(json_object_get(m, "attachments"), i), &data, len, why, sizeof why) < 0)
		return "";
	return (const char *)data;
}

static void test_headers(void)
{
	json_t *m = parse("From: =?ISO-8859-1?Q?Andr=E9?= Martin <andre@example.org>\n"
			  "To: =?UTF-8?B?w4lsb2lzZQ==?= <eloise@example.org>, bob@example.org\n"
			  "Cc: \"Team, all\" <team@example.org>\n"
			  "Reply-To: help@example.org\n"
			  "Subject: =?UTF-8?B?Q2Fmw6k=?= =?ISO-8859-1?Q?_cr=E8me?= and more\n"
			  "Date: Wed, 02 Dec 2026 23:30:00 -0500\n"
			  "Message-ID: <abc@example.org>\n"
			  "\n"
			  "Hello\n");
	CHECK(m != NULL);
	CHECK_STR(field(m, "subject"), "Café crème and more");
	CHECK_STR(field(m, "from"), "André Martin <andre@example.org>");
	CHECK_STR(field(m, "from_address"), "andre@example.org");
	CHECK_STR(json_string_value(json_array_get(json_object_get(m, "to"), 0)), "Éloise <eloise@example.org>");
	CHECK_STR(json_string_value(json_array_get(json_object_get(m, "to"), 1)), "bob@example.org");
	CHECK_STR(json_string_value(json_array_get(json_object_get(m, "cc"), 0)), "\"Team, all\" <team@example.org>");
	CHECK_STR(field(m, "reply_to"), "help@example.org");
	CHECK_STR(field(m, "date"), "2026-12-03T04:30:00Z");
	CHECK_STR(field(m, "message_id"), "abc@example.org");
	CHECK_STR(field(m, "text"), "Hello\n");
	CHECK_STR(field(m, "html"), "");
	CHECK(json_array_size(json_object_get(m, "attachments")) == 0);
	json_decref(m);
}

static void test_nested(void)
{
	json_t *m = parse("From: a@example.org\n"
			  "Subject: nested\n"
			  "MIME-Version: 1.0\n"
			  "Content-Type: multipart/mixed; boundary=outer\n"
			  "\n"
			  "preamble\n"
			  "--outer\n"
			  "Content-Type: multipart/alternative; boundary=inner\n"
			  "\n"
			  "--inner\n"
			  "Content-Type: text/plain; charset=windows-1252\n"
			  "Content-Transfer-Encoding: quoted-printable\n"
			  "\n"
			  "Price: 5 =80, line one\n"
			  "line two, a soft=\n"
			  " break\n"
			  "--inner\n"
			  "Content-Type: text/html; charset=KOI8-R\n"
			  "Content-Transfer-Encoding: base64\n"
			  "\n"
			  "PHA+8NLJ18XUPC9wPg==\n"
			  "--inner--\n"
			  "--outer\n"
			  "Content-Type: text/plain; charset=UTF-8\n"
			  "Content-Disposition: attachment; filename*=UTF-8''caf%C3%A9.txt\n"
			  "\n"
			  "a text file\n"
			  "--outer\n"
			  "Content-Type: application/octet-stream\n"
			  "Content-Transfer-Encoding: base64\n"
			  "\n"
			  "AAEC/w==\n"
			  "--outer\n"
			  "Content-Type: message/rfc822\n"
			  "Content-Disposition: attachment; filename=fwd.eml\n"
			  "\n"
			  "Subject: inner message\n"
			  "\n"
			  "forwarded\n"
			  "--outer--\n");
	size_t len = 0;
	CHECK(m != NULL);
	CHECK_STR(field(m, "text"), "Price: 5 €, line one\nline two, a soft break");
	CHECK_STR(field(m, "html"), "<p>Привет</p>");
	json_t *files = json_object_get(m, "attachments");
	CHECK(json_array_size(files) == 3);
	CHECK_STR(field(json_array_get(files, 0), "filename"), "café.txt");
	CHECK_STR(field(json_array_get(files, 0), "content_type"), "text/plain");
	CHECK_STR(attachment(m, 0, &len), "a text file");
	CHECK(field(json_array_get(files, 1), "filename") == NULL);
	CHECK(!memcmp(attachment(m, 1, &len), "\0\1\2\377", 4) && len == 4);
	CHECK_STR(field(json_array_get(files, 2), "filename"), "fwd.eml");
	CHECK_STR(field(json_array_get(files, 2), "content_type"), "message/rfc822");
	CHECK(strstr(attachment(m, 2, &len), "Subject: inner message") != NULL);
	json_decref(m);
}

static void test_odd(void)
{
	/* Invalid UTF-8 in an 8bit part said to be UTF-8: replaced, not dropped. */
	json_t *m = parse("Subject: odd\nContent-Type: text/plain; charset=UTF-8\n\nok \xff\xfe end\n");
	CHECK(m != NULL);
	CHECK(strstr(field(m, "text") ?: "", "ok ") == field(m, "text") && strstr(field(m, "text"), " end"));
	json_decref(m);
	/* No headers at all: a message with a body and nothing else. */
	m = parse("\njust a body\n");
	CHECK(m != NULL && !json_object_get(m, "subject") && json_array_size(json_object_get(m, "to")) == 0);
	json_decref(m);
	/* A multipart whose boundary never comes: its text is still read. */
	m = parse("Content-Type: multipart/mixed; boundary=never\n\n--never\nContent-Type: text/plain\n\ncut short");
	CHECK(m != NULL);
	CHECK_STR(field(m, "text"), "cut short");
	json_decref(m);
}

int main(void)
{
	test_headers();
	test_nested();
	test_odd();
	return t_done("test_mime");
}
