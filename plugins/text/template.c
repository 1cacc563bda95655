/* text.template: fills "{{ path }}" placeholders from the inputs. */
#include <string.h>

#include "template_fill.h"
#include "text/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *tpl = json_string_value(json_object_get(config, "template"));
	int missing_empty = !strcmp(json_string_value(json_object_get(config, "missing")), "empty");
	json_t *text;
	if (template_fill(ctx, tpl, inputs, missing_empty, &text) != AXON_OK)
		return AXON_FAIL;
	return axon_emit(ctx, "text", text) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the placeholders refer to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "the filled template" },
	{ NULL, NULL },
};

const struct axon_block text_template_block = {
	.name = "text.template",
	.version = "1.0.0",
	.title = "Fill a template",
	.description = "Replaces each {{ path }} in a text with the value at that path in the inputs, e.g. {{ in.user.name }}.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"template\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Template\", \"description\": \"Text with {{ in.path }} placeholders, filled from the input; in a workflow, {{ trigger... }} and {{ block... }} are filled first\"},"
		"\"missing\": {\"type\": \"string\", \"title\": \"A missing value\", \"description\": \"error: a placeholder whose path is not in the inputs fails the block; empty: it becomes empty text\", \"enum\": [\"error\", \"empty\"], \"default\": \"error\"}},"
		"\"required\": [\"template\"]}",
	.run = run,
};
