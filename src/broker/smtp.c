#include "broker/smtp.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "binary.h"
#include "broker/account.h"
#include "broker/egress.h"
#include "crypto.h"
#include "strbuf.h"

#define ADDRESS_MAX 320
#define RECIPIENTS_MAX 100

/* One mailbox: what the header shows and the address the envelope takes. */
struct mailbox {
	struct strbuf shown;   /* "Ada Lovelace <ada@example.org>", encoded where it must be */
	char address[ADDRESS_MAX + 1];
};

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* RFC 2047 encoded words for text that is not ASCII, cut between UTF-8
 * characters so that each word stays under 75 characters. */
static void add_encoded_words(struct strbuf *sb, const char *s)
{
	if (is_ascii(s)) {
		sb_adds(sb, s);
		return;
	}
	size_t len = strlen(s);
	for (size_t at = 0; at < len;) {
		size_t n = len - at > 42 ? 42 : len - at;
		while (at + n < len && ((unsigned char)s[at + n] & 0xc0) == 0x80)
			n--;
		json_t *b = binary_new(s + at, n, NULL, NULL);
		sb_printf(sb, "%s=?UTF-8?B?%s?=", at ? " " : "", json_string_value(json_object_get(b, "base64")));
		json_decref(b);
		at += n;
	}
}

/* "addr@domain" or "Name <addr@domain>"; 0, or -1 with why in err. */
static int parse_mailbox(const char *what, const char *text, struct mailbox *m, char *err, size_t errlen)
{
	const char *lt = strrchr(text, '<'), *addr = text;
	size_t addr_len = strlen(text);
	if (lt) {
		const char *gt = strchr(lt, '>');
		if (!gt || gt[1]) {
			snprintf(err, errlen, "%s: '%.100s' has a '<' without its closing '>' at the end", what, text);
			return -1;
		}
		addr = lt + 1;
		addr_len = (size_t)(gt - addr);
	}
	const char *at = memchr(addr, '@', addr_len);
	bool ok = addr_len && addr_len <= ADDRESS_MAX && at && at > addr && at < addr + addr_len - 1 &&
		  !memchr(at + 1, '@', (size_t)(addr + addr_len - at - 1)) && !strpbrk(text, "\r\n");
	for (size_t i = 0; ok && i < addr_len; i++)
		ok = (unsigned char)addr[i] > ' ' && addr[i] != 0x7f && !strchr("<>()[],;:\"\\", addr[i]);
	if (!ok) {
		snprintf(err, errlen, "%s: '%.100s' is not a mail address (name@example.org, or Name <name@example.org>)",
			 what, text);
		return -1;
	}
	memcpy(m->address, addr, addr_len);
	m->address[addr_len] = '\0';
	m->shown = (struct strbuf)STRBUF_INIT;
	if (lt) {
		size_t n = (size_t)(lt - text);
		while (n && text[n - 1] == ' ')
			n--;
		char *name = xstrndup(text, n);
		if (n && name[0] == '"' && name[n - 1] == '"' && n > 1) {
			memmove(name, name + 1, n - 2);
			name[n - 2] = '\0';
		}
		if (*name && !is_ascii(name)) {
			add_encoded_words(&m->shown, name);
			sb_addc(&m->shown, ' ');
		} else if (*name) {
			sb_addc(&m->shown, '"');
			for (const char *c = name; *c; c++) {
				if (*c == '"' || *c == '\\')
					sb_addc(&m->shown, '\\');
				sb_addc(&m->shown, *c);
			}
			sb_adds(&m->shown, "\" ");
		}
		free(name);
	}
	sb_printf(&m->shown, "<%s>", m->address);
	return 0;
}

/* The header line "Name: a, b" for the field (an address or a list), the
 * envelope's recipients appended to rcpt when rcpt is given. */
