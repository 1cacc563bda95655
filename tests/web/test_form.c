/* The parsers for what clients send: what they accept, what they produce,
 * and that every refusal says what was wrong. */
#include "../testlib.h"

#include <stdlib.h>

#include "strbuf.h"
#include "web/form.h"

static char err[512];

#define URL_PARSE(f, lit) form_parse_urlencoded(f, lit, sizeof lit - 1, err, sizeof err)
#define URL_REFUSES(lit, want) do { struct form f_ = FORM_INIT; err[0] = '\0'; \
	CHECK(URL_PARSE(&f_, lit) == -1); CHECK_CONTAINS(err, want); form_free(&f_); } while (0)
#define URL_ACCEPTS(lit) do { struct form f_ = FORM_INIT; \
	CHECK(URL_PARSE(&f_, lit) == 0); form_free(&f_); } while (0)

#define MP_CT "multipart/form-data; boundary=XyZ"
#define MP_PARSE(f, ct, lit) form_parse_multipart(f, ct, lit, sizeof lit - 1, err, sizeof err)
#define MP_REFUSES(ct, lit, want) do { struct form f_ = FORM_INIT; err[0] = '\0'; \
	CHECK(MP_PARSE(&f_, ct, lit) == -1); CHECK_CONTAINS(err, want); form_free(&f_); } while (0)
/* One well-formed text part, to try content types against. */
#define MP_ONE_PART(b) "--" b "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" b "--\r\n"

#define COOKIE_REFUSES(hdr, want) do { struct form f_ = FORM_INIT; err[0] = '\0'; \
	CHECK(form_parse_cookies(&f_, hdr, err, sizeof err) == -1); CHECK_CONTAINS(err, want); \
	form_free(&f_); } while (0)

#define JSON_PARSE(f, lit) form_parse_json(f, lit, sizeof lit - 1, err, sizeof err)
#define JSON_REFUSES(lit, want) do { struct form f_ = FORM_INIT; err[0] = '\0'; \
	CHECK(JSON_PARSE(&f_, lit) == -1); CHECK_CONTAINS(err, want); form_free(&f_); } while (0)

static void test_field_list(void)
{
	struct form f = FORM_INIT;
	form_add(&f, "a", "one", 3);
	form_add(&f, "bin", "x\0y", 3);
	form_add(&f, "a", "two", 3);
	CHECK(f.n == 3);
	CHECK_STR(form_get(&f, "a"), "one");
	CHECK(form_count(&f, "a") == 2);
	CHECK(form_count(&f, "nope") == 0);
	CHECK(form_get(&f, "nope") == NULL);
	CHECK(form_field(&f, "nope") == NULL);
	const struct form_field *ff = form_field(&f, "bin");
	CHECK(ff && ff->value_len == 3 && !memcmp(ff->value, "x\0y", 4));
	CHECK(ff && !ff->filename && !ff->content_type);
	form_free(&f);
	CHECK(f.n == 0 && f.fields == NULL);
	form_free(&f); /* twice is harmless */
}

