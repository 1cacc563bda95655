/* Adding a document to a knowledge base from its page: the text of an
 * uploaded file (text, HTML or PDF), of a URL fetched through the broker's
 * egress policy, or pasted, cut into chunks and embedded by the base's
 * provider (its "embedding", set when the base was made on the Knowledge
 * page), with a credential the person adding it may use. A PDF is read by
 * pdf.text and HTML by html.to_text, each confined in the sandbox as in a
 * run: a document from outside is never parsed in the daemon. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/credentials.h"
#include "broker/egress.h"
#include "broker/knowledge.h"
#include "broker/llm.h"
#include "binary.h"
#include "broker/secrets.h"
#include "clock.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "web/app.h"
#include "web/form.h"
#include "web/pages/pages.h"

#define READ_WALL_MS 60000     /* pdf.text or html.to_text, at most */
#define EMBED_WALL_MS 120000   /* the embeddings of one document, at most */

/* The text of block (pdf.text, html.to_text) run on input at port, or NULL with err. */
static char *read_with(struct request *r, const char *block, const char *port, json_t *input, char *err, size_t errlen)
{
	struct run_limits lim = { .wall_ms = READ_WALL_MS };
	struct run_result res = { 0 };
	json_t *inputs = json_pack("{s:o}", port, input), *config = json_object();
	sandbox_run(r->app->sandbox, block, config, inputs, &lim, &res);
	json_decref(inputs);
	json_decref(config);
	const json_t *out = json_object_get(res.outputs, "text");
	const char *text = json_is_object(out) ? json_string_value(json_object_get(out, "text")) : json_string_value(out);
	char *copy = res.outcome == RUN_OK && text ? xstrdup(text) : NULL;
	if (!copy)
		snprintf(err, errlen, "%s could not read it: %s", block, res.message ? res.message : "it gave no text");
	run_result_free(&res);
	return copy;
}

/* The text of bytes of type (a MIME type, or ""), named what: PDF, HTML or text. */
static char *text_of(struct request *r, const char *what, const char *type, const char *bytes, size_t len, char *err,
                     size_t errlen)
{
	if ((len >= 5 && !memcmp(bytes, "%PDF-", 5)) || strstr(type, "application/pdf")) {
		json_t *data = binary_new(bytes, len, NULL, NULL); /* pdf.text takes the base64 text as it is */
		char *text = read_with(r, "pdf.text", "in", json_incref(json_object_get(data, "base64")), err, errlen);
		json_decref(data);
		return text;
	}
	const char *problem = text_problem(bytes, len, 0);
	if (problem) {
		snprintf(err, errlen, "%s is not text (it %s): give text, HTML or PDF", what, problem);
		return NULL;
	}
	if (strstr(type, "html"))
		return read_with(r, "html.to_text", "html", json_stringn(bytes, len), err, errlen);
	return xstrndup(bytes, len);
}

/* The text of the document at url, fetched under axon.conf's egress policy
 * (caller frees), or NULL with err. */
static char *fetch(struct request *r, const char *url, char *err, size_t errlen)
{
	struct egress_policy p = egress_policy_from_config(&r->app->cfg);
	struct secrets *none = secrets_open(""); /* no secret goes with it */
	json_t *req = json_pack("{s:s, s:s}", "url", url, "method", "GET");
	json_t *resp = egress_request(&p, none, NULL, req, err, errlen);
	json_decref(req);
	secrets_close(none);
	if (!resp)
		return NULL;
	json_int_t status = json_integer_value(json_object_get(resp, "status"));
	const char *type = json_string_value(json_object_get(json_object_get(resp, "headers"), "content-type"));
	const json_t *body = json_object_get(resp, "body"), *b64 = json_object_get(resp, "body_base64");
	char *text = NULL;
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "%.200s answered %lld, not a document", url, (long long)status);
	} else if (json_is_string(body)) {
		text = text_of(r, url, type ? type : "", json_string_value(body), json_string_length(body), err, errlen);
	} else {
		unsigned char *bytes = NULL;
		size_t len = 0;
		json_t *data = json_pack("{s:O?}", "base64", b64);
		if (binary_decode(data, &bytes, &len, err, errlen) == 0)
			text = text_of(r, url, type ? type : "", (const char *)bytes, len, err, errlen);
		free(bytes);
		json_decref(data);
	}
	json_decref(resp);
	return text;
}

