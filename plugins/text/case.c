/* text.case: upper, lower, title and sentence case, and the camelCase,
 * snake_case and kebab-case of identifiers. Case is Unicode's, from the
 * C.UTF-8 locale loaded when the plugin is (in the zygote: a confined block
 * cannot open locale files); where it is missing, ASCII letters only. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "text/blocks.h"
#include "text/input.h"

static locale_t ctype;

__attribute__((constructor)) static void load_ctype(void)
{
	ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!ctype)
		ctype = newlocale(LC_CTYPE_MASK, "C", (locale_t)0);
}

__attribute__((destructor)) static void free_ctype(void)
{
	if (ctype)
		freelocale(ctype);
}

/* Valid UTF-8 (as every JSON string is) into code points; n of them. */
static uint32_t *decode(const char *s, size_t len, size_t *n)
{
	uint32_t *cp = malloc((len + 1) * sizeof *cp);
	size_t k = 0;
	for (size_t i = 0; cp && i < len; k++) {
		unsigned char c = (unsigned char)s[i];
		int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		uint32_t v = extra ? c & (0x3f >> extra) : c;
		i++;
		for (int j = 0; j < extra && i < len; j++, i++)
			v = v << 6 | ((unsigned char)s[i] & 0x3f);
		cp[k] = v;
	}
	*n = k;
	return cp;
}

static size_t encode(uint32_t v, char *out)
{
	if (v < 0x80) {
		out[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		out[0] = (char)(0xc0 | v >> 6);
		out[1] = (char)(0x80 | (v & 0x3f));
		return 2;
	}
	if (v < 0x10000) {
		out[0] = (char)(0xe0 | v >> 12);
		out[1] = (char)(0x80 | (v >> 6 & 0x3f));
		out[2] = (char)(0x80 | (v & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | v >> 18);
	out[1] = (char)(0x80 | (v >> 12 & 0x3f));
	out[2] = (char)(0x80 | (v >> 6 & 0x3f));
	out[3] = (char)(0x80 | (v & 0x3f));
	return 4;
}

static uint32_t upper(uint32_t c)
{
	uint32_t u = (uint32_t)towupper_l((wint_t)c, ctype);
	return u <= 0x10ffff && (u < 0xd800 || u > 0xdfff) ? u : c;
}

static uint32_t lower(uint32_t c)
{
	uint32_t l = (uint32_t)towlower_l((wint_t)c, ctype);
	return l <= 0x10ffff && (l < 0xd800 || l > 0xdfff) ? l : c;
}

static int alnum(uint32_t c)
{
	return iswalnum_l((wint_t)c, ctype);
}

static int is_upper(uint32_t c)
{
	return iswupper_l((wint_t)c, ctype);
}

/* Whether a word of an identifier starts at cp[i]: after a character that
 * is not a letter or digit, at a lower-to-upper step ("fooBar"), and before
 * the last capital of a run followed by a small letter ("HTTPServer"). */
static int word_start(const uint32_t *cp, size_t n, size_t i)
{
	if (!alnum(cp[i]))
		return 0;
	if (i == 0 || !alnum(cp[i - 1]))
		return 1;
	if (is_upper(cp[i]) && !is_upper(cp[i - 1]))
		return 1;
	return is_upper(cp[i]) && is_upper(cp[i - 1]) && i + 1 < n && alnum(cp[i + 1]) && !is_upper(cp[i + 1]) &&
	       iswalpha_l((wint_t)cp[i + 1], ctype);
}

/* The n code points of cp in the new case, into out (room for 2 n: the
 * identifier cases may add a joint before each character); their count. */
static size_t convert(uint32_t *cp, size_t n, uint32_t *out, const char *mode)
{
	int title = !strcmp(mode, "title"), sentence = !strcmp(mode, "sentence");
	size_t k = 0;
	if (!strcmp(mode, "upper") || !strcmp(mode, "lower")) {
		for (; k < n; k++)
			out[k] = mode[0] == 'u' ? upper(cp[k]) : lower(cp[k]);
	} else if (title || sentence) {
		int first = 1;
		for (; k < n; k++) {
			int starts = title ? alnum(cp[k]) && (k == 0 || (!alnum(cp[k - 1]) && cp[k - 1] != '\''))
					   : first && alnum(cp[k]);
			out[k] = starts ? upper(cp[k]) : lower(cp[k]);
			first &= !alnum(cp[k]);
		}
	} else {
		/* camel, snake, kebab: the words joined anew */
		uint32_t joint = !strcmp(mode, "snake") ? '_' : !strcmp(mode, "kebab") ? '-' : 0;
		size_t words = 0;
		for (size_t i = 0; i < n; i++) {
			if (!alnum(cp[i]))
				continue;
			int starts = word_start(cp, n, i);
			if (starts && words++ && joint)
				out[k++] = joint;
			out[k++] = starts && !joint && words > 1 ? upper(cp[i]) : lower(cp[i]);
		}
	}
	return k;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	size_t len, n;
	const char *text = text_input(ctx, inputs, config, &len);
	const char *mode = json_string_value(json_object_get(config, "mode"));
	if (!text)
		return AXON_FAIL;
	uint32_t *cp = decode(text, len, &n);
	uint32_t *changed = cp ? malloc((2 * n + 1) * sizeof *changed) : NULL;
	char *out = changed ? malloc(8 * n + 1) : NULL;
	if (!out) {
		free(cp);
		free(changed);
		return axon_fail(ctx, "out of memory changing the case of %zu bytes", len);
	}
	size_t m = convert(cp, n, changed, mode), k = 0;
	for (size_t i = 0; i < m; i++)
		k += encode(changed[i], out + k);
	json_t *s = json_stringn(out, k);
	free(cp);
	free(changed);
	free(out);
	if (!s)
		return axon_fail(ctx, "the text in a new case is not valid UTF-8");
	return axon_emit(ctx, "text", s) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a text, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "the text in the new case" },
	{ NULL, NULL },
};

const struct axon_block text_case_block = {
	.name = "text.case",
	.version = "1.0.0",
	.title = "Change case",
	.description = "Puts a text in upper, lower, title or sentence case, or turns it into a camelCase, snake_case or kebab-case name.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" TEXT_PATH ","
		"\"mode\": {\"type\": \"string\", \"title\": \"Case\", \"description\": \"upper: ÉTÉ; lower: été; title: Each Word Capitalised; sentence: Only the first; camel: orderTotal; snake: order_total; kebab: order-total (these three keep only letters and digits)\", \"enum\": [\"upper\", \"lower\", \"title\", \"sentence\", \"camel\", \"snake\", \"kebab\"], \"default\": \"lower\"}}}",
	.run = run,
};