static void test_text_is_clean(void)
{
	CHECK(text_is_clean("", 0));
	CHECK(text_is_clean("plain ascii", 11));
	CHECK(text_is_clean("tab\tcr\rlf\n", 10));
	CHECK(text_is_clean("\xc3\xa9", 2));             /* é */
	CHECK(text_is_clean("\xe2\x82\xac", 3));         /* € */
	CHECK(text_is_clean("\xf0\x9f\x98\x80", 4));     /* U+1F600 */
	CHECK(text_is_clean("\xed\x9f\xbf", 3));         /* U+D7FF, just below the surrogates */
	CHECK(text_is_clean("\xee\x80\x80", 3));         /* U+E000, just above them */
	CHECK(text_is_clean("\xf4\x8f\xbf\xbf", 4));     /* U+10FFFF, the last code point */
	CHECK(text_is_clean("\xc2\xa0", 2));             /* U+00A0, just after C1 */
	CHECK(!text_is_clean("a\0b", 3));
	CHECK(!text_is_clean("\x01", 1));
	CHECK(!text_is_clean("\x1b[31m", 5));
	CHECK(!text_is_clean("\x7f", 1));                /* DEL */
	CHECK(!text_is_clean("\xc2\x80", 2));            /* C1 */
	CHECK(!text_is_clean("\xc2\x9f", 2));
	CHECK(!text_is_clean("\x80", 1));                /* a lone continuation byte */
	CHECK(!text_is_clean("\xc3", 1));                /* truncated */
	CHECK(!text_is_clean("\xe2\x82", 2));
	CHECK(!text_is_clean("\xc3\x28", 2));            /* a bad continuation */
	CHECK(!text_is_clean("\xc0\xaf", 2));            /* overlong '/' */
	CHECK(!text_is_clean("\xc1\xbf", 2));
	CHECK(!text_is_clean("\xe0\x80\xaf", 3));
	CHECK(!text_is_clean("\xe0\x9f\xbf", 3));
	CHECK(!text_is_clean("\xf0\x80\x80\xaf", 4));
	CHECK(!text_is_clean("\xf0\x8f\xbf\xbf", 4));
	CHECK(!text_is_clean("\xed\xa0\x80", 3));        /* U+D800 */
	CHECK(!text_is_clean("\xed\xbf\xbf", 3));        /* U+DFFF */
	CHECK(!text_is_clean("\xed\xa0\xbd\xed\xb8\x80", 6)); /* CESU-8 pair */
	CHECK(!text_is_clean("\xf4\x90\x80\x80", 4));    /* U+110000 */
	CHECK(!text_is_clean("\xf5\x80\x80\x80", 4));
	CHECK(!text_is_clean("\xff", 1));
	CHECK(!text_is_clean("\xf8\x88\x80\x80\x80", 5)); /* 5-byte form */
	CHECK(!text_is_clean("ok\xe2\x82", 4));          /* valid start, truncated end */
	/* The length counts, not a NUL. */
	CHECK(text_is_clean("ab\x01", 2));
	CHECK_STR(text_problem("a\tb", 3, 1), "contains a control character");
	CHECK(text_problem("a\tb", 3, 0) == NULL);
	CHECK_STR(text_problem("\xff", 1, 0), "invalid UTF-8");
	CHECK_STR(text_problem("\0", 1, 0), "contains a NUL byte");
}

static void test_url_decode(void)
{
	char *out;
	size_t n;
	CHECK(url_decode("a+b%20c%2B%25", 13, &out, &n) == 0);
	CHECK_STR(out, "a b c+%");
	CHECK(n == 7);
	free(out);
	CHECK(url_decode("%c3%A9", 6, &out, &n) == 0);
	CHECK_STR(out, "\xc3\xa9");
	free(out);
	CHECK(url_decode("%00x", 4, &out, &n) == 0);
	CHECK(n == 2 && out[0] == '\0' && out[1] == 'x' && out[2] == '\0');
	free(out);
	CHECK(url_decode("", 0, &out, &n) == 0);
	CHECK(n == 0 && out[0] == '\0');
	free(out);
	/* Only len bytes are read: "%41" cut after "%4" is a bad escape. */
	CHECK(url_decode("%41", 2, &out, &n) == -1);
	CHECK(out == NULL);
	CHECK(url_decode("%G1", 3, &out, &n) == -1);
	CHECK(url_decode("%1G", 3, &out, &n) == -1);
	CHECK(url_decode("abc%", 4, &out, &n) == -1);
	CHECK(url_decode("%%41", 4, &out, &n) == -1);
	CHECK(url_decode("% 1", 3, &out, &n) == -1);
}

