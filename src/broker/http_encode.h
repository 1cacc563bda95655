/* What a block's HTTP request object says beyond a URL and a text body,
 * turned into what libcurl sends: "query" appended to the URL, a "form"
 * sent urlencoded, "multipart" parts with files from binary data. Values are
 * strings, numbers or booleans, or arrays of them for a name repeated;
 * multipart values may also be binary data (binary.h). */
#ifndef AXON_BROKER_HTTP_ENCODE_H
#define AXON_BROKER_HTTP_ENCODE_H
#include <stddef.h>

#include <curl/curl.h>
#include <jansson.h>

/* The URL with the query's pairs appended (a new string), or NULL with the
 * reason in err. query may be NULL: a copy of url. */
char *http_url_with_query(const char *url, const json_t *query, char *err, size_t errlen);
/* "a=1&b=two%20words" from a form object (a new string), or NULL with the reason in err. */
char *http_form_encode(const json_t *form, char *err, size_t errlen);
/* The parts of a multipart/form-data body on c, or NULL with the reason in err. */
curl_mime *http_multipart(CURL *c, const json_t *parts, char *err, size_t errlen);

#endif
