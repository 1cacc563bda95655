/* An HTTP answer as http.request emits it: the body a string when the
 * answer is text, binary data ({"base64", "size", "content_type"}) when its
 * Content-Type is not a text type or its bytes are not UTF-8. */
#ifndef AXON_PLUGINS_NET_RESPONSE_H
#define AXON_PLUGINS_NET_RESPONSE_H
#include <jansson.h>

/* Rewrites the host's answer in place (body_base64 becomes binary data). */
void response_settle(json_t *resp);

#endif