static void test_urlencoded(void)
{
	struct form f = FORM_INIT;
	CHECK(URL_PARSE(&f, "a=1&b=two+words&c=%C3%A9&&flag&e=&x=a=b&a+b=%2B&a=2&") == 0);
	CHECK(f.n == 8);
	CHECK_STR(form_get(&f, "a"), "1");
	CHECK_STR(form_get(&f, "b"), "two words");
	CHECK_STR(form_get(&f, "c"), "\xc3\xa9");
	CHECK_STR(form_get(&f, "flag"), "");
	CHECK_STR(form_get(&f, "e"), "");
	CHECK_STR(form_get(&f, "x"), "a=b");
	CHECK_STR(form_get(&f, "a b"), "+");
	CHECK(form_count(&f, "a") == 2);
	CHECK_STR(f.fields[7].value, "2");
	CHECK(f.fields[2].value_len == 2);
	CHECK(f.fields[0].filename == NULL && f.fields[0].content_type == NULL);
	/* A second parse appends: a query string and a body in one form. */
	CHECK(URL_PARSE(&f, "q=search") == 0);
	CHECK(f.n == 9);
	CHECK_STR(form_get(&f, "q"), "search");
	form_free(&f);

	CHECK(URL_PARSE(&f, "") == 0 && f.n == 0);
	CHECK(URL_PARSE(&f, "&&&") == 0 && f.n == 0);
	CHECK(form_parse_urlencoded(&f, NULL, 0, err, sizeof err) == 0 && f.n == 0);
	/* Only len bytes count. */
	CHECK(form_parse_urlencoded(&f, "a=1&b=2", 3, err, sizeof err) == 0);
	CHECK(f.n == 1 && form_get(&f, "b") == NULL);
	form_free(&f);
	CHECK(URL_PARSE(&f, "t=%09%0D%0A") == 0);
	CHECK_STR(form_get(&f, "t"), "\t\r\n");
	form_free(&f);

	URL_REFUSES("a=%G1", "field 'a': bad percent escape in the value");
	URL_REFUSES("a=%4", "field 'a': bad percent escape in the value");
	URL_REFUSES("a=50%", "send a literal % as %25");
	URL_REFUSES("%4=1", "field 1: bad percent escape in the name");
	URL_REFUSES("a=%C3", "field 'a': invalid UTF-8");
	URL_REFUSES("a=\xc3", "field 'a': invalid UTF-8");
	URL_REFUSES("a=%C0%AF", "field 'a': invalid UTF-8");
	URL_REFUSES("a=%E0%80%AF", "field 'a': invalid UTF-8");
	URL_REFUSES("a=%F0%80%80%AF", "field 'a': invalid UTF-8");
	URL_REFUSES("a=%ED%A0%80", "field 'a': invalid UTF-8");
	URL_REFUSES("a=%F4%90%80%80", "field 'a': invalid UTF-8");
	URL_REFUSES("a=%00", "field 'a': contains a NUL byte");
	URL_REFUSES("a=x\0y", "field 'a': contains a NUL byte");
	URL_REFUSES("a=%01", "field 'a': contains a control character");
	URL_REFUSES("a=%7F", "field 'a': contains a control character");
	URL_REFUSES("a=%C2%85", "field 'a': contains a control character");
	URL_REFUSES("a%0A=1", "field 1: bad name (contains a control character)");
	URL_REFUSES("a%09=1", "field 1: bad name (contains a control character)");
	URL_REFUSES("a%00=1", "field 1: bad name (contains a NUL byte)");
	URL_REFUSES("%FF=1", "field 1: bad name (invalid UTF-8)");
	URL_REFUSES("=1", "field 1 has an empty name");
	URL_REFUSES("a=1&&b=2&%0A=3", "field 3: bad name");
	URL_ACCEPTS("a=%F4%8F%BF%BF&b=%EF%BF%BF&c=%ED%9F%BF");

	/* The name limit counts decoded bytes. */
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < FORM_MAX_NAME; i++)
		sb_addc(&sb, 'n');
	sb_adds(&sb, "=v");
	CHECK(form_parse_urlencoded(&f, sb.data, sb.len, err, sizeof err) == 0 && f.n == 1);
	form_free(&f);
	sb_reset(&sb);
	for (int i = 0; i < FORM_MAX_NAME; i++)
		sb_adds(&sb, "%C3%A9");
	CHECK(form_parse_urlencoded(&f, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "field 1: the name is longer than 256 bytes");
	form_free(&f);

	/* A long name is quoted in part, never cut inside a character. */
	sb_reset(&sb);
	sb_adds(&sb, "x");
	for (int i = 0; i < 100; i++)
		sb_adds(&sb, "%C3%A9");
	sb_adds(&sb, "=%00");
	CHECK(form_parse_urlencoded(&f, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "field 'x\xc3\xa9\xc3\xa9");
	CHECK_CONTAINS(err, "\xc3\xa9': contains a NUL byte");
	CHECK(strlen(err) < 100 && text_is_clean(err, strlen(err)));
	form_free(&f);

	/* FORM_MAX_FIELDS, also across two parses into one form. */
	sb_reset(&sb);
	for (int i = 0; i < FORM_MAX_FIELDS; i++)
		sb_printf(&sb, "%sf%d=%d", i ? "&" : "", i, i);
	CHECK(form_parse_urlencoded(&f, sb.data, sb.len, err, sizeof err) == 0 && f.n == FORM_MAX_FIELDS);
	CHECK(URL_PARSE(&f, "one=more") == -1);
	CHECK_CONTAINS(err, "too many fields (at most 1000)");
	form_free(&f);
	sb_adds(&sb, "&x=1");
	CHECK(form_parse_urlencoded(&f, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "too many fields");
	CHECK(f.n == FORM_MAX_FIELDS); /* what came before the error is kept, to be freed */
	form_free(&f);
	sb_free(&sb);
}

static void test_multipart(void)
{
	static const char body[] =
		"This preamble is ignored.\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"title\"\r\n"
		"\r\n"
		"Hello, w\xc3\xb6rld\r\nsecond line\r\n"
		"--XyZ\r\n"
		"content-disposition: FORM-DATA; filename=\"C:\\dir\\a b.bin\"; name=upload\r\n"
		"Content-Type: application/octet-stream\r\n"
		"X-Ignored: yes\r\n"
		"\r\n"
		"\x00\x01\xff\r\n-XyZ a--XyZ\r\n--Xy\x00"
		"\r\n"
		"--XyZ  \t\r\n"
		"Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
		"\r\n"
		"\r\n"
		"--XyZ\n"
		"Content-Disposition: form-data; name=\"lf\"\n"
		"\n"
		"bare LF headers\r\n"
		"--XyZ--\r\n"
		"This epilogue is ignored, even --XyZ\r\n";
	struct form f = FORM_INIT;
	CHECK(MP_PARSE(&f, MP_CT, body) == 0);
	CHECK(f.n == 4);
	const struct form_field *ff = form_field(&f, "title");
	CHECK(ff && ff->filename == NULL && ff->content_type == NULL);
	CHECK_STR(form_get(&f, "title"), "Hello, w\xc3\xb6rld\r\nsecond line");
	ff = form_field(&f, "upload");
	static const char bytes[] = "\x00\x01\xff\r\n-XyZ a--XyZ\r\n--Xy\x00";
	CHECK(ff && ff->value_len == sizeof bytes - 1 && !memcmp(ff->value, bytes, sizeof bytes));
	CHECK(ff && ff->value[ff->value_len] == '\0');
	CHECK_STR(ff ? ff->filename : NULL, "C:\\dir\\a b.bin");
	CHECK_STR(ff ? ff->content_type : NULL, "application/octet-stream");
	ff = form_field(&f, "empty");
	CHECK(ff && ff->value_len == 0);
	CHECK_STR(ff ? ff->filename : NULL, "");
	CHECK_STR(form_get(&f, "lf"), "bare LF headers");
	form_free(&f);

	/* Content types: quoted, other parameters, any case. */
	CHECK(MP_PARSE(&f, "multipart/form-data; boundary=\"a b:c\"", MP_ONE_PART("a b:c")) == 0);
	CHECK(MP_PARSE(&f, "Multipart/Form-Data;charset=utf-8;BOUNDARY=x-1", MP_ONE_PART("x-1")) == 0);
	CHECK(MP_PARSE(&f, "multipart/form-data ; boundary=q ;", MP_ONE_PART("q")) == 0);
	CHECK(f.n == 3 && form_count(&f, "a") == 3);
	form_free(&f);
	/* No parts at all is an empty form. */
	CHECK(MP_PARSE(&f, MP_CT, "--XyZ--\r\n") == 0 && f.n == 0);
	CHECK(MP_PARSE(&f, MP_CT, "--XyZ--") == 0 && f.n == 0);

	MP_REFUSES(NULL, MP_ONE_PART("XyZ"), "no Content-Type (expected multipart/form-data; boundary=");
	MP_REFUSES("text/plain", MP_ONE_PART("XyZ"), "the Content-Type is not multipart/form-data");
	MP_REFUSES("multipart/form-dataX; boundary=XyZ", MP_ONE_PART("XyZ"), "is not multipart/form-data");
	MP_REFUSES("multipart/mixed; boundary=XyZ", MP_ONE_PART("XyZ"), "is not multipart/form-data");
	MP_REFUSES("multipart/form-data", MP_ONE_PART("XyZ"), "the Content-Type has no boundary");
	MP_REFUSES("multipart/form-data; charset=utf-8", MP_ONE_PART("XyZ"), "has no boundary");
	MP_REFUSES("multipart/form-data; boundary=", MP_ONE_PART("XyZ"), "has no boundary");
	MP_REFUSES("multipart/form-data; boundary=\"\"", MP_ONE_PART("XyZ"), "has no boundary");
	MP_REFUSES("multipart/form-data; boundary=\"XyZ", MP_ONE_PART("XyZ"), "malformed parameters in the Content-Type");
	MP_REFUSES("multipart/form-data; boundary", MP_ONE_PART("XyZ"), "malformed parameters");
	MP_REFUSES("multipart/form-data; boundary=a b", MP_ONE_PART("a"), "malformed parameters");
	MP_REFUSES("multipart/form-data; boundary=a; boundary=b", MP_ONE_PART("a"), "two boundary parameters");
	MP_REFUSES("multipart/form-data; boundary=a{b", MP_ONE_PART("a{b"), "a character RFC 2046 does not allow");
	MP_REFUSES("multipart/form-data; boundary=\"ab \"", MP_ONE_PART("ab "), "does not allow");
	MP_REFUSES("multipart/form-data; boundary="
		   "12345678901234567890123456789012345678901234567890123456789012345678901", "",
		   "the boundary is longer than 70 characters");
	CHECK(MP_PARSE(&f, "multipart/form-data; boundary="
		       "1234567890123456789012345678901234567890123456789012345678901234567890",
		       MP_ONE_PART("1234567890123456789012345678901234567890123456789012345678901234567890")) == 0);
	CHECK(f.n == 1);
	form_free(&f);

	MP_REFUSES(MP_CT, "", "the body has no boundary line");
	MP_REFUSES(MP_CT, MP_ONE_PART("Other"), "the body has no boundary line");
	MP_REFUSES(MP_CT, "--XyZ", "no closing boundary");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ntruncated",
		   "part 1: no closing boundary");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ\r\n",
		   "part 2: the body ends in the part's headers");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n", "part 1: the body ends in the part's headers");
	MP_REFUSES(MP_CT, "--XyZjunk\r\n", "part 1: malformed boundary line");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ-\r\n",
		   "part 2: malformed boundary line");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1 has no Content-Disposition header");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: the Content-Disposition has no name");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; filename=\"a.txt\"\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: the Content-Disposition has no name");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1 has an empty name");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: the Content-Disposition is 'attachment', not form-data");
	/* A long type is quoted in part, cut between characters (the fuzzer found a cut inside one). */
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9\xc3\xa9"
			  "; name=a\r\n\r\n1\r\n--XyZ--\r\n", "not form-data");
	CHECK(text_is_clean(err, strlen(err)));
	CHECK_CONTAINS(err, "aaaa', not form-data"); /* the é that would be cut is left out whole */
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: the Content-Disposition has two name parameters");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: malformed Content-Disposition");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: malformed Content-Disposition");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
		   "Content-Disposition: form-data; name=b\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: two Content-Disposition headers");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: malformed header line (expected 'Name: value')");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: malformed header line");
	MP_REFUSES(MP_CT, "--XyZ\r\n: x\r\n\r\n1\r\n--XyZ--\r\n", "part 1: malformed header line");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\x01\r\n\r\n1\r\n--XyZ--\r\n",
		   "part 1: header Content-Disposition: contains a control character");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\xff\r\n--XyZ--\r\n",
		   "field 'a': invalid UTF-8");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\0\r\n--XyZ--\r\n",
		   "field 'a': contains a NUL byte");
	MP_REFUSES(MP_CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
		   "--XyZ\r\nContent-Disposition: form-data; name=\"b\x7f\"\r\n\r\n2\r\n--XyZ--\r\n",
		   "part 2: header Content-Disposition: contains a control character");

	/* 8 KiB of headers per part, blank line included. */
	struct strbuf sb = STRBUF_INIT;
	for (int size = FORM_MAX_PART_HEADERS; size <= FORM_MAX_PART_HEADERS + 1; size++) {
		sb_reset(&sb);
		sb_adds(&sb, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ");
		size_t used = sb.len - 7 + 4; /* headers so far, and the CRLF CRLF to come */
		for (size_t i = used; i < (size_t)size; i++)
			sb_addc(&sb, 'p');
		sb_adds(&sb, "\r\n\r\n1\r\n--XyZ--\r\n");
		err[0] = '\0';
		int rc = form_parse_multipart(&f, MP_CT, sb.data, sb.len, err, sizeof err);
		if (size == FORM_MAX_PART_HEADERS) {
			CHECK(rc == 0 && f.n == 1);
		} else {
			CHECK(rc == -1);
			CHECK_CONTAINS(err, "part 1: headers longer than 8 KiB");
		}
		form_free(&f);
	}
	/* Too many parts. */
	sb_reset(&sb);
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		sb_printf(&sb, "--XyZ\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%d\r\n", i, i);
	sb_adds(&sb, "--XyZ--\r\n");
	CHECK(form_parse_multipart(&f, MP_CT, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "too many fields");
	CHECK(f.n == FORM_MAX_FIELDS);
	form_free(&f);
	/* A part name over the limit. */
	sb_reset(&sb);
	sb_adds(&sb, "--XyZ\r\nContent-Disposition: form-data; name=");
	for (int i = 0; i <= FORM_MAX_NAME; i++)
		sb_addc(&sb, 'n');
	sb_adds(&sb, "\r\n\r\n1\r\n--XyZ--\r\n");
	CHECK(form_parse_multipart(&f, MP_CT, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "part 1: the name is longer than 256 bytes");
	form_free(&f);
	sb_free(&sb);
}

static void test_cookies(void)
{
	struct form f = FORM_INIT;
	CHECK(form_parse_cookies(&f, "sid=abc123; theme=\"dark mode\";lang=fr ;  empty=; x=a=b; sid=second;",
				 err, sizeof err) == 0);
	CHECK(f.n == 6);
	CHECK_STR(form_get(&f, "sid"), "abc123");
	CHECK(form_count(&f, "sid") == 2);
	CHECK_STR(f.fields[5].value, "second");
	CHECK_STR(form_get(&f, "theme"), "dark mode");
	CHECK_STR(form_get(&f, "lang"), "fr");
	CHECK_STR(form_get(&f, "empty"), "");
	CHECK_STR(form_get(&f, "x"), "a=b");
	form_free(&f);
	CHECK(form_parse_cookies(&f, NULL, err, sizeof err) == 0 && f.n == 0);
	CHECK(form_parse_cookies(&f, "", err, sizeof err) == 0 && f.n == 0);
	CHECK(form_parse_cookies(&f, " ; ;", err, sizeof err) == 0 && f.n == 0);
	CHECK(form_parse_cookies(&f, "q=\"\"; r=\"", err, sizeof err) == 0);
	CHECK_STR(form_get(&f, "q"), "");
	CHECK_STR(form_get(&f, "r"), "\"");
	form_free(&f);

	COOKIE_REFUSES("a/b=1", "cookie 1: the name contains '/', which a cookie name may not");
	COOKIE_REFUSES("ok=1; a(b=1", "cookie 2: the name contains '('");
	COOKIE_REFUSES("a\"=1", "the name contains '\"'");
	COOKIE_REFUSES("a b=1", "cookie 1: the name contains a space, a control character or a non-ASCII byte");
	COOKIE_REFUSES("a\x01=1", "a control character");
	COOKIE_REFUSES("\xc3\xa9=1", "non-ASCII");
	COOKIE_REFUSES("=1", "cookie 1 has an empty name");
	COOKIE_REFUSES("ok=1; justavalue", "cookie 2 has no '=' (expected name=value)");
	COOKIE_REFUSES("a=b\x01", "cookie 'a': contains a control character");
	COOKIE_REFUSES("a=b\tc", "cookie 'a': contains a control character");
	COOKIE_REFUSES("a=\xff", "cookie 'a': invalid UTF-8");

	/* 8 KiB exactly is fine, one byte more is not. */
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "a=");
	while (sb.len < FORM_MAX_COOKIE_HEADER)
		sb_addc(&sb, 'v');
	CHECK(form_parse_cookies(&f, sb.data, err, sizeof err) == 0 && f.n == 1);
	form_free(&f);
	sb_addc(&sb, 'v');
	COOKIE_REFUSES(sb.data, "the Cookie header is longer than 8 KiB");
	/* 100 cookies are fine, 101 are not. */
	sb_reset(&sb);
	for (int i = 0; i < FORM_MAX_COOKIES; i++)
		sb_printf(&sb, "c%d=%d; ", i, i);
	CHECK(form_parse_cookies(&f, sb.data, err, sizeof err) == 0 && f.n == FORM_MAX_COOKIES);
	form_free(&f);
	sb_adds(&sb, "one=more");
	COOKIE_REFUSES(sb.data, "more than 100 cookies");
	sb_free(&sb);
}

static void test_json(void)
{
	struct form f = FORM_INIT;
	CHECK(JSON_PARSE(&f, "{\"a\": \"x\", \"n\": 42, \"r\": 1.5, \"t\": true, \"f\": false, \"z\": null,\n"
			 " \"arr\": [1, \"two\", null, false], \"o\": {\"k\": [1, 2], \"s\": \"\\u00e9\"},\n"
			 " \"ao\": [{\"x\": 1}, {\"y\": null}], \"nest\": [[1]], \"none\": [], \"u\": \"\\u00e9\\n\"}") == 0);
	CHECK_STR(form_get(&f, "a"), "x");
	CHECK_STR(form_get(&f, "n"), "42");
	CHECK_STR(form_get(&f, "r"), "1.5");
	CHECK_STR(form_get(&f, "t"), "true");
	CHECK_STR(form_get(&f, "f"), "false");
	CHECK(form_get(&f, "z") == NULL);
	CHECK(form_count(&f, "arr") == 3);
	CHECK_STR(form_get(&f, "o"), "{\"k\":[1,2],\"s\":\"\xc3\xa9\"}");
	CHECK_STR(form_get(&f, "ao"), "[{\"x\":1},{\"y\":null}]");
	CHECK_STR(form_get(&f, "nest"), "[[1]]");
	CHECK(form_get(&f, "none") == NULL);
	CHECK_STR(form_get(&f, "u"), "\xc3\xa9\n");
	CHECK(f.n == 12);
	/* Members and array elements keep their order. */
	CHECK(f.n == 12 && !strcmp(f.fields[0].name, "a") && !strcmp(f.fields[5].name, "arr"));
	CHECK(f.n == 12 && !strcmp(f.fields[5].value, "1") && !strcmp(f.fields[6].value, "two") &&
	      !strcmp(f.fields[7].value, "false"));
	form_free(&f);
	CHECK(JSON_PARSE(&f, "{}") == 0 && f.n == 0);

	JSON_REFUSES("{\"a\": }", "invalid JSON at line 1, column");
	JSON_REFUSES("{\"a\": 1,\n \"b\" 2}", "invalid JSON at line 2, column");
	JSON_REFUSES("", "invalid JSON at line");
	JSON_REFUSES("\"just a string\"", "invalid JSON");
	JSON_REFUSES("[1, 2]", "the JSON body must be an object");
	JSON_REFUSES("{\"a\": 1, \"a\": 2}", "invalid JSON");
	JSON_REFUSES("{\"a\": \"\\u0000\"}", "invalid JSON");
	JSON_REFUSES("{\"a\": \"\xff\"}", "invalid JSON");
	JSON_REFUSES("{\"a\": \"\\ud800\"}", "invalid JSON");
	JSON_REFUSES("{\"a\": \"bell\\u0007\"}", "field 'a': contains a control character");
	JSON_REFUSES("{\"a\\u0007\": 1}", "member 1 of the JSON object: bad name (contains a control character)");
	JSON_REFUSES("{\"ok\": 1, \"\": 1}", "member 2 of the JSON object has an empty name");
	JSON_REFUSES("{\"a\": [\"x\", \"y\\u0001\"]}", "field 'a': contains a control character");

	/* Depth: 32 levels are fine, 33 are not, by objects or by arrays. */
	struct strbuf sb = STRBUF_INIT;
	for (int levels = FORM_MAX_JSON_DEPTH; levels <= FORM_MAX_JSON_DEPTH + 1; levels++) {
		for (int arrays = 0; arrays <= 1; arrays++) {
			sb_reset(&sb);
			sb_adds(&sb, "{\"a\":");
			for (int i = 1; i < levels; i++)
				sb_adds(&sb, arrays ? "[" : "{\"a\":");
			sb_adds(&sb, "1");
			for (int i = 1; i < levels; i++)
				sb_adds(&sb, arrays ? "]" : "}");
			sb_adds(&sb, "}");
			err[0] = '\0';
			int rc = form_parse_json(&f, sb.data, sb.len, err, sizeof err);
			if (levels == FORM_MAX_JSON_DEPTH) {
				CHECK(rc == 0 && f.n == 1);
			} else {
				CHECK(rc == -1);
				CHECK_CONTAINS(err, "the JSON body is nested deeper than 32 levels");
			}
			form_free(&f);
		}
	}
	/* An array of scalars counts one field per element. */
	sb_reset(&sb);
	sb_adds(&sb, "{\"many\": [0");
	for (int i = 1; i <= FORM_MAX_FIELDS; i++)
		sb_printf(&sb, ",%d", i);
	sb_adds(&sb, "]}");
	CHECK(form_parse_json(&f, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "too many fields");
	form_free(&f);
	/* Key length. */
	sb_reset(&sb);
	sb_addc(&sb, '{');
	sb_addc(&sb, '"');
	for (int i = 0; i <= FORM_MAX_NAME; i++)
		sb_addc(&sb, 'k');
	sb_adds(&sb, "\": 1}");
	CHECK(form_parse_json(&f, sb.data, sb.len, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "the name is longer than 256 bytes");
	form_free(&f);
	sb_free(&sb);
}

int main(void)
{
	test_field_list();
	test_text_is_clean();
	test_url_decode();
	test_urlencoded();
	test_multipart();
	test_cookies();
	test_json();
	return t_done("test_form");
}