static int address_header(const char *name, const json_t *field, struct curl_slist **headers,
			  struct curl_slist **rcpt, json_t *accepted, char *err, size_t errlen)
{
	size_t i, n = json_is_array(field) ? json_array_size(field) : field ? 1 : 0;
	struct strbuf line = STRBUF_INIT;
	sb_printf(&line, "%s: ", name);
	for (i = 0; i < n; i++) {
		const json_t *one = json_is_array(field) ? json_array_get(field, i) : field;
		struct mailbox m;
		if (!json_is_string(one)) {
			snprintf(err, errlen, "%s: each address must be a string", name);
			sb_free(&line);
			return -1;
		}
		if (parse_mailbox(name, json_string_value(one), &m, err, errlen) < 0) {
			sb_free(&line);
			return -1;
		}
		sb_printf(&line, "%s%s", i ? ", " : "", sb_str(&m.shown));
		sb_free(&m.shown);
		if (rcpt) {
			char env[ADDRESS_MAX + 3];
			snprintf(env, sizeof env, "<%s>", m.address);
			*rcpt = curl_slist_append(*rcpt, env);
			json_array_append_new(accepted, json_string(m.address));
		}
	}
	if (n && headers)
		*headers = curl_slist_append(*headers, sb_str(&line));
	sb_free(&line);
	return 0;
}

static void date_header(struct curl_slist **headers)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;
	char line[64];
	gmtime_r(&now, &tm);
	snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	*headers = curl_slist_append(*headers, line);
}

/* The text and HTML alternatives, then the attachments, as MIME parts of c. */
static curl_mime *message_body(CURL *c, const json_t *message, size_t max_bytes, char *err, size_t errlen)
{
	const char *text = json_string_value(json_object_get(message, "text"));
	const char *html = json_string_value(json_object_get(message, "html"));
	const json_t *files = json_object_get(message, "attachments");
	if (!text && !html) {
		snprintf(err, errlen, "the message needs \"text\" or \"html\" (or both)");
		return NULL;
	}
	if (files && !json_is_array(files)) {
		snprintf(err, errlen, "\"attachments\" must be a list of binary data, each with a \"filename\"");
		return NULL;
	}
	curl_mime *mime = curl_mime_init(c), *alt = curl_mime_init(c);
	curl_mimepart *part;
	if (text) {
		part = curl_mime_addpart(alt);
		curl_mime_data(part, text, CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/plain; charset=utf-8");
		curl_mime_encoder(part, "quoted-printable");
	}
	if (html) {
		part = curl_mime_addpart(alt);
		curl_mime_data(part, html, CURL_ZERO_TERMINATED);
		curl_mime_type(part, "text/html; charset=utf-8");
		curl_mime_encoder(part, "quoted-printable");
	}
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	curl_mime_type(part, "multipart/alternative");
	size_t total = (text ? strlen(text) : 0) + (html ? strlen(html) : 0), i;
	json_t *f;
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "filename"));
		const char *type = json_string_value(json_object_get(f, "content_type"));
		unsigned char *data;
		size_t len;
		if (!name || !*name || strpbrk(name, "\r\n\"\\/") || (type && strpbrk(type, "\r\n"))) {
			snprintf(err, errlen, "attachment %zu needs a \"filename\" without quotes, slashes or line breaks", i + 1);
			curl_mime_free(mime);
			return NULL;
		}
		if (binary_decode(f, &data, &len, err, errlen) < 0) {
			curl_mime_free(mime);
			return NULL;
		}
		total += len;
		part = curl_mime_addpart(mime);
		curl_mime_data(part, (const char *)data, len);
		curl_mime_filename(part, name);
		curl_mime_type(part, type ? type : "application/octet-stream");
		curl_mime_encoder(part, "base64");
		free(data);
	}
	if (total > max_bytes) {
		snprintf(err, errlen, "the message is larger than %zu bytes (http_max_bytes in axon.conf)", max_bytes);
		curl_mime_free(mime);
		return NULL;
	}
	return mime;
}

