/* The starting points of the new-workflow page (and the definition of a
 * workflow created without one): each is a valid workflow, so that a person
 * starts from something that runs and changes it, never from an invalid
 * skeleton. tests/integration/new-workflow.sh validates and runs every one. */
#include <string.h>

#include "engine/starters.h"

const struct workflow_starter workflow_starters[] = {
	{ "blank", "Just a manual trigger", "Nothing but the Run button: add blocks from here.",
	  "{\n"
	  "  \"format\": 1,\n"
	  "  \"trigger\": {\"type\": \"manual\"},\n"
	  "  \"blocks\": [],\n"
	  "  \"edges\": []\n"
	  "}" },
	{ "webhook", "Answer a webhook", "A POST to the workflow's address is answered with a greeting for its \"name\".",
	  "{\n"
	  "  \"format\": 1,\n"
	  "  \"trigger\": {\"type\": \"webhook\", \"reply\": \"greet.text\"},\n"
	  "  \"blocks\": [\n"
	  "    {\"id\": \"greet\", \"type\": \"text.template\",\n"
	  "     \"config\": {\"template\": \"Hello, {{ trigger.body.name | default: \\\"stranger\\\" }}!\"}}\n"
	  "  ],\n"
	  "  \"edges\": []\n"
	  "}" },
	{ "schedule", "Run every morning", "A schedule at 9:00 (UTC) that records when it was due.",
	  "{\n"
	  "  \"format\": 1,\n"
	  "  \"trigger\": {\"type\": \"schedule\", \"cron\": \"0 9 * * *\", \"timezone\": \"UTC\"},\n"
	  "  \"blocks\": [\n"
	  "    {\"id\": \"note\", \"type\": \"json.set\",\n"
	  "     \"config\": {\"set\": {\"ran_at\": \"{{ trigger.scheduled_at | default: \\\"by hand\\\" }}\"}}}\n"
	  "  ],\n"
	  "  \"edges\": []\n"
	  "}" },
};
const size_t workflow_starters_count = sizeof workflow_starters / sizeof workflow_starters[0];

const struct workflow_starter *workflow_starter_find(const char *key)
{
	for (size_t i = 0; key && i < workflow_starters_count; i++)
		if (!strcmp(workflow_starters[i].key, key))
			return &workflow_starters[i];
	return NULL;
}

json_t *workflow_blank(void)
{
	return json_loads(workflow_starters[0].definition, 0, NULL);
}
