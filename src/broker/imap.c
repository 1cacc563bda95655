#include "broker/imap.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "broker/account.h"
#include "broker/egress.h"
#include "broker/mime.h"
#include "strbuf.h"

#define MESSAGES_DEFAULT 20
#define MAILBOX_MAX 200

/* What the server sends, up to a limit. */
struct answer {
	struct strbuf text;
	size_t max;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	if (a->text.len + size * n > a->max) {
		a->too_large = true;
		return 0;
	}
	sb_add(&a->text, data, size * n);
	return size * n;
}

/* One IMAP transfer on c (its connection kept for the next): url, and a
 * command when not a FETCH of the URL's message. */
static int transfer(CURL *c, struct egress_guard *g, struct answer *a, const char *url, const char *command,
		    const char *server, char *err, size_t errlen)
{
	sb_reset(&a->text);
	a->too_large = false;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, command);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		return 0;
	if (a->too_large)
		snprintf(err, errlen, "a message of %s is larger than %zu bytes (http_max_bytes in axon.conf)", server, a->max);
	else if (rc == CURLE_LOGIN_DENIED)
		snprintf(err, errlen, "%s refused the login: check the username and password of the credential", server);
	else if (rc == CURLE_REMOTE_FILE_NOT_FOUND || rc == CURLE_QUOTE_ERROR)
		snprintf(err, errlen, "%s refused %s: is there such a mailbox, and may this login read it?", server,
			 command ? command : "to fetch a message");
	else
		egress_failure(g, rc, server, err, errlen);
	return -1;
}

/* The number after word in text ("UIDVALIDITY 123"), or 0. */
static unsigned long long number_after(const char *text, const char *word)
{
	const char *at = strstr(text, word);
	return at ? strtoull(at + strlen(word), NULL, 10) : 0;
}

static int by_value(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
	return x < y ? -1 : x > y;
}

/* The UIDs of "* SEARCH 3 7 9" in text, ascending; *n gets their count. */
static unsigned long long *search_uids(const char *text, size_t *n)
{
	const char *at = strstr(text, "* SEARCH");
	unsigned long long *uids = NULL;
	size_t cap = 0;
	*n = 0;
	for (char *end; at && *(at += strcspn(at, "0123456789\r\n")) && *at != '\r' && *at != '\n'; at = end) {
		unsigned long long uid = strtoull(at, &end, 10);
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			uids = xrealloc(uids, cap * sizeof *uids);
		}
		uids[(*n)++] = uid;
	}
	if (*n)
		qsort(uids, *n, sizeof *uids, by_value);
	return uids;
}

/* The mailbox name as an IMAP quoted string, or -1: printable ASCII only
 * (other letters would need IMAP's modified UTF-7). */
static int quoted(const char *mailbox, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t o = 0;
	out[o++] = '"';
	for (const char *s = mailbox; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f || o + 3 >= outlen) {
			snprintf(err, errlen, "\"mailbox\" must be a mailbox name such as INBOX or Archive/2026, of at most %d "
				 "ASCII characters (a name with other letters is not read yet)", MAILBOX_MAX);
			return -1;
		}
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

json_t *imap_read(const struct egress_policy *p, const json_t *account, const json_t *request, char *err,
		  size_t errlen)
{
	static const struct account_protocol imap = { "imap", "imaps", 143, 143, 993, "tls" };
	const char *mailbox = json_string_value(json_object_get(request, "mailbox"));
	json_int_t max = json_integer_value(json_object_get(request, "max_messages"));
	char server[600], q[2 * MAILBOX_MAX + 3], command[2 * MAILBOX_MAX + 64];
	int starttls;
	if (!mailbox || !*mailbox)
		mailbox = "INBOX";
	if (!max)
		max = MESSAGES_DEFAULT;
	if (max < 1 || max > IMAP_MESSAGES_MAX) {
		snprintf(err, errlen, "\"max_messages\" must be a whole number from 1 to %d", IMAP_MESSAGES_MAX);
		return NULL;
	}
	if (quoted(mailbox, q, sizeof q, err, errlen) < 0 ||
	    account_server_url(account, &imap, server, sizeof server, &starttls, err, errlen) < 0)
		return NULL;
	CURL *c = curl_easy_init();
	char *path = c ? curl_easy_escape(c, mailbox, 0) : NULL;
	if (!path) {
		snprintf(err, errlen, "curl_easy_init failed");
		if (c)
			curl_easy_cleanup(c);
		return NULL;
	}
	struct egress_guard guard = { .policy = p };
	struct answer a = { .text = STRBUF_INIT, .max = p->max_bytes };
	struct strbuf url = STRBUF_INIT;
	unsigned long long *uids = NULL;
	size_t n = 0, ki;
	json_t *messages = json_array(), *result = NULL, *known = json_object(), *k;
	json_array_foreach(json_object_get(request, "known"), ki, k)
		if (json_is_string(k))
			json_object_set(known, json_string_value(k), json_true());
	egress_guard(c, &guard);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	curl_easy_setopt(c, CURLOPT_USERNAME, json_string_value(json_object_get(account, "username")));
	curl_easy_setopt(c, CURLOPT_PASSWORD, json_string_value(json_object_get(account, "password")));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);

	/* The mailbox's UIDVALIDITY, then its UIDs; each message is fetched
	 * under that UIDVALIDITY, which libcurl checks when it selects the
	 * mailbox, so that a UID never names a message of another era. */
	sb_printf(&url, "%s/", server);
	snprintf(command, sizeof command, "STATUS %s (UIDVALIDITY)", q);
	if (transfer(c, &guard, &a, sb_str(&url), command, server, err, errlen) < 0)
		goto out;
	unsigned long long validity = number_after(sb_str(&a.text), "UIDVALIDITY ");
	if (!validity) {
		snprintf(err, errlen, "%s gave no UIDVALIDITY for mailbox %s", server, q);
		goto out;
	}
	sb_reset(&url);
	sb_printf(&url, "%s/%s;UIDVALIDITY=%llu", server, path, validity);
	if (transfer(c, &guard, &a, sb_str(&url), "UID SEARCH ALL", server, err, errlen) < 0)
		goto out;
	uids = search_uids(sb_str(&a.text), &n);
	for (size_t i = n; i-- > 0 && n - i <= (size_t)max;) {
		char key[48];
		json_t *m;
		snprintf(key, sizeof key, "%llu:%llu", validity, uids[i]);
		if (json_object_get(known, key)) {
			m = json_pack("{s:b}", "known", 1); /* seen: listed, not fetched again */
		} else {
			sb_reset(&url);
			sb_printf(&url, "%s/%s;UIDVALIDITY=%llu/;UID=%llu", server, path, validity, uids[i]);
			if (transfer(c, &guard, &a, sb_str(&url), NULL, server, err, errlen) < 0 ||
			    !(m = mime_message(a.text.data, a.text.len, err, errlen)))
				goto out;
		}
		json_object_set_new(m, "uid", json_integer((json_int_t)uids[i]));
		json_object_set_new(m, "uidvalidity", json_integer((json_int_t)validity));
		json_object_set_new(m, "key", json_string(key));
		json_array_append_new(messages, m);
	}
	result = json_pack("{s:s, s:I, s:O}", "mailbox", mailbox, "uidvalidity", (json_int_t)validity, "messages", messages);
out:
	free(uids);
	sb_free(&url);
	sb_free(&a.text);
	curl_free(path);
	curl_easy_cleanup(c);
	json_decref(messages);
	json_decref(known);
	return result;
}