json_t *smtp_send(const struct egress_policy *p, const json_t *account, const json_t *message, char *err,
		  size_t errlen)
{
	const char *from = json_string_value(json_object_get(account, "from"));
	const char *user = json_string_value(json_object_get(account, "username"));
	const char *password = json_string_value(json_object_get(account, "password"));
	const char *subject = json_string_value(json_object_get(message, "subject"));
	char url[600];
	int starttls;
	struct mailbox sender;
	if (!json_is_object(message)) {
		snprintf(err, errlen, "the message must be an object {\"to\", \"subject\", \"text\", ...}");
		return NULL;
	}
	static const struct account_protocol smtp = { "smtp", "smtps", 25, 587, 465, "starttls" };
	if (account_server_url(account, &smtp, url, sizeof url, &starttls, err, errlen) < 0)
		return NULL;
	if (!from || parse_mailbox("the account's \"from\"", from, &sender, err, errlen) < 0) {
		if (!from)
			snprintf(err, errlen, "the account has no \"from\" address");
		return NULL;
	}
	if (subject && strpbrk(subject, "\r\n")) {
		snprintf(err, errlen, "the subject must be one line");
		sb_free(&sender.shown);
		return NULL;
	}
	struct curl_slist *headers = NULL, *rcpt = NULL;
	struct egress_guard guard = { .policy = p };
	json_t *accepted = json_array(), *result = NULL;
	curl_mime *mime = NULL;
	CURL *c = curl_easy_init();
	char line[ADDRESS_MAX + 600], id[33], env_from[ADDRESS_MAX + 3];
	unsigned char random[16];
	snprintf(line, sizeof line, "From: %s", sb_str(&sender.shown));
	headers = curl_slist_append(headers, line);
	if (address_header("To", json_object_get(message, "to"), &headers, &rcpt, accepted, err, errlen) < 0 ||
	    address_header("Cc", json_object_get(message, "cc"), &headers, &rcpt, accepted, err, errlen) < 0 ||
	    address_header("Bcc", json_object_get(message, "bcc"), NULL, &rcpt, accepted, err, errlen) < 0 ||
	    address_header("Reply-To", json_object_get(message, "reply_to"), &headers, NULL, NULL, err, errlen) < 0)
		goto out;
	if (!json_array_size(accepted) || json_array_size(accepted) > RECIPIENTS_MAX) {
		snprintf(err, errlen, "the message needs 1 to %d recipients in \"to\", \"cc\" and \"bcc\"", RECIPIENTS_MAX);
		goto out;
	}
	struct strbuf subj = STRBUF_INIT;
	sb_adds(&subj, "Subject: ");
	add_encoded_words(&subj, subject ? subject : "");
	headers = curl_slist_append(headers, sb_str(&subj));
	sb_free(&subj);
	date_header(&headers);
	if (crypto_random(random, sizeof random) < 0) {
		snprintf(err, errlen, "no random numbers for the Message-ID");
		goto out;
	}
	crypto_hex(random, sizeof random, id);
	snprintf(line, sizeof line, "Message-ID: <%s@%s>", id, strchr(sender.address, '@') + 1);
	headers = curl_slist_append(headers, line);
	if (!c || !(mime = message_body(c, message, p->max_bytes, err, errlen)))
		goto out;
	snprintf(env_from, sizeof env_from, "<%s>", sender.address);
	egress_guard(c, &guard);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	if (user)
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
	if (password)
		curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		egress_failure(&guard, rc, url, err, errlen);
		if (code && !guard.refused[0])
			snprintf(err + strlen(err), errlen - strlen(err), " (the server answered %ld)", code);
		goto out;
	}
	snprintf(line, sizeof line, "<%s@%s>", id, strchr(sender.address, '@') + 1);
	result = json_pack("{s:O, s:s}", "accepted", accepted, "message_id", line);
out:
	sb_free(&sender.shown);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	curl_slist_free_all(rcpt);
	if (c)
		curl_easy_cleanup(c);
	json_decref(accepted);
	return result;
}