/* The document's text from the form: the file, the url or the text, exactly
 * one; *name its name when the form gives none, *source where it came from. */
static char *document_text(struct request *r, const char **name, const char **source, char *err, size_t errlen)
{
	const struct form_field *file = form_field(&r->body, "file");
	const char *url = req_field(r, "url"), *text = req_field(r, "text");
	bool has_file = file && file->filename && file->value_len;
	int given = has_file + (url && *url) + (text && *text);
	if (given != 1) {
		snprintf(err, errlen, "%s: give one of a file to upload, a URL or a text", given ? "Only one source at a time" : "Nothing to add");
		return NULL;
	}
	if (has_file) {
		*name = *file->filename ? file->filename : "upload";
		*source = "upload";
		return text_of(r, "the file", file->content_type ? file->content_type : "", file->value, file->value_len, err, errlen);
	}
	if (url && *url) {
		*name = *source = url;
		return fetch(r, url, err, errlen);
	}
	*name = "pasted text";
	*source = "pasted";
	return xstrdup(text);
}

/* Embeds and adds text to the base kb with its embedding settings; the
 * answer of knowledge_request, or NULL with err (secret values masked). */
static json_t *embed(struct request *r, const json_t *kb, const char *name, const char *source, const char *text,
                     char *err, size_t errlen)
{
	const json_t *e = json_object_get(kb, "embedding");
	const char *cred = json_string_value(json_object_get(e, "credential"));
	const char *base_url = json_string_value(json_object_get(e, "base_url"));
	struct llm_provider prov = { 0 };
	struct secrets *masks = secrets_open("");
	json_t *fields = NULL, *done = NULL;
	int64_t id = 0;
	int rc = llm_protocol_named(json_string_value(json_object_get(e, "protocol")));
	prov.protocol = rc < 0 ? LLM_OPENAI : (enum llm_protocol)rc;
	if (cred && *cred) {
		fields = credential_for_user(r->st, r->app->keyring, r->user.id, cred, "llm", &id, err, errlen);
		rc = fields ? llm_provider_from_credential(&prov, cred, id, "llm", fields, err, errlen) : -1;
		if (fields)
			secrets_remember(masks, fields);
	} else {
		prov.base_url = xstrdup(base_url ? base_url : "");
		rc = 0;
	}
	if (rc == 0) {
		struct egress_policy p = egress_policy_from_config(&r->app->cfg);
		struct llm_hooks h = { NULL, NULL, NULL, mono_ms() + EMBED_WALL_MS };
		json_t *req = json_pack("{s:s, s:O, s:O, s:s, s:s, s:s}", "op", "add", "kb", json_object_get(kb, "name"), "model",
		                        json_object_get(e, "model"), "document", name, "source", source, "text", text);
		done = knowledge_request(r->app->cfg.database, &p, &prov, req, &h, err, errlen);
		json_decref(req);
	}
	char *masked = secrets_mask(masks, err);
	snprintf(err, errlen, "%s", masked);
	free(masked);
	secrets_close(masks);
	broker_credential_free(fields);
	llm_provider_free(&prov);
	return done;
}

void knowledge_document_add(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	json_t *kb = NULL;
	int rc = id ? store_kb_get(r->st, id, &kb) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such knowledge base.");
		return;
	}
	char err[1200] = "", url[64];
	const char *name = NULL, *source = NULL, *given = req_field(r, "name");
	char *text = NULL;
	json_t *done = NULL;
	if (!json_is_object(json_object_get(kb, "embedding")))
		snprintf(err, sizeof err, "This base was made by a workflow (ai.index), which says how it is embedded: add "
		         "documents to it from a workflow, or make a base on the Knowledge page");
	else if ((text = document_text(r, &name, &source, err, sizeof err)) != NULL)
		done = embed(r, kb, given && *given ? given : name, source, text, err, sizeof err);
	free(text);
	snprintf(url, sizeof url, "/knowledge/%lld", (long long)id);
	json_decref(kb);
	if (!done) {
		reply_error(r, 422, err, NULL);
		return;
	}
	json_object_set_new(done, "url", json_string(url));
	reply_done(r, 201, url, done);
}
